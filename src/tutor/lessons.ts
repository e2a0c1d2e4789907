// A lesson, step by step: opening and resuming it, instructions, checkpoints and quizzes, finishing it.

import type { CheckpointStep, Lesson, QuizStep, Step } from "../curriculum/types.js";
import { handoffVi } from "../handoff/texts.vi.js";
import { looksLikeQuestion } from "./answers.js";
import { askHandoff, canOffer } from "./handoff.js";
import type { Intent } from "./intents.js";
import { outOfRange, pickOption, showMenu } from "./menus.js";
import { showPrompt } from "./prompts.js";
import { asLessonContent, type Reply, text, withOptions } from "./replies.js";
import type { LessonPosition, Screen, Turn, TutorContext } from "./state.js";
import { vi } from "./texts.vi.js";
import { retryDay, testDue } from "./track-test.js";

export function openLesson(t: Turn, lesson: Lesson): void {
  const current = t.state.lesson;
  if (current?.lessonId === lesson.id) {
    resumeLesson(t);
    return;
  }
  const intro = [vi.lessonIntro(lesson.title, lesson.minutes, lesson.intro)];
  const missing = lesson.requires
    .filter((id) => t.ctx.progress.get(id)?.status !== "completed")
    .map((id) => t.ctx.curriculum.lessons.get(id)?.title)
    .filter((x): x is string => Boolean(x));
  if (missing.length > 0 && t.state.consent) intro.push(vi.lessonRequires(missing));
  t.say(asLessonContent(text(intro.join("\n\n"))));
  t.events.push({ type: "lesson_started", lessonId: lesson.id });
  enterStep(t, lesson, 0);
}

export function resumeLesson(t: Turn): void {
  const pos = t.state.lesson;
  const lesson = pos && t.ctx.curriculum.lessons.get(pos.lessonId);
  if (!pos || !lesson) {
    showMenu(t);
    return;
  }
  t.go({ kind: "step" });
  t.say(renderStep(lesson, pos.stepIndex));
}

function enterStep(t: Turn, lesson: Lesson, index: number): void {
  const s = lesson.steps[index] as Step;
  t.state = { ...t.state, screen: { kind: "step" }, lesson: { lessonId: lesson.id, stepIndex: index, stepTitle: s.title, wrong: 0 } };
  t.events.push({ type: "step_reached", lessonId: lesson.id, stepIndex: index + 1 });
  t.say(renderStep(lesson, index));
}

export function renderStep(lesson: Lesson, index: number): Reply {
  const s = lesson.steps[index] as Step;
  const parts = [vi.stepHeading(s.kind, index + 1, lesson.steps.length, s.title)];
  if (s.text) parts.push(s.text);
  if (lesson.real.includes(index + 1)) parts.push(vi.realStep);
  if (lesson.unverified.includes(index + 1)) parts.push(vi.unverified);
  let labels: string[];
  if (s.kind === "instruction") labels = s.tip ? vi.instructionOptions : vi.instructionOptionsNoTip;
  else {
    labels = s.options.map((o) => o.label);
    parts.push(s.kind === "quiz" ? vi.quizAsk : vi.checkpointAsk);
  }
  return asLessonContent(
    withOptions(parts.join("\n\n"), labels, {
      quick: index > 0 ? ["repeat", "back", "menu"] : ["repeat", "menu"],
      ...(s.image ? { image: s.image } : {}),
    }),
  );
}

function advance(t: Turn, lesson: Lesson): void {
  const pos = t.state.lesson as LessonPosition;
  if (pos.stepIndex + 1 < lesson.steps.length) {
    enterStep(t, lesson, pos.stepIndex + 1);
    return;
  }
  finishLesson(t, lesson);
}

