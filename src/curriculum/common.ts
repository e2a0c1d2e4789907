// Limits, the problem sink and the text helpers the lesson and track parsers share.

import type { CurriculumProblem } from "./types.js";

// ---------------------------------------------------------------------------------------------
// Limits (curriculum-format.md and format-spec.md)

/** Zalo's limit for one text message; the strictest channel. */
export const MAX_MESSAGE_CHARS = 2000;
/** Longer labels do not fit a button or one phone line. */
export const MAX_OPTION_CHARS = 40;
export const MAX_SENTENCE_WORDS = 25;
export const WARN_STEPS = 8;
export const MAX_STEPS = 12;
export const MIN_QUIZ_OPTIONS = 2;
export const MAX_QUIZ_OPTIONS = 5;

export const ID_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const LEVELS = ["co-ban", "trung-binh", "nang-cao"] as const;

/** DigComp 2.2 and TT 02/2025 areas, and the life-skills (KNS) codes agreed with the content team. */
export const COMPETENCES: readonly string[] = (() => {
  const digcomp: Array<[number, number]> = [
    [1, 3],
    [2, 6],
    [3, 4],
    [4, 4],
    [5, 4],
  ];
  const codes: string[] = [];
  for (const [area, count] of digcomp) {
    for (let i = 1; i <= count; i++) codes.push(`digcomp-${area}.${i}`);
  }
  for (const [area, count] of [...digcomp, [6, 3] as [number, number]]) {
    for (let i = 1; i <= count; i++) codes.push(`tt02-${area}.${i}`);
  }
  codes.push("kns-0.1", "kns-0.2", "kns-1.1", "kns-1.2", "kns-1.3");
  return codes;
})();

// ---------------------------------------------------------------------------------------------
// Problems

export type Report = (line: number, message: string) => void;

export interface ProblemSink {
  problems: CurriculumProblem[];
  error: Report;
  warn: Report;
  hasErrors(): boolean;
}

export function problemSink(file: string): ProblemSink {
  const problems: CurriculumProblem[] = [];
  return {
    problems,
    error: (line, message) => problems.push({ file, line, message, severity: "error" }),
    warn: (line, message) => problems.push({ file, line, message, severity: "warning" }),
    hasErrors: () => problems.some((p) => p.severity === "error"),
  };
}

// ---------------------------------------------------------------------------------------------
// Small text helpers

/** Character count as a person counts them (an emoji or "ệ" is one), not UTF-16 units. */
export function charCount(text: string): number {
  // Code points: UTF-16 units less the second half of each surrogate pair.
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0 && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800) n--;
  }
  return n;
}

export function stripDiacritics(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D");
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(above + 1, (prev[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return prev[b.length] ?? 0;
}

/** Admins type field names without diacritics, in Vietnamese, or in English synonyms. */
export const KEY_ALIASES: Record<string, string> = {
  "tieu-de": "title",
  ten: "title",
  name: "title",
  "thoi-gian": "minutes",
  phut: "minutes",
  "so-phut": "minutes",
  time: "minutes",
  duration: "minutes",
  "muc-do": "level",
  "cap-do": "level",
  "trinh-do": "level",
  "nang-luc": "competences",
  "can-hoc-truoc": "requires",
  prerequisites: "requires",
  nguon: "sources",
  ngay: "checked",
  date: "checked",
  "ngay-kiem-tra": "checked",
  link: "url",
  "duong-dan": "url",
  "mo-ta": "description",
  "thu-tu": "order",
  "doi-tuong": "audience",
};

/** The known word an admin most likely meant, or undefined when nothing is close. */
export function suggest(word: string, known: readonly string[]): string | undefined {
  const normalized = stripDiacritics(word.trim().toLowerCase()).replace(/[\s_]+/g, "-");
  const alias = KEY_ALIASES[normalized];
  if (alias && known.includes(alias)) return alias;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(normalized, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return undefined;
  const allowed = normalized.length <= 4 ? 1 : normalized.length <= 8 ? 2 : 3;
  return best.distance <= allowed && best.distance < normalized.length ? best.candidate : undefined;
}

export function quoteShort(text: string, words = 8): string {
  const parts = text.replace(/\*\*/g, "").split(/\s+/).filter(Boolean);
  return parts.length > words ? `${parts.slice(0, words).join(" ")} …` : parts.join(" ");
}

/** Today's date (YYYY-MM-DD) in Vietnam, where the admins are. */
