import { describe, expect, it } from "vitest";
import type { Curriculum, QuizStep } from "../../../src/curriculum/types.js";
import { learningWrites } from "../../../src/learning/record.js";
import { emptyLearning, type LearningView, type ReviewCard } from "../../../src/learning/types.js";
import { DAY_MS, vnDateDmy, vnDayNumber } from "../../../src/time.js";
import { initialState, type LessonProgressView, step, type TutorEvent, type TutorState } from "../../../src/tutor/engine.js";
import { parseIntent } from "../../../src/tutor/intents.js";
import type { Reply } from "../../../src/tutor/replies.js";
import { sampleCurriculum } from "../../helpers/curriculum.js";

// The review ("ôn tập") and the track test through the pure engine, with the clock, the seed and the learner's stored
// learning passed in as the conversation service does (learning/record.ts applied between turns).

const T0 = Date.UTC(2026, 11, 7, 3); // 10:00 in Vietnam

function play(opts: { consent?: boolean; curriculum?: Curriculum } = {}) {
  const curriculum = opts.curriculum ?? sampleCurriculum();
  let state: TutorState = initialState();
  let now = T0;
  let seed = 1;
  const progress = new Map<string, LessonProgressView>();
  const certified = new Set<string>();
  const cards = new Map<string, ReviewCard>();
  const mastery = new Map<string, number>();
  const testFailedAt = new Map<string, number>();
  const events: TutorEvent[] = [];
  const view = (): LearningView => ({ cards: [...cards.values()], mastery, testFailedAt });
  const say = (text: string): Reply[] => {
    const out = step(
      state,
      { kind: "text", text },
      {
        curriculum,
        progress,
        learner: { reminders: false, certifiedTracks: certified },
        certificateCode: "ABCDEFGHJK",
        today: vnDateDmy(now),
        day: vnDayNumber(now),
        seed: seed++,
        learning: state.consent ? view() : emptyLearning(),
      },
    );
    state = out.state;
    events.push(...out.events);
    for (const e of out.events) {
      if (e.type === "lesson_started" && !progress.has(e.lessonId)) progress.set(e.lessonId, { status: "in_progress", stepReached: 0 });
      if (e.type === "lesson_completed") progress.set(e.lessonId, { status: "completed", stepReached: 99 });
      if (e.type === "certificate") certified.add(e.trackId);
    }
    if (state.consent) {
      const w = learningWrites(view(), out.events, curriculum, now);
      for (const c of w.cards) cards.set(`${c.lessonId}/${c.stepTitle}`, c);
      for (const m of w.mastery) mastery.set(m.lessonId, m.p);
      for (const t of w.tests) if (!t.passed) testFailedAt.set(t.trackId, now);
    }
    return out.replies;
  };
  const sayAll = (...texts: string[]) => texts.flatMap((t) => say(t));
  return {
    say,
    sayAll,
    events,
    cards,
    curriculum,
    get state() {
      return state;
    },
    later(days: number) {
      now += days * DAY_MS;
    },
    get now() {
      return now;
    },
  };
}

const all = (replies: Reply[]) => replies.map((r) => r.text).join("\n---\n");
const last = (replies: Reply[]) => replies[replies.length - 1] as Reply;
const labels = (r: Reply) => r.options?.map((o) => o.label) ?? [];

/** The number of the right (or a wrong) option on a question shown, found by its label in the lesson. */
function choice(p: ReturnType<typeof play>, shown: Reply, right: boolean): string {
  const quizzes = [...p.curriculum.lessons.values()].flatMap((l) => l.steps).filter((s): s is QuizStep => s.kind === "quiz");
  const quiz = quizzes.find((q) => shown.text.includes(q.title));
  if (!quiz) throw new Error(`no quiz in: ${shown.text}`);
  const i = labels(shown).findIndex((l) => quiz.options.find((o) => o.label === l)?.correct === right);
  return String(i + 1);
}

/** Consent, then lesson "otp" to its quiz. */
const toOtpQuiz = (p: ReturnType<typeof play>) => p.sayAll("hi", "1", "1", "1", "tiếp", "đã thấy", "tiếp");
const OTP_ORDER = ["Công an gọi điện", "Nhân viên ngân hàng", "Không ai cả"];

