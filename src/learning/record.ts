import type { Curriculum } from "../curriculum/types.js";
import type { TutorEvent } from "../tutor/engine.js";
import { traceKnowledge } from "./mastery.js";
import { type Recall, schedule } from "./scheduler.js";
import type { LearningView, LearningWrites, ReviewCard } from "./types.js";

// A turn's learning events → what to write: review cards (re)scheduled, mastery traced, delayed answers and track tests
// recorded. Pure: the conversation service writes the result in the turn's unit of work.

const key = (lessonId: string, stepTitle: string) => `${lessonId}\u0000${stepTitle}`;

export function learningWrites(view: LearningView, events: readonly TutorEvent[], curriculum: Curriculum, at: number): LearningWrites {
  const cards = new Map(view.cards.map((c) => [key(c.lessonId, c.stepTitle), c]));
  const mastery = new Map(view.mastery);
  const out: LearningWrites = { cards: [], mastery: [], answers: [], tests: [] };
  const changed = new Map<string, ReviewCard>();
  const traced = new Set<string>();

  const answer = (lessonId: string, correct: boolean) => {
    mastery.set(lessonId, traceKnowledge(mastery.get(lessonId), correct));
    traced.add(lessonId);
  };
  const rate = (identity: Pick<ReviewCard, "lessonId" | "stepTitle" | "stepIndex">, recall: Recall | undefined) => {
    const k = key(identity.lessonId, identity.stepTitle);
    const card = cards.get(k);
    // A question answered right that was never missed needs no card.
    if (!recall || (!card && recall === "good")) return;
    const next = schedule(card, identity, recall, at);
    cards.set(k, next);
    changed.set(k, next);
  };

  for (const e of events) {
    if (e.type === "quiz_answered") {
      // Only the first answer of a pass through the lesson says what the learner knew; a retry follows a hint.
      if (e.attempt !== 1) continue;
      const title = curriculum.lessons.get(e.lessonId)?.steps[e.stepIndex - 1]?.title;
      if (title === undefined) continue;
      const unaided = e.correct && !e.hinted;
      answer(e.lessonId, unaided);
      rate({ lessonId: e.lessonId, stepTitle: title, stepIndex: e.stepIndex }, !e.correct ? "forgot" : e.hinted ? "hard" : "good");
    } else if (e.type === "review_answered") {
      answer(e.lessonId, e.correct);
      rate({ lessonId: e.lessonId, stepTitle: e.stepTitle, stepIndex: e.stepIndex }, e.correct ? "good" : "forgot");
      out.answers.push({ kind: e.mode, lessonId: e.lessonId, stepIndex: e.stepIndex, correct: e.correct });
    } else if (e.type === "track_test") {
      out.tests.push({ trackId: e.trackId, right: e.right, total: e.total, passed: e.passed });
    }
  }
  out.cards = [...changed.values()];
  out.mastery = [...traced].map((lessonId) => ({ lessonId, p: mastery.get(lessonId) as number }));
  return out;
}
