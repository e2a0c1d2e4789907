import { readOnce } from "../curriculum/packed.js";
import type { Curriculum, Lesson } from "../curriculum/types.js";
import { recentlyUsed } from "../recent.js";
import { KIND_WEIGHT, type Passage, type PassageKind, passagesOf, SHOWN } from "./passages.js";
import { stripPersonalData } from "./pii.js";
import { sentencesOf } from "./sentences.js";
import { isFunctionWord, termsOf, Vocabulary } from "./terms.js";
import { INCIDENTAL_NAMES, isVietnameseSyllable, type Syllable, syllables, typedWithMarks } from "./vietnamese.js";

// Retrieval over the lessons, read the way citizens type: every syllable is indexed with its marks and without
// them (a learner who types marks is matched on them first), two-syllable units ("điện thoại", "căn cước") count
// as terms of their own, and lesson authors' example questions steer the search. Passages are scored one by one
// (BM25), never summed over a lesson, and a lesson counts as answering only when its passages cover most of what
// the question asks: the caller says "no lesson" otherwise.
//
// Hand-written rather than MiniSearch: the decision needs each query word's weight (IDF) and whether a lesson
// matched it, with a syllable's accented and folded forms weighted apart — MiniSearch exposes neither.

export interface Hit extends Passage {
  score: number;
}

export interface LessonMatch {
  lesson: Lesson;
  score: number;
  /** Share (0–1) of the question's meaning, weighted by how rare each word is, that the lesson's best passages match. */
  coverage: number;
  /**
   * The same share, matched anywhere in the lesson: whether the lesson speaks of everything the question names
   * ("lưu số" and "gọi" in a lesson on contacts, though not in the same step).
   */
  lessonCoverage: number;
  /**
   * How well the lesson matches what is asked, the order lessons are ranked in: its score times how much of the
   * question its best passages and the whole lesson cover, and more when many of its passages speak of it.
   */
  strength: number;
  /** The same share, covered by one passage alone (an example question counts): the best of its five best. */
  passageCoverage: number;
  /** The lesson's passages that answer the question, best first (at most five). */
  passages: Hit[];
  /**
   * The same share, covered by the lesson's title or one of its example questions: whether the lesson is about what is
   * asked, as its author says, or only mentions its words in its steps.
   */
  topicCoverage: number;
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
  /** Numbers of 3–11 digits the lessons' steps and tips state (the phone numbers an answer may give). */
  numbers: ReadonlySet<string>;
  search(query: string, opts?: SearchOptions): SearchResult;
}

/** How much more a name ("Grab", "TikTok") weighs than an ordinary word of the same rarity. */
const NAME_WEIGHT = 2;
/** How much a word weighs that only the story around a question says, and only when a lesson matches it. */
const STORY_WEIGHT = 0.5;
const K1 = 1.2;
/** How much of a word a lesson covers at most when the question pairs it with a word the lessons never put next to it. */
const APART_CREDIT = 0.5;
/**
 * A lesson about what is asked says it in many of its passages (steps, tips, example questions), a lesson that only
 * touches it in one or two: its match counts up to BREADTH_WEIGHT more when STRONG_PASSAGE of the question is covered
 * by BREADTH_SHARE of its passages ("mã OTP là gì": the OTP lesson, not the voice-typing lesson that explains the word once).
 */
const BREADTH_WEIGHT = 0.6;
const BREADTH_SHARE = 0.25;
const STRONG_PASSAGE = 0.5;
/** Longest stretch the index build holds the event loop before letting a webhook or a lesson step through. */
const SLICE_MS = 10;
/** Passages kept per lesson while ranking: the best decides, the next four add to it or are shown. */
const PER_LESSON = 5;
/** Lessons a search returns. */
const RANKED = 5;
/** How often a term counts in one passage at most (a byte); BM25 saturates long before. */
const MAX_FREQ = 255;
/**
 * Lessons whose passages an index keeps cut, the ones searches returned last: cutting a lesson again for each search
 * took a third of the search's time, and the same few lessons answer most questions.
 */
const RECENT_LESSONS = 256;
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
 * was edited. Flat arrays, not objects per passage: a national curriculum has a hundred thousand passages. The
 * passages' text is kept only for the lessons searches returned last (RECENT_LESSONS).
 */
interface Segment {
  /**
   * Passage k's terms are packed in bytes starts[k]..starts[k+1]: for each term, sorted by id, a varint of the gap
   * from the previous id shifted left by one, its low bit set when the term occurs more than once, and then how
   * often (about 1.6 bytes a term instead of 6; see `termsIn`).
   */
  packed: Uint8Array;
  starts: Int32Array;
  /** Passage k's length in words, its kind (index in KINDS) and the quiz it belongs to (0: none). */
  lens: Float32Array;
  kinds: Uint8Array;
  quizSteps: Int16Array;
  /** Its meaningful words, folded, once each. */
  folds: string[];
  /** The numbers of 3–11 digits its steps and tips state. */
  numbers: string[];
}
const segments = new WeakMap<Lesson, Segment>();
const KINDS = Object.keys(KIND_WEIGHT) as PassageKind[];
const KIND_INDEX = new Map(KINDS.map((k, i) => [k, i]));
const KIND_WEIGHTS = Float64Array.from(KINDS, (k) => KIND_WEIGHT[k]);
const SHOWN_KINDS = Uint8Array.from(KINDS, (k) => (SHOWN.has(k) ? 1 : 0));
const TOPIC_KINDS = Uint8Array.from(KINDS, (k) => (k === "question" || k === "title" ? 1 : 0));