describe("ôn tập: a missed question comes back", () => {
  it("after two misses, the question is due the next day, asked with its options reshuffled, with feedback", () => {
    const p = play();
    toOtpQuiz(p);
    p.sayAll("1", "2"); // wrong twice: the answer is shown and the lesson ends
    expect(p.cards.size).toBe(1);
    const today = all(p.say("ôn tập"));
    expect(today).toContain("Hôm nay bác chưa có câu nào cần ôn");
    expect(today).toContain(`ngày ${vnDateDmy(p.now + DAY_MS)}`);

    p.later(1);
    const r = p.say("on tap");
    expect(all(r)).toContain("**Ôn tập**: 1 câu");
    const q = last(r);
    expect(q.text).toContain("Ôn tập (1/1): Ai được hỏi mã OTP của bác?");
    expect([...labels(q)].sort()).toEqual([...OTP_ORDER].sort());
    expect(labels(q)).not.toEqual(OTP_ORDER);
    // "nhắc lại" shows the same order again; a hint is not given.
    expect(labels(last(p.say("nhắc lại")))).toEqual(labels(q));
    expect(all(p.say("không hiểu"))).toContain("không có gợi ý");

    const done = all(p.say(choice(p, q, true)));
    expect(done).toContain("Giải thích: không ai được hỏi mã OTP.");
    expect(done).toContain("Bác đã ôn xong: đúng 1/1 câu.");
    expect(p.events.filter((e) => e.type === "review_answered")).toEqual([
      { type: "review_answered", mode: "review", lessonId: "otp", stepIndex: 4, stepTitle: "Ai được hỏi mã OTP của bác?", correct: true },
    ]);
    // Remembered: it comes back later than the next day.
    const card = [...p.cards.values()][0] as ReviewCard;
    expect(vnDayNumber(card.due) - vnDayNumber(p.now)).toBeGreaterThan(1);
    expect(all(p.say("ôn tập"))).toContain("Câu ôn tập tiếp theo vào ngày");
  });

  it("a wrong review answer shows the right one; three lapses offer the lesson again, from its first step", () => {
    const p = play();
    toOtpQuiz(p);
    p.sayAll("1", "3");
    for (let i = 0; i < 3; i++) {
      p.later(1);
      const q = last(p.say("ôn tập"));
      const r = p.say(choice(p, q, false));
      expect(all(r)).toContain("Đáp án đúng là: **Không ai cả**");
      if (i < 2) expect(p.state.screen.kind).toBe("paused");
    }
    const screen = p.state.screen;
    expect(screen).toEqual({ kind: "relearn", lessonId: "otp" });
    expect(labels(last(p.say("nhắc lại")))).toEqual(["Học lại bài này", "Về danh sách chủ đề"]);
    expect(last(p.say("1")).text).toContain("Bước 1/4");
  });

  it("says kindly when there is nothing to review, and keeps nothing for a learner who declined storage", () => {
    const p = play();
    p.sayAll("hi", "1");
    expect(all(p.say("ôn tập"))).toContain("Bác chưa có câu nào cần ôn");
    const q = play();
    q.sayAll("hi", "2", "1", "1", "tiếp", "đã thấy", "tiếp", "1", "2");
    expect(q.cards.size).toBe(0);
    expect(all(q.say("ôn tập"))).toContain("không lưu kết quả học");
  });

  it("leaves the review with menu; a question removed from the lessons is skipped", () => {
    const p = play();
    toOtpQuiz(p);
    p.sayAll("1", "2");
    p.later(1);
    p.say("ôn tập");
    expect(p.state.screen.kind).toBe("drill");
    expect(all(p.say("menu"))).toContain("Bác muốn học chủ đề nào");
    expect(p.state.screen.kind).toBe("menu");
    // An admin removes the quiz: its card is no longer asked (nor counted).
    const otp = p.curriculum.lessons.get("otp");
    if (otp) otp.steps = otp.steps.filter((s) => s.kind !== "quiz");
    expect(all(p.say("ôn tập"))).toContain("Bác chưa có câu nào cần ôn");
  });

  it("a stored drill that is not sound (damaged, or from elsewhere) goes to the menu instead of failing", () => {
    const broken = { v: 1, consent: true, screen: { kind: "drill", mode: "review", items: "x" } } as unknown as TutorState;
    const out = step(broken, { kind: "text", text: "1" }, { curriculum: sampleCurriculum(), progress: new Map() });
    expect(out.state.screen.kind).toBe("track");
    expect(out.replies.at(-1)?.text).toContain("An toàn trên mạng");
  });

  it("is reached by “ôn tập”, “on tap” and “/ontap”; the test by “kiểm tra”", () => {
    for (const text of ["ôn tập", "on tap", "/ontap", "Ôn tập nhé"]) expect(parseIntent(text)).toEqual({ kind: "review" });
    for (const text of ["kiểm tra", "kiem tra", "/kiemtra"]) expect(parseIntent(text)).toEqual({ kind: "test" });
  });

  it("a hint shown before answering makes a card even for a right answer", () => {
    const curriculum = sampleCurriculum();
    const quiz = curriculum.lessons.get("otp")?.steps[3] as QuizStep;
    quiz.tip = "Người thật của ngân hàng không bao giờ hỏi mã.";
    const p = play({ curriculum });
    toOtpQuiz(p);
    expect(all(p.say("không hiểu"))).toContain("không bao giờ hỏi mã");
    p.say("3");
    expect(p.events.find((e) => e.type === "quiz_answered")).toMatchObject({ correct: true, attempt: 1, hinted: true });
    expect(p.cards.size).toBe(1);
  });
});

