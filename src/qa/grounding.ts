import { foldForMatch } from "./vietnamese.js";

// The model's answer may only repeat what the passages it was given say: every number (fees, days, phone numbers,
// passcode lengths), every web address and every name of a screen or button it quotes must be in them. An answer
// that says it does not know is not an answer. Either way the learner gets the lessons' own words instead.

export type Grounding = { ok: true } | { ok: false; reason: "unsure" | "number" | "link" | "name" };

/** "I don't know / the material does not say": the model declining, in the ways it phrases it. */
const UNSURE =
  /\b(khong biet|chua chac|khong chac|khong ro|chua ro|khong co thong tin|chua co thong tin|tai lieu khong|tai lieu chua|khong de cap|khong noi (?:toi|den|ve)|khong tim thay|ngoai pham vi|i don t know|not sure)\b/;

const DIGITS = /\d(?:[\d.,]*\d)?/g;
const DOMAIN = /\b(?:https?:\/\/)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?:\/\S*)?/gi;
/** Names the learner would look for on a screen: quoted or in bold. */
const NAMED = /“([^”]{2,60})”|"([^"]{2,60})"|\*\*([^*]{2,60})\*\*/g;

const digitsOnly = (s: string) => s.replace(/\D/g, "");

export function checkGrounding(answer: string, passages: readonly string[]): Grounding {
  const source = passages.join("\n");
  const folded = foldForMatch(source);
  const foldedAnswer = foldForMatch(answer).replace(/[^\p{L}\p{N}]+/gu, " ");
  if (UNSURE.test(foldedAnswer)) return { ok: false, reason: "unsure" };

  const numbers = new Set([...source.matchAll(DIGITS)].map((m) => digitsOnly(m[0])));
  // A list marker at the start of a line ("1." / "2)") is layout, not a fact.
  const body = answer.replace(/^\s*\d{1,2}[.)]\s/gm, "");
  for (const m of body.matchAll(DIGITS)) if (!numbers.has(digitsOnly(m[0]))) return { ok: false, reason: "number" };

  for (const m of answer.matchAll(DOMAIN)) {
    const host = (m[1] ?? "").toLowerCase();
    if (/^\d+(\.\d+)+$/.test(host)) continue;
    if (!folded.includes(host)) return { ok: false, reason: "link" };
  }

  const foldedWords = ` ${folded.replace(/[^\p{L}\p{N}]+/gu, " ")} `;
  for (const m of answer.matchAll(NAMED)) {
    const name = foldForMatch(m[1] ?? m[2] ?? m[3] ?? "")
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim();
    if (name && !foldedWords.includes(` ${name} `)) return { ok: false, reason: "name" };
  }
  return { ok: true };
}
