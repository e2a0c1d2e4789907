import { describe, expect, it } from "vitest";
import type { Lesson } from "../../../src/curriculum/types.js";
import { answering, closeLessons } from "../../../src/qa/compose.js";
import type { Hit, LessonMatch } from "../../../src/qa/retrieve.js";
import { buildIndex } from "../../../src/qa/retrieve.js";
import { sentencesOf } from "../../../src/qa/sentences.js";
import { buildCurriculum, lesson, step } from "../../helpers/curriculum.js";

// A small curriculum written for these tests: lessons whose words collide once the marks are gone.

const instruction = (index: number, title: string, text: string, tip?: string) =>
  step({ kind: "instruction", index, title, text, ...(tip ? { tip } : {}) });

function curriculum(extra: Lesson[] = []) {
  const face = lesson(
    "quet-mat",
    "an-toan",
    1,
    [
      instruction(
        1,
        "Quét mặt khi chuyển tiền",
        "Chuyển trên 10 triệu đồng, ứng dụng ngân hàng bắt quét khuôn mặt để chắc chắn chính bác chuyển.",
      ),
      step({
        kind: "checkpoint",
        index: 2,
        title: "Bác đã thấy khung quét mặt chưa?",
        text: "",
        options: [{ label: "Đã thấy" }, { label: "Chưa thấy", help: "Bác cập nhật ứng dụng ngân hàng lên bản mới." }],
      }),
    ],
    { title: "Xác thực khuôn mặt", intro: "Mục tiêu: bác quét mặt đúng chỗ." },
  );
  const lost = lesson(
    "mat-tien",
    "lua-dao",
    1,
    [instruction(1, "Gọi ngân hàng ngay", "Lỡ mất tiền vì bị lừa, bác gọi ngay tổng đài ngân hàng để khóa tài khoản, rồi báo công an xã.")],
    { title: "Lỡ bị lừa mất tiền", intro: "Mục tiêu: bác biết làm gì khi mất tiền." },
  );
  const card = lesson(
    "the-bhyt",
    "bao-hiem",
    1,
    [instruction(1, "Mở thẻ BHYT", "Bác mở Ví giấy tờ trong VNeID, chọn thẻ bảo hiểm y tế.", "Thẻ trên điện thoại dùng thay thẻ giấy.")],
    {
      title: "Thẻ BHYT trên điện thoại",
      intro: "Mục tiêu: bác mở được thẻ.",
      questions: ["di kham quen the giay thi sao", "dùng thẻ bảo hiểm y tế trên điện thoại thế nào"],
    },
  );
  return buildCurriculum([
    { id: "an-toan", title: "An toàn", description: "x", order: 1, lessons: [face] },
    { id: "lua-dao", title: "Lừa đảo", description: "x", order: 2, lessons: [lost] },
    { id: "bao-hiem", title: "Bảo hiểm", description: "x", order: 3, lessons: [card, ...extra] },
  ]);
}

const top = (q: string) => buildIndex(curriculum()).search(q).lessons[0];

