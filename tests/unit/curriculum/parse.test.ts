import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { editDistance, suggest } from "../../../src/curriculum/common.js";
import { parseLesson, parseTrack } from "../../../src/curriculum/parse.js";
import { expectProblem, lineOf, VALID_FIXTURE } from "./fixture.js";

const NOW = new Date("2026-11-21T12:00:00Z");
const fixture = (rel: string) => readFileSync(join(VALID_FIXTURE, rel), "utf8");

/** A lesson with the given body under a valid front matter (front matter is lines 1-11). */
function lessonWith(body: string, extraFront = ""): string {
  return `---
id: bai-thu
title: Bài thử
minutes: 5
level: co-ban
competences: [digcomp-2.1]
questions: [bai thu la gi]
sources:
  - url: https://example.org/bai-thu
    checked: 2026-10-01
${extraFront}---

${body}`;
}

const parse = (source: string) => parseLesson(source, "thu/01-bai.md", "thu", 1, { now: NOW });

describe("parseLesson on a complete lesson", () => {
  const source = fixture("vneid/02-kich-hoat.md");
  const { lesson, problems } = parseLesson(source, "vneid/02-kich-hoat.md", "vneid", 2, { now: NOW });

  it("has no problems", () => {
    expect(problems).toEqual([]);
  });

  it("reads the front matter", () => {
    expect(lesson).toMatchObject({
      id: "vneid-kich-hoat",
      trackId: "vneid",
      title: "Kích hoạt tài khoản VNeID",
      minutes: 5,
      level: "trung-binh",
      competences: ["digcomp-2.3", "tt02-1.1"],
      requires: ["vneid-cai-dat"],
      sources: [{ url: "https://example.org/vneid-kich-hoat", title: "Hướng dẫn kích hoạt", checked: "2026-11-01" }],
      unverified: [3],
      order: 2,
      file: "vneid/02-kich-hoat.md",
    });
  });

  it("keeps the intro's paragraphs and bold markers", () => {
    expect(lesson?.intro).toBe(
      "Mục tiêu: sau bài này, bác tự kích hoạt được tài khoản **VNeID** mức 1.\n\nBác cần có điện thoại và căn cước.",
    );
  });

  it("reads each kind of step with its heading line", () => {
    expect(lesson?.steps).toEqual([
      {
        kind: "instruction",
        index: 1,
        title: "Mở ứng dụng",
        line: lineOf(source, "## Bước 1"),
        text: "Bác mở ứng dụng **VNeID** trên điện thoại.",
        image: { file: "vneid-home.png", alt: "Màn hình chính VNeID" },
        tip: "Biểu tượng VNeID có hình lá cờ đỏ.",
      },
      {
        kind: "checkpoint",
        index: 2,
        title: "Bác đã thấy ô nhập số định danh chưa?",
        line: lineOf(source, "## Kiểm tra"),
        text: "",
        options: [{ label: "Đã thấy" }, { label: "Chưa thấy", help: 'Bác kéo màn hình xuống dưới cùng, tìm dòng "Kích hoạt tài khoản".' }],
      },
      {
        kind: "instruction",
        index: 3,
        title: "Nhập số định danh cá nhân",
        line: lineOf(source, "## Bước 2"),
        text: "Bác làm lần lượt:\n\n• Nhập 12 số trên căn cước\n• Nhập số điện thoại\n• Bấm **Gửi yêu cầu**",
      },
      {
        kind: "quiz",
        index: 4,
        title: "Ai được phép hỏi mã OTP của bác?",
        line: lineOf(source, "## Câu hỏi"),
        text: "",
        options: [
          { label: "Cán bộ công an gọi điện đến", correct: false },
          { label: "Nhân viên ngân hàng", correct: false },
          { label: "Không ai cả", correct: true },
        ],
        explanation: "Mã OTP là chìa khoá tài khoản của bác.",
      },
    ]);
  });

  it("reads the summary", () => {
    expect(lesson?.summary).toBe("Bác đã kích hoạt xong tài khoản VNeID.");
  });
});

