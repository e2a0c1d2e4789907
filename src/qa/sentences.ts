import { foldForMatch, foldWords, MARKED } from "./vietnamese.js";

// Used for a learner's message and for a lesson's example questions alike: what is asked is in the sentences that
// ask; the others tell the story.

/**
 * A question cut into sentences, each marked whether it asks: a sentence ending in "?", one with a question word, or
 * the last. A message of one sentence asks as a whole.
 */
export function sentencesOf(text: string): Array<{ text: string; asks: boolean }> {
  const parts = text
    .split(/(?<=[.!?;…])\s+|\n+/u)
    .map((t) => t.trim())
    .filter((t) => /[\p{L}\p{N}]/u.test(t));
  if (parts.length < 2) return [{ text, asks: true }];
  return parts.map((t, i) => ({ text: t, asks: i === parts.length - 1 || /\?\s*$/.test(t) || asks(t) }));
}
/** Question words, with their marks: "làm sao", "thế nào", "ở đâu" (not "ở đầu"), "có nên", "nên … không", "gì"… */
const QUESTION_WORDS = [
  "làm sao",
  "thế nào",
  "ntn",
  "ở đâu",
  "chỗ nào",
  "bao giờ",
  "bao nhiêu",
  "có nên",
  "nên (?:[^ ]+ ){0,3}không",
  "được không",
  "được ko",
  "phải không",
  "có phải",
  "gì",
  "j",
  "sao",
  "hay không",
  "không ạ",
  "chưa",
];
const asksIn = (words: readonly string[]) => new RegExp(`(?:^|\\s)(?:${words.join("|")})(?=\\s|$)`);
const ASKS_MARKED = asksIn(QUESTION_WORDS);
const ASKS_FOLDED = asksIn(QUESTION_WORDS.map(foldForMatch));
/** Whether a sentence asks something: read with its marks when it has them, so "ở đầu ngõ" does not ask "ở đâu". */
function asks(sentence: string): boolean {
  const words = sentence
    .normalize("NFC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ");
  return MARKED.test(words) ? ASKS_MARKED.test(words) : ASKS_FOLDED.test(foldWords(sentence));
}