describe("retrieval that reads Vietnamese", () => {
  it("matches accented words on their marks first: 'mất' is not 'mặt'", () => {
    expect(top("mất thì sao")?.lesson.id).toBe("mat-tien");
    expect(top("mặt thì sao")?.lesson.id).toBe("quet-mat");
    // Matched only without its marks, a word counts for half.
    expect(
      buildIndex(curriculum())
        .search("mặt thì sao")
        .lessons.find((l) => l.lesson.id === "mat-tien")?.coverage ?? 0,
    ).toBeLessThanOrEqual(0.5);
  });

  it("keeps words that only look like function words once folded ('thẻ', 'mã')", () => {
    const r = top("the bhyt mo o dau");
    expect(r?.lesson.id).toBe("the-bhyt");
    expect(r?.coverage).toBeGreaterThan(0.6);
  });

  it("finds a lesson through its authors' example questions", () => {
    expect(top("đi khám mà quên thẻ giấy")?.lesson.id).toBe("the-bhyt");
  });

  it("an example question that tells a story first makes the lesson about what it asks, not about the story", () => {
    const qr = lesson(
      "ma-qr",
      "bao-hiem",
      2,
      [instruction(1, "Quét mã QR", "Bác mở ứng dụng ngân hàng, chọn Quét mã, đưa camera vào mã.")],
      {
        title: "Trả tiền bằng mã QR",
        intro: "Mục tiêu: bác trả tiền bằng mã QR.",
        questions: ["Tôi mới bán mảnh đất, làm sổ đỏ cho người mua xong. Người ta đưa mã QR, tôi quét trả lệ phí thế nào?"],
      },
    );
    const index = buildIndex(curriculum([qr]));
    // The story's words (land, its red book) do not make it a lesson on land papers.
    expect(answering(index.search("làm sổ đỏ cho mảnh đất thế nào"))).toBeUndefined();
    expect(answering(index.search("quét mã QR trả lệ phí thế nào"))?.lesson.id).toBe("ma-qr");
  });

  it("forgives a typo in a word the lessons use", () => {
    expect(top("quet khuon matt chuyen tienn")?.lesson.id).toBe("quet-mat");
  });

  it("never searches redaction placeholders or the labels that introduce them", () => {
    const index = buildIndex(curriculum());
    expect(index.search("sđt của tôi là [SĐT] [CCCD]").words).toBe(0);
  });

  it("covers little of a question no lesson answers, so the caller can say so", () => {
    const r = buildIndex(curriculum()).search("đặt xe Grab đi khám bệnh thế nào");
    expect(r.lessons[0]?.coverage ?? 0).toBeLessThan(0.4);
  });

  it("shows passages that state something: never the goal, a title or a checkpoint's question", () => {
    const r = top("quét khuôn mặt chuyển tiền chưa thấy khung quét");
    const kinds = r?.passages.map((p) => p.kind) ?? [];
    expect(kinds.length).toBeGreaterThan(0);
    for (const k of kinds) expect(["step", "tip", "help", "explanation", "summary"]).toContain(k);
    expect(r?.passages.map((p) => p.text).join(" ")).not.toContain("Mục tiêu");
    expect(r?.passages.map((p) => p.text).join(" ")).not.toContain("đã thấy khung");
  });

  it("scores passages one by one: a long lesson full of common words does not win by its length", () => {
    const long = lesson(
      "dai",
      "bao-hiem",
      2,
      Array.from({ length: 8 }, (_, i) =>
        instruction(i + 1, `Bước chung ${i + 1}`, "Bác mở điện thoại, mở ứng dụng, bấm vào mục, rồi làm theo hướng dẫn trên điện thoại."),
      ),
      { title: "Dùng điện thoại", intro: "Mục tiêu: dùng điện thoại." },
    );
    const r = buildIndex(curriculum([long])).search("mở thẻ bảo hiểm y tế trên điện thoại");
    expect(r.lessons[0]?.lesson.id).toBe("the-bhyt");
  });

  it("sees that a lesson speaks of everything asked, though in different steps, and ranks it first", () => {
    // The contacts lesson saves a number in one step and calls it in another; its example questions, the best
    // passages, speak only of saving. The other lesson calls, in one step, but never saves a number.
    const contacts = lesson(
      "danh-ba",
      "bao-hiem",
      2,
      [
        instruction(1, "Lưu số", "Bác mở Danh bạ, bấm dấu cộng, gõ tên và số, rồi bấm Lưu."),
        instruction(2, "Mở lại", "Bác mở Danh bạ, chạm vào tên, bấm ống nghe màu xanh để gọi."),
      ],
      { title: "Danh bạ", questions: ["lưu số người nhà", "lưu số mới", "lưu số vào danh bạ", "lưu số ở đâu"] },
    );
    const call = lesson(
      "goi-dien",
      "bao-hiem",
      3,
      [instruction(1, "Gọi cho con", "Bác gọi cho con: mở ứng dụng Điện thoại, gõ số của con, bấm nút gọi màu xanh.")],
      { title: "Gọi điện" },
    );
    const index = buildIndex(curriculum([contacts, call]));
    for (const q of ["lưu số của con để gọi", "luu so con de goi"]) {
      const [first] = index.search(q).lessons;
      expect(first?.lesson.id).toBe("danh-ba");
      expect(first?.lessonCoverage).toBeGreaterThan(first?.coverage ?? 1);
    }
  });
});

