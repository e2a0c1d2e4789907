// Showing where the learner is again ("nhắc lại", progress, after a reload) and following curriculum edits.

import type { Lesson, Step } from "../curriculum/types.js";
import { handoffVi } from "../handoff/texts.vi.js";
import { renderStep, resumeLesson, suggestNext } from "./lessons.js";
import { askConsent, offerResume, showMenu, showTrack } from "./menus.js";
import { showPrompt } from "./prompts.js";
import { type Reply, withOptions } from "./replies.js";
import { Turn, type TutorContext, type TutorState } from "./state.js";
import { vi } from "./texts.vi.js";

export function showProgress(t: Turn): void {
  const { curriculum, progress } = t.ctx;
  const lines = [vi.progressTitle];
  const done = [...curriculum.lessons.values()].filter((l) => progress.get(l.id)?.status === "completed");
  if (t.state.consent === false) lines.push(vi.progressNotStored);
  else lines.push(done.length ? vi.progressDone(done.map((l) => l.title)) : vi.progressNoneDone);
  const pos = t.state.lesson;
  const current = pos && curriculum.lessons.get(pos.lessonId);
  if (pos && current) lines.push(vi.progressDoing(current.title, pos.stepIndex + 1, current.steps.length));
  const next = suggestNext(t.ctx, pos?.lessonId);
  if (next) lines.push(vi.progressNext(next.title));
  lines.push(vi.progressResumeHint);
  t.say(lines.join("\n"));
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
  if (screen.kind === "cert_name" || screen.kind === "ask_reminders") {
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
  const { screen, lesson: pos } = t.state;
  if (screen.kind === "new") return [];
  if (screen.kind === "consent") askConsent(t);
  else if (screen.kind === "step" && pos && ctx.curriculum.lessons.has(pos.lessonId))
    t.say(renderStep(ctx.curriculum.lessons.get(pos.lessonId) as Lesson, pos.stepIndex));
  else repeatScreen(t);
  return t.replies;
}

/** Keeps a stored state valid against the current curriculum (lessons may have been edited or removed). */
export function reconcile(state: TutorState, ctx: TutorContext): TutorState {
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
