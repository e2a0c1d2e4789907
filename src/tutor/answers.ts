// Free-form questions: telling one from a command, and what follows an answer (the lesson offered, 👍/👎).

import type { Lesson } from "../curriculum/types.js";
import { type HandoffReason, handoffVi } from "../handoff/texts.vi.js";
import { askHandoff, canOffer } from "./handoff.js";
import { fold, type Intent } from "./intents.js";
import { openLesson, resumeLesson } from "./lessons.js";
import { outOfRange, pickOption } from "./menus.js";
import { withOptions } from "./replies.js";
import { type StepResult, Turn, type TutorContext, type TutorState } from "./state.js";
import { vi } from "./texts.vi.js";

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
  outcome: {
    texts: string[];
    lessonId?: string;
    closeLessonIds?: string[];
    questionId?: number;
    feedback: boolean;
    /** Offer a person too (where the hand-off is set up): why, and the question, redacted. */
    handoff?: { reason: HandoffReason; recent: string[] };
  },
  ctx: TutorContext,
): StepResult {
  const t = new Turn(state, ctx);
  const handoff = outcome.handoff && canOffer(t) ? outcome.handoff : undefined;
  const prev = state.screen.kind === "answered" ? state.screen.prev : state.screen;
  const offers = [...(outcome.lessonId ? [outcome.lessonId] : []), ...(outcome.closeLessonIds ?? [])]
    .filter((id) => id !== state.lesson?.lessonId)
    .flatMap((id) => ctx.curriculum.lessons.get(id) ?? []);
  // 👍/👎 only where there is a kept question to refer to (onAnswered reads the same from the screen).
  const feedback = outcome.feedback && outcome.questionId !== undefined;
  const labels = answeredLabels(state, offers, feedback, handoff !== undefined);
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
    ...(feedback ? { questionId: outcome.questionId } : {}),
    ...(handoff ? { handoff } : {}),
  });
  t.say(withOptions(`${lastText}\n\n${vi.afterAnswerHint}`, labels));
  return t.result();
}

function answeredLabels(state: TutorState, offers: Lesson[], feedback: boolean, person: boolean): string[] {
  const labels: string[] = offers.map((l) => vi.learnOffer(l.title));
  if (state.lesson) labels.push(vi.continueLesson);
  if (feedback) labels.push(...vi.feedbackOptions);
  if (person) labels.push(handoffVi.offerLabel);
  return labels;
}

export function onAnswered(t: Turn, intent: Intent, raw: string): boolean {
  const screen = t.state.screen;
  if (screen.kind !== "answered") return false;
  const offers = (screen.offerLessonIds ?? (screen.offerLessonId ? [screen.offerLessonId] : [])).flatMap(
    (id) => t.ctx.curriculum.lessons.get(id) ?? [],
  );
  const withFeedback = screen.questionId !== undefined;
  const labels = answeredLabels(t.state, offers, withFeedback, screen.handoff !== undefined);
  const pick = pickOption(intent, raw, labels);
  if (pick === "out-of-range") return outOfRange(t, labels.length);
  const chosen = pick === undefined ? undefined : labels[pick];
  if (chosen === handoffVi.offerLabel && screen.handoff) {
    askHandoff(t, screen.handoff.reason, screen.handoff.recent);
    return true;
  }
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