describe("words as citizens run them together, mistype them and wrap them in a story", () => {
  const fines = lesson(
    "phat-nguoi",
    "bao-hiem",
    2,
    [instruction(1, "Tra cứu phạt nguội", "Bác mở trang của Cục Cảnh sát giao thông, gõ biển số ô tô hoặc xe máy để tra cứu phạt nguội.")],
    { title: "Tra cứu phạt nguội" },
  );
  const index = buildIndex(curriculum([fines]));

  it("splits lesson words typed without spaces ('oto') and mends a short typo that cannot be a word ('hag')", () => {
    const joined = index.search("tra phat nguoi oto");
    expect(joined.lessons[0]?.lesson.id).toBe("phat-nguoi");
    expect(joined.lessons[0]?.coverage).toBeGreaterThan(0.9);
    const typo = index.search("chuyen tien app ngan hag bat quet mat");
    expect(typo.lessons[0]?.lesson.id).toBe("quet-mat");
    expect(typo.lessons[0]?.coverage).toBeGreaterThan(0.9);
  });

  it("covers only in part two words the lessons use apart but never together ('xe ngân')", () => {
    // "xe" and "ngân" are both lesson words, never side by side: together they name something no lesson speaks of.
    const apart = index.search("tra cuu xe ngan").lessons[0];
    const together = index.search("tra cuu xe may").lessons[0];
    expect(together?.coverage).toBeGreaterThan(0.9);
    expect(apart?.coverage ?? 0).toBeLessThan(together?.coverage ?? 0);
  });

  it("reads what is asked in the sentence that asks; the story around it counts only where a lesson matches it", () => {
    expect(sentencesOf("Bà 72 tuổi rồi, ở đầu ngõ. Đi khám quên thẻ giấy thì sao?").map((x) => x.asks)).toEqual([false, true]);
    expect(sentencesOf("Làm sao tra phạt nguội? Con bảo vậy.").map((x) => x.asks)).toEqual([true, true]);
    expect(sentencesOf("tra phạt nguội ở trang dichvucong.gov.vn được không")).toHaveLength(1);
    const story = index.search("Bà năm nay 72 tuổi, đi chợ phiên về mệt lắm. Đi khám mà quên thẻ giấy thì sao?");
    expect(story.lessons[0]?.lesson.id).toBe("the-bhyt");
    expect(answering(story)?.lesson.id).toBe("the-bhyt");
    // The same story words in the sentence that asks are what is asked: no lesson speaks of them.
    expect(answering(index.search("đi chợ phiên về mệt lắm thì sao"))).toBeUndefined();
  });

  it('when the sentence that asks has no word of its own ("Làm sao vậy?"), it asks about the story before it', () => {
    const asked = index.search("Bà 72 tuổi, hay đi khám mà quên thẻ giấy. Nghe nói dùng thẻ trên điện thoại được. Làm sao vậy?");
    expect(asked.words).toBeGreaterThan(0);
    expect(answering(asked)?.lesson.id).toBe("the-bhyt");
  });
});

