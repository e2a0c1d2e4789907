import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findCycles, loadCurriculum } from "../../../src/curriculum/load.js";
import { copyFixture, edit, expectProblem, lineOf, readText, removeTempDirs, replaceOnce } from "./fixture.js";

afterEach(removeTempDirs);

const OTP = "an-toan/02-ma-otp.md";
const PASSWORD = "an-toan/01-mat-khau-manh.md";
const INSTALL = "vneid/01-cai-dat.md";
const ACTIVATE = "vneid/02-kich-hoat.md";

/** Loads after one edit and checks that the broken curriculum is not served. */
async function loadBroken(dir: string) {
  const result = await loadCurriculum(dir);
  expect(result.curriculum).toBeUndefined();
  return result.problems;
}

describe("loadCurriculum on the valid fixture", () => {
  it("loads both tracks in order with their lessons in file order", async () => {
    const dir = await copyFixture();
    const { curriculum, problems, stats } = await loadCurriculum(dir);
    expect(problems).toEqual([]);
    expect(stats).toEqual({ tracks: 2, lessons: 4 });
    expect(curriculum?.tracks.map((t) => [t.id, t.title, t.lessons.map((l) => l.id)])).toEqual([
      ["an-toan", "An toàn trên mạng", ["an-toan-mat-khau", "an-toan-ma-otp"]],
      ["vneid", "Dùng VNeID", ["vneid-cai-dat", "vneid-kich-hoat"]],
    ]);
    expect([...(curriculum?.lessons.keys() ?? [])].sort()).toEqual([
      "an-toan-ma-otp",
      "an-toan-mat-khau",
      "vneid-cai-dat",
      "vneid-kich-hoat",
    ]);
    expect(curriculum?.mediaDir).toBe(join(dir, "media"));
    expect(curriculum?.version).toMatch(/^[0-9a-f]{12}$/);
  });

  it("gives the same version for the same files and a new one after any change", async () => {
    const a = await copyFixture();
    const b = await copyFixture();
    const first = (await loadCurriculum(a)).curriculum?.version;
    expect((await loadCurriculum(b)).curriculum?.version).toBe(first);
    await edit(b, INSTALL, (s) => s.replace("Bác mở **CH Play**", "Bác mở **Google Play**"));
    expect((await loadCurriculum(b)).curriculum?.version).not.toBe(first);
  });

  it("reports a folder that does not exist", async () => {
    const { problems } = await loadCurriculum("/nonexistent/curriculum");
    expectProblem(problems, { file: "/nonexistent/curriculum", line: 1, message: "Không tìm thấy thư mục nội dung" });
  });
});

