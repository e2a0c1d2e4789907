import { type Card, createEmptyCard, fsrs, type Grade, Rating } from "ts-fsrs";
import { DAY_MS } from "../time.js";
import type { ReviewCard } from "./types.js";

// When a missed question comes back: FSRS (the Free Spaced Repetition Scheduler, through ts-fsrs) with its default
// weights, aiming at 90 % recall when a question is asked again. Daily: no same-day learning steps (a learner reviews
// at most once a day), no random fuzz (the same answers give the same dates, which tests and learners can rely on),
// and no interval beyond MAX_INTERVAL_DAYS, the length of a programme's round (its targets are set over two months):
// a question comes back at least once inside it.

export const MAX_INTERVAL_DAYS = 60;
export const RETENTION = 0.9;

const scheduler = fsrs({
  request_retention: RETENTION,
  maximum_interval: MAX_INTERVAL_DAYS,
  enable_fuzz: false,
  enable_short_term: false,
});

/** How an answer rates the recall: wrong = forgotten, right only after help = hard, right = good. */
export type Recall = "forgot" | "hard" | "good";
const GRADE: Record<Recall, Grade> = { forgot: Rating.Again, hard: Rating.Hard, good: Rating.Good };

function toFsrs(c: ReviewCard): Card {
  return {
    due: new Date(c.due),
    stability: c.stability,
    difficulty: c.difficulty,
    elapsed_days: 0,
    scheduled_days: c.scheduledDays,
    learning_steps: c.learningSteps,
    reps: c.reps,
    lapses: c.lapses,
    state: c.state,
    ...(c.lastReview === null ? {} : { last_review: new Date(c.lastReview) }),
  };
}

/**
 * The card after an answer at `at`: `card` undefined makes a new one (a question just missed). The identity fields
 * (lesson, step) are the caller's.
 */
export function schedule(
  card: ReviewCard | undefined,
  identity: Pick<ReviewCard, "lessonId" | "stepTitle" | "stepIndex">,
  recall: Recall,
  at: number,
): ReviewCard {
  const next = scheduler.next(card ? toFsrs(card) : createEmptyCard(new Date(at)), new Date(at), GRADE[recall]).card;
  // ts-fsrs keeps "good" a day past "hard", which can step one day over its maximum: held to it here.
  const scheduledDays = Math.min(next.scheduled_days, MAX_INTERVAL_DAYS);
  return {
    ...identity,
    due: Math.min(next.due.getTime(), at + MAX_INTERVAL_DAYS * DAY_MS),
    stability: next.stability,
    difficulty: next.difficulty,
    reps: next.reps,
    lapses: next.lapses,
    state: next.state,
    lastReview: next.last_review ? next.last_review.getTime() : at,
    scheduledDays,
    learningSteps: next.learning_steps,
  };
}
