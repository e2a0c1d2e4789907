import type { Lesson } from "../curriculum/types.js";
import { sentencesOf } from "./sentences.js";

// What a lesson says, cut into passages for the search: each step, tip, checkpoint help and quiz explanation, its
// summary, and what only steers the search (title, goal, example questions, the questions a step asks).

export type PassageKind = "question" | "title" | "intro" | "step" | "tip" | "help" | "explanation" | "summary" | "prompt";

export interface Passage {
  lessonId: string;
  lessonTitle: string;
  /** 1-based step position, or 0 for the lesson's title, intro, summary and example questions. */
  step: number;
  kind: PassageKind;
  text: string;
  /** The quiz an explanation or tip belongs to: left out while that quiz is being answered. */
  quizStep?: number;
}

/** Kinds whose text states something a learner can be shown as an answer. */
export const SHOWN: ReadonlySet<PassageKind> = new Set(["step", "tip", "help", "explanation", "summary"]);
/** How much a match in each kind says about the lesson. Intros are goals ("Mục tiêu: …"), prompts are questions. */
export const KIND_WEIGHT: Record<PassageKind, number> = {
  question: 1.1,
  title: 0.9,
  intro: 0.5,
  step: 1,
  tip: 0.9,
  help: 0.9,
  explanation: 1,
  summary: 0.9,
  prompt: 0.5,
};

export function passagesOf(lesson: Lesson): Passage[] {
  const out: Passage[] = [];
  // One object shape for every passage (a national curriculum has a hundred thousand of them): no spreads.
  const add = (step: number, kind: PassageKind, text: string, quizStep?: number) => {
    if (text.trim().length === 0) return;
    const p: Passage = { lessonId: lesson.id, lessonTitle: lesson.title, step, kind, text };
    if (quizStep !== undefined) p.quizStep = quizStep;
    out.push(p);
  };
  add(0, "title", lesson.title);
  add(0, "intro", lesson.intro);
  // An example question that tells a story first: the lesson is about what it asks, not about every word of the story
  // ("Tôi bán mảnh đất, cần chuyển 50 triệu … sao app bắt nhìn vào?" is not a lesson on selling land).
  for (const q of lesson.questions) {
    const said = sentencesOf(q);
    const asked = said.filter((x) => x.asks).map((x) => x.text);
    add(0, "question", said.length > 1 ? asked.join(" ") : q);
  }
  if (lesson.summary) add(0, "summary", lesson.summary);
  for (const s of lesson.steps) {
    const quiz = s.kind === "quiz" ? s.index : undefined;
    if (s.kind === "instruction") {
      add(s.index, "step", `${s.title}${/[.?!:…]$/u.test(s.title) ? "" : ":"} ${s.text}`.trim());
    } else if (s.kind === "checkpoint") {
      // "Bác đã thấy … chưa?" asks; it does not answer. What the step tells the learner to do does.
      add(s.index, "prompt", s.title);
      if (s.text) add(s.index, "step", s.text);
      for (const o of s.options) if (o.help) add(s.index, "help", o.help);
    } else {
      add(s.index, "prompt", s.title, quiz);
      const explanation = (s.explanation ?? "").replace(/^Giải thích:\s*/u, "").trim();
      if (explanation) add(s.index, "explanation", explanation, quiz);
    }
    if (s.tip) add(s.index, "tip", s.tip, quiz);
  }
  return out;
}
