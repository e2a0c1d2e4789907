// Questions asked again, one at a time — a review ("ôn tập") or a track's test: the options in a new order, one answer
// each, no hint, the right answer shown after a miss. review.ts and track-test.ts start a drill and say what follows it.

import type { Lesson, QuizStep } from "../curriculum/types.js";
import { reshuffle } from "../learning/shuffle.js";
import { looksLikeQuestion } from "./answers.js";
import type { Intent } from "./intents.js";
import { outOfRange, pickOption } from "./menus.js";
import { withOptions } from "./replies.js";
import { finishReview } from "./review.js";
import type { DrillItem, Screen, Turn, TutorContext } from "./state.js";
import { vi } from "./texts.vi.js";
import { finishTest } from "./track-test.js";

export type Drill = Extract<Screen, { kind: "drill" }>;

/** After this many lapses a question sends the learner back to its lesson. */
export const RELEARN_LAPSES = 3;

/** The quiz an item names in today's lessons: by its title, else the quiz still at its position; undefined if gone. */
export function findQuiz(ctx: TutorContext, item: DrillItem): { lesson: Lesson; step: QuizStep } | undefined {
  const lesson = ctx.curriculum.lessons.get(item.lessonId);
  if (!lesson) return undefined;
  const step = lesson.steps.find((s) => s.kind === "quiz" && s.title === item.stepTitle) ?? lesson.steps[item.stepIndex - 1];
  return step?.kind === "quiz" ? { lesson, step } : undefined;
}

export function startDrill(t: Turn, init: Pick<Drill, "mode" | "items" | "trackId" | "after">): void {
  showItem(t, { kind: "drill", index: 0, order: [], right: 0, answered: 0, missed: [], relearn: [], ...init });
}

/** Shows the drill's current question in a new order (skipping questions removed from the lessons since), or ends it. */
function showItem(t: Turn, d: Drill): void {
  for (let index = d.index; index < d.items.length; index++) {
    const found = findQuiz(t.ctx, d.items[index] as DrillItem);
    if (!found) continue;
    const drill: Drill = { ...d, index, order: reshuffle(found.step.options.length, (t.ctx.seed ?? 0) + index) };
    t.go(drill);
    t.say(render(drill, found.step));
    return;
  }
  const done: Drill = { ...d, index: d.items.length };
  t.go(done);
  if (d.mode === "review") finishReview(t, done);
  else finishTest(t, done);
}

function render(d: Drill, step: QuizStep) {
  const parts = [vi.drillHeading(d.mode, d.index + 1, d.items.length, step.title)];
  if (step.text) parts.push(step.text);
  parts.push(vi.quizAsk);
  const labels = d.order.map((i) => step.options[i]?.label ?? "");
  return withOptions(parts.join("\n\n"), labels, { quick: ["repeat", "menu"], ...(step.image ? { image: step.image } : {}) });
}

/** Shows the current question again, as it was (the same order). */
export function repeatDrill(t: Turn, d: Drill): void {
  const found = d.items[d.index] && findQuiz(t.ctx, d.items[d.index] as DrillItem);
  if (found && d.order.length === found.step.options.length) t.say(render(d, found.step));
  else showItem(t, d);
}

export function onDrillInput(t: Turn, d: Drill, intent: Intent, raw: string): boolean {
  const item = d.items[d.index];
  const found = item && findQuiz(t.ctx, item);
  if (!item || !found || d.order.length !== found.step.options.length) {
    // The lesson changed under the question (or the state is from elsewhere): ask it afresh, or move on.
    showItem(t, d);
    return true;
  }
  if (intent.kind === "repeat") {
    t.say(render(d, found.step));
    return true;
  }
  if (intent.kind === "explain") {
    t.say(vi.drillNoHint);
    return true;
  }
  const labels = d.order.map((i) => found.step.options[i]?.label ?? "");
  const pick = pickOption(intent, raw, labels);
  if (pick === "out-of-range") return outOfRange(t, labels.length);
  if (pick === undefined) {
    if (intent.kind === "text" && looksLikeQuestion(raw)) {
      t.ask(raw);
      return true;
    }
    if (intent.kind === "text" || intent.kind === "next" || intent.kind === "yes" || intent.kind === "no") {
      t.say(`${vi.quizNeedAnswer} ${vi.hintChoose(labels.length)}`);
      return true;
    }
    return false; // a command: menu, stop, progress…
  }
  const step = found.step;
  const correct = step.options[d.order[pick] as number]?.correct === true;
  const stepIndex = step.index;
  t.events.push({ type: "review_answered", mode: d.mode, lessonId: item.lessonId, stepIndex, stepTitle: step.title, correct });
  if (correct) {
    const praise = vi.quizRight[(d.index + d.right) % vi.quizRight.length] as string;
    t.say([praise, step.explanation].filter(Boolean).join("\n"));
  } else {
    const answer = step.options.find((o) => o.correct)?.label ?? "";
    t.say([vi.drillWrong(answer), step.explanation].filter(Boolean).join("\n"));
  }
  const card = t.ctx.learning?.cards.find((c) => c.lessonId === item.lessonId && c.stepTitle === step.title);
  const forgotten = !correct && d.mode === "review" && (card?.lapses ?? 0) + 1 >= RELEARN_LAPSES;
  const once = (list: string[], add: boolean) => (add && !list.includes(item.lessonId) ? [...list, item.lessonId] : list);
  showItem(t, {
    ...d,
    index: d.index + 1,
    right: d.right + (correct ? 1 : 0),
    answered: d.answered + 1,
    missed: once(d.missed, !correct),
    relearn: once(d.relearn, forgotten),
  });
  return true;
}