/** A syllable's part in a passage's terms, worked out once per distinct spelling (syllables are shared objects). */
interface SyllableTerms {
  stop: boolean;
  letter: boolean;
  marked: boolean;
  f: number;
  a: number;
}
const syllableTerms = new WeakMap<Syllable, SyllableTerms>();
function termsOfSyllable(s: Syllable): SyllableTerms {
  let known = syllableTerms.get(s);
  if (!known) {
    known = {
      stop: isFunctionWord(s),
      letter: /\p{L}/u.test(s.acc),
      marked: s.acc !== s.fold,
      f: termId(`f:${s.fold}`),
      a: termId(`a:${s.acc}`),
    };
    syllableTerms.set(s, known);
  }
  return known;
}

/**
 * Pair terms by the ids of their two halves, so the millions of pairs in a large curriculum build no strings: a table
 * of (first id, second id) → term id with open addressing, kept flat in typed arrays. (A map of maps took a fifth of
 * the index build in its lookups.)
 */
class PairIds {
  /** The two halves of the pair in slot k at 2k and 2k + 1; -1: empty. */
  #halves = new Int32Array(2 * 4096).fill(-1);
  #ids = new Int32Array(4096);
  #size = 0;

  /** The term id of the pair (x, y), spelt by `spell` the first time it is met. */
  of(x: number, y: number, spell: () => string): number {
    const k = this.#slot(x, y);
    if (this.#halves[2 * k] !== -1) return this.#ids[k] as number;
    const id = termId(spell());
    this.#put(k, x, y, id);
    if (++this.#size * 2 > this.#ids.length) {
      const [halves, ids] = [this.#halves, this.#ids];
      this.#halves = new Int32Array(halves.length * 2).fill(-1);
      this.#ids = new Int32Array(ids.length * 2);
      for (let j = 0; j < ids.length; j++) {
        const [a, b] = [halves[2 * j] as number, halves[2 * j + 1] as number];
        if (a !== -1) this.#put(this.#slot(a, b), a, b, ids[j] as number);
      }
    }
    return id;
  }

  /** The slot that holds (x, y), or the empty one where it goes. */
  #slot(x: number, y: number): number {
    const mask = this.#ids.length - 1;
    let k = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca77)) & mask;
    for (;;) {
      const at = this.#halves[2 * k] as number;
      if (at === -1 || (at === x && this.#halves[2 * k + 1] === y)) return k;
      k = (k + 1) & mask;
    }
  }

  #put(k: number, x: number, y: number, id: number): void {
    this.#halves[2 * k] = x;
    this.#halves[2 * k + 1] = y;
    this.#ids[k] = id;
  }
}
const pairIds = { F: new PairIds(), A: new PairIds(), P: new PairIds() };

/**
 * A passage's term ids, spelt as `termsOf` spells a question's: each meaningful syllable with and without its marks
 * (lessons are written with marks), neighbouring pairs, and a word with the function word next to it.
 */
function passageTermIds(syl: readonly Syllable[]): { ids: number[]; count: number } {
  const ids: number[] = [];
  // Counted as if every form were stored, for BM25's length; a form with no marks to match is not stored, since
  // only a question typed with marks asks for the marked forms ("a:", "A:").
  let count = 0;
  for (let i = 0; i < syl.length; i++) {
    const s = syl[i] as Syllable;
    const t = termsOfSyllable(s);
    if (!t.stop) {
      ids.push(t.f);
      if (t.marked) ids.push(t.a);
      count += 2;
    }
    const n = syl[i + 1];
    if (!n) continue;
    const u = termsOfSyllable(n);
    if (t.stop !== u.stop && u.letter) {
      ids.push(pairIds.P.of(t.f, u.f, () => `P:${s.fold}_${n.fold}`));
      count++;
    }
    if (!t.stop && !u.stop) {
      ids.push(pairIds.F.of(t.f, u.f, () => `F:${s.fold}_${n.fold}`));
      if (t.marked && u.marked) ids.push(pairIds.A.of(t.a, u.a, () => `A:${s.acc}_${n.acc}`));
      count += 2;
    }
  }
  return { ids, count };
}

/**
 * Buffers reused from lesson to lesson while cutting them into terms: a typed array per passage, a hundred thousand
 * of them, left the process holding memory it no longer used.
 */
