// "ôn tập": the questions the learner missed come back when they are due (learning/scheduler.ts decides when), at most
// three at a time; and after a review, a question forgotten again and again sends the learner back to its lesson.

import type { ReviewCard } from "../learning/types.js";
import { vnDateDmy, vnDayNumber } from "../time.js";
import { type Drill, findQuiz, startDrill } from "./drill.js";
import type { Intent } from "./intents.js";
import { openLesson } from "./lessons.js";
import { outOfRange, pickOption, showMenu } from "./menus.js";
import { withOptions } from "./replies.js";
import type { Screen, Turn, TutorContext } from "./state.js";
import { vi } from "./texts.vi.js";

export const REVIEW_SIZE = 3;

/** The learner's cards whose question still exists, oldest due first. */
function liveCards(ctx: TutorContext): ReviewCard[] {
  return (ctx.learning?.cards ?? []).filter((c) => findQuiz(ctx, c) !== undefined).sort((a, b) => a.due - b.due);
}

/** Cards due today or before (reviews go by Vietnam calendar day). */
export function dueCards(ctx: TutorContext): ReviewCard[] {
  const today = ctx.day ?? Number.POSITIVE_INFINITY;
  return liveCards(ctx).filter((c) => vnDayNumber(c.due) <= today);
}

export function startReview(t: Turn): void {
  if (!t.state.consent) {
    t.say(vi.reviewNeedConsent);
    return;
  }
  const due = dueCards(t.ctx);
  if (due.length === 0) {
    const next = liveCards(t.ctx)[0];
    t.say(next ? vi.reviewNoneDue(vnDateDmy(next.due)) : vi.reviewNothing);
    return;
  }
  const items = due.slice(0, REVIEW_SIZE).map((c) => ({ lessonId: c.lessonId, stepTitle: c.stepTitle, stepIndex: c.stepIndex }));
  t.say(vi.reviewIntro(items.length, due.length - items.length));
  startDrill(t, { mode: "review", items });
}

export function finishReview(t: Turn, d: Drill): void {
  const summary = vi.reviewDone(d.right, d.answered);
  const relearn = d.relearn.map((id) => t.ctx.curriculum.lessons.get(id)).find((l) => l !== undefined);
  if (relearn) {
    offerRelearn(t, relearn.id, (title) => `${summary}\n\n${vi.relearnOffer(title)}`);
    return;
  }
  t.go({ kind: "paused" });
  t.say(`${summary}\n${t.state.lesson ? vi.progressResumeHint : vi.hintGeneral}`);
}

/** Offers to redo a lesson (after a question forgotten again and again, or a failed test). */
export function offerRelearn(t: Turn, lessonId: string, text: (lessonTitle: string) => string): void {
  const lesson = t.ctx.curriculum.lessons.get(lessonId);
  if (!lesson) return;
  t.go({ kind: "relearn", lessonId });
  t.say(withOptions(text(lesson.title), vi.relearnOptions));
}

export function onRelearn(t: Turn, screen: Extract<Screen, { kind: "relearn" }>, intent: Intent, raw: string): boolean {
  const lesson = t.ctx.curriculum.lessons.get(screen.lessonId);
  const pick = pickOption(intent, raw, vi.relearnOptions);
  if (lesson && (pick === 0 || intent.kind === "yes" || intent.kind === "next")) {
    // Redone from its first step, even where it was left unfinished.
    t.state = { ...t.state, lesson: undefined };
    openLesson(t, lesson);
  } else if (pick === 1 || intent.kind === "no" || !lesson) showMenu(t);
  else if (pick === "out-of-range") return outOfRange(t, vi.relearnOptions.length);
  else return false;
  return true;
}

/** The relearn offer again ("nhắc lại"). */
export function repeatRelearn(t: Turn, screen: Extract<Screen, { kind: "relearn" }>): void {
  const lesson = t.ctx.curriculum.lessons.get(screen.lessonId);
  if (lesson) t.say(withOptions(vi.relearnAsk(lesson.title), vi.relearnOptions));
  else showMenu(t);
}
