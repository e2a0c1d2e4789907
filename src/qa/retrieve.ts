import type { Curriculum, Lesson } from "../curriculum/types.js";
import { KIND_WEIGHT, type Passage, passagesOf, SHOWN } from "./passages.js";
import { stripPersonalData } from "./pii.js";
import { docTerms, termsOf, Vocabulary } from "./terms.js";
import { isVietnameseSyllable, syllables, typedWithMarks } from "./vietnamese.js";

// Retrieval over the lessons, read the way citizens type: every syllable is indexed with its marks and without
// them (a learner who types marks is matched on them first), two-syllable units ("điện thoại", "căn cước") count
// as terms of their own, and lesson authors' example questions steer the search. Passages are scored one by one
// (BM25), never summed over a lesson, and a lesson counts as answering only when its passages cover most of what
// the question asks: the caller says "no lesson" otherwise.
//
// Hand-written rather than MiniSearch: the decision needs each query word's weight (IDF) and whether a lesson
// matched it, with a syllable's accented and folded forms weighted apart — MiniSearch exposes neither.

interface Doc extends Passage {
  id: number;
  len: number;
  tf: Map<string, number>;
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
const B = 0.75;

export function buildIndex(curriculum: Curriculum): LessonIndex {
  const vocab = new Vocabulary();
  const lessons = [...curriculum.lessons.values()];
  for (const l of lessons)
    for (const p of passagesOf(l)) for (const s of syllables(p.text)) if (!vocab.isStop(s, true)) vocab.contentFolds.add(s.fold);

  const docs: Doc[] = [];
  const docsOfLesson = new Map<string, Doc[]>();
  const postings = new Map<string, number[]>();
  for (const l of lessons) {
    for (const p of passagesOf(l)) {
      const terms = docTerms(p.text, vocab);
      const tf = new Map<string, number>();
      for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
      const id = docs.length;
      const doc: Doc = { ...p, id: docs.length, len: terms.length / 2, tf };
      docs.push(doc);
      const own = docsOfLesson.get(l.id);
      if (own) own.push(doc);
      else docsOfLesson.set(l.id, [doc]);
      for (const t of tf.keys()) {
        const list = postings.get(t);
        if (list) list.push(id);
        else postings.set(t, [id]);
      }
    }
  }
  const n = docs.length;
  /** In how many lessons each folded word appears: a word most lessons use says little about which one is asked. */
  const lessonsWith = new Map<string, number>();
  for (const own of docsOfLesson.values()) {
    const seen = new Set<string>();
    for (const d of own) for (const t of d.tf.keys()) if (t.startsWith("f:")) seen.add(t.slice(2));
    for (const w of seen) lessonsWith.set(w, (lessonsWith.get(w) ?? 0) + 1);
  }
  const lessonCount = docsOfLesson.size;
  const informative = (w: string) => {
    const df = lessonsWith.get(w) ?? 0;
    return Math.log(1 + (lessonCount - df + 0.5) / (df + 0.5));
  };
  const avgLen = docs.reduce((a, d) => a + d.len, 0) / Math.max(1, n);
  const idf = (t: string) => {
    const df = postings.get(t)?.length ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  };
  const norms = docs.map((d) => K1 * (1 - B + (B * d.len) / avgLen));
  /** A term's BM25 in one document, its IDF times the query weight given. */
  const bm25 = (id: number, key: string, idfWeight: number) => {
    const f = (docs[id] as Doc).tf.get(key) ?? 0;
    return f === 0 ? 0 : (idfWeight * f * (K1 + 1)) / (f + (norms[id] as number));
  };
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
        const df = postings.get(`f:${c}`)?.length ?? 0;
        if (df > bestDf && editDistance(w, c, most) <= most) [best, bestDf] = [c, df];
      }
    near.set(w, best);
    return best;
  }

  function search(query: string, opts: SearchOptions = {}): SearchResult {
    const syl = syllables(stripPersonalData(query));
    const marked = typedWithMarks(syl, query);
    // A word the lessons never use may be a typo of one they do.
    const fixed = syl.map((s) => {
      if (vocab.isStop(s, marked) || postings.has(`f:${s.fold}`)) return s;
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
    /** Per passage: its score, and how much of each query word it matched (0.5 or 1). */
    const scores = new Map<number, { score: number; matched: Map<string, number> }>();
    for (const t of terms) {
      const list = postings.get(t.key);
      if (!list) continue;
      const w = idf(t.key) * t.weight;
      for (const id of list) {
        const s = bm25(id, t.key, w);
        const e = scores.get(id) ?? { score: 0, matched: new Map<string, number>() };
        e.score += s;
        for (const x of t.words) e.matched.set(x, Math.max(e.matched.get(x) ?? 0, t.credit));
        scores.set(id, e);
      }
    }
    const byLesson = new Map<string, Array<{ doc: Doc; score: number; matched: Map<string, number> }>>();
    for (const [id, e] of scores) {
      const doc = docs[id] as Doc;
      if (opts.exclude && doc.lessonId === opts.exclude.lessonId && doc.quizStep === opts.exclude.quizStep) continue;
      const list = byLesson.get(doc.lessonId) ?? [];
      list.push({ doc, score: e.score * KIND_WEIGHT[doc.kind], matched: e.matched });
      byLesson.set(doc.lessonId, list);
    }
    const required = [...words.values()].filter((w) => !w.optional).reduce((a, w) => a + w.weight, 0);
    const entries = [...words.entries()];
    const cover = (m: Map<string, number>) => {
      let covered = 0;
      let extra = 0;
      for (const [w, v] of entries) {
        const c = m.get(w);
        if (c === undefined) continue;
        covered += v.weight * c;
        if (v.optional) extra += v.weight;
      }
      return required + extra > 0 ? covered / (required + extra) : 0;
    };
    type Ranked = Omit<LessonMatch, "passages"> & { list: Array<{ doc: Doc; score: number; matched: Map<string, number> }> };
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
      const matched = new Map<string, number>();
      for (const h of list.slice(0, 3))
        if (h.score >= best.score * 0.4) for (const [x, c] of h.matched) matched.set(x, Math.max(matched.get(x) ?? 0, c));
      ranked.push({
        lesson,
        score,
        coverage: cover(matched),
        passageCoverage: Math.max(0, ...list.slice(0, 5).map((h) => cover(h.matched))),
        list,
      });
    }
    // Rank by how well a lesson matches and how much of the question it covers: a lesson that shares many common
    // words ("số", "tài khoản") with the question loses to one that matches what is actually asked.
    ranked.sort((a, b) => b.score * b.coverage - a.score * a.coverage);
    return {
      lessons: ranked.slice(0, 5).map(({ list, ...m }) => ({ ...m, passages: answeringPassages(m.lesson.id, list, opts) })),
      words: [...words.values()].filter((w) => !w.optional).length,
    };
  }

  /** A lesson's passages that state something, best first; when only its title or an example question matched, those that answer it. */
  function answeringPassages(lessonId: string, list: Array<{ doc: Doc; score: number }>, opts: SearchOptions): Hit[] {
    let shown = list.filter((h) => SHOWN.has(h.doc.kind));
    const best = list[0];
    if (shown.length === 0 && best) {
      const via = [...best.doc.tf.keys()];
      shown = (docsOfLesson.get(lessonId) ?? [])
        .filter((d) => SHOWN.has(d.kind) && !(opts.exclude?.lessonId === lessonId && d.quizStep === opts.exclude.quizStep))
        .map((d) => ({ doc: d, score: via.reduce((a, k) => a + bm25(d.id, k, idf(k) * 0.5), 0) }))
        .filter((h) => h.score > 0)
        .sort((a, b) => b.score - a.score);
    }
    return shown.slice(0, 5).map((h) => ({ ...stripDoc(h.doc), score: h.score }));
  }

  return { version: curriculum.version, size: n, search };
}

function stripDoc(d: Doc): Passage {
  const { id: _id, len: _len, tf: _tf, ...p } = d;
  return p;
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
