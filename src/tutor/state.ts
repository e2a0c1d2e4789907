// What the tutor keeps per learner and what a step returns, and the Turn that collects a step's replies and
// events.

import type { Curriculum } from "../curriculum/types.js";
import type { HandoffReason } from "../handoff/texts.vi.js";
import type { LearningView } from "../learning/types.js";
import { isLessonContent, type Reply, text } from "./replies.js";

/** Where the learner is inside a lesson. The step title lets an edited lesson resume sensibly. */
export interface LessonPosition {
  lessonId: string;
  /** 0-based position of the current step. */
  stepIndex: number;
  stepTitle: string;
  /** Wrong answers to the current quiz in this pass. */
  wrong: number;
  /** The current quiz's hint was shown before it was answered. */
  hinted?: boolean;
}

/** A question asked again in a review or a track test: a lesson's quiz step, by title (its position is a hint). */
export interface DrillItem {
  lessonId: string;
  stepTitle: string;
  /** 1-based. */
  stepIndex: number;
}

export type Screen =
  | { kind: "new" }
  | { kind: "consent" }
  | { kind: "menu" }
  | { kind: "track"; trackId: string }
  | { kind: "resume" }
  /** `explained`: how many times in a row the learner said they did not understand this step. */
  | { kind: "step"; explained?: number }
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
      /** A person is offered too (no lesson answered, or a scam story): why, and the question (redacted). */
      handoff?: { reason: HandoffReason; recent: string[] };
    }
  /** Asking whether the learner agrees to be put in touch with a person (the hand-off). */
  | { kind: "handoff_consent"; prev: Screen; reason: HandoffReason; recent?: string[] }
  | { kind: "confirm_delete"; prev: Screen }
  | { kind: "ask_reminders"; after: Screen }
  | { kind: "cert_name"; trackId: string; code: string; after: Screen }
  /** The track is done: the test before the certificate is offered. */
  | { kind: "test_offer"; trackId: string; after: Screen }
  /**
   * Questions asked again, one at a time: a review ("ôn tập") or a track's test. `order` is the order the current
   * question's options are shown in (indexes into the lesson's options).
   */
  | {
      kind: "drill";
      mode: "review" | "test";
      items: DrillItem[];
      index: number;
      order: number[];
      right: number;
      answered: number;
      /** Lessons of the questions missed, in order, once each. */
      missed: string[];
      /** Lessons whose question was forgotten again and again: the learner is offered to redo them. */
      relearn: string[];
      trackId?: string;
      /** Where a passed test goes after the certificate. */
      after?: Screen;
    }
  /** After a review or a failed test: redo a lesson, or the menu. */
  | { kind: "relearn"; lessonId: string };

export interface TutorState {
  v: 1;
  screen: Screen;
  consent: boolean | null;
  /** The unfinished lesson, kept while the learner browses the menu or pauses. */
  lesson?: LessonPosition;
  /** "luôn đọc to": each lesson step comes with its audio, where the learner's channel can play it. */
  readAloud?: boolean;
}

export type TutorInput =
  | { kind: "text"; text: string }
  /** `voice`: why a voice note could not be understood (absent: voice is not listened to at all here). */
  | { kind: "media"; media: string; voice?: "too_long" | "too_big" | "empty" | "unavailable" };

export type TutorEvent =
  | { type: "consent"; granted: boolean }
  | { type: "lesson_started"; lessonId: string }
  | { type: "step_reached"; lessonId: string; stepIndex: number }
  | {
      type: "quiz_answered";
      lessonId: string;
      stepIndex: number;
      optionIndex: number;
      correct: boolean;
      attempt: number;
      /** The hint was shown before this answer. */
      hinted?: boolean;
    }
  /** A question answered again, in a review or a track test (options reshuffled, once, no hint). */
  | { type: "review_answered"; mode: "review" | "test"; lessonId: string; stepIndex: number; stepTitle: string; correct: boolean }
  | { type: "track_test"; trackId: string; right: number; total: number; passed: boolean }
  | { type: "lesson_completed"; lessonId: string }
  | { type: "feedback"; questionId: number; useful: boolean }
  | { type: "delete_all" }
  | { type: "reminders"; on: boolean }
  | { type: "certificate"; trackId: string; trackTitle: string; code: string; firstName?: string }
  /** The learner agreed to a person: the caller opens the ticket and says its number. `step` is 1-based. */
  | { type: "handoff"; reason: HandoffReason; recent: string[]; lessonId?: string; step?: number };

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
  /** Whether replies can be read aloud to this learner (a speech endpoint, and a channel that plays audio). */
  audio?: boolean;
  /** The learner's review cards, mastery and track tests (absent or empty when the learner declined storage). */
  learning?: LearningView;
  /** Today as a Vietnam day number (time.ts): reviews are due by day; a failed track test may be taken again the next day. */
  day?: number;
  /** A fresh random number for this turn (the caller draws it): new orders of options and of test questions. */
  seed?: number;
  /** The hand-off to a person, where it is set up: the learner's open ticket, and whether today's limit is reached. */
  handoff?: { open?: number; full: boolean };
}

export interface StepResult {
  state: TutorState;
  replies: Reply[];
  events: TutorEvent[];
  /** Set when the text is a free-form question: the caller runs the question pipeline, then answered(). */
  question?: { text: string; quiz?: { lessonId: string; step: number } };
}

export const initialState = (): TutorState => ({ v: 1, screen: { kind: "new" }, consent: null });

export class Turn {
  replies: Reply[] = [];
  events: TutorEvent[] = [];
  question?: StepResult["question"];
  /** "đọc to": every reply of this turn is read aloud. */
  readAll = false;
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
    const steps = this.state.readAloud === true;
    const replies =
      this.ctx.audio && (this.readAll || steps)
        ? this.replies.map((r) => (this.readAll || isLessonContent(r) ? { ...r, speak: true } : r))
        : this.replies;
    return { state: this.state, replies, events: this.events, ...(this.question ? { question: this.question } : {}) };
  }
  /** Hands the text to the question pipeline, noting the open quiz (hints only) if there is one. */
  ask(text: string): void {
    const pos = this.state.lesson;
    const lesson = pos && this.state.screen.kind === "step" ? this.ctx.curriculum.lessons.get(pos.lessonId) : undefined;
    const s = lesson && pos ? lesson.steps[pos.stepIndex] : undefined;
    this.question = { text, ...(s?.kind === "quiz" && pos ? { quiz: { lessonId: pos.lessonId, step: s.index } } : {}) };
  }
}
