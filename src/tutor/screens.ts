// Showing where the learner is again ("nhắc lại", progress, after a reload) and following curriculum edits.

import type { Step } from "../curriculum/types.js";
import { handoffVi } from "../handoff/texts.vi.js";
import { masteryLevel } from "../learning/mastery.js";
import { repeatDrill } from "./drill.js";
import type { Intent } from "./intents.js";
import { renderStep, resumeLesson, suggestNext } from "./lessons.js";
import { askConsent, offerResume, showMenu, showTrack } from "./menus.js";
import { showPrompt } from "./prompts.js";
import { type Reply, withOptions } from "./replies.js";
import { dueCards, repeatRelearn } from "./review.js";
import { Turn, type TutorContext, type TutorState } from "./state.js";
import { vi } from "./texts.vi.js";
import { tracksReady } from "./track-test.js";

export function showProgress(t: Turn): void {
  const { curriculum, progress } = t.ctx;
  const lines = [vi.progressTitle];
  const done = [...curriculum.lessons.values()].filter((l) => progress.get(l.id)?.status === "completed");
  // How well each finished lesson is known, in plain words (learning/mastery.ts).
  const known = (id: string) => {
    const p = t.ctx.learning?.mastery.get(id);
    return p === undefined ? "" : ` (${vi.mastery[masteryLevel(p)]})`;
  };
  if (t.state.consent === false) lines.push(vi.progressNotStored);
  else lines.push(done.length ? vi.progressDone(done.map((l) => `${l.title}${known(l.id)}`)) : vi.progressNoneDone);
  const due = dueCards(t.ctx).length;
  if (due > 0) lines.push(vi.progressDue(due));
  const ready = tracksReady(t.ctx, t.state.consent)[0];
  if (ready) lines.push(vi.progressTestReady(ready.title));
  const pos = t.state.lesson;
  const current = pos && curriculum.lessons.get(pos.lessonId);
  if (pos && current) lines.push(vi.progressDoing(current.title, pos.stepIndex + 1, current.steps.length));
  const next = suggestNext(t.ctx, pos?.lessonId);
  if (next) lines.push(vi.progressNext(next.title));
  lines.push(vi.progressResumeHint);
  t.say(lines.join("\n"));
}

/** "đọc to" reads what is on screen aloud; "luôn đọc to" / "tắt đọc to" turn reading every lesson step on or off. */
export function onReadAloud(t: Turn, intent: Intent): boolean {
  if (intent.kind !== "readAloud" && intent.kind !== "readAloudOn" && intent.kind !== "readAloudOff") return false;
  if (intent.kind === "readAloudOff") {
    t.state = { ...t.state, readAloud: false };
    t.say(vi.readAloudOff);
    return true;
  }
  if (!t.ctx.audio) {
    t.say(vi.readAloudUnavailable);
    return true;
  }
  if (intent.kind === "readAloudOn") {
    t.state = { ...t.state, readAloud: true };
    t.say(vi.readAloudOn);
  } else t.readAll = true;
  showCurrent(t);
  return true;
}

export function repeatScreen(t: Turn): void {
  const screen = t.state.screen;
  if (screen.kind === "track") {
    const track = t.ctx.curriculum.tracks.find((tr) => tr.id === screen.trackId);
    if (track) {
      showTrack(t, track);
      return;
    }
  }
  if (screen.kind === "resume") {
    offerResume(t, false);
    return;
  }
  if (screen.kind === "done") {
    const lesson = t.ctx.curriculum.lessons.get(screen.lessonId);
    const next = screen.nextLessonId ? t.ctx.curriculum.lessons.get(screen.nextLessonId) : undefined;
    if (lesson) {
      t.say(withOptions(`${vi.lessonDone(lesson.title)}\n\n${next ? vi.nextLesson(next.title) : vi.allDone}`, vi.doneOptions(next?.title)));
      return;
    }
  }
  if (screen.kind === "answered") {
    t.go(screen.prev);
    repeatScreen(t);
    return;
  }
  if (screen.kind === "drill") {
    repeatDrill(t, screen);
    return;
  }
  if (screen.kind === "relearn") {
    repeatRelearn(t, screen);
    return;
  }
  if (screen.kind === "cert_name" || screen.kind === "ask_reminders" || screen.kind === "test_offer") {
    showPrompt(t, screen);
    return;
  }
  if (screen.kind === "handoff_consent") {
    t.say(withOptions(handoffVi.consentAsk, handoffVi.consentOptions));
    return;
  }
  if (screen.kind === "confirm_delete") {
    t.say(withOptions(vi.deleteAsk, vi.deleteOptions));
    return;
  }
  if (screen.kind === "paused" && t.state.lesson) {
    resumeLesson(t);
    return;
  }
  showMenu(t);
}

/** What the learner was last shown, to show again without changing anything (the web page after a reload). */
export function currentScreen(state: TutorState, ctx: TutorContext): Reply[] {
  const t = new Turn(reconcile(state, ctx), ctx);
  if (t.state.screen.kind === "new") return [];
  showCurrent(t);
  return t.replies;
}

/** Shows the screen the learner is on again, as it was. */
function showCurrent(t: Turn): void {
  const { screen, lesson: pos } = t.state;
  const lesson = pos && t.ctx.curriculum.lessons.get(pos.lessonId);
  if (screen.kind === "consent") askConsent(t);
  else if (screen.kind === "step" && pos && lesson) t.say(renderStep(lesson, pos.stepIndex));
  else repeatScreen(t);
}

/** Keeps a stored state valid against the current curriculum (lessons may have been edited or removed). */
export function reconcile(stored: TutorState, ctx: TutorContext): TutorState {
  // A drill is checked as a whole (the service's schema looks at a screen's kind only): one that is not sound goes to the menu.
  const state = stored.screen.kind === "drill" && !soundDrill(stored.screen) ? { ...stored, screen: { kind: "menu" as const } } : stored;
  const pos = state.lesson;
  if (!pos) return state;
  const lesson = ctx.curriculum.lessons.get(pos.lessonId);
  if (!lesson || lesson.steps.length === 0) {
    return { ...state, lesson: undefined, screen: { kind: "menu" } };
  }
  const atSame = lesson.steps[pos.stepIndex]?.title === pos.stepTitle;
  if (atSame) return state;
  const byTitle = lesson.steps.findIndex((s) => s.title === pos.stepTitle);
  const stepIndex = byTitle >= 0 ? byTitle : Math.min(pos.stepIndex, lesson.steps.length - 1);
  return { ...state, lesson: { ...pos, stepIndex, stepTitle: (lesson.steps[stepIndex] as Step).title, wrong: 0 } };
}

function soundDrill(d: Extract<TutorState["screen"], { kind: "drill" }>): boolean {
  const numbers = (xs: unknown) => Array.isArray(xs) && xs.every((x) => Number.isInteger(x));
  const texts = (xs: unknown) => Array.isArray(xs) && xs.every((x) => typeof x === "string");
  return (
    Array.isArray(d.items) &&
    d.items.every((i) => typeof i?.lessonId === "string" && typeof i.stepTitle === "string" && Number.isInteger(i.stepIndex)) &&
    Number.isInteger(d.index) &&
    numbers(d.order) &&
    Number.isInteger(d.right) &&
    Number.isInteger(d.answered) &&
    texts(d.missed) &&
    texts(d.relearn)
  );
}