function finishLesson(t: Turn, lesson: Lesson): void {
  t.events.push({ type: "lesson_completed", lessonId: lesson.id });
  const next = suggestNext(t.ctx, lesson.id);
  const done: Screen = { kind: "done", lessonId: lesson.id, ...(next ? { nextLessonId: next.id } : {}) };
  t.state = { ...t.state, lesson: undefined, screen: done };
  const parts = [vi.lessonDone(lesson.title)];
  if (lesson.summary) parts.push(`${vi.summaryTitle}\n${lesson.summary}`);
  parts.push(next ? vi.nextLesson(next.title) : vi.allDone);

  // Then, once each: the certificate when a whole track is done, and whether to send reminders.
  let after: Screen = done;
  if (t.state.consent && t.ctx.learner?.reminders === null) after = { kind: "ask_reminders", after };
  const track = t.ctx.curriculum.tracks.find((tr) => tr.id === lesson.trackId);
  const trackDone = track?.lessons.every((l) => l.id === lesson.id || t.ctx.progress.get(l.id)?.status === "completed");
  if (track && trackDone && t.state.consent && t.ctx.certificateCode && !t.ctx.learner?.certifiedTracks.has(track.id)) {
    // A track with quizzes ends with its test (offered again once a failed one may be retried); the certificate
    // follows a pass (track-test.ts).
    if (!testDue(t.ctx, t.state.consent, track)) after = { kind: "cert_name", trackId: track.id, code: t.ctx.certificateCode, after };
    else if (retryDay(t.ctx, track.id) === undefined) after = { kind: "test_offer", trackId: track.id, after };
  }
  if (after === done) {
    t.say(withOptions(parts.join("\n\n"), vi.doneOptions(next?.title)));
    return;
  }
  t.say(parts.join("\n\n"));
  showPrompt(t, after);
}

/** Shows a screen that asks something (or the lesson-done options). */
export function suggestNext(ctx: TutorContext, justDone?: string): Lesson | undefined {
  const all = ctx.curriculum.tracks.flatMap((tr) => tr.lessons);
  const done = (l: Lesson) => l.id === justDone || ctx.progress.get(l.id)?.status === "completed";
  const start = justDone ? all.findIndex((l) => l.id === justDone) + 1 : 0;
  return [...all.slice(start), ...all.slice(0, start)].find((l) => !done(l));
}

export function onStepInput(t: Turn, intent: Intent, raw: string): boolean {
  const pos = t.state.lesson;
  const lesson = pos && t.ctx.curriculum.lessons.get(pos.lessonId);
  if (!pos || !lesson) return false;
  const s = lesson.steps[pos.stepIndex] as Step;
  const screen = t.state.screen;
  const explained = screen.kind === "step" ? (screen.explained ?? 0) : 0;
  const explaining =
    intent.kind === "explain" || (s.kind === "instruction" && s.tip !== undefined && pickOption(intent, raw, vi.instructionOptions) === 1);
  // "Không hiểu" twice in a row on the same step: a person is offered after the explanation.
  if (!explaining && explained > 0) t.go({ kind: "step" });
  if (explaining) {
    t.say(s.tip ? `${vi.tipPrefix}${s.tip}` : vi.explainNoTip);
    // A quiz answered after its hint is not counted as known (learning/record.ts).
    if (s.kind === "quiz" && s.tip) t.state = { ...t.state, lesson: { ...pos, hinted: true } };
    if (explained >= 1 && canOffer(t)) {
      t.say(handoffVi.stillHard);
      askHandoff(t, "not_understood");
    } else t.go({ kind: "step", explained: explained + 1 });
    return true;
  }

  if (intent.kind === "repeat") {
    t.say(renderStep(lesson, pos.stepIndex));
    return true;
  }
  if (intent.kind === "back") {
    if (pos.stepIndex === 0) t.say(vi.firstStep);
    else
      t.state = {
        ...t.state,
        lesson: { ...pos, stepIndex: pos.stepIndex - 1, stepTitle: (lesson.steps[pos.stepIndex - 1] as Step).title, wrong: 0 },
      };
    t.say(renderStep(lesson, t.state.lesson?.stepIndex ?? 0));
    return true;
  }
  if (s.kind === "instruction") {
    const labels = s.tip ? vi.instructionOptions : vi.instructionOptionsNoTip;
    const pick = pickOption(intent, raw, labels);
    if (pick === "out-of-range") return outOfRange(t, labels.length);
    if (pick === 0 || intent.kind === "next" || intent.kind === "yes") {
      advance(t, lesson);
      return true;
    }
    if (intent.kind === "text" && looksLikeQuestion(raw)) {
      t.ask(raw);
      return true;
    }
    if (intent.kind === "text" || intent.kind === "no") {
      t.say(`${vi.notUnderstood} ${vi.hintStep}`);
      return true;
    }
    return false;
  }
  if (s.kind === "checkpoint") return onCheckpoint(t, lesson, s, intent, raw);
  return onQuiz(t, lesson, s, intent, raw);
}

