import MiniSearch from "minisearch";
import type { Curriculum, Lesson } from "../curriculum/types.js";
import { foldWords } from "./normalize.js";

// Retrieval over the lessons: titles, steps, tips, quiz explanations, summaries. Matching folds
// diacritics (learners often type without them); what is shown keeps the original text.

export interface Passage {
  id: string;
  lessonId: string;
  lessonTitle: string;
  /** 1-based step position, or 0 for the lesson's intro/summary. */
  step: number;
  kind: "title" | "intro" | "step" | "tip" | "summary" | "help";
  text: string;
  /** The quiz an explanation or tip belongs to: left out while that quiz is being answered. */
  quizStep?: number;
}

export interface Hit extends Passage {
  score: number;
}

const STOP = new Set(
  "a ah o oi u uh nhe nha nhi thi la va voi cua cho toi tui em bac chau con minh ban co khong ko k duoc dc roi gi j nao sao the nay do kia thi ma nhu cai nhung cac mot 1 hai ay vay ne ha hay hoi xin cam on cam on lam nhieu it phai can biet muon".split(
    " ",
  ),
);

export function tokenize(text: string): string[] {
  return foldWords(text)
    .split(" ")
    .filter((t) => t.length > 1 && !STOP.has(t));
}

export function passagesOf(lesson: Lesson): Passage[] {
  const base = { lessonId: lesson.id, lessonTitle: lesson.title };
  const out: Passage[] = [
    { ...base, id: `${lesson.id}#title`, step: 0, kind: "title", text: lesson.title },
    { ...base, id: `${lesson.id}#intro`, step: 0, kind: "intro", text: lesson.intro },
  ];
  if (lesson.summary) out.push({ ...base, id: `${lesson.id}#summary`, step: 0, kind: "summary", text: lesson.summary });
  const join = (a: string, b: string) => (b ? `${a}${/[.?!:…]$/u.test(a) ? "" : "."} ${b}` : a);
  for (const s of lesson.steps) {
    // A quiz is indexed with its explanation (the fact it teaches); both are left out while that quiz is open.
    const stepText = s.kind === "quiz" ? join(s.title, (s.explanation ?? "").replace(/^Giải thích:\s*/u, "")) : join(s.title, s.text);
    out.push({
      ...base,
      id: `${lesson.id}#${s.index}`,
      step: s.index,
      kind: "step",
      text: stepText.trim(),
      ...(s.kind === "quiz" ? { quizStep: s.index } : {}),
    });
    if (s.tip)
      out.push({
        ...base,
        id: `${lesson.id}#${s.index}.tip`,
        step: s.index,
        kind: "tip",
        text: s.tip,
        ...(s.kind === "quiz" ? { quizStep: s.index } : {}),
      });
    if (s.kind === "checkpoint") {
      for (const [i, o] of s.options.entries()) {
        if (o.help) out.push({ ...base, id: `${lesson.id}#${s.index}.help${i}`, step: s.index, kind: "help", text: o.help });
      }
    }
  }
  return out;
}

export interface LessonIndex {
  version: string;
  search(query: string, opts?: { exclude?: { lessonId: string; quizStep: number }; limit?: number }): Hit[];
  /** True when the words hit the lessons well enough to count as in scope. */
  covers(query: string): boolean;
  size: number;
}

export function buildIndex(curriculum: Curriculum): LessonIndex {
  const passages = [...curriculum.lessons.values()].flatMap(passagesOf);
  const byId = new Map(passages.map((p) => [p.id, p]));
  const mini = new MiniSearch<Passage>({
    fields: ["text", "lessonTitle"],
    storeFields: ["id"],
    tokenize: (t) => tokenize(t),
    processTerm: (t) => t,
    searchOptions: {
      boost: { lessonTitle: 1.5 },
      prefix: (t) => t.length >= 4,
      fuzzy: (t) => (t.length >= 6 ? 0.15 : false),
      combineWith: "OR",
    },
  });
  mini.addAll(passages);

  const search: LessonIndex["search"] = (query, opts = {}) => {
    const terms = tokenize(query);
    if (terms.length === 0) return [];
    const results = mini.search(terms.join(" "));
    const hits: Hit[] = [];
    for (const r of results) {
      const p = byId.get(String(r.id));
      if (!p) continue;
      if (opts.exclude && p.lessonId === opts.exclude.lessonId && p.quizStep === opts.exclude.quizStep) continue;
      // Scores grow with the number of terms: normalise so thresholds mean the same for short and long questions.
      hits.push({ ...p, score: r.score / Math.sqrt(terms.length) });
      if (hits.length >= (opts.limit ?? 5)) break;
    }
    return hits;
  };

  return {
    version: curriculum.version,
    size: passages.length,
    search,
    covers: (query) => (search(query, { limit: 1 })[0]?.score ?? 0) >= 3,
  };
}