describe("loadCurriculum reports each broken edit at its file and line", () => {
  it("broken YAML in the front matter", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, PASSWORD, (s) => replaceOnce(s, "title: Đặt mật khẩu mạnh", "title: Mật khẩu: đặt sao cho mạnh"));
    expectProblem(await loadBroken(dir), {
      file: PASSWORD,
      line: lineOf(content, "title:"),
      message: /sai cú pháp.*ngoặc kép/,
    });
  });

  it("a quiz with two [x]", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, OTP, (s) => replaceOnce(s, "- [ ] Nhân viên ngân hàng", "- [x] Nhân viên ngân hàng"));
    const problem = expectProblem(await loadBroken(dir), {
      file: OTP,
      line: lineOf(content, "- [x] Không ai cả"),
      message: "Câu hỏi có 2 đáp án đúng ([x]); mỗi câu hỏi chỉ được có đúng một đáp án đúng.",
    });
    expect(problem.severity).toBe("error");
  });

  it("a quiz with no [x]", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, OTP, (s) => replaceOnce(s, "- [x] Không ai cả", "- [ ] Không ai cả"));
    expectProblem(await loadBroken(dir), {
      file: OTP,
      line: lineOf(content, "- [ ] Cán bộ"),
      message: "Câu hỏi chưa có đáp án đúng",
    });
  });

  it("a checkpoint with one option", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, INSTALL, (s) => replaceOnce(s, "- Đã thấy\n", ""));
    expectProblem(await loadBroken(dir), {
      file: INSTALL,
      line: lineOf(content, "- Chưa thấy"),
      message: "Phần Kiểm tra cần ít nhất 2 lựa chọn (đang có 1)",
    });
  });

  it("a missing image, with a suggestion for a near name", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, ACTIVATE, (s) => replaceOnce(s, "vneid-home.png", "vneid-hom.png"));
    expectProblem(await loadBroken(dir), {
      file: ACTIVATE,
      line: lineOf(content, "![Màn hình chính"),
      message: "Không tìm thấy hình `media/vneid-hom.png`; có phải ý bạn là `media/vneid-home.png`?",
    });
  });

  it("an image over 5 MB", async () => {
    const dir = await copyFixture();
    await writeFile(join(dir, "media/to.png"), Buffer.alloc(5 * 1024 * 1024 + 1));
    const content = await edit(dir, ACTIVATE, (s) => replaceOnce(s, "vneid-home.png", "to.png"));
    expectProblem(await loadBroken(dir), {
      file: ACTIVATE,
      line: lineOf(content, "![Màn hình chính"),
      message: "Hình `media/to.png` nặng 5,0 MB; tối đa 5 MB",
    });
  });

  it("an image that is not png/jpg/jpeg/webp", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, ACTIVATE, (s) => replaceOnce(s, "vneid-home.png", "vneid-home.gif"));
    expectProblem(await loadBroken(dir), {
      file: ACTIVATE,
      line: lineOf(content, "![Màn hình chính"),
      message: "chỉ dùng tệp .png, .jpg, .jpeg hoặc .webp",
    });
  });

  it("a duplicate id, naming both files", async () => {
    const dir = await copyFixture();
    await edit(dir, INSTALL, (s) => replaceOnce(s, "id: vneid-cai-dat", "id: an-toan-mat-khau"));
    await edit(dir, ACTIVATE, (s) => replaceOnce(s, "requires: [vneid-cai-dat]", "requires: [an-toan-mat-khau]"));
    const problems = await loadBroken(dir);
    expectProblem(problems, { file: INSTALL, line: 2, message: `Mã bài \`an-toan-mat-khau\` bị trùng với bài \`${PASSWORD}\` (dòng 2)` });
    expectProblem(problems, { file: PASSWORD, line: 2, message: `Mã bài \`an-toan-mat-khau\` bị trùng với bài \`${INSTALL}\` (dòng 2)` });
  });

  it("an unknown field with a suggestion", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, OTP, (s) => replaceOnce(s, "title: Giữ kín", "tittle: Giữ kín"));
    expectProblem(await loadBroken(dir), {
      file: OTP,
      line: lineOf(content, "tittle:"),
      message: "Không có trường `tittle` trong thông tin bài học; có phải ý bạn là `title`?",
    });
    // The typo is the one problem; "title is missing" would send the admin looking elsewhere.
    expect((await loadCurriculum(dir)).problems).toHaveLength(1);
  });

  it("requires naming a lesson that does not exist", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, OTP, (s) => replaceOnce(s, "requires: [an-toan-mat-khau]", "requires: [an-toan-mat-khauu]"));
    expectProblem(await loadBroken(dir), {
      file: OTP,
      line: lineOf(content, "requires:"),
      message: "`requires` ghi bài `an-toan-mat-khauu` nhưng không có bài nào mang mã này; có phải ý bạn là `an-toan-mat-khau`?",
    });
  });

  it("circular requires, as a readable cycle", async () => {
    const dir = await copyFixture();
    await edit(dir, PASSWORD, (s) =>
      replaceOnce(s, "competences: [digcomp-4.1]\n", "competences: [digcomp-4.1]\nrequires: [an-toan-ma-otp]\n"),
    );
    const problems = await loadBroken(dir);
    const otp = await readText(dir, OTP);
    expectProblem(problems, {
      file: OTP,
      line: lineOf(otp, "requires:"),
      message: "Các bài yêu cầu nhau thành vòng tròn: an-toan-ma-otp → an-toan-mat-khau → an-toan-ma-otp.",
    });
    expect(problems.filter((p) => p.message.includes("vòng tròn"))).toHaveLength(1);
  });

  it("a lesson that requires itself", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, OTP, (s) => replaceOnce(s, "requires: [an-toan-mat-khau]", "requires: [an-toan-ma-otp]"));
    expectProblem(await loadBroken(dir), {
      file: OTP,
      line: lineOf(content, "requires:"),
      message: "an-toan-ma-otp → an-toan-ma-otp",
    });
  });

  it("a lesson file outside any track folder (root and media/)", async () => {
    const dir = await copyFixture();
    await writeFile(join(dir, "03-lac.md"), "---\nid: lac\n---\n");
    await writeFile(join(dir, "media/ghi-chu.md"), "ghi chú");
    const problems = await loadBroken(dir);
    expectProblem(problems, { file: "03-lac.md", line: 1, message: "Bài học nằm ngoài thư mục chủ đề" });
    expectProblem(problems, { file: "media/ghi-chu.md", line: 1, message: "Bài học nằm ngoài thư mục chủ đề" });
  });

  it("a missing track.yaml", async () => {
    const dir = await copyFixture();
    await rm(join(dir, "vneid/track.yaml"));
    expectProblem(await loadBroken(dir), { file: "vneid/track.yaml", line: 1, message: "thiếu tệp track.yaml" });
  });

  it("a track.yml instead of track.yaml", async () => {
    const dir = await copyFixture();
    await writeFile(join(dir, "vneid/track.yml"), await readText(dir, "vneid/track.yaml"));
    await rm(join(dir, "vneid/track.yaml"));
    expectProblem(await loadBroken(dir), { file: "vneid/track.yaml", line: 1, message: "đổi tên thành `track.yaml`" });
  });

  it("an invalid track.yaml", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, "an-toan/track.yaml", (s) => replaceOnce(s, "order: 1", "order: 0"));
    expectProblem(await loadBroken(dir), {
      file: "an-toan/track.yaml",
      line: lineOf(content, "order:"),
      message: "Trường `order` không hợp lệ (đang là số 0)",
    });
  });

  it("a track folder name that is not a valid id", async () => {
    const dir = await copyFixture();
    await mkdir(join(dir, "Chu De"));
    expectProblem(await loadBroken(dir), { file: "Chu De/", line: 1, message: "Tên thư mục chủ đề `Chu De` không hợp lệ" });
  });

  it("a lesson file name without the two-digit number", async () => {
    const dir = await copyFixture();
    await writeFile(join(dir, "vneid/3-dang-nhap.md"), await readText(dir, INSTALL));
    expectProblem(await loadBroken(dir), { file: "vneid/3-dang-nhap.md", line: 1, message: "`03-dang-nhap.md`" });
  });

  it("a step over 2000 characters", async () => {
    const dir = await copyFixture();
    const long = "Bác bấm vào nút xanh. ".repeat(100);
    const content = await edit(dir, INSTALL, (s) => replaceOnce(s, "Bác mở **CH Play** (Android) hoặc **App Store** (iPhone).", long));
    expectProblem(await loadBroken(dir), {
      file: INSTALL,
      line: lineOf(content, "## Bước 1"),
      message: /^Bước 1 dài 2\d{3} ký tự; một tin nhắn chỉ gửi được tối đa 2000 ký tự/,
    });
  });

  it("an option over 40 characters (41)", async () => {
    const dir = await copyFixture();
    const label = `Đã nghĩ ra ${"ă".repeat(30)}`;
    expect([...label]).toHaveLength(41);
    const content = await edit(dir, PASSWORD, (s) => replaceOnce(s, "- Đã nghĩ ra\n", `- ${label}\n`));
    expectProblem(await loadBroken(dir), {
      file: PASSWORD,
      line: lineOf(content, label),
      message: `Lựa chọn “${label}” dài 41 ký tự; tối đa 40 ký tự`,
    });
  });

  it("an option of exactly 40 characters is fine", async () => {
    const dir = await copyFixture();
    const label = `Đã nghĩ ra ${"ă".repeat(29)}`;
    expect([...label]).toHaveLength(40);
    await edit(dir, PASSWORD, (s) => replaceOnce(s, "- Đã nghĩ ra\n", `- ${label}\n`));
    expect((await loadCurriculum(dir)).curriculum).toBeDefined();
  });

  it("an emoji counts as one character, as a learner sees it: 40 with two emoji is fine", async () => {
    const dir = await copyFixture();
    const label = `Đã nghĩ ra 👍 ${"ă".repeat(25)} 👌`;
    expect([...label]).toHaveLength(40);
    expect(label.length).toBe(42);
    await edit(dir, PASSWORD, (s) => replaceOnce(s, "- Đã nghĩ ra\n", `- ${label}\n`));
    expect((await loadCurriculum(dir)).curriculum).toBeDefined();
  });

  it("a lesson with no steps", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, INSTALL, (s) => s.slice(0, s.indexOf("## Bước 1")));
    expectProblem(await loadBroken(dir), {
      file: INSTALL,
      line: lineOf(content, "---", 2) + 1,
      message: "Bài học chưa có bước nào",
    });
  });

  it("an unknown ## heading, listing the allowed words", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, INSTALL, (s) => `${s}\n## Ghi chú\nMột ghi chú.\n`);
    expectProblem(await loadBroken(dir), {
      file: INSTALL,
      line: lineOf(content, "## Ghi chú"),
      message:
        "Tiêu đề `## Ghi chú` không hợp lệ. Mỗi tiêu đề `## ` phải bắt đầu bằng `## Bước 1: …`, `## Kiểm tra: …`, `## Câu hỏi: …` hoặc `## Tóm tắt`.",
    });
  });

  it("a checked date in the future", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, INSTALL, (s) => replaceOnce(s, "checked: 2026-10-20", "checked: 2999-01-01"));
    expectProblem(await loadBroken(dir), { file: INSTALL, line: lineOf(content, "checked:"), message: "nằm trong tương lai" });
  });

  it("an unverified step number out of range", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, ACTIVATE, (s) => replaceOnce(s, "unverified: [3]", "unverified: [3, 9]"));
    expectProblem(await loadBroken(dir), {
      file: ACTIVATE,
      line: lineOf(content, "unverified:"),
      message: "`unverified` ghi bước số 9 nhưng bài chỉ có 4 bước",
    });
  });
});

