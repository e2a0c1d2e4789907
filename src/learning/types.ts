// What is kept of a learner's learning beyond their progress: the questions they missed (review cards, scheduled by
// FSRS), how well they know each lesson (mastery), and their track tests. Plain data, the same on both stores.

/** A quiz question the learner missed, scheduled for review. Identified by its lesson and its step's title. */
export interface ReviewCard {
  lessonId: string;
  /** The quiz step's title: it survives edits that move the step (the position is only a hint). */
  stepTitle: string;
  /** 1-based position of the step when last seen. */
  stepIndex: number;
  /** When it is next due (epoch ms; reviews are by Vietnam calendar day). */
  due: number;
  stability: number;
  difficulty: number;
  reps: number;
  /** Times it was forgotten again after its first miss. */
  lapses: number;
  /** ts-fsrs State (0 new, 1 learning, 2 review, 3 relearning). */
  state: number;
  lastReview: number | null;
  scheduledDays: number;
  learningSteps: number;
}

/** What a turn knows of the learner's learning (empty without consent). */
export interface LearningView {
  cards: readonly ReviewCard[];
  /** p(known) by lesson id (Bayesian knowledge tracing). */
  mastery: ReadonlyMap<string, number>;
  /** When the learner last failed each track's test (epoch ms), by track id. */
  testFailedAt: ReadonlyMap<string, number>;
}

export const emptyLearning = (): LearningView => ({ cards: [], mastery: new Map(), testFailedAt: new Map() });

/** A delayed answer (a review, or a track test's question): the retention figures are made of these. */
export interface DelayedAnswer {
  kind: "review" | "test";
  lessonId: string;
  stepIndex: number;
  correct: boolean;
}

/** What one turn changes: written in the turn's unit of work, only for learners who consented. */
export interface LearningWrites {
  cards: ReviewCard[];
  mastery: Array<{ lessonId: string; p: number }>;
  answers: DelayedAnswer[];
  tests: Array<{ trackId: string; right: number; total: number; passed: boolean }>;
}

export const isEmptyWrites = (w: LearningWrites) => w.cards.length + w.mastery.length + w.answers.length + w.tests.length === 0;