function onCheckpoint(t: Turn, lesson: Lesson, s: CheckpointStep, intent: Intent, raw: string): boolean {
  let pick = pickOption(
    intent,
    raw,
    s.options.map((o) => o.label),
  );
  if (pick === "out-of-range") return outOfRange(t, s.options.length);
  // "rồi", "ok", "có" = the way forward; "chưa", "không" = the first option that brings help.
  if (pick === undefined && (intent.kind === "next" || intent.kind === "yes")) pick = s.options.findIndex((o) => !o.help);
  if (pick === undefined && intent.kind === "no") {
    const helpIdx = s.options.findIndex((o) => o.help);
    pick = helpIdx >= 0 ? helpIdx : undefined;
  }
  if (pick === undefined || pick < 0) {
    if (intent.kind === "text" && looksLikeQuestion(raw)) {
      t.ask(raw);
      return true;
    }
    if (intent.kind === "text") {
      t.say(`${vi.notUnderstood} ${vi.hintChoose(s.options.length)}`);
      return true;
    }
    return false;
  }
  const option = s.options[pick];
  if (option?.help) {
    t.say(`${vi.tipPrefix}${option.help}\n\n${vi.checkpointHelpThenAgain}`);
    t.say(renderStep(lesson, t.state.lesson?.stepIndex ?? 0));
    return true;
  }
  advance(t, lesson);
  return true;
}

function onQuiz(t: Turn, lesson: Lesson, s: QuizStep, intent: Intent, raw: string): boolean {
  const pos = t.state.lesson as LessonPosition;
  const pick = pickOption(
    intent,
    raw,
    s.options.map((o) => o.label),
  );
  if (pick === "out-of-range") return outOfRange(t, s.options.length);
  if (pick === undefined) {
    if (intent.kind === "text" && looksLikeQuestion(raw)) {
      t.ask(raw);
      return true;
    }
    if (intent.kind === "text" || intent.kind === "next" || intent.kind === "yes" || intent.kind === "no") {
      t.say(`${vi.quizNeedAnswer} ${vi.hintChoose(s.options.length)}`);
      return true;
    }
    return false;
  }
  const correct = s.options[pick]?.correct === true;
  t.events.push({
    type: "quiz_answered",
    lessonId: lesson.id,
    stepIndex: pos.stepIndex + 1,
    optionIndex: pick + 1,
    correct,
    attempt: pos.wrong + 1,
    ...(pos.hinted ? { hinted: true } : {}),
  });
  if (correct) {
    const praise = vi.quizRight[pos.stepIndex % vi.quizRight.length] as string;
    t.say(s.explanation ? `${praise}\n${s.explanation}` : praise);
    advance(t, lesson);
    return true;
  }
  const wrong = pos.wrong + 1;
  t.state = { ...t.state, lesson: { ...pos, wrong } };
  if (wrong >= 2) {
    // Two misses: show the answer kindly and move on, rather than leave an elderly learner stuck.
    const answer = s.options.find((o) => o.correct)?.label ?? "";
    t.say([vi.quizReveal(answer), s.explanation].filter(Boolean).join("\n"));
    advance(t, lesson);
    return true;
  }
  // A retry gets a hint, never the answer: the explanation comes after the last attempt.
  t.say(`${vi.quizWrong}\n${vi.tipPrefix}${s.tip ?? vi.quizHintGeneric}`);
  t.say(renderStep(lesson, pos.stepIndex));
  return true;
}
