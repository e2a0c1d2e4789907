import { describe, expect, it } from "vitest";
import type { Curriculum } from "../../../src/curriculum/types.js";
import { answered, initialState, type LessonProgressView, step, type TutorEvent, type TutorState } from "../../../src/tutor/engine.js";
import type { Reply } from "../../../src/tutor/replies.js";
import { buildCurriculum, lesson, sampleCurriculum } from "../../helpers/curriculum.js";

/** Plays a conversation through the pure engine, keeping progress the way the service would. */
function play(curriculum: Curriculum = sampleCurriculum()) {
  let state: TutorState = initialState();
  const progress = new Map<string, LessonProgressView>();
  const events: TutorEvent[] = [];
  let question: string | undefined;
  const say = (text: string): Reply[] => {
    const out = step(state, { kind: "text", text }, { curriculum, progress });
    state = out.state;
    question = out.question?.text;
    for (const e of out.events) {
      events.push(e);
      if (e.type === "lesson_started" && !progress.has(e.lessonId)) progress.set(e.lessonId, { status: "in_progress", stepReached: 0 });
      if (e.type === "lesson_completed") progress.set(e.lessonId, { status: "completed", stepReached: 99 });
    }
    return out.replies;
  };
  /** Says each text in turn (the replies are not needed). */
  const sayAll = (...texts: string[]) => {
    for (const t of texts) say(t);
  };
  return {
    say,
    sayAll,
    get state() {
      return state;
    },
    get question() {
      return question;
    },
    events,
    progress,
    curriculum,
  };
}

const all = (replies: Reply[]) => replies.map((r) => r.text).join("\n---\n");
const last = (replies: Reply[]) => replies[replies.length - 1] as Reply;

describe("first contact", () => {
  it("greets, says what is stored, and asks for consent with numbered options", () => {
    const p = play();
    const r = p.say("Xin chào");
    expect(all(r)).toContain("Xin chào bác");
    expect(all(r)).toContain("không phải người thật");
    expect(all(r)).toMatch(/tiến độ học/);
    expect(last(r).options?.map((o) => o.label)).toEqual(["Đồng ý", "Không đồng ý"]);
  });

  it("any first message, even a sticker-like emoji, gets the greeting", () => {
    const p = play();
    expect(all(p.say("😀"))).toContain("Xin chào bác");
  });

  it("consent yes shows the menu of tracks with numbers", () => {
    const p = play();
    p.say("hi");
    const r = p.say("đồng ý");
    expect(p.state.consent).toBe(true);
    expect(p.events).toContainEqual({ type: "consent", granted: true });
    expect(last(r).options?.map((o) => o.label)).toEqual(["🛡️ An toàn trên mạng", "VNeID"]);
  });

  it("consent no still teaches", () => {
    const p = play();
    p.sayAll("hi", "2");
    expect(p.state.consent).toBe(false);
    expect(last(p.say("1")).text).toContain("An toàn trên mạng");
  });

  it("an unclear consent answer asks again kindly", () => {
    const p = play();
    p.say("hi");
    const r = p.say("cái gì vậy");
    expect(all(r)).toContain("gõ **1** nếu đồng ý");
    expect(p.state.screen.kind).toBe("consent");
  });
});

