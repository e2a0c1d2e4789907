import type { Curriculum, Lesson } from "../curriculum/types.js";
import { KIND_WEIGHT, type Passage, passagesOf, SHOWN } from "./passages.js";
import { stripPersonalData } from "./pii.js";
import { isFunctionWord, termsOf, Vocabulary } from "./terms.js";
import { isVietnameseSyllable, type Syllable, syllables, typedWithMarks } from "./vietnamese.js";

// Retrieval over the lessons, read the way citizens type: every syllable is indexed with its marks and without
// them (a learner who types marks is matched on them first), two-syllable units ("điện thoại", "căn cước") count
// as terms of their own, and lesson authors' example questions steer the search. Passages are scored one by one
// (BM25), never summed over a lesson, and a lesson counts as answering only when its passages cover most of what
// the question asks: the caller says "no lesson" otherwise.
//
// Hand-written rather than MiniSearch: the decision needs each query word's weight (IDF) and whether a lesson
// matched it, with a syllable's accented and folded forms weighted apart — MiniSearch exposes neither.

/** A passage as indexed: its terms are `seg.terms[start..end)`, sorted, with `seg.freqs` alongside. */
interface Doc {
  id: number;
  passage: Passage;
  len: number;
  seg: Segment;
  start: number;
  end: number;
}

export interface Hit extends Passage {
  score: number;
}

export interface LessonMatch {
  lesson: Lesson;
  score: number;
  /** Share (0–1) of the question's meaning, weighted by how rare each word is, that the lesson's passages match. */
  coverage: number;
  /** The same share, covered by one passage alone (an example question counts): the best of its five best. */
  passageCoverage: number;
  /** The lesson's passages that answer the question, best first (at most five). */
  passages: Hit[];
}

export interface SearchResult {
  /** Lessons best first (at most five). */
  lessons: LessonMatch[];
  /** Content words in the question (after shorthand and function words). */
  words: number;
}

export interface SearchOptions {
  exclude?: { lessonId: string; quizStep: number };
}

export interface LessonIndex {
  version: string;
  size: number;
  search(query: string, opts?: SearchOptions): SearchResult;
}

/** How much more a name ("Grab", "TikTok") weighs than an ordinary word of the same rarity. */
const NAME_WEIGHT = 2;
const K1 = 1.2;
/** Longest stretch the index build holds the event loop before letting a webhook or a lesson step through. */
const SLICE_MS = 10;
const B = 0.75;

/**
 * Term ids shared by every index this process builds, so a term's spelling is stored once; it grows with the
 * curriculum's vocabulary, not with its size.
 */
const TERM_IDS = new Map<string, number>();
function termId(term: string): number {
  let id = TERM_IDS.get(term);
  if (id === undefined) {
    id = TERM_IDS.size;
    TERM_IDS.set(term, id);
  }
  return id;
}

/**
 * A lesson cut into passages and terms, kept for as long as the lesson is unchanged: a reload re-reads only what
 * was edited. Flat arrays, not one per passage: a national curriculum has a hundred thousand passages.
 */
interface Segment {
  passages: Passage[];
  /** Passage k's term ids are terms[starts[k]..starts[k+1]), sorted; freqs says how often each occurs. */
  terms: Int32Array;
  freqs: Uint16Array;
  starts: Int32Array;
  /** Passage k's length in words. */
  lens: Float32Array;
  /** Its meaningful words, folded, once each. */
  folds: string[];
}
const segments = new WeakMap<Lesson, Segment>();

/** A syllable's part in a passage's terms, worked out once per distinct spelling (syllables are shared objects). */
interface SyllableTerms {
  stop: boolean;
  letter: boolean;
  f: number;
  a: number;
}
const syllableTerms = new WeakMap<Syllable, SyllableTerms>();
function termsOfSyllable(s: Syllable): SyllableTerms {
  let known = syllableTerms.get(s);
  if (!known) {
    known = { stop: isFunctionWord(s), letter: /\p{L}/u.test(s.acc), f: termId(`f:${s.fold}`), a: termId(`a:${s.acc}`) };
    syllableTerms.set(s, known);
  }
  return known;
}

