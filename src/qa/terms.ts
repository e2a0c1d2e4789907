import { foldForMatch, type Syllable } from "./vietnamese.js";

// The search terms of a text: each meaningful syllable with its marks and without them, neighbouring pairs as units
// ("điện thoại", "căn cước"), and a word with the function word next to it ("AI là", "nộp ở"). Function words are
// dropped only where they really are function words: "mà" is one, "mã" is not; typed without marks, "ma" is kept.

/** Folded unigram "f:", accented unigram "a:", folded pair "F:", accented pair "A:", word and function word "P:". */
export interface Term {
  key: string;
  /** The query words (folded syllables) this term stands for, for coverage; pairs stand for both words. */
  words: string[];
  /** How much of those words a match covers: half when a word typed with marks is matched only without them. */
  credit: number;
}

/** Function words by their spelling with marks; "mà" is one, "mã" is not. */
const STOP_MARKED: ReadonlySet<string> = new Set(
  (
    "à ạ ơi ừ nhé nhá nhỉ thì là và với của cho tôi tui em bác cháu con mình bạn ông bà cô chú anh chị mày tao nó họ chúng " +
    "ta có không chưa được rồi gì nào sao thế này đó kia mà như những các một cái ấy vậy nè hả hay hỏi xin cảm ơn làm giúp giùm " +
    "dùm hộ lại vẫn cũng đã đang sẽ muốn cần biết phải nên ở tại trong trên về ra vào đi đến khi lúc nếu nhưng vì do để bị thể " +
    "ai đâu bao giờ nhiêu mấy thôi chứ chăng hết rất quá lắm luôn ngay nay mới vừa xong ok ờ ừm dạ vâng thưa ad admin bot " +
    "hello hi alo nha nhe oi a o u uh ah nói bảo nghe thấy cứ hoài mãi vài kiểu chỗ nhờ hôm " +
    "tí ti chút xíu tẹo lên xuống bây tụi bọn nữa"
  ).split(" "),
);
const STOP_FOLDED: ReadonlySet<string> = new Set([...STOP_MARKED].map(foldForMatch));

/**
 * A function word as spelt with its marks (lessons are written with marks); anything without a letter or digit is one
 * too, and a lone consonant ("z", "x", "r" in chat), which names nothing ("y" is a word: "y tế").
 */
export function isFunctionWord(s: Syllable): boolean {
  return STOP_MARKED.has(s.acc) || !/\p{L}|\p{N}/u.test(s.acc) || /^[b-df-hj-np-tv-xz]$/.test(s.acc);
}

export class Vocabulary {
  /** Folded spellings of words with meaning in the lessons: an unmarked "ma" may be "mã", so it is not dropped. */
  readonly contentFolds = new Set<string>();

  /**
   * `exact`: the text is written with marks (a lesson, or a learner who types them), so an unmarked word is spelt
   * as meant. Otherwise an unmarked word is a function word only when no lesson word folds to it.
   */
  isStop(s: Syllable, exact: boolean): boolean {
    if (exact || s.acc !== s.fold) return isFunctionWord(s);
    if (!/\p{L}|\p{N}/u.test(s.acc)) return true;
    return STOP_FOLDED.has(s.fold) && !this.contentFolds.has(s.fold);
  }

  /** Typed without marks, a word that is a function word in one spelling and a lesson word in another ("muon", "ma"). */
  isAmbiguous(s: Syllable, exact: boolean): boolean {
    return !exact && s.acc === s.fold && STOP_FOLDED.has(s.fold) && this.contentFolds.has(s.fold);
  }
}

export function termsOf(syl: Syllable[], vocab: Vocabulary, marked: boolean): Array<Term & { weight: number }> {
  const out: Array<Term & { weight: number }> = [];
  const stop = syl.map((s) => vocab.isStop(s, marked));
  const ambiguous = syl.map((s) => vocab.isAmbiguous(s, marked));
  // Typed with marks, a word is matched on its marks first; its folded form still counts, for less.
  const hasMarks = (s: Syllable) => marked && s.acc !== s.fold;
  const canBeWord = (i: number) => !stop[i];
  const canBeStop = (i: number) => stop[i] || ambiguous[i];
  for (let i = 0; i < syl.length; i++) {
    const s = syl[i] as Syllable;
    if (!stop[i]) {
      // "la" typed without marks may be "là" (a function word) or "lạ": it counts, for little.
      const weak = ambiguous[i] ? 0.3 : 1;
      out.push({ key: `f:${s.fold}`, words: [s.fold], weight: (hasMarks(s) ? 0.5 : 1) * weak, credit: hasMarks(s) ? 0.5 : 1 });
      if (hasMarks(s)) out.push({ key: `a:${s.acc}`, words: [s.fold], weight: 1, credit: 1 });
    }
    const n = syl[i + 1];
    if (!n || !/\p{L}|\p{N}/u.test(n.acc)) continue;
    if (canBeWord(i) && canBeWord(i + 1)) {
      const both = hasMarks(s) && hasMarks(n);
      out.push({ key: `F:${s.fold}_${n.fold}`, words: [s.fold, n.fold], weight: both ? 0.5 : 1, credit: both ? 0.5 : 1 });
      if (both) out.push({ key: `A:${s.acc}_${n.acc}`, words: [s.fold, n.fold], weight: 1, credit: 1 });
    }
    // A word with the function word next to it carries the question's frame: "AI là", "nộp ở", "bao nhiêu tiền".
    if ((canBeWord(i) && canBeStop(i + 1)) || (canBeStop(i) && canBeWord(i + 1)))
      out.push({ key: `P:${s.fold}_${n.fold}`, words: [], weight: 0.5, credit: 0 });
  }
  return out;
}
