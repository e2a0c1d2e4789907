// Rail 1: normalise and bound what the learner typed, before anything else looks at it.

export const MAX_QUESTION_CHARS = 2000;

// Zero-width characters and bidirectional controls: invisible, and a classic way to hide words from filters.
const INVISIBLE_RANGES: Array<[number, number]> = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
];
const isInvisible = (ch: string) => {
  const cp = ch.codePointAt(0) ?? 0;
  return INVISIBLE_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi);
};
const stripInvisible = (s: string) =>
  Array.from(s)
    .filter((ch) => !isInvisible(ch))
    .join("");

export interface Normalized {
  text: string;
  truncated: boolean;
}

export function normalizeInput(raw: string): Normalized {
  const text = raw
    .normalize("NFC")
    .replace(/[^\n]+/g, stripInvisible)
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