/** Pair terms by the ids of their two halves, so the millions of pairs in a large curriculum build no strings. */
const pairIds = {
  F: new Map<number, Map<number, number>>(),
  A: new Map<number, Map<number, number>>(),
  P: new Map<number, Map<number, number>>(),
};
function pairId(kind: "F" | "A" | "P", x: number, y: number, spell: () => string): number {
  let inner = pairIds[kind].get(x);
  if (!inner) {
    inner = new Map();
    pairIds[kind].set(x, inner);
  }
  let id = inner.get(y);
  if (id === undefined) {
    id = termId(spell());
    inner.set(y, id);
  }
  return id;
}

/**
 * A passage's term ids, spelt as `termsOf` spells a question's: each meaningful syllable with and without its marks
 * (lessons are written with marks), neighbouring pairs, and a word with the function word next to it.
 */
function passageTermIds(syl: readonly Syllable[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < syl.length; i++) {
    const s = syl[i] as Syllable;
    const t = termsOfSyllable(s);
    if (!t.stop) out.push(t.f, t.a);
    const n = syl[i + 1];
    if (!n) continue;
    const u = termsOfSyllable(n);
    if (t.stop !== u.stop && u.letter) out.push(pairId("P", t.f, u.f, () => `P:${s.fold}_${n.fold}`));
    if (!t.stop && !u.stop)
      out.push(
        pairId("F", t.f, u.f, () => `F:${s.fold}_${n.fold}`),
        pairId("A", t.a, u.a, () => `A:${s.acc}_${n.acc}`),
      );
  }
  return out;
}

function segmentOf(lesson: Lesson): Segment {
  const known = segments.get(lesson);
  if (known) return known;
  const passages = passagesOf(lesson);
  const folds = new Set<string>();
  const terms: number[] = [];
  const freqs: number[] = [];
  const starts = new Int32Array(passages.length + 1);
  const lens = new Float32Array(passages.length);
  passages.forEach((p, k) => {
    const syl = syllables(p.text);
    for (const s of syl) if (!termsOfSyllable(s).stop) folds.add(s.fold);
    const all = Int32Array.from(passageTermIds(syl)).sort();
    // Sorted, each term once with how often it occurs.
    for (let i = 0; i < all.length; ) {
      let j = i + 1;
      while (j < all.length && all[j] === all[i]) j++;
      terms.push(all[i] as number);
      freqs.push(Math.min(j - i, 65_535));
      i = j;
    }
    starts[k + 1] = terms.length;
    lens[k] = all.length / 2;
  });
  const segment: Segment = {
    passages,
    terms: Int32Array.from(terms),
    freqs: Uint16Array.from(freqs),
    starts,
    lens,
    folds: [...folds],
  };
  segments.set(lesson, segment);
  return segment;
}

/**
 * Cuts every lesson into passages and terms ahead of `buildIndex`, yielding to the event loop every few
 * milliseconds so learners are served meanwhile. `buildIndex` alone does the same work in one go.
 */