const scratch = { ids: new Int32Array(1024), bytes: new Uint8Array(1 << 16) };
/** `a` when it holds `least` numbers, else a copy twice as long (or `least`): scratch that grows with what it meets. */
function roomFor<T extends Uint8Array | Int32Array | Float32Array | Float64Array>(a: T, least: number): T {
  if (a.length >= least) return a;
  const b = new (a.constructor as new (length: number) => T)(Math.max(a.length * 2, least));
  b.set(a);
  return b;
}

/** Sorted in place: by insertion while short (most passages; a typed array's sort is slow on a few dozen numbers). */
function sortSmall(a: Int32Array): Int32Array {
  if (a.length > 64) return a.sort();
  for (let i = 1; i < a.length; i++) {
    const x = a[i] as number;
    let j = i - 1;
    while (j >= 0 && (a[j] as number) > x) {
      a[j + 1] = a[j] as number;
      j--;
    }
    a[j + 1] = x;
  }
  return a;
}

function segmentOf(packed: Lesson): Segment {
  const known = segments.get(packed);
  if (known) return known;
  const lesson = readOnce(packed);
  const passages = passagesOf(lesson);
  const folds = new Set<string>();
  const starts = new Int32Array(passages.length + 1);
  const lens = new Float32Array(passages.length);
  let length = 0;
  const varint = (v: number) => {
    scratch.bytes = roomFor(scratch.bytes, length + 5);
    length = writeVarint(scratch.bytes, length, v);
  };
  passages.forEach((p, k) => {
    const syl = syllables(p.text);
    for (const s of syl) if (!termsOfSyllable(s).stop) folds.add(s.fold);
    const { ids, count } = passageTermIds(syl);
    if (ids.length > scratch.ids.length) scratch.ids = new Int32Array(ids.length * 2);
    scratch.ids.set(ids);
    const all = sortSmall(scratch.ids.subarray(0, ids.length));
    // Sorted, each term once with how often it occurs.
    let previous = 0;
    for (let i = 0; i < all.length; ) {
      let j = i + 1;
      while (j < all.length && all[j] === all[i]) j++;
      const freq = Math.min(j - i, MAX_FREQ);
      varint((((all[i] as number) - previous) << 1) | (freq > 1 ? 1 : 0));
      if (freq > 1) varint(freq);
      previous = all[i] as number;
      i = j;
    }
    starts[k + 1] = length;
    lens[k] = count / 2;
  });
  const segment: Segment = {
    packed: scratch.bytes.slice(0, length),
    starts,
    lens,
    kinds: Uint8Array.from(passages, (p) => KIND_INDEX.get(p.kind) ?? 0),
    quizSteps: Int16Array.from(passages, (p) => p.quizStep ?? 0),
    folds: [...folds],
    numbers: [...new Set(lesson.steps.flatMap((st) => [...`${st.text} ${st.tip ?? ""}`.matchAll(/\b\d{3,11}\b/g)].map((m) => m[0])))],
  };
  segments.set(packed, segment);
  return segment;
}

/** Writes `v` (non-negative) as a varint at `at` of `bytes`, seven bits a byte; returns where it ends. */
function writeVarint(bytes: Uint8Array, at: number, v: number): number {
  let x = v;
  let i = at;
  while (x >= 0x80) {
    bytes[i++] = (x & 0x7f) | 0x80;
    x >>>= 7;
  }
  bytes[i++] = x;
  return i;
}
const varintBytes = (v: number) => (v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5);