describe("the test before the certificate", () => {
  /** Both lessons of "An toàn trên mạng", each quiz answered right at once. */
  function finishTrack(p: ReturnType<typeof play>): Reply[] {
    p.sayAll("hi", "1", "1", "1", "tiếp", "đã thấy", "tiếp", "3");
    return p.sayAll("tiếp", "tiếp", "1");
  }

  it("is offered instead of the certificate; failing it gives none, names the lessons, and refuses a retry the same day", () => {
    const p = play();
    const end = finishTrack(p);
    expect(all(end)).toContain("bài kiểm tra ngắn: 2 câu, cần đúng ít nhất 2 câu");
    expect(labels(last(end))).toEqual(["Làm bài kiểm tra", "Để sau"]);
    expect(p.events.some((e) => e.type === "certificate")).toBe(false);

    let q = last(p.say("1"));
    expect(q.text).toContain("Bài kiểm tra (1/2)");
    // The first question answered wrong, the second right.
    q = last(p.say(choice(p, q, false)));
    expect(q.text).toContain("Bài kiểm tra (2/2)");
    const missed = p.curriculum.lessons.get(p.events.findLast((e) => e.type === "review_answered")?.lessonId ?? "")?.title;
    const r = all(p.say(choice(p, q, true)));
    expect(r).toContain("Bác đúng 1/2 câu. Cần đúng ít nhất 2 câu");
    expect(r).toContain(`Bác nên ôn lại: “${missed}”`);
    expect(r).toContain(`Từ ngày ${vnDateDmy(p.now + DAY_MS)}`);
    expect(p.events.filter((e) => e.type === "track_test")).toEqual([
      { type: "track_test", trackId: "an-toan", right: 1, total: 2, passed: false },
    ]);
    expect(p.events.some((e) => e.type === "certificate")).toBe(false);
    expect(p.state.screen.kind).toBe("relearn");

    expect(all(p.say("kiểm tra"))).toContain(`Từ ngày ${vnDateDmy(p.now + DAY_MS)}, bác làm lại được`);
    expect(p.state.screen.kind).toBe("paused");
    // Redoing a lesson the same day does not offer the test again, nor the certificate.
    const redo = p.sayAll("menu", "1", "2", "tiếp", "1");
    expect(all(redo)).toContain("Chúc mừng bác đã học xong bài “Bài link”");
    expect(all(redo)).not.toContain("bài kiểm tra ngắn");
    expect(p.events.some((e) => e.type === "certificate")).toBe(false);
  });

  it("passed the next day, it leads to the certificate; a certified track is not tested again", () => {
    const p = play();
    finishTrack(p);
    p.say("2"); // "Để sau"
    expect(all(p.say("tiến độ"))).toContain("Gõ **kiểm tra**");
    p.later(1);
    let q = last(p.say("kiểm tra"));
    q = last(p.say(choice(p, q, true)));
    const passed = p.say(choice(p, q, true));
    expect(all(passed)).toContain("Bác đúng 2/2 câu. Bác đã qua bài kiểm tra!");
    expect(all(passed)).toContain("giấy chứng nhận");
    expect(p.state.screen.kind).toBe("cert_name");
    expect(all(p.say("Lan"))).toContain("Giấy chứng nhận");
    expect(p.events.filter((e) => e.type === "certificate")).toEqual([
      { type: "certificate", trackId: "an-toan", trackTitle: "An toàn trên mạng", code: "ABCDEFGHJK", firstName: "Lan" },
    ]);
    expect(all(p.say("kiểm tra"))).toContain("Khi bác học xong cả một chủ đề");
  });

  it("shows mastery in plain words in the progress screen", () => {
    const p = play();
    toOtpQuiz(p);
    p.sayAll("1", "2");
    const progress = all(p.say("tiến độ"));
    expect(progress).toContain("Bài otp (Cần ôn thêm)");
    p.later(1);
    expect(all(p.say("tiến độ"))).toContain("Hôm nay có 1 câu ôn tập");
  });
});