describe("parseLesson body details", () => {
  it("takes an explanation written right under the last option (no blank line)", () => {
    const { lesson, problems } = parseLesson(fixture("an-toan/02-ma-otp.md"), "an-toan/02-ma-otp.md", "an-toan", 2, {
      now: NOW,
    });
    expect(problems).toEqual([]);
    const quiz = lesson?.steps[1];
    expect(quiz?.kind).toBe("quiz");
    if (quiz?.kind !== "quiz") return;
    expect(quiz.options.map((o) => o.label)).toEqual(["Cán bộ công an gọi điện đến", "Nhân viên ngân hàng", "Không ai cả"]);
    expect(quiz.explanation).toBe("Mã OTP là chìa khoá tài khoản của bác.");
  });

  it("reads bold labels, text before options, a tip and an image in a checkpoint", () => {
    const source = lessonWith(`Mục tiêu: thử.

## Kiểm tra: Bác thấy nút **Đăng nhập** chưa?
Nhìn phía dưới màn hình.
![Nút đăng nhập](../media/nut.png)

- **Đã thấy**
- **Chưa thấy:** Bác kéo màn hình lên.
  Rồi nhìn lại.

> **Gợi ý:** Nút màu đỏ.
`);
    const { lesson, problems } = parse(source);
    expect(problems).toEqual([]);
    expect(lesson?.steps[0]).toEqual({
      kind: "checkpoint",
      index: 1,
      title: "Bác thấy nút Đăng nhập chưa?",
      line: 15,
      text: "Nhìn phía dưới màn hình.",
      image: { file: "nut.png", alt: "Nút đăng nhập" },
      tip: "Nút màu đỏ.",
      options: [{ label: "Đã thấy" }, { label: "Chưa thấy", help: "Bác kéo màn hình lên.\nRồi nhìn lại." }],
    });
  });

  it("renders links, ordered and nested lists, and drops HTML comments", () => {
    const source = lessonWith(`Mục tiêu: thử.

<!-- ghi chú cho người soạn -->

## Bước 1: Vào trang
Bác mở [Cổng dịch vụ công](https://dichvucong.gov.vn) và *đọc kỹ*.

1. Bấm **Đăng nhập**
2. Chọn tài khoản
   - VNeID
   - Tài khoản cổng

## Câu hỏi: Có nên chia sẻ mật khẩu?
- [ ] Có
- [X] Không
`);
    const { lesson, problems } = parse(source);
    expect(problems).toEqual([]);
    expect(lesson?.intro).toBe("Mục tiêu: thử.");
    expect(lesson?.steps[0]?.text).toBe(
      "Bác mở Cổng dịch vụ công (https://dichvucong.gov.vn) và đọc kỹ.\n\n1. Bấm **Đăng nhập**\n2. Chọn tài khoản\n  ◦ VNeID\n  ◦ Tài khoản cổng",
    );
    const quiz = lesson?.steps[1];
    expect(quiz?.kind === "quiz" && quiz.options.map((o) => o.correct)).toEqual([false, true]);
  });

  it("accepts Windows line endings, a BOM and decomposed Vietnamese (macOS)", () => {
    const source =
      `\uFEFF${lessonWith("Mục tiêu: thử.\n\n## Bước 1: Mở máy\nBác mở máy.\n\n## Kiểm tra: Được chưa?\n- Được rồi\n- Chưa được: Bác thử lại.\n")}`
        .normalize("NFD")
        .replace(/\n/g, "\r\n");
    const { lesson, problems } = parse(source);
    expect(problems).toEqual([]);
    expect(lesson?.steps.map((s) => [s.kind, s.title, s.line])).toEqual([
      ["instruction", "Mở máy", 15],
      ["checkpoint", "Được chưa?", 18],
    ]);
  });

  it("counts unverified step numbers over all steps", () => {
    const body = "Mục tiêu: thử.\n\n## Bước 1: Một\nBác làm một.\n\n## Kiểm tra: Xong chưa?\n- Xong\n- Chưa: Làm lại.\n";
    expect(parse(lessonWith(body, "unverified: [2]\n")).lesson?.unverified).toEqual([2]);
    const source = lessonWith(body, "unverified: [3]\n");
    expectProblem(parse(source).problems, {
      file: "thu/01-bai.md",
      line: lineOf(source, "unverified"),
      message: "`unverified` ghi bước số 3 nhưng bài chỉ có 2 bước",
    });
  });
});

