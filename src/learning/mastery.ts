// How well a learner knows a lesson: Bayesian knowledge tracing (Corbett & Anderson, 1995, "Knowledge tracing:
// Modeling the acquisition of procedural knowledge", User Modeling and User-Adapted Interaction 4(4): 253–278), with
// each lesson as one skill. Only a first answer counts (a retry after a hint is scored wrong, as BKT usually treats
// help), then every review and test answer. The parameters are not fitted to our learners yet: they are the usual
// starting values, inside the bounds Baker, Corbett & Aleven (2008, ITS 2008: 406–415) found keep the model from
// degenerating (guess ≤ 0.3, slip ≤ 0.1); quiz_attempts and review_answers hold what is needed to fit them later.

export const BKT = {
  /** p(L0): known before the lesson. */
  init: 0.3,
  /** p(T): learned at each chance to use it. */
  transit: 0.1,
  /** p(S): a wrong answer though known. */
  slip: 0.1,
  /** p(G): a right answer though not known (a quiz has 2–4 options). */
  guess: 0.25,
} as const;

/** Corbett & Anderson's mastery criterion. */
export const MASTERED = 0.95;
/** Below this, the learner is told the lesson needs another look. */
export const SHAKY = 0.6;

/** p(known) after one more answer, from `p` (undefined: the prior). */
export function traceKnowledge(p: number | undefined, correct: boolean): number {
  const known = p ?? BKT.init;
  const posterior = correct
    ? (known * (1 - BKT.slip)) / (known * (1 - BKT.slip) + (1 - known) * BKT.guess)
    : (known * BKT.slip) / (known * BKT.slip + (1 - known) * (1 - BKT.guess));
  return posterior + (1 - posterior) * BKT.transit;
}

export type MasteryLevel = "mastered" | "fair" | "shaky";

export function masteryLevel(p: number): MasteryLevel {
  return p >= MASTERED ? "mastered" : p >= SHAKY ? "fair" : "shaky";
}
