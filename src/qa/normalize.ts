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

// ── views for the keyword rules (guard only; retrieval keeps foldWords) ─────────────────────────

/** Teencode and chat shorthand → the full folded word, so one rule covers "ko/k/hok", "dc/đc", "j", "ntn"… */
const TEENCODE = new Map<string, string>(
  Object.entries({
    ko: "khong",
    k: "khong",
    kh: "khong",
    khg: "khong",
    kg: "khong",
    hok: "khong",
    hem: "khong",
    khum: "khong",
    dc: "duoc",
    j: "gi",
    ntn: "nhu the nao",
    vs: "voi",
    ng: "nguoi",
    nguoj: "nguoi",
    bit: "biet",
    bik: "biet",
    mn: "moi nguoi",
    r: "roi",
    oy: "roi",
    cx: "cung",
    cug: "cung",
    tn: "tin nhan",
    nt: "nhan tin",
    ib: "nhan tin",
    inbox: "nhan tin",
    dt: "dien thoai",
    m: "may",
    mi: "may",
    t: "toi",
    mik: "minh",
    mh: "minh",
    wa: "qua",
    ms: "moi",
    trc: "truoc",
    ns: "noi",
    tl: "tra loi",
    vc: "viec",
    cty: "cong ty",
    bs: "bac si",
    nhiu: "nhieu",
    iu: "yeu",
    dag: "dang",
    hnay: "hom nay",
    bh: "bao gio",
    bjo: "bao gio",
    sdt: "so dien thoai",
    acc: "tai khoan",
  }),
);

/** Vietnamese letters that carry a diacritic (or đ). */
const MARKED = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/;

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
    // "50 k" is money, not "không".
    const expanded = f === "k" && /\d$/.test(folds[i - 1] ?? "") ? f : TEENCODE.get(f);
    out.push(expanded ?? f);
  }
  const view = out.join(" ");
  views.set(senses, { text, view });
  return view;
}
