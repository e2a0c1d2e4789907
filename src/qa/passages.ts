import type { Lesson } from "../curriculum/types.js";

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
  const base = { lessonId: lesson.id, lessonTitle: lesson.title };
  const out: Passage[] = [
    { ...base, step: 0, kind: "title", text: lesson.title },
    { ...base, step: 0, kind: "intro", text: lesson.intro },
    ...lesson.questions.map((q) => ({ ...base, step: 0, kind: "question" as const, text: q })),
  ];
  if (lesson.summary) out.push({ ...base, step: 0, kind: "summary", text: lesson.summary });
  for (const s of lesson.steps) {
    const quiz = s.kind === "quiz" ? { quizStep: s.index } : {};
    if (s.kind === "instruction") {
      out.push({ ...base, step: s.index, kind: "step", text: `${s.title}${/[.?!:…]$/u.test(s.title) ? "" : ":"} ${s.text}`.trim() });
    } else if (s.kind === "checkpoint") {
      // "Bác đã thấy … chưa?" asks; it does not answer. What the step tells the learner to do does.
      out.push({ ...base, step: s.index, kind: "prompt", text: s.title });
      if (s.text) out.push({ ...base, step: s.index, kind: "step", text: s.text });
      for (const o of s.options) if (o.help) out.push({ ...base, step: s.index, kind: "help", text: o.help });
    } else {
      out.push({ ...base, step: s.index, kind: "prompt", text: s.title, ...quiz });
      const explanation = (s.explanation ?? "").replace(/^Giải thích:\s*/u, "").trim();
      if (explanation) out.push({ ...base, step: s.index, kind: "explanation", text: explanation, ...quiz });
    }
    if (s.tip) out.push({ ...base, step: s.index, kind: "tip", text: s.tip, ...quiz });
  }
  return out.filter((p) => p.text.trim().length > 0);
}