export async function prepareIndex(curriculum: Curriculum): Promise<void> {
  let slice = performance.now();
  for (const l of curriculum.lessons.values()) {
    segmentOf(l);
    if (performance.now() - slice > SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
  }
}

/** How often a passage has a term (its terms are sorted). */
function freqIn(doc: Doc, term: number): number {
  const { terms, freqs } = doc.seg;
  let lo = doc.start;
  let hi = doc.end - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = terms[mid] as number;
    if (t === term) return freqs[mid] as number;
    if (t < term) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

export function buildIndex(curriculum: Curriculum): LessonIndex {
  const vocab = new Vocabulary();
  const docs: Doc[] = [];
  const docsOfLesson = new Map<string, Doc[]>();
  /** In how many lessons each folded word appears: a word most lessons use says little about which one is asked. */
  const lessonsWith = new Map<string, number>();
  for (const l of curriculum.lessons.values()) {
    const seg = segmentOf(l);
    const own = seg.passages.map((passage, k) => {
      const doc: Doc = {
        id: docs.length,
        passage,
        len: seg.lens[k] as number,
        seg,
        start: seg.starts[k] as number,
        end: seg.starts[k + 1] as number,
      };
      docs.push(doc);
      return doc;
    });
    docsOfLesson.set(l.id, own);
    for (const f of seg.folds) {
      vocab.contentFolds.add(f);
      lessonsWith.set(f, (lessonsWith.get(f) ?? 0) + 1);
    }
  }
  // Postings, flat: term t's passages are postDocs[offsets[t]..offsets[t+1]), with postFreqs alongside.
  const vocabSize = TERM_IDS.size;
  const offsets = new Int32Array(vocabSize + 1);
  for (const d of docs)
    for (let k = d.start; k < d.end; k++) {
      const t = (d.seg.terms[k] as number) + 1;
      offsets[t] = (offsets[t] as number) + 1;
    }
  for (let t = 0; t < vocabSize; t++) offsets[t + 1] = (offsets[t + 1] as number) + (offsets[t] as number);
  const postDocs = new Int32Array(offsets[vocabSize] as number);
  const postFreqs = new Uint16Array(postDocs.length);
  const fill = offsets.slice(0, vocabSize);
  for (const d of docs)
    for (let k = d.start; k < d.end; k++) {
      const t = d.seg.terms[k] as number;
      const at = fill[t] as number;
      postDocs[at] = d.id;
      postFreqs[at] = d.seg.freqs[k] as number;
      fill[t] = at + 1;
    }
  const dfOfId = (t: number) => (offsets[t + 1] as number) - (offsets[t] as number);
  /** The id of a term the lessons use, if they do. */
  const used = (term: string): number | undefined => {
    const id = TERM_IDS.get(term);
    return id !== undefined && id < vocabSize && dfOfId(id) > 0 ? id : undefined;
  };
  const dfOf = (term: string) => {
    const id = used(term);
    return id === undefined ? 0 : dfOfId(id);
  };

  const n = docs.length;
  const lessonCount = docsOfLesson.size;
  const informative = (w: string) => {
    const k = lessonsWith.get(w) ?? 0;
    return Math.log(1 + (lessonCount - k + 0.5) / (k + 0.5));
  };
  const avgLen = docs.reduce((a, d) => a + d.len, 0) / Math.max(1, n);
  const idf = (t: number) => {
    const k = dfOfId(t);
    return Math.log(1 + (n - k + 0.5) / (k + 0.5));
  };
  const norms = Float64Array.from(docs, (d) => K1 * (1 - B + (B * d.len) / avgLen));
  /** A term's BM25 in one document, given how often it occurs there and its IDF times the query weight. */
  const bm25 = (id: number, f: number, idfWeight: number) => (f === 0 ? 0 : (idfWeight * f * (K1 + 1)) / (f + (norms[id] as number)));
  // Per-search scratch, reused (a search runs to its end without yielding): each passage's score and, for those a
  // query term hit, a slot holding how much of each query word it matched (0.5 or 1).
  const scoreOf = new Float64Array(n);
  const slotOf = new Int32Array(n).fill(-1);
  let matchedBuf = new Float32Array(1024);
  /** Folded syllables of the lessons by length and first letter, for typos ("kick hoat", "vneidd"): a typo seldom hits the first letter. */
  const foldsByShape = new Map<string, string[]>();
  for (const f of vocab.contentFolds) {
    const key = `${f.length}${f[0]}`;
    const list = foldsByShape.get(key) ?? [];
    list.push(f);
    foldsByShape.set(key, list);
  }

  /** The lesson word one typo away (two for long words: "dipfake"), the most common if several are. */
  const near = new Map<string, string | undefined>();
  function nearWord(w: string): string | undefined {
    if (w.length < 4 || /\d/.test(w)) return undefined;
    if (near.has(w)) return near.get(w);
    if (near.size > 50_000) near.clear();
    const most = w.length >= 7 ? 2 : 1;
    let best: string | undefined;
    let bestDf = 0;
    for (let len = w.length - most; len <= w.length + most; len++)
      for (const c of foldsByShape.get(`${len}${w[0]}`) ?? []) {
        const k = dfOf(`f:${c}`);
        if (k > bestDf && editDistance(w, c, most) <= most) [best, bestDf] = [c, k];
      }
    near.set(w, best);
    return best;
  }

  function search(query: string, opts: SearchOptions = {}): SearchResult {
    const syl = syllables(stripPersonalData(query));
    const marked = typedWithMarks(syl, query);
    // A word the lessons never use may be a typo of one they do.
    const fixed = syl.map((s) => {
      if (vocab.isStop(s, marked) || used(`f:${s.fold}`) !== undefined) return s;
      const near = nearWord(s.fold);
      return near ? { acc: near, fold: near } : s;
    });
    // Each term once: a word said three times ("app … app … app") is not three times the question.
    const terms = [...new Map(termsOf(fixed, vocab, marked).map((t) => [t.key, t])).values()];
    // The question's meaning, word by word, weighted by how few lessons use each word. Numbers (ages, amounts) and
    // unmarked words that may be function words ("muon": muốn or mượn) count only when a lesson matches them, and then
    // little; names that are not Vietnamese syllables ("Grab", "Shopee", "Zalo") are what the question is about.
    const words = new Map<string, { weight: number; optional: boolean }>();
    for (const s of fixed) {
      if (vocab.isStop(s, marked) || words.has(s.fold)) continue;
      const optional = vocab.isAmbiguous(s, marked) || /^\d+$/.test(s.fold);
      words.set(s.fold, {
        weight: informative(s.fold) * (optional ? 0.3 : 1) * (!optional && !isVietnameseSyllable(s.fold) ? NAME_WEIGHT : 1),
        optional,
      });
    }
    const wordList = [...words.entries()];
    const wordAt = new Map(wordList.map(([w], i) => [w, i]));
    const W = Math.max(1, wordList.length);
    const touched: number[] = [];
    for (const t of terms) {
      const tid = used(t.key);
      if (tid === undefined) continue;
      const w = idf(tid) * t.weight;
      const at = t.words.flatMap((x) => wordAt.get(x) ?? []);
      for (let k = offsets[tid] as number; k < (offsets[tid + 1] as number); k++) {
        const id = postDocs[k] as number;
        let slot = slotOf[id] as number;
        if (slot < 0) {
          slot = touched.length;
          slotOf[id] = slot;
          touched.push(id);
          if ((slot + 1) * W > matchedBuf.length) {
            const grown = new Float32Array(Math.max(matchedBuf.length * 2, (slot + 1) * W));
            grown.set(matchedBuf);
            matchedBuf = grown;
          }
          matchedBuf.fill(0, slot * W, (slot + 1) * W);
        }
        scoreOf[id] = (scoreOf[id] as number) + bm25(id, postFreqs[k] as number, w);
        for (const i of at) matchedBuf[slot * W + i] = Math.max(matchedBuf[slot * W + i] as number, t.credit);
      }
    }
    type Scored = { doc: Doc; score: number; slot: number };
    const byLesson = new Map<string, Scored[]>();
    for (const id of touched) {
      const doc = docs[id] as Doc;
      const p = doc.passage;
      const score = scoreOf[id] as number;
      const slot = slotOf[id] as number;
      scoreOf[id] = 0;
      slotOf[id] = -1;
      if (opts.exclude && p.lessonId === opts.exclude.lessonId && p.quizStep === opts.exclude.quizStep) continue;
      const list = byLesson.get(p.lessonId) ?? [];
      list.push({ doc, score: score * KIND_WEIGHT[p.kind], slot });
      byLesson.set(p.lessonId, list);
    }
    const required = wordList.filter(([, w]) => !w.optional).reduce((a, [, w]) => a + w.weight, 0);
    /** Share of the question's weight that these per-word matches cover. */
    const cover = (matched: ArrayLike<number>) => {
      let covered = 0;
      let extra = 0;
      wordList.forEach(([, v], i) => {
        const c = matched[i] as number;
        if (c === 0) return;
        covered += v.weight * c;
        if (v.optional) extra += v.weight;
      });
      return required + extra > 0 ? covered / (required + extra) : 0;
    };
    const matchedOf = (h: Scored) => matchedBuf.subarray(h.slot * W, (h.slot + 1) * W);
    type Ranked = Omit<LessonMatch, "passages"> & { list: Scored[] };
    const ranked: Ranked[] = [];
    for (const [lessonId, list] of byLesson) {
      const lesson = curriculum.lessons.get(lessonId);
      if (!lesson) continue;
      list.sort((a, b) => b.score - a.score);
      const best = list[0];
      if (!best) continue;
      // The best passage decides; a second one adds a little (an answer often spans a step and its tip).
      const score = best.score + 0.3 * (list[1]?.score ?? 0);
      // Coverage is read from the passages that matter: the best ones, not every passage that shares a word.
      const matched = new Float32Array(W);
      for (const h of list.slice(0, 3))
        if (h.score >= best.score * 0.4)
          matchedOf(h).forEach((c, i) => {
            matched[i] = Math.max(matched[i] as number, c);
          });
      ranked.push({
        lesson,
        score,
        coverage: cover(matched),
        passageCoverage: Math.max(0, ...list.slice(0, 5).map((h) => cover(matchedOf(h)))),
        list,
      });
    }
    // Rank by how well a lesson matches and how much of the question it covers: a lesson that shares many common
    // words ("số", "tài khoản") with the question loses to one that matches what is actually asked.
    ranked.sort((a, b) => b.score * b.coverage - a.score * a.coverage);
    return {
      lessons: ranked.slice(0, 5).map(({ list, ...m }) => ({ ...m, passages: answeringPassages(m.lesson.id, list, opts) })),
      words: wordList.filter(([, w]) => !w.optional).length,
    };
  }

  /** A lesson's passages that state something, best first; when only its title or an example question matched, those that answer it. */
  function answeringPassages(lessonId: string, list: ReadonlyArray<{ doc: Doc; score: number }>, opts: SearchOptions): Hit[] {
    let shown = list.filter((h) => SHOWN.has(h.doc.passage.kind));
    const best = list[0];
    if (shown.length === 0 && best) {
      const via = best.doc.seg.terms.subarray(best.doc.start, best.doc.end);
      shown = (docsOfLesson.get(lessonId) ?? [])
        .filter((d) => SHOWN.has(d.passage.kind) && !(opts.exclude?.lessonId === lessonId && d.passage.quizStep === opts.exclude.quizStep))
        .map((d) => ({ doc: d, score: via.reduce((a, k) => a + bm25(d.id, freqIn(d, k), idf(k) * 0.5), 0) }))
        .filter((h) => h.score > 0)
        .sort((a, b) => b.score - a.score);
    }
    return shown.slice(0, 5).map((h) => ({ ...h.doc.passage, score: h.score }));
  }

  return { version: curriculum.version, size: n, search };
}

/** Edits (a letter added, removed, changed, or two neighbours swapped) from a to b; stops counting past `most`. */
function editDistance(a: string, b: string, most: number): number {
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (prev2[j - 2] as number) + 1);
      cur.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > most) return most + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length] as number;
}
