// The tutor: a pure, deterministic state machine. step(state, input, ctx) → { state, replies, events }.
// No I/O, no clock, no randomness: the conversation service persists what comes out.

import type { CheckpointStep, Curriculum, Lesson, QuizStep, Step, Track } from "../curriculum/types.js";
import { fold, type Intent, matchOption, parseIntent } from "./intents.js";
import { type Reply, text, withOptions } from "./replies.js";
import { vi } from "./texts.vi.js";

/** Where the learner is inside a lesson. The step title lets an edited lesson resume sensibly. */
export interface LessonPosition {
  lessonId: string;
  /** 0-based position of the current step. */
  stepIndex: number;
  stepTitle: string;
  /** Wrong answers to the current quiz in this pass. */
  wrong: number;
}

export type Screen =
  | { kind: "new" }
  | { kind: "consent" }
  | { kind: "menu" }
  | { kind: "track"; trackId: string }
  | { kind: "resume" }
  | { kind: "step" }
  | { kind: "done"; lessonId: string; nextLessonId?: string }
  | { kind: "paused" }
  | {
      kind: "answered";
      prev: Screen;
      /** Lessons offered after the answer: the one it rests on, or the two closest when none answered clearly. */
      offerLessonIds?: string[];
      /** The single offer of states saved before offerLessonIds. */
      offerLessonId?: string;
      questionId?: number;
    }
  | { kind: "confirm_delete"; prev: Screen }
  | { kind: "ask_reminders"; after: Screen }
  | { kind: "cert_name"; trackId: string; code: string; after: Screen };

export interface TutorState {
  v: 1;
  screen: Screen;
  consent: boolean | null;
  /** The unfinished lesson, kept while the learner browses the menu or pauses. */
  lesson?: LessonPosition;
}

export type TutorInput = { kind: "text"; text: string } | { kind: "media"; media: string };

export type TutorEvent =
  | { type: "consent"; granted: boolean }
  | { type: "lesson_started"; lessonId: string }
  | { type: "step_reached"; lessonId: string; stepIndex: number }
  | { type: "quiz_answered"; lessonId: string; stepIndex: number; optionIndex: number; correct: boolean; attempt: number }
  | { type: "lesson_completed"; lessonId: string }
  | { type: "feedback"; questionId: number; useful: boolean }
  | { type: "delete_all" }
  | { type: "reminders"; on: boolean }
  | { type: "certificate"; trackId: string; trackTitle: string; code: string; firstName?: string };

export interface LessonProgressView {
  status: "in_progress" | "completed";
  stepReached: number;
}

export interface TutorContext {
  curriculum: Curriculum;
  /** Stored progress by lesson id (empty when the learner declined storage). */
  progress: ReadonlyMap<string, LessonProgressView>;
  /** What else is known of the learner: reminders choice and tracks already certified. */
  learner?: { reminders: boolean | null; certifiedTracks: ReadonlySet<string> };
  /** A fresh certificate code, used if this turn completes a track (the caller makes it random). */
  certificateCode?: string;
  /** Today's date for certificates (dd/mm/yyyy, Vietnam time). */
  today?: string;
  /** Public base URL for the certificate's verification link. */
  publicBaseUrl?: string;
}

export interface StepResult {
  state: TutorState;
  replies: Reply[];
  events: TutorEvent[];
  /** Set when the text is a free-form question: the caller runs the question pipeline, then answered(). */
  question?: { text: string; quiz?: { lessonId: string; step: number } };
}

export const initialState = (): TutorState => ({ v: 1, screen: { kind: "new" }, consent: null });

class Turn {
  replies: Reply[] = [];
  events: TutorEvent[] = [];
  question?: StepResult["question"];
  constructor(
    public state: TutorState,
    readonly ctx: TutorContext,
  ) {}
  say(r: Reply | string): void {
    this.replies.push(typeof r === "string" ? text(r) : r);
  }
  go(screen: Screen): void {
    this.state = { ...this.state, screen };
  }
  result(): StepResult {
    return { state: this.state, replies: this.replies, events: this.events, ...(this.question ? { question: this.question } : {}) };
  }
  /** Hands the text to the question pipeline, noting the open quiz (hints only) if there is one. */
  ask(text: string): void {
    const pos = this.state.lesson;
    const lesson = pos && this.state.screen.kind === "step" ? this.ctx.curriculum.lessons.get(pos.lessonId) : undefined;
    const s = lesson && pos ? lesson.steps[pos.stepIndex] : undefined;
    this.question = { text, ...(s?.kind === "quiz" && pos ? { quiz: { lessonId: pos.lessonId, step: s.index } } : {}) };
  }
}

