import type { LearningView, LearningWrites, ReviewCard } from "../learning/types.js";
import type { Db } from "./db.js";
import { stmt } from "./repo.js";

// A learner's review cards, mastery and track tests on SQLite (see src/learning/types.ts), read and written inside the
// turn's transaction. Times are epoch milliseconds, booleans 0/1.

export function loadLearning(db: Db, learnerId: number): LearningView {
  const cards = stmt(
    db,
    `select lesson_id as lessonId, step_title as stepTitle, step_index as stepIndex, due, stability, difficulty, reps, lapses, state,
       last_review as lastReview, scheduled_days as scheduledDays, learning_steps as learningSteps
     from review_cards where learner_id = ?`,
  ).all(learnerId) as ReviewCard[];
  const mastery = stmt(db, "select lesson_id as lessonId, p_known as p from lesson_mastery where learner_id = ?").all(learnerId) as Array<{
    lessonId: string;
    p: number;
  }>;
  const failed = stmt(
    db,
    "select track_id as trackId, max(at) as at from track_tests where learner_id = ? and passed = 0 group by track_id",
  ).all(learnerId) as Array<{ trackId: string; at: number }>;
  return {
    cards,
    mastery: new Map(mastery.map((m) => [m.lessonId, m.p])),
    testFailedAt: new Map(failed.map((f) => [f.trackId, f.at])),
  };
}

export function saveLearning(db: Db, learnerId: number, w: LearningWrites, at: Date): void {
  const t = at.getTime();
  for (const c of w.cards)
    stmt(
      db,
      `insert into review_cards (learner_id, lesson_id, step_title, step_index, due, stability, difficulty, reps, lapses, state,
         last_review, scheduled_days, learning_steps, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (learner_id, lesson_id, step_title) do update set step_index = excluded.step_index, due = excluded.due,
         stability = excluded.stability, difficulty = excluded.difficulty, reps = excluded.reps, lapses = excluded.lapses,
         state = excluded.state, last_review = excluded.last_review, scheduled_days = excluded.scheduled_days,
         learning_steps = excluded.learning_steps, updated_at = excluded.updated_at`,
    ).run(
      learnerId,
      c.lessonId,
      c.stepTitle,
      c.stepIndex,
      c.due,
      c.stability,
      c.difficulty,
      c.reps,
      c.lapses,
      c.state,
      c.lastReview,
      c.scheduledDays,
      c.learningSteps,
      t,
    );
  for (const m of w.mastery)
    stmt(
      db,
      `insert into lesson_mastery (learner_id, lesson_id, p_known, updated_at) values (?, ?, ?, ?)
       on conflict (learner_id, lesson_id) do update set p_known = excluded.p_known, updated_at = excluded.updated_at`,
    ).run(learnerId, m.lessonId, m.p, t);
  // How long after the first answer: the learner's first recorded answer to that question.
  for (const a of w.answers)
    stmt(
      db,
      `insert into review_answers (learner_id, lesson_id, step_index, kind, correct, first_at, at)
       values (?, ?, ?, ?, ?, (select min(at) from quiz_attempts where learner_id = ? and lesson_id = ? and step_index = ?), ?)`,
    ).run(learnerId, a.lessonId, a.stepIndex, a.kind, a.correct ? 1 : 0, learnerId, a.lessonId, a.stepIndex, t);
  for (const x of w.tests)
    stmt(db, "insert into track_tests (learner_id, track_id, score, total, passed, at) values (?, ?, ?, ?, ?, ?)").run(
      learnerId,
      x.trackId,
      x.right,
      x.total,
      x.passed ? 1 : 0,
      t,
    );
}