/** Where the next varint is read (one cursor: a read runs to its end without yielding). */
const cursor = { at: 0 };
/** Reads the varint at `c.at` of `bytes` and moves `c.at` past it. */
function readVarint(bytes: Uint8Array, c: { at: number }): number {
  let v = 0;
  let shift = 0;
  let b: number;
  do {
    b = bytes[c.at++] as number;
    v |= (b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  return v;
}

/** Passage k's terms, in id order, with how often each occurs, written into `into`; returns how many. */
function termsIn(seg: Segment, k: number, into: { terms: Int32Array; freqs: Uint8Array }): number {
  const { packed } = seg;
  const end = seg.starts[k + 1] as number;
  let term = 0;
  let n = 0;
  cursor.at = seg.starts[k] as number;
  while (cursor.at < end) {
    const v = readVarint(packed, cursor);
    term += v >>> 1;
    const freq = v & 1 ? readVarint(packed, cursor) : 1;
    if (n === into.terms.length) {
      const terms = new Int32Array(n * 2);
      terms.set(into.terms);
      into.terms = terms;
      const freqs = new Uint8Array(n * 2);
      freqs.set(into.freqs);
      into.freqs = freqs;
    }
    into.terms[n] = term;
    into.freqs[n] = freq;
    n++;
  }
  return n;
}

/** A lesson ranked by a search, with what its answer is cut from: its best passage and its best shown ones. */
type Ranked = Omit<LessonMatch, "passages"> & { bestPassage: number; shown: Array<{ id: number; score: number }> };

/** A lesson's PER_LESSON best passages (id, score, slot), best first; a passage scoring the same as one kept goes after it. */
class BestPassages {
  readonly ids = new Int32Array(PER_LESSON);
  readonly scores = new Float64Array(PER_LESSON);
  readonly slots = new Int32Array(PER_LESSON);
  n = 0;

  clear(): void {
    this.n = 0;
  }

  keep(id: number, score: number, slot: number): void {
    let at = this.n;
    while (at > 0 && (this.scores[at - 1] as number) < score) at--;
    if (at >= PER_LESSON) return;
    for (let j = Math.min(this.n, PER_LESSON - 1); j > at; j--) {
      this.ids[j] = this.ids[j - 1] as number;
      this.scores[j] = this.scores[j - 1] as number;
      this.slots[j] = this.slots[j - 1] as number;
    }
    this.ids[at] = id;
    this.scores[at] = score;
    this.slots[at] = slot;
    this.n = Math.min(this.n + 1, PER_LESSON);
  }

  list(): Array<{ id: number; score: number }> {
    return Array.from({ length: this.n }, (_, h) => ({ id: this.ids[h] as number, score: this.scores[h] as number }));
  }
}

export function buildIndex(curriculum: Curriculum): LessonIndex {
  const steps = indexSteps(curriculum);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same index, built in slices that let webhooks and lesson steps through (a national curriculum takes a second
 * or two): it yields to the event loop whenever it has held it for SLICE_MS.
 */
export async function buildIndexInSlices(curriculum: Curriculum): Promise<LessonIndex> {
  const steps = indexSteps(curriculum);
  let slice = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - slice > SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
  }
}

/** Builds the index, pausing (yield) after each lesson's share of the work. */
function* indexSteps(curriculum: Curriculum): Generator<void, LessonIndex, void> {
  const vocab = new Vocabulary();
  const lessons = [...curriculum.lessons.values()];
  const segs: Segment[] = [];
  for (const l of lessons) {
    segs.push(segmentOf(l));
    yield;
  }
  const lessonIndex = new Map(lessons.map((l, i) => [l, i]));
  // Passage ids run lesson after lesson: lesson i's passages are firstDoc[i]..firstDoc[i+1).
  const firstDoc = new Int32Array(lessons.length + 1);
  segs.forEach((seg, i) => {
    firstDoc[i + 1] = (firstDoc[i] as number) + seg.lens.length;
  });
  const n = firstDoc[lessons.length] as number;
  const docLesson = new Int32Array(n);
  for (let i = 0; i < segs.length; i++) docLesson.fill(i, firstDoc[i], firstDoc[i + 1]);
  /** In how many lessons each folded word appears: a word most lessons use says little about which one is asked. */
  const lessonsWith = new Map<string, number>();
  for (const seg of segs)
    for (const f of seg.folds) {
      vocab.contentFolds.add(f);
      lessonsWith.set(f, (lessonsWith.get(f) ?? 0) + 1);
    }
  // Postings, packed: term t's passages are in bytes offsets[t]..offsets[t+1] of `post`, in passage order, each as a
  // varint of (the gap from the previous passage << 1 | whether it occurs more than once), then, if it does, how
  // often (one byte). About 1.6 bytes a posting instead of 5: a national curriculum has millions of them.
  const vocabSize = TERM_IDS.size;
  const offsets = new Int32Array(vocabSize + 1);
  /** How many passages have term t. */
  const dfs = new Int32Array(vocabSize);
  const lastDoc = new Int32Array(vocabSize);
  const scratch = { terms: new Int32Array(256), freqs: new Uint8Array(256) };
  for (const [i, seg] of segs.entries()) {
    for (let k = 0; k < seg.lens.length; k++) {
      const id = (firstDoc[i] as number) + k;
      const count = termsIn(seg, k, scratch);
      for (let j = 0; j < count; j++) {
        const t = scratch.terms[j] as number;
        const many = (scratch.freqs[j] as number) > 1 ? 1 : 0;
        offsets[t + 1] =
          (offsets[t + 1] as number) +
          varintBytes(((id - (lastDoc[t] as number)) << 1) | many) +
          (many ? varintBytes(scratch.freqs[j] as number) : 0);
        lastDoc[t] = id;
        dfs[t] = (dfs[t] as number) + 1;
      }
    }
    yield;
  }
  for (let t = 0; t < vocabSize; t++) offsets[t + 1] = (offsets[t + 1] as number) + (offsets[t] as number);
  const post = new Uint8Array(offsets[vocabSize] as number);
  const fill = offsets.slice(0, vocabSize);
  lastDoc.fill(0);
  for (const [i, seg] of segs.entries()) {
    for (let k = 0; k < seg.lens.length; k++) {
      const id = (firstDoc[i] as number) + k;
      const count = termsIn(seg, k, scratch);
      for (let j = 0; j < count; j++) {
        const t = scratch.terms[j] as number;
        const f = scratch.freqs[j] as number;
        let at = writeVarint(post, fill[t] as number, ((id - (lastDoc[t] as number)) << 1) | (f > 1 ? 1 : 0));
        if (f > 1) at = writeVarint(post, at, f);
        fill[t] = at;
        lastDoc[t] = id;
      }
    }
    yield;
  }
  const dfOfId = (t: number) => dfs[t] as number;
  /** The id of a term the lessons use, if they do. */
  const used = (term: string): number | undefined => {
    const id = TERM_IDS.get(term);
    return id !== undefined && id < vocabSize && dfOfId(id) > 0 ? id : undefined;
  };
  const dfOf = (term: string) => {
    const id = used(term);
    return id === undefined ? 0 : dfOfId(id);
  };

  const lessonCount = lessons.length;
  const informative = (w: string) => {
    const k = lessonsWith.get(w) ?? 0;
    return Math.log(1 + (lessonCount - k + 0.5) / (k + 0.5));
  };
  const lenOf = (id: number) => {
    const i = docLesson[id] as number;
    return (segs[i] as Segment).lens[id - (firstDoc[i] as number)] as number;
  };
  let totalLen = 0;
  for (const seg of segs) for (const l of seg.lens) totalLen += l;
  const avgLen = totalLen / Math.max(1, n);
  const idf = (t: number) => {
    const k = dfOfId(t);
    return Math.log(1 + (n - k + 0.5) / (k + 0.5));
  };
  const norms = new Float64Array(n);
  for (let id = 0; id < n; id++) norms[id] = K1 * (1 - B + (B * lenOf(id)) / avgLen);
  /** A term's BM25 in one document, given how often it occurs there and its IDF times the query weight. */
  const bm25 = (id: number, f: number, idfWeight: number) => (f === 0 ? 0 : (idfWeight * f * (K1 + 1)) / (f + (norms[id] as number)));
  // Per-search scratch, reused (a search runs to its end without yielding): each passage's score and, for those a
  // query term hit, a slot holding how much of each query word it matched (0.5 or 1).
  const scoreOf = new Float64Array(n);
  const slotOf = new Int32Array(n).fill(-1);
  let matchedBuf = new Float32Array(1024);
  /** Per slot, kept as its matches come in: the weight it covers and the weight of the optional words it matched. */
  let sumsBuf = new Float64Array(512);
  /** Per lesson a query term hit, a slot holding how much of each query word it matched anywhere (its passages' best). */
  const lessonSlotOf = new Int32Array(lessons.length).fill(-1);
  let anywhereBuf = new Float32Array(1024);
  let touchedBuf = new Int32Array(1024);
  /** The lesson being ranked: its best passages, and its best among those shown as answers. */
  const top = new BestPassages();
  const shown = new BestPassages();
  /** Folded syllables of the lessons by length and first letter, for typos ("kick hoat", "vneidd"): a typo seldom hits the first letter. */
  const foldsByShape = new Map<string, string[]>();
  for (const f of vocab.contentFolds) {
    const key = `${f.length}${f[0]}`;
    const list = foldsByShape.get(key) ?? [];
    list.push(f);
    foldsByShape.set(key, list);
  }

  /**
   * The lesson word one typo away (two for long words: "dipfake"), the most common if several are; only for a word
   * that cannot be a Vietnamese syllable ("hag", "wep", "hoatt"). One that can is meant as typed: "nuốt" (a card
   * swallowed by the machine) is not "nước", and a word no lesson uses says the question may be about something else.
   */
  const near = new Map<string, string | undefined>();
  function nearWord(w: string): string | undefined {
    if (w.length < 3 || isVietnameseSyllable(w) || /\d/.test(w)) return undefined;
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

  /**
   * Lesson words typed without the spaces between them ("oto", "dienthoai", "dichvucong"): the fewest Vietnamese
   * syllables, each one the lessons use, that spell the word; undefined when there are none or the word is one.
   */
  function joinedWords(w: string): string[] | undefined {
    if (w.length < 3 || w.length > 24 || !/^[a-z]+$/.test(w) || isVietnameseSyllable(w)) return undefined;
    const best: Array<string[] | undefined> = [[]];
    for (let end = 1; end <= w.length; end++)
      for (let start = Math.max(0, end - 7); start < end; start++) {
        const before = best[start];
        const piece = w.slice(start, end);
        if (!before || !isVietnameseSyllable(piece) || !vocab.contentFolds.has(piece)) continue;
        if (!best[end] || (best[end] as string[]).length > before.length + 1) best[end] = [...before, piece];
      }
    const parts = best[w.length];
    return parts && parts.length >= 2 ? parts : undefined;
  }

  const recent = recentlyUsed<Lesson, Passage[]>(RECENT_LESSONS);
  const recentPassages = (lesson: Lesson) => recent(lesson, () => passagesOf(lesson));

  function search(query: string, opts: SearchOptions = {}): SearchResult {
    const said = sentencesOf(stripPersonalData(query)).map((x) => ({ syl: syllables(x.text), asks: x.asks }));
    const syl = said.flatMap((x) => x.syl);
    const marked = typedWithMarks(syl, query);
    // A word the lessons never use may be lesson words run together ("oto", "dienthoai") or a typo of one they do.
    const mend = (s: Syllable): Syllable[] => {
      if (vocab.isStop(s, marked) || used(`f:${s.fold}`) !== undefined || INCIDENTAL_NAMES.has(s.fold)) return [s];
      const parts = joinedWords(s.fold);
      if (parts) return parts.map((p) => ({ acc: p, fold: p }));
      const near = nearWord(s.fold);
      return [near ? { acc: near, fold: near } : s];
    };
    const mended = said.map((x) => ({ syl: x.syl.flatMap(mend), asks: x.asks }));
    const fixed = mended.flatMap((x) => x.syl);
    // In a message of several sentences, the words of those that only tell the story ("Bà 68 tuổi, đi chợ phiên…")
    // count only where a lesson matches them: what is asked is in the sentences that ask.
    // A question of function words only ("Làm thế nào vậy ạ?") asks about what the sentences before it tell.
    /**
     * Numbers (ages, amounts), unmarked words that may be function words ("muon": muốn or mượn), and the maker of the
     * learner's phone or their bank ("máy Xiaomi", "app Agribank").
     */
    const optionalWord = (s: Syllable) => vocab.isAmbiguous(s, marked) || /^\d+$/.test(s.fold) || INCIDENTAL_NAMES.has(s.fold);
    const meaningful = (s: Syllable) => !vocab.isStop(s, marked) && !optionalWord(s);
    const asking = mended.filter((x) => x.asks);
    const asked = new Set((asking.some((x) => x.syl.some(meaningful)) ? asking : mended).flatMap((x) => x.syl.map((s) => s.fold)));
    // Each term once: a word said three times ("app … app … app") is not three times the question.
    const terms = [...new Map(termsOf(fixed, vocab, marked).map((t) => [t.key, t])).values()];
    // The question's meaning, word by word, weighted by how few lessons use each word. Numbers (ages, amounts) and
    // unmarked words that may be function words ("muon": muốn or mượn) count only when a lesson matches them, and then
    // little; names that are not Vietnamese syllables ("Grab", "Shopee", "Zalo") are what the question is about.
    const words = new Map<string, { weight: number; optional: boolean }>();
    for (const s of fixed) {
      if (vocab.isStop(s, marked) || words.has(s.fold)) continue;
      const optional = optionalWord(s);
      const story = !optional && !asked.has(s.fold);
      words.set(s.fold, {
        weight:
          informative(s.fold) *
          (optional ? 0.3 : story ? STORY_WEIGHT : 1) *
          (!optional && !isVietnameseSyllable(s.fold) ? NAME_WEIGHT : 1),
        optional: optional || story,
      });
    }
    // Two words side by side that the lessons use apart but never together ("bộ nhớ", "sang tên", "kinh doanh") most
    // often name something the lessons do not speak of: a lesson with both words apart covers them only in part. A word
    // already in a pair the lessons know ("y tế", "xe máy") belongs to that pair, not to its other neighbour.
    const content = (s: Syllable | undefined) =>
      s !== undefined && !vocab.isStop(s, marked) && !/\d/.test(s.fold) && used(`f:${s.fold}`) !== undefined;
    const known = fixed.map((s, i) => {
      const n = fixed[i + 1];
      return content(s) && content(n) && used(`F:${s.fold}_${n?.fold}`) !== undefined;
    });
    const apart = new Set<string>();
    for (let i = 0; i + 1 < fixed.length; i++) {
      if (!content(fixed[i]) || !content(fixed[i + 1]) || known[i] || known[i - 1] || known[i + 1]) continue;
      apart.add((fixed[i] as Syllable).fold);
      apart.add((fixed[i + 1] as Syllable).fold);
    }
    const wordList = [...words.entries()];
    const wordAt = new Map(wordList.map(([w], i) => [w, i]));
    const W = Math.max(1, wordList.length);
    /** Passages a query term hit, in the order they were first hit (touchedBuf[0..touchedCount)); each one's slot is its place here. */
    let touchedCount = 0;
    const required = wordList.filter(([, w]) => !w.optional).reduce((a, [, w]) => a + w.weight, 0);
    // Each word's weight, whether it is optional and the most it can be covered, as arrays: coverage is worked out for
    // every passage a question touches, tens of thousands in a national curriculum.
    const weightOf = Float64Array.from(wordList, ([, v]) => v.weight);
    const optionalOf = Uint8Array.from(wordList, ([, v]) => (v.optional ? 1 : 0));
    const capOf = Float64Array.from(wordList, ([w]) => (apart.has(w) ? APART_CREDIT : 1));
    /** Share of the question's weight that these per-word matches (`matched` from `at`) cover. */
    const cover = (matched: ArrayLike<number>, at = 0) => {
      let covered = 0;
      let extra = 0;
      for (let i = 0; i < wordList.length; i++) {
        const c = Math.min(capOf[i] as number, matched[at + i] as number);
        if (c === 0) continue;
        covered += (weightOf[i] as number) * c;
        if (optionalOf[i]) extra += weightOf[i] as number;
      }
      return required + extra > 0 ? covered / (required + extra) : 0;
    };
    const excluded = opts.exclude ? curriculum.lessons.get(opts.exclude.lessonId) : undefined;
    const excludedLesson = excluded ? (lessonIndex.get(excluded) ?? -1) : -1;
    /** Whether passage `id` counts: not a step of the quiz the learner has open. */
    const counts = (id: number, i: number) =>
      i !== excludedLesson || (segs[i] as Segment).quizSteps[id - (firstDoc[i] as number)] !== opts.exclude?.quizStep;
    const touchedLessons: number[] = [];
    for (const t of terms) {
      const tid = used(t.key);
      if (tid === undefined) continue;
      const w = idf(tid) * t.weight;
      const at = t.words.flatMap((x) => wordAt.get(x) ?? []);
      const end = offsets[tid + 1] as number;
      cursor.at = offsets[tid] as number;
      for (let id = 0; cursor.at < end; ) {
        const v = readVarint(post, cursor);
        id += v >>> 1;
        const f = v & 1 ? readVarint(post, cursor) : 1;
        let slot = slotOf[id] as number;
        if (slot < 0) {
          slot = touchedCount++;
          slotOf[id] = slot;
          touchedBuf = roomFor(touchedBuf, touchedCount);
          touchedBuf[slot] = id;
          matchedBuf = roomFor(matchedBuf, (slot + 1) * W);
          matchedBuf.fill(0, slot * W, (slot + 1) * W);
          sumsBuf = roomFor(sumsBuf, 2 * slot + 2);
          sumsBuf[2 * slot] = 0;
          sumsBuf[2 * slot + 1] = 0;
        }
        scoreOf[id] = (scoreOf[id] as number) + bm25(id, f, w);
        const li = docLesson[id] as number;
        let ls = -1;
        if (at.length > 0 && counts(id, li)) {
          ls = lessonSlotOf[li] as number;
          if (ls < 0) {
            ls = touchedLessons.length;
            lessonSlotOf[li] = ls;
            touchedLessons.push(li);
            anywhereBuf = roomFor(anywhereBuf, (ls + 1) * W);
            anywhereBuf.fill(0, ls * W, (ls + 1) * W);
          }
        }
        for (const i of at) {
          const was = matchedBuf[slot * W + i] as number;
          if (t.credit > was) {
            matchedBuf[slot * W + i] = t.credit;
            // What `cover` would add for this word, kept as it comes: a passage's coverage is then read at once.
            const cap = capOf[i] as number;
            sumsBuf[2 * slot] = (sumsBuf[2 * slot] as number) + (weightOf[i] as number) * (Math.min(cap, t.credit) - Math.min(cap, was));
            if (was === 0 && optionalOf[i]) sumsBuf[2 * slot + 1] = (sumsBuf[2 * slot + 1] as number) + (weightOf[i] as number);
          }
          if (ls >= 0) anywhereBuf[ls * W + i] = Math.max(anywhereBuf[ls * W + i] as number, t.credit);
        }
      }
    }
    // Per lesson, only its five best passages, and its five best among those shown as answers; of the lessons, only the
    // five that match best. Passage ids run lesson after lesson, so once sorted each lesson's passages come together and
    // the lesson is ranked as soon as the next one starts, in scratch reused from search to search: a question with a
    // common word touches thousands of lessons in a national curriculum, and objects per lesson made each search
    // allocate megabytes, which grew the heap while learners were served.
    const best: Ranked[] = [];
    const matched = new Float32Array(W);
    let current = -1;
    let strong = 0;
    let topic = 0;
    /** Ranks lesson `current` from its best passages, into `best` if it is among the five that match best so far. */
    const rank = () => {
      const i = current;
      const first = top.scores[0] as number;
      // The best passage decides; a second one adds a little (an answer often spans a step and its tip).
      const score = first + 0.3 * (top.n > 1 ? (top.scores[1] as number) : 0);
      // Coverage is read from the passages that matter: the best ones, not every passage that shares a word.
      matched.fill(0);
      for (let h = 0; h < Math.min(3, top.n); h++) {
        if ((top.scores[h] as number) < first * 0.4) continue;
        const from = (top.slots[h] as number) * W;
        for (let w = 0; w < W; w++) matched[w] = Math.max(matched[w] as number, matchedBuf[from + w] as number);
      }
      const coverage = cover(matched);
      // A lesson only word-and-function-word pairs touched matched no word anywhere.
      const ls = lessonSlotOf[i] as number;
      const lessonCoverage = ls < 0 ? 0 : cover(anywhereBuf, ls * W);
      const strength =
        ((score * (coverage + lessonCoverage)) / 2) *
        (1 + BREADTH_WEIGHT * Math.min(1, strong / (BREADTH_SHARE * Math.max(1, (segs[i] as Segment).lens.length))));
      // Ties keep the lesson met first, as a stable sort would.
      let at = best.length;
      while (at > 0 && (best[at - 1] as Ranked).strength < strength) at--;
      if (at >= RANKED) return;
      let passageCoverage = 0;
      for (let h = 0; h < top.n; h++) passageCoverage = Math.max(passageCoverage, cover(matchedBuf, (top.slots[h] as number) * W));
      best.splice(at, 0, {
        lesson: lessons[i] as Lesson,
        score,
        coverage,
        lessonCoverage,
        strength,
        passageCoverage,
        topicCoverage: topic,
        bestPassage: top.ids[0] as number,
        shown: shown.list(),
      });
      if (best.length > RANKED) best.pop();
    };
    for (const id of touchedBuf.subarray(0, touchedCount).sort()) {
      const i = docLesson[id] as number;
      const seg = segs[i] as Segment;
      const k = id - (firstDoc[i] as number);
      const score = scoreOf[id] as number;
      const slot = slotOf[id] as number;
      scoreOf[id] = 0;
      slotOf[id] = -1;
      if (!counts(id, i)) continue;
      if (i !== current) {
        if (current >= 0) rank();
        current = i;
        top.clear();
        shown.clear();
        strong = 0;
        topic = 0;
      }
      const denominator = required + (sumsBuf[2 * slot + 1] as number);
      const pc = denominator > 0 ? (sumsBuf[2 * slot] as number) / denominator : 0;
      if (pc >= STRONG_PASSAGE) strong++;
      if (TOPIC_KINDS[seg.kinds[k] as number]) topic = Math.max(topic, pc);
      const weighted = score * (KIND_WEIGHTS[seg.kinds[k] as number] as number);
      top.keep(id, weighted, slot);
      if (SHOWN_KINDS[seg.kinds[k] as number] === 1) shown.keep(id, weighted, slot);
    }
    if (current >= 0) rank();
    for (const li of touchedLessons) lessonSlotOf[li] = -1;
    // Ranked by how well a lesson matches and how much of the question it covers, in its best passages and as a whole:
    // a lesson that shares many common words ("số", "tài khoản") with the question loses to one that matches what is
    // actually asked, and a lesson that speaks of everything asked wins over one with a single good step.
    return {
      lessons: best.map(({ bestPassage, shown, ...m }) => ({ ...m, passages: answeringPassages(m.lesson, bestPassage, shown, opts) })),
      words: wordList.filter(([, w]) => !w.optional).length,
    };
  }

  /** A lesson's passages that state something, best first; when only its title or an example question matched, those that answer it. */
  function answeringPassages(
    lesson: Lesson,
    best: number,
    matched: ReadonlyArray<{ id: number; score: number }>,
    opts: SearchOptions,
  ): Hit[] {
    const i = lessonIndex.get(lesson) as number;
    const seg = segs[i] as Segment;
    const first = firstDoc[i] as number;
    const kindOf = (id: number) => seg.kinds[id - first] as number;
    let shown = [...matched];
    if (shown.length === 0) {
      const k = best - first;
      const into = { terms: new Int32Array(64), freqs: new Uint8Array(64) };
      const via = into.terms.slice(0, termsIn(seg, k, into));
      const excluded = opts.exclude?.lessonId === lesson.id ? opts.exclude.quizStep : undefined;
      shown = [];
      const own = { terms: new Int32Array(64), freqs: new Uint8Array(64) };
      for (let id = first; id < (firstDoc[i + 1] as number); id++) {
        if (!SHOWN_KINDS[kindOf(id)] || (excluded !== undefined && seg.quizSteps[id - first] === excluded)) continue;
        // The terms they share, both lists in id order.
        const count = termsIn(seg, id - first, own);
        let score = 0;
        for (let a = 0, b = 0; a < via.length && b < count; ) {
          const t = via[a] as number;
          const u = own.terms[b] as number;
          if (t < u) a++;
          else if (u < t) b++;
          else {
            score += bm25(id, own.freqs[b] as number, idf(t) * 0.5);
            a++;
            b++;
          }
        }
        if (score > 0) shown.push({ id, score });
      }
      shown.sort((a, b) => b.score - a.score);
      // The lesson is about what was asked (its title or an example question says so) in words none of its steps
      // uses: what it says first, in order.
      if (shown.length === 0)
        for (let id = first; id < (firstDoc[i + 1] as number); id++)
          if (SHOWN_KINDS[kindOf(id)] && (excluded === undefined || seg.quizSteps[id - first] !== excluded)) shown.push({ id, score: 0 });
    }
    const passages = recentPassages(lesson);
    return shown.slice(0, 5).map((h) => ({ ...(passages[h.id - first] as Passage), score: h.score }));
  }

  return { version: curriculum.version, size: n, numbers: new Set(segs.flatMap((seg) => seg.numbers)), search };
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