describe("parseLesson problems", () => {
  const file = "thu/01-bai.md";
  const goodBody = "Mục tiêu: thử.\n\n## Bước 1: Một\nBác làm một.\n\n## Kiểm tra: Xong chưa?\n- Xong\n- Chưa: Làm lại.\n";

  it("reports a missing front matter at line 1", () => {
    expectProblem(parse("# Bài học\n\nNội dung").problems, { file, line: 1, message: "phải bắt đầu bằng dòng `---`" });
  });

  it("reports an unclosed front matter", () => {
    expectProblem(parse("---\nid: a\ntitle: b\n").problems, { file, line: 1, message: "thiếu dòng `---` thứ hai" });
  });

  it("reports a tab used for indentation at its line", () => {
    const source = lessonWith(goodBody).replace("    checked", "\tchecked");
    expectProblem(parse(source).problems, { file, line: lineOf(source, "checked"), message: "Tab" });
  });

  it("reports missing and malformed fields with their lines", () => {
    const source = lessonWith(goodBody)
      .replace("minutes: 5", "minutes: 45")
      .replace("level: co-ban", "level: de")
      .replace("competences: [digcomp-2.1]", "competences: [digcomp-2.9]")
      .replace("  - url: https://example.org/bai-thu\n", "  - url: example.org\n")
      .replace("id: bai-thu\n", "");
    const { problems, lesson } = parse(source);
    expect(lesson).toBeUndefined();
    expectProblem(problems, { file, line: 2, message: "Thiếu trường `id`" });
    expectProblem(problems, { file, line: lineOf(source, "minutes"), message: /Trường `minutes` không hợp lệ \(đang là số 45\)/ });
    expectProblem(problems, { file, line: lineOf(source, "level"), message: "`co-ban`, `trung-binh`, `nang-cao`" });
    expectProblem(problems, { file, line: lineOf(source, "competences"), message: "Mục thứ 1 của `competences` không hợp lệ" });
    expectProblem(problems, { file, line: lineOf(source, "url:"), message: "Trường `url` ở mục thứ 1 của `sources`" });
  });

  it("reports a checked date in the future or not a real date", () => {
    const future = lessonWith(goodBody).replace("checked: 2026-10-01", "checked: 2026-12-01");
    expectProblem(parse(future).problems, { file, line: lineOf(future, "checked"), message: "nằm trong tương lai" });
    const invalid = lessonWith(goodBody).replace("checked: 2026-10-01", "checked: 2026-02-30");
    expectProblem(parse(invalid).problems, { file, line: lineOf(invalid, "checked"), message: "không có thật" });
  });

  it("suggests the right name for an unknown source field", () => {
    const source = lessonWith(goodBody).replace("    checked:", "    ngay:");
    expectProblem(parse(source).problems, {
      file,
      line: lineOf(source, "ngay:"),
      message: "Không có trường `ngay` trong mục thứ 1 của `sources`; có phải ý bạn là `checked`?",
    });
  });

  it("reports a missing intro", () => {
    const source = lessonWith("## Bước 1: Một\nBác làm một.\n");
    expectProblem(parse(source).problems, { file, line: 12, message: "đoạn mở đầu" });
  });

  it("reports an instruction step without text and a step heading without number", () => {
    const source = lessonWith("Mục tiêu: thử.\n\n## Bước 1: Một\n\n## Bước: Hai\nBác làm hai.\n");
    const { problems } = parse(source);
    expectProblem(problems, { file, line: lineOf(source, "## Bước 1"), message: "chưa có nội dung" });
    expectProblem(problems, { file, line: lineOf(source, "## Bước: Hai"), message: "thiếu số thứ tự" });
  });

  it("suggests the accented word for a heading typed without diacritics", () => {
    const source = lessonWith("Mục tiêu: thử.\n\n## Buoc 1: Một\nBác làm một.\n");
    expectProblem(parse(source).problems, { file, line: 15, message: "có phải ý bạn là `Bước`" });
  });

  it("reports a summary that is not last", () => {
    const source = lessonWith("Mục tiêu: thử.\n\n## Tóm tắt\nXong.\n\n## Bước 1: Một\nBác làm một.\n");
    expectProblem(parse(source).problems, { file, line: lineOf(source, "## Bước 1"), message: "phải ở cuối bài" });
  });

  it("reports two images in one step and an image outside media/", () => {
    const source = lessonWith(
      "Mục tiêu: thử.\n\n## Bước 1: Một\nBác làm một.\n\n![a](../media/a.png)\n\n![b](https://example.org/b.png)\n",
    );
    const { problems } = parse(source);
    expectProblem(problems, { file, line: lineOf(source, "![b]"), message: "tối đa một hình" });
  });

  it("rejects an image path that leaves media/", () => {
    const source = lessonWith("Mục tiêu: thử.\n\n## Bước 1: Một\nBác làm một.\n\n![a](../khac/a.png)\n");
    expectProblem(parse(source).problems, { file, line: lineOf(source, "![a]"), message: "phải nằm trong thư mục `media/`" });
  });

  it("requires a way forward in a checkpoint and a [ ]/[x] box in a quiz", () => {
    const source = lessonWith(
      "Mục tiêu: thử.\n\n## Kiểm tra: Thấy chưa?\n- Chưa: Làm lại.\n- Không: Hỏi con cháu.\n\n## Câu hỏi: Đúng không?\n- Có\n- [x] Không\n",
    );
    const { problems } = parse(source);
    expectProblem(problems, { file, line: lineOf(source, "- Chưa:"), message: "không có lời giúp" });
    expectProblem(problems, { file, line: lineOf(source, "- Có"), message: "phải bắt đầu bằng `[ ]`" });
  });

  it("rejects quizzes with one or six options", () => {
    const one = lessonWith("Mục tiêu: thử.\n\n## Câu hỏi: Đúng không?\n- [x] Có\n");
    expectProblem(parse(one).problems, { file, line: lineOf(one, "- [x] Có"), message: "cần từ 2 đến 5 lựa chọn" });
    const options = ["A", "B", "C", "D", "E"].map((x) => `- [ ] ${x}`).join("\n");
    const six = lessonWith(`Mục tiêu: thử.\n\n## Câu hỏi: Chọn gì?\n${options}\n- [x] F\n`);
    expectProblem(parse(six).problems, { file, line: lineOf(six, "- [ ] A"), message: "Câu hỏi có 6 lựa chọn" });
  });

  it("warns about a long sentence at its own line", () => {
    const long = Array.from({ length: 30 }, (_, i) => `từ${i}`).join(" ");
    const source = lessonWith(
      `Mục tiêu: thử.\n\n## Bước 1: Một\nCâu ngắn.\nCâu đầu ngắn. ${long}.\n\n## Kiểm tra: Xong?\n- Xong\n- Chưa: Làm lại.\n`,
    );
    const { problems, lesson } = parse(source);
    expect(lesson).toBeDefined();
    expectProblem(problems, { file, line: lineOf(source, "từ0"), severity: "warning", message: "Câu dài 30 từ" });
  });

  it("warns above 8 steps, errs above 12, and warns without any check", () => {
    const steps = (n: number) =>
      Array.from({ length: n }, (_, i) => `## Bước ${i + 1}: Việc ${i + 1}\nBác làm việc ${i + 1}.\n`).join("\n");
    const nine = lessonWith(`Mục tiêu: thử.\n\n${steps(9)}`);
    const nineResult = parse(nine);
    expect(nineResult.lesson?.steps).toHaveLength(9);
    expectProblem(nineResult.problems, { file, line: lineOf(nine, "## Bước 9"), severity: "warning", message: "tối đa 8 bước" });
    expectProblem(nineResult.problems, { file, line: 1, severity: "warning", message: "chưa có phần `## Kiểm tra:`" });
    const thirteen = lessonWith(`Mục tiêu: thử.\n\n${steps(13)}`);
    expectProblem(parse(thirteen).problems, { file, line: lineOf(thirteen, "## Bước 13"), message: "tối đa 12 bước" });
  });

  it("warns about a blockquote that is not a tip and about ### headings", () => {
    const source = lessonWith("Mục tiêu: thử.\n\n## Bước 1: Một\nBác làm một.\n\n> Chú ý: cẩn thận.\n\n### Phần phụ\n");
    const { problems, lesson } = parse(source);
    expectProblem(problems, { file, line: lineOf(source, "> Chú ý"), severity: "warning", message: "`> Gợi ý:`" });
    expectProblem(problems, { file, line: lineOf(source, "### Phần"), severity: "warning", message: "`### `" });
    expect(lesson?.steps[0]?.text).toBe("Bác làm một.\n\nChú ý: cẩn thận.\n\nPhần phụ");
  });

  it("returns the id, requires and images with lines even when the lesson has errors", () => {
    const source = lessonWith("## Bước 1: Một\n![a](../media/a.png)\n", "requires: [bai-khac]\n");
    const { lesson, meta } = parse(source);
    expect(lesson).toBeUndefined();
    expect(meta).toEqual({
      id: "bai-thu",
      idLine: 2,
      requires: [{ id: "bai-khac", line: lineOf(source, "requires") }],
      images: [{ file: "a.png", line: lineOf(source, "![a]") }],
    });
  });
});