describe("a whole lesson", () => {
  it("walks step by step with checkpoint help, a wrong then right quiz answer, summary and next lesson", () => {
    const p = play();
    p.sayAll("hi", "1");
    p.say("hai"); // "hai" is not a track number here: there are 2 tracks, so it picks VNeID…
    expect(p.state.screen).toEqual({ kind: "track", trackId: "vneid" });
    p.sayAll("menu", "số 1");
    const intro = p.say("1");
    expect(intro).toHaveLength(2);
    expect(intro[0]?.text).toContain("Bài otp");
    expect(intro[1]?.text).toContain("Bước 1/4: Hiểu mã OTP");
    expect(intro[1]?.options?.map((o) => o.label)).toEqual(["Xong, tiếp tục", "Giải thích thêm"]);

    expect(all(p.say("không hiểu"))).toContain("chìa khoá dùng một lần");
    expect(all(p.say("2"))).toContain("chìa khoá dùng một lần");
    expect(all(p.say("nhac lai"))).toContain("Bước 1/4");

    const cp = p.say("tiep");
    expect(last(cp).text).toContain("Kiểm tra (2/4)");
    const help = p.say("chưa thấy");
    expect(all(help)).toContain("mở mục Tin nhắn");
    expect(last(help).text).toContain("Kiểm tra (2/4)");
    expect(last(p.say("rồi")).text).toContain("Bước 3/4");
    expect(last(p.say("quay lại")).text).toContain("Kiểm tra (2/4)");
    p.say("đã thấy");
    const quiz = p.say("ok");
    expect(last(quiz).text).toContain("Câu hỏi (4/4)");

    const wrong = p.say("1");
    expect(all(wrong)).toContain("Chưa đúng");
    // A retry gets a hint, never the answer: the explanation waits for the last attempt.
    expect(all(wrong)).toContain("đọc lại câu hỏi");
    expect(all(wrong)).not.toContain("không ai được hỏi mã OTP");
    expect(p.state.screen.kind).toBe("step");

    const done = p.say("không ai cả");
    expect(all(done)).toContain("Đúng rồi");
    expect(all(done)).toContain("không ai được hỏi mã OTP");
    expect(all(done)).toContain("Chúc mừng bác đã học xong bài “Bài otp”");
    expect(all(done)).toContain("Tóm tắt bài otp");
    expect(all(done)).toContain("Bài nên học tiếp: “Bài link”");
    expect(p.events.filter((e) => e.type === "quiz_answered")).toEqual([
      { type: "quiz_answered", lessonId: "otp", stepIndex: 4, optionIndex: 1, correct: false, attempt: 1 },
      { type: "quiz_answered", lessonId: "otp", stepIndex: 4, optionIndex: 3, correct: true, attempt: 2 },
    ]);
    // "quay lại" shows step 2 again without counting it; going forward reaches step 3 a second time.
    expect(p.events.filter((e) => e.type === "step_reached").map((e) => (e as { stepIndex: number }).stepIndex)).toEqual([1, 2, 3, 3, 4]);
    expect(p.events).toContainEqual({ type: "lesson_completed", lessonId: "otp" });

    // "tiếp" on the summary starts the suggested lesson.
    expect(all(p.say("tiếp"))).toContain("Bài link");
  });

  it("after two wrong answers shows the right one and moves on", () => {
    const p = play();
    p.sayAll("hi", "1", "1");
    p.say("2"); // lesson link
    p.sayAll("tiếp", "2");
    const r = p.say("2");
    expect(all(r)).toContain("Đáp án đúng là: **dichvucong.gov.vn**");
    expect(p.events).toContainEqual({ type: "lesson_completed", lessonId: "link" });
  });

  it("marks finished lessons in the track list and the menu", () => {
    const p = play();
    p.sayAll("hi", "1", "1", "2", "tiếp", "1");
    const menu = last(p.say("menu"));
    expect(menu.options?.[0]?.label).toBe("🛡️ An toàn trên mạng (1/2 ✅)");
    const list = last(p.say("1"));
    expect(list.options?.map((o) => o.label)).toEqual(["Bài otp", "✅ Bài link"]);
  });

  it("answers an out-of-range number kindly and stays put", () => {
    const p = play();
    p.sayAll("hi", "1");
    expect(all(p.say("7"))).toContain("từ 1 đến 2");
    expect(p.state.screen.kind).toBe("menu");
  });

  it("never stays silent on text it cannot place", () => {
    const p = play();
    p.sayAll("hi", "1");
    for (const text of ["asdfgh", "🙂", "ừm"]) {
      const r = p.say(text);
      expect(r.length).toBeGreaterThan(0);
    }
    // A longer sentence is a question: it goes to the question pipeline instead of a hint.
    expect(p.say("thời tiết hôm nay thế nào")).toEqual([]);
    expect(p.question).toBe("thời tiết hôm nay thế nào");
    p.sayAll("1", "1");
    const r = p.say("blah blah");
    expect(all(r)).toContain("tiếp");
  });
});