export function step(state: TutorState, input: TutorInput, ctx: TutorContext): StepResult {
  const t = new Turn(reconcile(state, ctx), ctx);
  if (input.kind === "media") return onMedia(t, state, input.media);
  const intent = parseIntent(input.text);
  const screen = t.state.screen;

  if (state.lesson && !t.state.lesson) {
    // The lesson they were in was removed by an admin: say so kindly and offer the menu.
    t.say(vi.lessonGone);
    showMenu(t);
    return t.result();
  }

  if (screen.kind === "new") {
    t.say(vi.greeting);
    askConsent(t);
    return t.result();
  }
  if (screen.kind === "consent") {
    // Someone deciding whether to agree may first want to read what is kept.
    if (intent.kind === "privacy") {
      t.say(vi.privacy);
      t.say(withOptions(vi.consentQuestion, vi.consentOptions));
      return t.result();
    }
    onConsent(t, intent, input.text);
    return t.result();
  }

  // "hỏi …" always goes to the question pipeline.
  const asked = explicitQuestion(input.text);
  if (asked !== undefined) {
    if (t.state.screen.kind === "answered") t.go(t.state.screen.prev);
    t.ask(asked);
    return t.result();
  }
  if (onPrompt(t, intent, input.text)) return t.result();
  if (onAccountCommand(t, intent)) return t.result();
  if (t.state.screen.kind === "answered") {
    if (onAnswered(t, intent, input.text)) return t.result();
    // Anything else: back to where they were, and handle the text there.
    return step({ ...t.state, screen: t.state.screen.prev }, input, ctx);
  }

  // Answers to the options on screen come first, so "2" or "đã thấy" is never mistaken for a command.
  if (onScreenAnswer(t, intent, input.text)) return t.result();

  switch (intent.kind) {
    case "start":
      if (t.state.lesson) offerResume(t, true);
      else {
        t.say(vi.greeting);
        showMenu(t);
      }
      break;
    case "menu":
      showMenu(t);
      break;
    case "help":
      t.say(vi.help);
      break;
    case "progress":
      showProgress(t);
      break;
    case "stop":
      t.go({ kind: "paused" });
      t.say(t.state.lesson ? vi.paused : vi.pausedNoLesson);
      break;
    case "repeat":
      repeatScreen(t);
      break;
    case "next":
    case "yes":
      if (t.state.lesson) resumeLesson(t);
      else showMenu(t);
      break;
    case "back":
      if (t.state.lesson) resumeLesson(t);
      else showMenu(t);
      break;
    default:
      if (looksLikeQuestion(input.text)) t.ask(input.text);
      else t.say(`${vi.notUnderstood} ${t.state.lesson ? vi.progressResumeHint : vi.hintGeneral}`);
  }
  return t.result();
}

// ── questions ──────────────────────────────────────────────────────────────────────────────

const QUESTION_WORDS =
  /^(sao|tai sao|vi sao|lam sao|lam the nao|the nao|cach|co phai|co nen|co duoc|bao nhieu|bao gio|khi nao|o dau|ai|gi|nhu the nao|hoi|cho hoi|xin hoi|chau oi|em oi|bot oi|ban oi|toi muon|tui muon|bac muon|minh muon|toi can|co nguoi|ho|nguoi ta|neu)\b|\b(khong|ko|k|chua|gi|j|nao|sao|the nao|ntn|khong a|a|duoc khong|dc ko|la gi|o dau|bao nhieu|nhu the nao)$/;

/** Free text worth answering: three words or more, a question mark, or a question word. */
export function looksLikeQuestion(text: string): boolean {
  if (/[?？]/.test(text)) return true;
  const words = fold(text).split(" ").filter(Boolean);
  if (words.length >= 3) return true;
  return words.length >= 2 && QUESTION_WORDS.test(words.join(" "));
}

