// The tutor: a pure, deterministic state machine. step(state, input, ctx) → { state, replies, events }.
// No I/O, no clock, no randomness: the conversation service persists what comes out. This file is the way in: it
// decides which part handles the text (a question, a prompt, an option on screen, a command, a lesson step); the
// parts are answers.ts, menus.ts, lessons.ts, prompts.ts and screens.ts, sharing the Turn of state.ts.

import { explicitQuestion, looksLikeQuestion, onAnswered } from "./answers.js";
import { askHandoff, onHandoffConsent } from "./handoff.js";
import { parseIntent } from "./intents.js";
import { resumeLesson } from "./lessons.js";
import { askConsent, offerResume, onConsent, onScreenAnswer, showMenu } from "./menus.js";
import { onAccountCommand, onPrompt } from "./prompts.js";
import { withOptions } from "./replies.js";
import { startReview } from "./review.js";
import { onReadAloud, reconcile, repeatScreen, showProgress } from "./screens.js";
import { type StepResult, Turn, type TutorContext, type TutorInput, type TutorState } from "./state.js";
import { vi } from "./texts.vi.js";
import { onTestCommand } from "./track-test.js";

export { answered, explicitQuestion, looksLikeQuestion } from "./answers.js";
export { suggestNext } from "./lessons.js";
export { certificateName } from "./prompts.js";
export { currentScreen, reconcile } from "./screens.js";
export {
  type DrillItem,
  initialState,
  type LessonPosition,
  type LessonProgressView,
  type Screen,
  type StepResult,
  type TutorContext,
  type TutorEvent,
  type TutorInput,
  type TutorState,
} from "./state.js";

export function step(state: TutorState, input: TutorInput, ctx: TutorContext): StepResult {
  const t = new Turn(reconcile(state, ctx), ctx);
  if (input.kind === "media") return onMedia(t, state, input.voice ? vi.voiceProblem[input.voice] : vi.mediaReceived(input.media));
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

  if (onHandoffConsent(t, intent, input.text)) return t.result();
  // "hỏi …" always goes to the question pipeline.
  const asked = explicitQuestion(input.text);
  if (asked !== undefined) {
    if (t.state.screen.kind === "answered") t.go(t.state.screen.prev);
    t.ask(asked);
    return t.result();
  }
  if (onPrompt(t, intent, input.text)) return t.result();
  if (onAccountCommand(t, intent)) return t.result();
  if (onReadAloud(t, intent)) return t.result();
  if (intent.kind === "person") {
    askHandoff(t, "asked");
    return t.result();
  }
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
    case "review":
      startReview(t);
      break;
    case "test":
      onTestCommand(t);
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

function onMedia(t: Turn, before: TutorState, said: string): StepResult {
  if (before.screen.kind === "new") {
    t.say(vi.greeting);
    askConsent(t);
    return t.result();
  }
  const hint = t.state.screen.kind === "step" ? vi.hintStep : t.state.screen.kind === "consent" ? vi.consentAskAgain : vi.hintGeneral;
  t.say(`${said}\n${hint}`);
  return t.result();
}