describe("resuming and pausing", () => {
  it("keeps the position across menu, pause and start", () => {
    const p = play();
    p.sayAll("hi", "1", "1", "1");
    p.say("tiếp"); // at step 2
    expect(last(p.say("menu")).text).toContain("bước 2/4");
    expect(all(p.say("dừng"))).toContain("nghỉ ngơi");
    const back = p.say("/start");
    expect(all(back)).toContain("Chào mừng bác quay lại");
    expect(all(back)).toContain("bước 2/4");
    expect(last(p.say("1")).text).toContain("Kiểm tra (2/4)");
  });

  it("shows progress: done, current, next", () => {
    const p = play();
    p.sayAll("hi", "1", "1", "2", "tiếp", "1", "menu", "1", "1");
    const r = all(p.say("tiến độ"));
    expect(r).toContain("Đã xong (1): Bài link");
    expect(r).toContain("Đang học: “Bài otp” (bước 1/4)");
    expect(r).toContain("Bài nên học tiếp: “Bài vneid”");
  });

  it("continues sensibly when an admin edits or removes the lesson", () => {
    const p = play();
    p.sayAll("hi", "1", "1", "1", "tiếp");
    p.say("đã thấy"); // at step 3 "Không đọc OTP cho ai"
    const original = p.curriculum.lessons.get("otp");
    if (!original) throw new Error("fixture");
    // A new step inserted before: the learner stays on the same step, now at position 4.
    const edited = {
      ...original,
      steps: [original.steps[0], { ...original.steps[0], title: "Bước mới" }, ...original.steps.slice(1)],
    } as typeof original;
    const c2 = buildCurriculum(p.curriculum.tracks.map((t) => ({ ...t, lessons: t.lessons.map((l) => (l.id === "otp" ? edited : l)) })));
    let out = step(p.state, { kind: "text", text: "nhắc lại" }, { curriculum: c2, progress: p.progress });
    expect(out.replies[0]?.text).toContain("Bước 4/5: Không đọc OTP cho ai");
    // The lesson removed: a kind message and the menu.
    const c3 = buildCurriculum([
      { id: "vneid", title: "VNeID", description: "x", order: 1, lessons: [lesson("v", "vneid", 1, original.steps)] },
    ]);
    out = step(p.state, { kind: "text", text: "tiếp" }, { curriculum: c3, progress: p.progress });
    expect(out.replies[0]?.text).toContain("không còn nữa");
    expect(out.state.lesson).toBeUndefined();
    expect(out.replies[1]?.options?.[0]?.label).toBe("VNeID");
  });
});

describe("help and unverified steps", () => {
  it("lists the commands", () => {
    const p = play();
    p.sayAll("hi", "1");
    const r = all(p.say("trợ giúp"));
    for (const cmd of ["tiếp", "nhắc lại", "quay lại", "menu", "tiến độ", "dừng"]) expect(r).toContain(cmd);
  });

  it("flags a step whose facts are not verified", () => {
    const c = sampleCurriculum();
    const otp = c.lessons.get("otp");
    if (!otp) throw new Error("fixture");
    otp.unverified = [1];
    const p = play(c);
    p.sayAll("hi", "1", "1");
    expect(all(p.say("1"))).toContain("đang được kiểm tra lại");
  });
});

describe("an elderly learner's words at a checkpoint", () => {
  const checkpoint = () =>
    buildCurriculum([
      {
        id: "vneid",
        title: "VNeID",
        description: "x",
        order: 1,
        lessons: [
          lesson("cai", "vneid", 1, [
            {
              kind: "checkpoint",
              index: 1,
              line: 1,
              title: "Bác đã thấy nút Đăng nhập chưa?",
              text: "",
              options: [
                { label: "Đã thấy" },
                { label: "Chưa có ứng dụng", help: "Bác cài VNeID từ CH Play." },
                { label: "Chưa thấy", help: "Bác kéo màn hình xuống dưới cùng." },
              ],
            },
            { kind: "instruction", index: 2, line: 1, title: "Bấm Đăng nhập", text: "Bác bấm nút Đăng nhập." },
          ]),
        ],
      },
    ]);

  it("'đúng' goes on, it does not pause the lesson", () => {
    const p = play(checkpoint());
    p.sayAll("hi", "1", "1", "1");
    const r = p.say("đúng");
    expect(all(r)).toContain("Bấm Đăng nhập");
    expect(p.state.screen.kind).not.toBe("paused");
  });

  it("an option's own words pick that option, not the first 'no'-like one", () => {
    const p = play(checkpoint());
    p.sayAll("hi", "1", "1", "1");
    expect(all(p.say("chưa thấy"))).toContain("kéo màn hình xuống");
    expect(all(p.say("chưa có ứng dụng"))).toContain("cài VNeID từ CH Play");
  });
});