describe("steps that do something real (`real`)", () => {
  it("a step number out of range is an error at the line of `real`", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, ACTIVATE, (s) => replaceOnce(s, "unverified: [3]", "unverified: [3]\nreal: [8]"));
    expectProblem(await loadBroken(dir), {
      file: ACTIVATE,
      line: lineOf(content, "real:"),
      message: "`real` ghi bước số 8 nhưng bài chỉ có 4 bước",
    });
  });

  it("warns about a step that presses Gửi or Thanh toán without being marked, and not once it is", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, ACTIVATE, (s) =>
      replaceOnce(s, "## Bước 2: Nhập số định danh cá nhân\n", "## Bước 2: Nhập số định danh cá nhân\nBác bấm **Gửi**.\n"),
    );
    const { problems } = await loadCurriculum(dir);
    expectProblem(problems, {
      file: ACTIVATE,
      line: lineOf(content, "## Bước 2:"),
      severity: "warning",
      message: "hãy ghi số 3 vào `real`",
    });
    await edit(dir, ACTIVATE, (s) => replaceOnce(s, "unverified: [3]", "unverified: [3]\nreal: [3]"));
    const after = await loadCurriculum(dir);
    expect(after.problems.filter((p) => p.message.includes("`real`"))).toEqual([]);
    expect(after.curriculum?.lessons.get("vneid-kich-hoat")?.real).toEqual([3]);
  });
});

