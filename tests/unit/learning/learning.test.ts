import { describe, expect, it } from "vitest";
import { BKT, MASTERED, masteryLevel, traceKnowledge } from "../../../src/learning/mastery.js";
import { learningWrites } from "../../../src/learning/record.js";
import { MAX_INTERVAL_DAYS, schedule } from "../../../src/learning/scheduler.js";
import { permutation, reshuffle } from "../../../src/learning/shuffle.js";
import { emptyLearning, type ReviewCard } from "../../../src/learning/types.js";
import { DAY_MS, vnDayNumber } from "../../../src/time.js";
import { sampleCurriculum } from "../../helpers/curriculum.js";

const T0 = Date.UTC(2026, 11, 7, 3); // 10:00 in Vietnam
const id = { lessonId: "otp", stepTitle: "Ai được hỏi mã OTP của bác?", stepIndex: 4 };
const days = (c: ReviewCard, from: number) => vnDayNumber(c.due) - vnDayNumber(from);

describe("the review scheduler (FSRS, daily)", () => {
  it("brings a question just missed back the next day, and a remembered one later and later", () => {
    let card = schedule(undefined, id, "forgot", T0);
    expect(days(card, T0)).toBe(1);
    expect(card).toMatchObject({ ...id, lapses: 0, reps: 1 });
    const gaps: number[] = [];
    let at = card.due;
    for (let i = 0; i < 6; i++) {
      card = schedule(card, id, "good", at);
      gaps.push(days(card, at));
      at = card.due;
    }
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1] as number);
    expect(gaps.at(-1)).toBeGreaterThan(gaps[0] as number);
  });

  it("right only after a hint comes back sooner than right at once would", () => {
    expect(days(schedule(undefined, id, "hard", T0), T0)).toBeGreaterThanOrEqual(1);
    expect(days(schedule(undefined, id, "hard", T0), T0)).toBeLessThan(days(schedule(undefined, id, "good", T0), T0));
  });

  it("counts a question forgotten again as a lapse, and resets it to the next day", () => {
    let card = schedule(undefined, id, "forgot", T0);
    card = schedule(card, id, "good", card.due);
    const before = card.due;
    card = schedule(card, id, "forgot", before);
    expect(card.lapses).toBe(1);
    expect(days(card, before)).toBe(1);
  });

  it("never waits longer than the programme's length", () => {
    let card = schedule(undefined, id, "forgot", T0);
    let at = card.due;
    for (let i = 0; i < 30; i++) {
      card = schedule(card, id, "good", at);
      expect(card.due - at).toBeLessThanOrEqual(MAX_INTERVAL_DAYS * DAY_MS);
      at = card.due;
    }
    expect(card.scheduledDays).toBe(MAX_INTERVAL_DAYS);
  });

  it("is deterministic: the same answers give the same dates", () => {
    const a = schedule(schedule(undefined, id, "forgot", T0), id, "good", T0 + DAY_MS);
    const b = schedule(schedule(undefined, id, "forgot", T0), id, "good", T0 + DAY_MS);
    expect(a).toEqual(b);
  });
});

describe("mastery (Bayesian knowledge tracing)", () => {
  it("rises with right answers, falls with wrong ones, and reaches mastery after a few right answers", () => {
    const once = traceKnowledge(undefined, true);
    expect(once).toBeGreaterThan(BKT.init);
    expect(traceKnowledge(undefined, false)).toBeLessThan(BKT.init);
    let p: number | undefined;
    let n = 0;
    while ((p ?? 0) < MASTERED) {
      p = traceKnowledge(p, true);
      n++;
    }
    expect(n).toBe(3);
    expect(traceKnowledge(p, false)).toBeLessThan(p as number);
  });

  it("matches the model's formula (one right answer from the prior)", () => {
    const { init: l, slip: s, guess: g, transit: tr } = BKT;
    const posterior = (l * (1 - s)) / (l * (1 - s) + (1 - l) * g);
    expect(traceKnowledge(undefined, true)).toBeCloseTo(posterior + (1 - posterior) * tr, 12);
  });

  it("names levels in plain words' order", () => {
    expect(masteryLevel(0.97)).toBe("mastered");
    expect(masteryLevel(0.7)).toBe("fair");
    expect(masteryLevel(0.2)).toBe("shaky");
  });
});

describe("seeded shuffles", () => {
  it("are permutations, replayable from the seed, and differ between seeds", () => {
    const p = permutation(5, 42);
    expect([...p].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(permutation(5, 42)).toEqual(p);
    const seen = new Set(Array.from({ length: 20 }, (_, s) => permutation(5, s).join()));
    expect(seen.size).toBeGreaterThan(10);
  });

  it("never give back the order the options were learned in", () => {
    for (let seed = 0; seed < 200; seed++) {
      expect(reshuffle(2, seed)).toEqual([1, 0]);
      expect(reshuffle(3, seed)).not.toEqual([0, 1, 2]);
    }
    expect(reshuffle(1, 7)).toEqual([0]);
  });
});

describe("a turn's learning events → writes", () => {
  const c = sampleCurriculum();
  const quiz = (correct: boolean, attempt = 1, hinted = false) => ({
    type: "quiz_answered" as const,
    lessonId: "otp",
    stepIndex: 4,
    optionIndex: 1,
    correct,
    attempt,
    ...(hinted ? { hinted } : {}),
  });

  it("a first answer that is wrong makes a card (by the step's title) and lowers mastery; the retry changes nothing", () => {
    const w = learningWrites(emptyLearning(), [quiz(false), quiz(true, 2)], c, T0);
    expect(w.cards).toHaveLength(1);
    expect(w.cards[0]).toMatchObject({ lessonId: "otp", stepTitle: "Ai được hỏi mã OTP của bác?", stepIndex: 4 });
    expect(w.mastery).toEqual([{ lessonId: "otp", p: traceKnowledge(undefined, false) }]);
    expect(w.answers).toEqual([]);
  });

  it("right at once makes no card; right after the hint does, and counts as not known", () => {
    expect(learningWrites(emptyLearning(), [quiz(true)], c, T0).cards).toEqual([]);
    const hinted = learningWrites(emptyLearning(), [quiz(true, 1, true)], c, T0);
    expect(hinted.cards).toHaveLength(1);
    expect(hinted.mastery[0]?.p).toBe(traceKnowledge(undefined, false));
  });

  it("a review answer reschedules the card, traces mastery and is recorded as a delayed answer; a test result is kept", () => {
    const card = schedule(undefined, id, "forgot", T0);
    const view = { ...emptyLearning(), cards: [card], mastery: new Map([["otp", 0.2]]) };
    const w = learningWrites(
      view,
      [
        { type: "review_answered", mode: "review", lessonId: "otp", stepIndex: 4, stepTitle: id.stepTitle, correct: true },
        { type: "track_test", trackId: "an-toan", right: 1, total: 2, passed: false },
      ],
      c,
      card.due,
    );
    expect(w.cards[0]?.reps).toBe(2);
    expect(w.cards[0]?.due).toBeGreaterThan(card.due);
    expect(w.mastery[0]?.p).toBe(traceKnowledge(0.2, true));
    expect(w.answers).toEqual([{ kind: "review", lessonId: "otp", stepIndex: 4, correct: true }]);
    expect(w.tests).toEqual([{ trackId: "an-toan", right: 1, total: 2, passed: false }]);
  });
});