describe("parseTrack", () => {
  it("reads a valid track.yaml", () => {
    expect(parseTrack(fixture("an-toan/track.yaml"), "an-toan/track.yaml")).toEqual({
      track: {
        title: "An toàn trên mạng",
        description: "Giữ tiền và tài khoản an toàn khi dùng điện thoại",
        order: 1,
        emoji: "🛡️",
        audience: "Mọi người, nhất là người cao tuổi",
      },
      problems: [],
    });
  });

  it("reports invalid, missing and unknown fields at their lines", () => {
    const source = "description: Giữ tiền\norder: một\ntieu-de: An toàn\n";
    const { track, problems } = parseTrack(source, "an-toan/track.yaml");
    expect(track).toBeUndefined();
    expectProblem(problems, { file: "an-toan/track.yaml", line: 2, message: "Trường `order` không hợp lệ (đang là `một`)" });
    expectProblem(problems, { file: "an-toan/track.yaml", line: 3, message: "có phải ý bạn là `title`?" });
    // The suggestion already covers the missing title.
    expect(problems).toHaveLength(2);
    const missing = parseTrack("title: An toàn\norder: 1\n", "an-toan/track.yaml").problems;
    expectProblem(missing, { file: "an-toan/track.yaml", line: 1, message: "Thiếu trường `description`" });
  });

  it("reports an empty track.yaml", () => {
    expectProblem(parseTrack("", "x/track.yaml").problems, { file: "x/track.yaml", line: 1, message: "đang trống" });
  });
});

