import { FOLDED_ABBREVIATIONS, foldForMatch, MARKED } from "./vietnamese.js";

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
const hex = (n: number) => `\\u${n.toString(16).padStart(4, "0")}`;
const INVISIBLE = new RegExp(`[${INVISIBLE_RANGES.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join("")}]`, "g");
const stripInvisible = (s: string) => s.replace(INVISIBLE, "");

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

// ── views for the keyword rules (guard only) ─────────────────────────

interface Tokens {
  text: string;
  /** Lowercase words with their marks; only needed (and only computed) when the text has diacritics. */
  tokens: string[];
  folds: string[];
  accented: boolean;
}

// The guard builds several views of the same text: tokenise and fold it once.
let last: Tokens | undefined;
function tokenize(text: string): Tokens {
  if (last?.text === text) return last;
  const lower = text.normalize("NFC").toLowerCase().replace(/%/g, " phan tram ");
  const folds = foldForMatch(lower)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  let tokens: string[] = [];
  let accented = false;
  if (MARKED.test(lower)) {
    tokens = lower.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    if (tokens.length !== folds.length) folds.splice(0, folds.length, ...tokens.map(foldForMatch));
    let marked = 0;
    for (let i = 0; i < tokens.length; i++) if (tokens[i] !== folds[i] && /\p{L}/u.test(tokens[i] ?? "")) marked++;
    accented = marked / Math.max(1, tokens.length) >= 0.25;
  }
  last = { text, tokens, folds, accented };
  return last;
}

/** True when the learner types with diacritics (a quarter of the words or more carry marks), so marks can tell words apart. */
export function hasDiacritics(text: string): boolean {
  return tokenize(text).accented;
}

/** Folded words only (no teencode, no senses): for the spaced-out and squeezed injection checks. */
export function plainView(text: string): string {
  return tokenize(text).folds.join(" ");
}

const NO_SENSES: Readonly<Record<string, readonly string[]>> = {};
const views = new WeakMap<object, { text: string; view: string }>();

/**
 * Folded words for the rules, with teencode expanded. `senses` lists folded words that are ambiguous once the marks
 * are gone ("súng"/"bổ sung", "đau"/"đâu", "kể"/"ke"): when the text is written with diacritics, a word spelt
 * otherwise than the listed spellings is replaced by "<word>_" so the rule does not see it.
 */
export function ruleView(text: string, senses: Readonly<Record<string, readonly string[]>> = NO_SENSES): string {
  const cached = views.get(senses);
  if (cached?.text === text) return cached.view;
  const { tokens, folds, accented } = tokenize(text);
  const out: string[] = [];
  for (let i = 0; i < folds.length; i++) {
    const f = folds[i] ?? "";
    const spellings = accented && Object.hasOwn(senses, f) ? senses[f] : undefined;
    if (spellings && !spellings.includes(tokens[i] ?? "")) {
      out.push(`${f}_`);
      continue;
    }
    // "50 k" is money, not "không"; with marks, only a word typed as the shorthand is one ("hỏng" is not "hong").
    const typedAsIs = !accented || tokens[i] === f;
    const expanded = (f === "k" && /\d$/.test(folds[i - 1] ?? "")) || !typedAsIs ? f : FOLDED_ABBREVIATIONS.get(f);
    out.push(expanded ?? f);
  }
  const view = out.join(" ");
  views.set(senses, { text, view });
  return view;
}
