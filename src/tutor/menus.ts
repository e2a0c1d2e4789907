// Consent, the menus, and answers to the numbered options on screen.

import type { Lesson, Track } from "../curriculum/types.js";
import { onDrillInput } from "./drill.js";
import { type Intent, matchOption } from "./intents.js";
import { onStepInput, openLesson, resumeLesson, suggestNext } from "./lessons.js";
import { withOptions } from "./replies.js";
import { onRelearn } from "./review.js";
import type { Turn, TutorContext } from "./state.js";
import { vi } from "./texts.vi.js";

// ── consent ────────────────────────────────────────────────────────────────────────────────

export function askConsent(t: Turn): void {
  t.go({ kind: "consent" });
  t.say(withOptions(vi.consentQuestion, vi.consentOptions));
}

export function onConsent(t: Turn, intent: Intent, raw: string): void {
  const choice = intent.kind === "number" ? intent.n : (matchOption(raw, vi.consentOptions) ?? -1) + 1 || undefined;
  const yes = choice === 1 || intent.kind === "yes" || intent.kind === "next";
  const no = choice === 2 || intent.kind === "no";
  if (!yes && !no) {
    t.say(vi.consentAskAgain);
    t.say(withOptions(vi.consentQuestion, vi.consentOptions));
    return;
  }
  t.state = { ...t.state, consent: yes };
  t.events.push({ type: "consent", granted: yes });
  t.say(yes ? vi.consentYes : vi.consentNo);
  showMenu(t);
}

// ── menus ──────────────────────────────────────────────────────────────────────────────────

function tracksWithLessons(ctx: TutorContext): Track[] {
  return ctx.curriculum.tracks.filter((tr) => tr.lessons.length > 0);
}

export function showMenu(t: Turn): void {
  const tracks = tracksWithLessons(t.ctx);
  t.go({ kind: "menu" });
  if (tracks.length === 0) {
    t.say(vi.emptyCurriculum);
    return;
  }
  const labels = tracks.map((tr) => {
    const done = tr.lessons.filter((l) => t.ctx.progress.get(l.id)?.status === "completed").length;
    return vi.trackLabel(tr.emoji, tr.title, done, tr.lessons.length);
  });
  const pos = t.state.lesson;
  const lesson = pos ? t.ctx.curriculum.lessons.get(pos.lessonId) : undefined;
  const head = lesson && pos ? `${vi.menuTitle}\n${vi.menuResumeHint(lesson.title, pos.stepIndex + 1, lesson.steps.length)}` : vi.menuTitle;
  t.say(withOptions(head, labels));
}

export function showTrack(t: Turn, track: Track): void {
  t.go({ kind: "track", trackId: track.id });
  const labels = track.lessons.map((l) => {
    const p = t.ctx.progress.get(l.id);
    const doing = t.state.lesson?.lessonId === l.id || p?.status === "in_progress";
    return vi.lessonLabel(l.title, p?.status === "completed" ? "done" : doing ? "doing" : "new");
  });
  t.say(withOptions(vi.trackTitle(track.title, track.description, track.lessons.length), labels, { quick: ["menu"] }));
}

export function offerResume(t: Turn, greet: boolean): void {
  const pos = t.state.lesson;
  const lesson = pos && t.ctx.curriculum.lessons.get(pos.lessonId);
  if (!pos || !lesson) {
    showMenu(t);
    return;
  }
  t.go({ kind: "resume" });
  const head = greet
    ? vi.welcomeBack(lesson.title, pos.stepIndex + 1, lesson.steps.length)
    : vi.menuResumeHint(lesson.title, pos.stepIndex + 1, lesson.steps.length);
  t.say(withOptions(head, vi.resumeOptions));
}

// ── answers to what is on screen ────────────────────────────────────────────────────────────

/** The option the learner picked on the current screen (0-based), if their text picks one. */
/** A number picks by position; an option's own words pick that option, before any generic yes/no reading. */
export function pickOption(intent: Intent, raw: string, labels: string[]): number | "out-of-range" | undefined {
  if (intent.kind === "number") return intent.n >= 1 && intent.n <= labels.length ? intent.n - 1 : "out-of-range";
  return matchOption(raw, labels);
}

export function onScreenAnswer(t: Turn, intent: Intent, raw: string): boolean {
  const screen = t.state.screen;
  switch (screen.kind) {
    case "menu": {
      const tracks = tracksWithLessons(t.ctx);
      const pick = pickOption(
        intent,
        raw,
        tracks.map((tr) => tr.title),
      );
      if (pick === undefined && (intent.kind === "next" || intent.kind === "yes") && !t.state.lesson) {
        const next = suggestNext(t.ctx);
        if (next) openLesson(t, next);
        return next !== undefined;
      }
      if (pick === undefined) return false;
      if (pick === "out-of-range") return outOfRange(t, tracks.length);
      showTrack(t, tracks[pick] as Track);
      return true;
    }
    case "track": {
      const track = t.ctx.curriculum.tracks.find((tr) => tr.id === screen.trackId);
      if (!track) return false;
      const pick = pickOption(
        intent,
        raw,
        track.lessons.map((l) => l.title),
      );
      if (pick === undefined && (intent.kind === "next" || intent.kind === "yes")) {
        // "tiếp" on a lesson list: carry on with the first lesson of this track not yet done.
        const active = track.lessons.find((l) => l.id === t.state.lesson?.lessonId);
        const first = active ?? track.lessons.find((l) => t.ctx.progress.get(l.id)?.status !== "completed") ?? track.lessons[0];
        if (first) openLesson(t, first);
        return first !== undefined;
      }
      if (pick === undefined) return false;
      if (pick === "out-of-range") return outOfRange(t, track.lessons.length);
      openLesson(t, track.lessons[pick] as Lesson);
      return true;
    }
    case "resume": {
      const pick = pickOption(intent, raw, vi.resumeOptions);
      if (pick === 0 || intent.kind === "yes" || intent.kind === "next") resumeLesson(t);
      else if (pick === 1 || intent.kind === "no") showMenu(t);
      else if (pick === "out-of-range") return outOfRange(t, 2);
      else return false;
      return true;
    }
    case "done": {
      const next = screen.nextLessonId ? t.ctx.curriculum.lessons.get(screen.nextLessonId) : undefined;
      const labels = vi.doneOptions(next?.title);
      const pick = pickOption(intent, raw, labels);
      if (next && (pick === 0 || intent.kind === "next" || intent.kind === "yes")) openLesson(t, next);
      else if (pick === labels.length - 1 || intent.kind === "no") showMenu(t);
      else if (pick === "out-of-range") return outOfRange(t, labels.length);
      else return false;
      return true;
    }
    case "paused":
      if (intent.kind === "next" || intent.kind === "yes") {
        if (t.state.lesson) resumeLesson(t);
        else showMenu(t);
        return true;
      }
      return false;
    case "step":
      return onStepInput(t, intent, raw);
    case "drill":
      return onDrillInput(t, screen, intent, raw);
    case "relearn":
      return onRelearn(t, screen, intent, raw);
    default:
      return false;
  }
}

export function outOfRange(t: Turn, max: number): true {
  t.say(vi.numberOutOfRange(max));
  return true;
}
