// Rail 1: normalise and bound what the learner typed, before anything else looks at it.

export const MAX_QUESTION_CHARS = 2000;

// Zero-width characters and bidirectional controls: invisible, and a classic way to hide words from filters.
const INVISIBLE =
  /[\u00AD\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF]|\u034F|\uFE00|\uFE01|\uFE0E|\uFE0F/g;

export interface Normalized {
  text: string;
  truncated: boolean;
}

export function normalizeInput(raw: string): Normalized {
  const text = raw
    .normalize("NFC")
    .replace(INVISIBLE, "")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is being removed.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, " ")
    .replace(/[ \t]+/g, " ")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const truncated = text.length > MAX_QUESTION_CHARS;
  return { text: truncated ? text.slice(0, MAX_QUESTION_CHARS) : text, truncated };
}

/** For matching only (never for display): lowercase, no diacritics, đ → d, single spaces. */
export function foldForMatch(text: string): string {
  return text
    .toLowerCase()
    .replace(/đ/g, "d")
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Folded and with punctuation turned into spaces: for keyword rules. */
export function foldWords(text: string): string {
  return foldForMatch(text)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