/** "hỏi …", "/hoi …", "hoi: …" → the question (possibly empty); otherwise undefined. */
export function explicitQuestion(text: string): string | undefined {
  const m = /^\s*\/?(hỏi|hoi|hỏi đáp|hoi dap)(?:\s*[:,-]\s*|\s+|$)(.*)$/isu.exec(text);
  return m ? (m[2] ?? "").trim() : undefined;
}

/**
 * After an answer: offer the lesson it rests on (or, when no lesson answered clearly, the closest ones), or the lesson
 * in progress, and ask for 👍/👎.
 */
export function answered(
  state: TutorState,
  outcome: { texts: string[]; lessonId?: string; closeLessonIds?: string[]; questionId?: number; feedback: boolean },
  ctx: TutorContext,
): StepResult {
  const t = new Turn(state, ctx);
  const prev = state.screen.kind === "answered" ? state.screen.prev : state.screen;
  const offers = [...(outcome.lessonId ? [outcome.lessonId] : []), ...(outcome.closeLessonIds ?? [])]
    .filter((id) => id !== state.lesson?.lessonId)
    .flatMap((id) => ctx.curriculum.lessons.get(id) ?? []);
  const labels = answeredLabels(state, offers, outcome.feedback);
  for (const x of outcome.texts.slice(0, -1)) t.say(x);
  const lastText = outcome.texts.at(-1) ?? "";
  if (labels.length === 0) {
    t.say(lastText);
    return t.result();
  }
  t.go({
    kind: "answered",
    prev,
    ...(offers.length > 0 ? { offerLessonIds: offers.map((l) => l.id) } : {}),
    ...(outcome.questionId !== undefined && outcome.feedback ? { questionId: outcome.questionId } : {}),
  });
  t.say(withOptions(`${lastText}\n\n${vi.afterAnswerHint}`, labels));
  return t.result();
}

function answeredLabels(state: TutorState, offers: Lesson[], feedback: boolean): string[] {
  const labels: string[] = offers.map((l) => vi.learnOffer(l.title));
  if (state.lesson) labels.push(vi.continueLesson);
  if (feedback) labels.push(...vi.feedbackOptions);
  return labels;
}

function onAnswered(t: Turn, intent: Intent, raw: string): boolean {
  const screen = t.state.screen;
  if (screen.kind !== "answered") return false;
  const offers = (screen.offerLessonIds ?? (screen.offerLessonId ? [screen.offerLessonId] : [])).flatMap(
    (id) => t.ctx.curriculum.lessons.get(id) ?? [],
  );
  const withFeedback = screen.questionId !== undefined;
  const labels = answeredLabels(t.state, offers, withFeedback);
  const pick = pickOption(intent, raw, labels);
  if (pick === "out-of-range") return outOfRange(t, labels.length);
  const chosen = pick === undefined ? undefined : labels[pick];
  const picked = chosen === undefined ? undefined : offers.find((l) => chosen === vi.learnOffer(l.title));
  if (picked) {
    t.go(screen.prev);
    openLesson(t, picked);
    return true;
  }
  // "tiếp" or "có" opens the offered lesson only when there is one to open.
  const offer = offers.length === 1 ? offers[0] : undefined;
  if (chosen === vi.continueLesson || (chosen === undefined && (intent.kind === "next" || intent.kind === "yes") && t.state.lesson)) {
    resumeLesson(t);
    return true;
  }
  if (chosen === undefined && (intent.kind === "next" || intent.kind === "yes") && offer) {
    t.go(screen.prev);
    openLesson(t, offer);
    return true;
  }
  const fb = chosen === undefined ? -1 : vi.feedbackOptions.indexOf(chosen);
  if (fb >= 0 && screen.questionId !== undefined) {
    t.events.push({ type: "feedback", questionId: screen.questionId, useful: fb === 0 });
    t.go(screen.prev);
    t.say(`${fb === 0 ? vi.thanksUp : vi.thanksDown}\n${t.state.lesson ? vi.progressResumeHint : vi.hintGeneral}`);
    return true;
  }
  return false;
}

/** A sticker, photo, voice note…: a kind word, and the learner stays where they were. */
function onMedia(t: Turn, before: TutorState, media: string): StepResult {
  if (before.screen.kind === "new") {
    t.say(vi.greeting);
    askConsent(t);
    return t.result();
  }
  const hint = t.state.screen.kind === "step" ? vi.hintStep : t.state.screen.kind === "consent" ? vi.consentAskAgain : vi.hintGeneral;
  t.say(`${vi.mediaReceived(media)}\n${hint}`);
  return t.result();
}