describe("titles in the texts", () => {
  it("never says 'from 1 to 1'", async () => {
    const { vi } = await import("../../../src/tutor/texts.vi.js");
    expect(vi.hintChoose(1)).not.toContain("từ 1 đến 1");
    expect(vi.numberOutOfRange(1)).not.toContain("từ 1 đến 1");
    expect(vi.hintChoose(3)).toContain("từ 1 đến 3");
  });

  it("a title with its own quotation marks is not quoted twice", async () => {
    const { quoted } = await import("../../../src/tutor/texts.vi.js");
    expect(quoted("Kích hoạt VNeID")).toBe("“Kích hoạt VNeID”");
    expect(quoted("“Công an gọi điện”: nhận ra kẻ giả danh")).toBe("“Công an gọi điện”: nhận ra kẻ giả danh");
  });
});

describe("a step that would do something real", () => {
  it("tells the learner to only look, and lets them go on without doing it", () => {
    const c = buildCurriculum([
      {
        id: "dvc",
        title: "Dịch vụ công",
        description: "x",
        order: 1,
        lessons: [
          lesson(
            "nop",
            "dvc",
            1,
            [
              { kind: "instruction", index: 1, line: 1, title: "Điền tờ khai", text: "Bác điền tờ khai." },
              { kind: "instruction", index: 2, line: 1, title: "Nộp hồ sơ", text: "Bác bấm **Nộp hồ sơ**." },
              { kind: "instruction", index: 3, line: 1, title: "Ghi mã hồ sơ", text: "Bác chép mã hồ sơ vào sổ." },
            ],
            { real: [2] },
          ),
        ],
      },
    ]);
    const p = play(c);
    p.sayAll("hi", "1", "1", "1");
    const real = all(p.say("tiếp"));
    expect(real).toContain("Nộp hồ sơ");
    expect(real).toContain("việc thật");
    expect(real).toContain("đừng bấm");
    expect(all(p.say("tiếp"))).toContain("Ghi mã hồ sơ");
  });
});

describe("when no lesson answers a question clearly", () => {
  it("offers the two closest lessons as numbered choices, and a number opens that lesson", () => {
    const curriculum = sampleCurriculum();
    const p = play(curriculum);
    p.sayAll("Xin chào", "1");
    const out = answered(
      p.state,
      { texts: ["Tôi chưa chắc bài nào trả lời đúng câu hỏi này."], closeLessonIds: ["otp", "link"], feedback: true },
      { curriculum, progress: p.progress },
    );
    const labels = last(out.replies).options?.map((o) => o.label) ?? [];
    expect(labels.slice(0, 2)).toEqual([expect.stringContaining("Học bài: Bài otp"), expect.stringContaining("Học bài: Bài link")]);
    const picked = step(out.state, { kind: "text", text: "2" }, { curriculum, progress: p.progress });
    expect(picked.events).toContainEqual({ type: "lesson_started", lessonId: "link" });
  });

  it("a state saved with the single offer of before still opens it", () => {
    const curriculum = sampleCurriculum();
    const state: TutorState = {
      ...initialState(),
      consent: true,
      screen: { kind: "answered", prev: { kind: "menu" }, offerLessonId: "link" },
    };
    const out = step(state, { kind: "text", text: "1" }, { curriculum, progress: new Map() });
    expect(out.events).toContainEqual({ type: "lesson_started", lessonId: "link" });
  });
});