describe("suggest", () => {
  it("finds near typos, Vietnamese names and case slips, and nothing for unrelated words", () => {
    const keys = ["id", "title", "minutes", "level", "competences", "requires", "sources", "unverified"];
    expect(suggest("tittle", keys)).toBe("title");
    expect(suggest("Title", keys)).toBe("title");
    expect(suggest("minute", keys)).toBe("minutes");
    expect(suggest("competence", keys)).toBe("competences");
    expect(suggest("tiêu đề", keys)).toBe("title");
    expect(suggest("mức độ", keys)).toBe("level");
    expect(suggest("banana", keys)).toBeUndefined();
    expect(suggest("x", keys)).toBeUndefined();
  });

  it("computes edit distance", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("same", "same")).toBe(0);
  });
});

describe("sources that open the article", () => {
  it("warns about a bare home page unless it says the article cannot be linked", () => {
    const home = lessonWith("Mục tiêu: thử.\n\n## Bước 1: Mở máy\nBác mở máy.\n").replace(
      "https://example.org/bai-thu",
      "https://example.org/",
    );
    expectProblem(parse(home).problems, { file: "thu/01-bai.md", line: lineOf(home, "url:"), severity: "warning", message: "trang chủ" });
    const marked = home.replace("    checked: 2026-10-01", "    checked: 2026-10-01\n    direct: false");
    expect(parse(marked).problems.filter((p) => p.message.includes("trang chủ"))).toEqual([]);
    expect(parse(marked).lesson?.sources[0]?.direct).toBe(false);
  });
});