// ── consent ────────────────────────────────────────────────────────────────────────────────

function askConsent(t: Turn): void {
  t.go({ kind: "consent" });
  t.say(withOptions(vi.consentQuestion, vi.consentOptions));
}

function onConsent(t: Turn, intent: Intent, raw: string): void {
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

function showMenu(t: Turn): void {
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

function showTrack(t: Turn, track: Track): void {
  t.go({ kind: "track", trackId: track.id });
  const labels = track.lessons.map((l) => {
    const p = t.ctx.progress.get(l.id);
    const doing = t.state.lesson?.lessonId === l.id || p?.status === "in_progress";
    return vi.lessonLabel(l.title, p?.status === "completed" ? "done" : doing ? "doing" : "new");
  });
  t.say(withOptions(vi.trackTitle(track.title, track.description, track.lessons.length), labels, { quick: ["menu"] }));
}

function offerResume(t: Turn, greet: boolean): void {
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
function pickOption(intent: Intent, raw: string, labels: string[]): number | "out-of-range" | undefined {
  if (intent.kind === "number") return intent.n >= 1 && intent.n <= labels.length ? intent.n - 1 : "out-of-range";
  return matchOption(raw, labels);
}

function onScreenAnswer(t: Turn, intent: Intent, raw: string): boolean {
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
    default:
      return false;
  }
}

function outOfRange(t: Turn, max: number): true {
  t.say(vi.numberOutOfRange(max));
  return true;
}

// ── lessons ────────────────────────────────────────────────────────────────────────────────

function openLesson(t: Turn, lesson: Lesson): void {
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
  t.say(intro.join("\n\n"));
  t.events.push({ type: "lesson_started", lessonId: lesson.id });
  enterStep(t, lesson, 0);
}

function resumeLesson(t: Turn): void {
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

function renderStep(lesson: Lesson, index: number): Reply {
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
  return withOptions(parts.join("\n\n"), labels, {
    quick: index > 0 ? ["repeat", "back", "menu"] : ["repeat", "menu"],
    ...(s.image ? { image: s.image } : {}),
  });
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
    after = { kind: "cert_name", trackId: track.id, code: t.ctx.certificateCode, after };
  }
  if (after === done) {
    t.say(withOptions(parts.join("\n\n"), vi.doneOptions(next?.title)));
    return;
  }
  t.say(parts.join("\n\n"));
  showPrompt(t, after);
}

/** Shows a screen that asks something (or the lesson-done options). */
function showPrompt(t: Turn, screen: Screen): void {
  t.go(screen);
  if (screen.kind === "cert_name") {
    const track = t.ctx.curriculum.tracks.find((tr) => tr.id === screen.trackId);
    t.say(vi.certAskName(track?.title ?? screen.trackId));
  } else if (screen.kind === "ask_reminders") {
    t.say(withOptions(vi.remindersAsk, vi.remindersOptions));
  } else if (screen.kind === "done") {
    // Back from the one-time questions: what to do next, without congratulating a second time.
    const next = screen.nextLessonId ? t.ctx.curriculum.lessons.get(screen.nextLessonId) : undefined;
    t.say(withOptions(next ? vi.nextLesson(next.title) : vi.allDone, vi.doneOptions(next?.title)));
  } else {
    repeatScreen(t);
  }
}

/** Answers to the one-time prompts after a lesson: the certificate's name, the reminders choice. */
function onPrompt(t: Turn, intent: Intent, raw: string): boolean {
  const screen = t.state.screen;
  if (screen.kind === "cert_name") {
    const track = t.ctx.curriculum.tracks.find((tr) => tr.id === screen.trackId);
    if (intent.kind === "repeat") {
      showPrompt(t, screen);
      return true;
    }
    // A command instead of a name: the certificate is issued without a name, then the command runs.
    const command = intent.kind !== "text" && intent.kind !== "no";
    const skip = command || intent.kind === "no" || /^(bo qua|khong ghi|thoi|skip)$/.test(fold(raw));
    const name = skip ? undefined : certificateName(raw);
    if (!skip && !name) {
      t.say(vi.certNameInvalid);
      return true;
    }
    t.events.push({
      type: "certificate",
      trackId: screen.trackId,
      trackTitle: track?.title ?? screen.trackId,
      code: screen.code,
      ...(name ? { firstName: name } : {}),
    });
    const url = t.ctx.publicBaseUrl ? `${t.ctx.publicBaseUrl}/verify/${screen.code}` : undefined;
    t.say(vi.certIssued(track?.title ?? screen.trackId, t.ctx.today ?? "", screen.code, name, url));
    if (command) {
      t.go(screen.after);
      return false;
    }
    showPrompt(t, screen.after);
    return true;
  }
  if (screen.kind === "ask_reminders") {
    const pick = pickOption(intent, raw, vi.remindersOptions);
    const on = pick === 0 || intent.kind === "yes" ? true : pick === 1 || intent.kind === "no" ? false : undefined;
    if (on === undefined) {
      // Anything else: the question is dropped for now (asked again after the next lesson), and the text handled.
      t.go(screen.after);
      return false;
    }
    t.events.push({ type: "reminders", on });
    t.say(on ? vi.remindersOn : vi.remindersOff);
    showPrompt(t, screen.after);
    return true;
  }
  if (screen.kind === "confirm_delete") {
    const pick = pickOption(intent, raw, vi.deleteOptions);
    if (pick === 0 || intent.kind === "yes") {
      t.events.push({ type: "delete_all" });
      t.state = initialState();
      t.say(vi.deleteDone);
      return true;
    }
    t.go(screen.prev);
    if (pick === 1 || intent.kind === "no" || intent.kind === "menu") {
      t.say(vi.deleteCancelled);
      return true;
    }
    return false;
  }
  return false;
}

/** Data rights and reminders: they work from any screen. */
function onAccountCommand(t: Turn, intent: Intent): boolean {
  switch (intent.kind) {
    case "delete":
      t.go({ kind: "confirm_delete", prev: t.state.screen });
      t.say(withOptions(vi.deleteAsk, vi.deleteOptions));
      return true;
    case "privacy":
      t.say(vi.privacy);
      return true;
    case "remindersOff":
    case "remindersOn":
      if (intent.kind === "remindersOn" && !t.state.consent) {
        t.say(vi.remindersNeedConsent);
        return true;
      }
      t.events.push({ type: "reminders", on: intent.kind === "remindersOn" });
      t.say(intent.kind === "remindersOn" ? vi.remindersOn : vi.remindersOff);
      return true;
    default:
      return false;
  }
}

/** A first name for a certificate: letters only, one to three words, at most 30 characters. */
export function certificateName(raw: string): string | undefined {
  const name = raw.normalize("NFC").replace(/\s+/g, " ").trim();
  if (name.length < 1 || name.length > 30 || !/^[\p{L} ]+$/u.test(name) || name.split(" ").length > 3) return undefined;
  return name
    .split(" ")
    .map((w) => w.charAt(0).toLocaleUpperCase("vi") + w.slice(1))
    .join(" ");
}

/** The next lesson in the curriculum's order that is not completed (the one just finished counts as done). */
export function suggestNext(ctx: TutorContext, justDone?: string): Lesson | undefined {
  const all = ctx.curriculum.tracks.flatMap((tr) => tr.lessons);
  const done = (l: Lesson) => l.id === justDone || ctx.progress.get(l.id)?.status === "completed";
  const start = justDone ? all.findIndex((l) => l.id === justDone) + 1 : 0;
  return [...all.slice(start), ...all.slice(0, start)].find((l) => !done(l));
}

function onStepInput(t: Turn, intent: Intent, raw: string): boolean {
  const pos = t.state.lesson;
  const lesson = pos && t.ctx.curriculum.lessons.get(pos.lessonId);
  if (!pos || !lesson) return false;
  const s = lesson.steps[pos.stepIndex] as Step;

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
  if (intent.kind === "explain") {
    t.say(s.tip ? `${vi.tipPrefix}${s.tip}` : vi.explainNoTip);
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
    if (pick === 1) {
      t.say(`${vi.tipPrefix}${s.tip}`);
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

// ── progress, repeat, curriculum changes ────────────────────────────────────────────────────

function showProgress(t: Turn): void {
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

function repeatScreen(t: Turn): void {
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