describe("a choice, not a guess", () => {
  // The decision reads only the shares and the strengths, not the score's scale: matches made by hand.
  const c = curriculum();
  const match = (
    id: string,
    strength: number,
    coverage: number,
    lessonCoverage: number,
    passageCoverage = coverage,
    topicCoverage = coverage,
  ): LessonMatch => ({
    lesson: c.lessons.get(id) as Lesson,
    score: strength,
    coverage,
    lessonCoverage,
    passageCoverage,
    topicCoverage,
    strength,
    passages: [{ kind: "step", text: "…", step: 1, score: 1 } as Hit],
  });

  it("when two lessons speak of most of the question alike, none is the answer and both are offered", () => {
    const r = { words: 6, lessons: [match("the-bhyt", 10, 0.5, 0.8), match("mat-tien", 9, 0.45, 0.7)] };
    expect(answering(r)).toBeUndefined();
    expect(closeLessons(r).map((m) => m.lesson.id)).toEqual(["the-bhyt", "mat-tien"]);
  });

  it("offers only the best when it stands out or the next speaks of little of the question, nothing when neither speaks of most of it", () => {
    const ids = (r: Parameters<typeof closeLessons>[0]) => closeLessons(r).map((m) => m.lesson.id);
    expect(ids({ words: 6, lessons: [match("the-bhyt", 10, 0.5, 0.8), match("mat-tien", 5, 0.45, 0.7)] })).toEqual(["the-bhyt"]);
    expect(ids({ words: 6, lessons: [match("the-bhyt", 10, 0.5, 0.8), match("mat-tien", 9, 0.3, 0.4)] })).toEqual(["the-bhyt"]);
    expect(ids({ words: 6, lessons: [match("the-bhyt", 10, 0.4, 0.5), match("mat-tien", 9, 0.4, 0.5)] })).toEqual([]);
  });

  it("a passage that covers the question decides, however close the next lesson", () => {
    const sure = { words: 6, lessons: [match("the-bhyt", 10, 0.9, 0.9), match("mat-tien", 9.5, 0.9, 0.9)] };
    expect(answering(sure)?.lesson.id).toBe("the-bhyt");
  });

  it("a lesson whose title and example questions speak of little of the question is not cited, however well its steps match", () => {
    const about = { words: 6, lessons: [match("the-bhyt", 10, 0.7, 0.8, 0.7, 0.5), match("mat-tien", 5, 0.3, 0.3)] };
    expect(answering(about)?.lesson.id).toBe("the-bhyt");
    const mentions = { words: 6, lessons: [match("the-bhyt", 10, 0.7, 0.8, 0.7, 0.2), match("mat-tien", 5, 0.3, 0.3)] };
    expect(answering(mentions)).toBeUndefined();
    // One passage that says all of it is enough.
    expect(answering({ words: 6, lessons: [match("the-bhyt", 10, 0.9, 0.9, 0.9, 0.2), match("mat-tien", 5, 0.3, 0.3)] })?.lesson.id).toBe(
      "the-bhyt",
    );
  });

  it("a question with no word of the programme's topics is answered only by a lesson that covers all of it, far ahead of the next", () => {
    const unscoped = { unscoped: true };
    // Its best passages together cover it, no one passage alone (a packing lesson for "gửi xoài … gói sao khỏi dập").
    const covered = { words: 5, lessons: [match("the-bhyt", 10, 0.95, 1, 0.6), match("mat-tien", 1, 0.3, 0.3)] };
    expect(answering(covered, unscoped)?.lesson.id).toBe("the-bhyt");
    expect(
      answering({ ...covered, lessons: [match("the-bhyt", 10, 0.8, 1, 0.6), match("mat-tien", 1, 0.3, 0.3)] }, unscoped),
    ).toBeUndefined();
    expect(
      answering({ ...covered, lessons: [match("the-bhyt", 10, 0.95, 1, 0.6), match("mat-tien", 8, 0.3, 0.3)] }, unscoped),
    ).toBeUndefined();
    expect(answering({ ...covered, words: 2 }, unscoped)).toBeUndefined();
  });
});

describe("the loanwords people type for the lessons' words", () => {
  const cafe = lesson(
    "wifi-quan",
    "an-toan",
    2,
    [instruction(1, "Wi-Fi ở quán cà phê", "Wi-Fi miễn phí ở quán cà phê không an toàn để mở ứng dụng ngân hàng.")],
    { title: "Wi-Fi công cộng" },
  );
  const index = buildIndex(curriculum([cafe]));
  it("reads 'wifi' as the lessons' 'Wi-Fi', and 'cf', 'free', 'appbank' as 'cà phê', 'miễn phí', 'ứng dụng ngân hàng'", () => {
    const found = index.search("bat wifi free o quan cf roi mo appbank co sao ko");
    expect(found.lessons[0]?.lesson.id).toBe("wifi-quan");
    expect(found.lessons[0]?.coverage).toBeGreaterThan(0.9);
  });
});