describe("loadCurriculum warnings keep the curriculum usable", () => {
  it("warns about a track with no lessons and leaves it out of the menu", async () => {
    const dir = await copyFixture();
    await mkdir(join(dir, "ai"));
    await writeFile(join(dir, "ai/track.yaml"), "title: Trí tuệ nhân tạo\ndescription: Dùng AI an toàn\norder: 3\n");
    const { curriculum, problems } = await loadCurriculum(dir);
    expect(curriculum?.tracks.map((t) => t.id)).toEqual(["an-toan", "vneid"]);
    expectProblem(problems, { file: "ai/track.yaml", line: 1, severity: "warning", message: "chưa có bài học nào" });
  });

  it("warns about a long sentence and a lesson without checks, sorted by file then line", async () => {
    const dir = await copyFixture();
    const long = Array.from({ length: 26 }, () => "chữ").join(" ");
    const content = await edit(dir, INSTALL, (s) =>
      `${s.slice(0, s.indexOf("## Kiểm tra"))}`.replace("Bác mở **CH Play**", `${long}. Bác mở **CH Play**`),
    );
    const { curriculum, problems } = await loadCurriculum(dir);
    expect(curriculum).toBeDefined();
    expect(problems.map((p) => [p.file, p.line, p.severity])).toEqual([
      [INSTALL, 1, "warning"],
      [INSTALL, lineOf(content, long), "warning"],
    ]);
    expectProblem(problems, { file: INSTALL, line: lineOf(content, long), severity: "warning", message: "Câu dài 26 từ" });
  });

  it("warns about a lesson hidden in a sub-folder", async () => {
    const dir = await copyFixture();
    await mkdir(join(dir, "vneid/nhap"));
    await writeFile(join(dir, "vneid/nhap/03-ban-nhap.md"), "bản nháp");
    const { curriculum, problems } = await loadCurriculum(dir);
    expect(curriculum).toBeDefined();
    expectProblem(problems, { file: "vneid/nhap/03-ban-nhap.md", line: 1, severity: "warning", message: "thư mục con" });
  });
});

describe("findCycles", () => {
  it("finds each cycle once, starting from its smallest id", () => {
    const graph = new Map([
      ["c", ["a"]],
      ["a", ["b"]],
      ["b", ["c", "d"]],
      ["d", ["d"]],
      ["e", ["a"]],
    ]);
    expect(findCycles(graph)).toEqual([
      ["a", "b", "c", "a"],
      ["d", "d"],
    ]);
  });
});
