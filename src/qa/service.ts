import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import type { Curriculum, Lesson } from "../curriculum/types.js";
import type { Db } from "../store/db.js";
import { qaCache } from "../store/schema.js";
import { type Action, checkInput, needsSecretWarning } from "./guard.js";
import type { LlmClient } from "./llm.js";
import { foldWords } from "./normalize.js";
import { checkOutput, promptShingles } from "./output.js";
import { buildIndex, type Hit, type LessonIndex } from "./retrieve.js";
import { qaVi } from "./texts.vi.js";

// Free-form questions: input rails → retrieval → (optional) LLM → output rails → answer.

export interface QaOutcome {
  /** Messages for the learner, in order (plain text with **bold**). */
  texts: string[];
  action: Action;
  rule: string;
  source: "fixed" | "lessons" | "llm" | "cache";
  /** The learner's question with personal data replaced: the only form that is stored or sent out. */
  redacted: string;
  grounded: boolean;
  flagged: boolean;
  /** The lesson the answer rests on, offered to the learner. */
  lessonId?: string;
}

export interface AskInput {
  text: string;
  /** Per-learner key for the daily cap on model calls. */
  learnerKey: string;
  /** Set while the learner has a quiz open: the answer gives hints only and never uses that quiz's explanation. */
  quiz?: { lessonId: string; step: number };
  /** Called before a model call (shows "typing…"). */
  onSlow?: () => void;
}

export interface QaDeps {
  db: Db;
  curriculum: () => Curriculum;
  logger: Logger;
  llm?: LlmClient;
  promptsDir: string;
  dailyLlmLimit?: number;
  /** Upper bound for the whole model path (timeout and retry included). */
  deadlineMs?: number;
  cacheTtlMs?: number;
  now?: () => number;
}

const MIN_SCORE = 6;

export function loadPrompts(dir: string): { system: string; answer: string } {
  return { system: readFileSync(join(dir, "system.vi.md"), "utf8").trim(), answer: readFileSync(join(dir, "answer.vi.md"), "utf8") };
}

/** The delimiters of the template may not appear in what the learner wrote. */
const neutralise = (s: string) => s.replace(/<<<|>>>/g, "").replace(/TÀI_LIỆU|CÂU_HỎI/g, "");

export function createQa(deps: QaDeps) {
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ module: "qa" });
  const prompts = deps.llm ? loadPrompts(deps.promptsDir) : undefined;
  const shingles = prompts ? promptShingles(prompts.system) : new Set<string>();
  const limit = deps.dailyLlmLimit ?? 30;
  const usage = new Map<string, { day: number; n: number }>();
  let built: { version: string; index: LessonIndex; phones: Set<string> } | undefined;

  function index() {
    const c = deps.curriculum();
    if (built?.version !== c.version) {
      const phones = new Set<string>();
      for (const l of c.lessons.values())
        for (const s of l.steps) for (const m of `${s.text} ${s.tip ?? ""}`.matchAll(/\b\d{3,11}\b/g)) phones.add(m[0]);
      built = { version: c.version, index: buildIndex(c), phones };
    }
    return built;
  }

  /** Day number in Vietnam (UTC+7, no daylight saving). */
  const vnDay = (t: number) => Math.floor((t + 7 * 3600_000) / 86_400_000);
  function takeLlmQuota(key: string): boolean {
    const day = vnDay(now());
    const u = usage.get(key);
    if (!u || u.day !== day) {
      usage.set(key, { day, n: 1 });
      return true;
    }
    if (u.n >= limit) return false;
    u.n++;
    return true;
  }

  const checkedOf = (l: Lesson) =>
    l.sources
      .map((s) => s.checked)
      .sort()
      .at(-1);

  /** Groups hits by lesson; the best lesson and its passages in step order. */
  function bestLesson(hits: Hit[]): { lesson: Lesson; passages: Hit[] } | undefined {
    const c = deps.curriculum();
    const totals = new Map<string, number>();
    for (const h of hits) totals.set(h.lessonId, (totals.get(h.lessonId) ?? 0) + h.score);
    const [lessonId, total] = [...totals.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
    const lesson = lessonId ? c.lessons.get(lessonId) : undefined;
    if (!lesson || (total ?? 0) < MIN_SCORE) return undefined;
    const passages = hits
      .filter((h) => h.lessonId === lessonId && h.kind !== "title")
      .slice(0, 2)
      .sort((a, b) => a.step - b.step);
    return { lesson, passages };
  }

  function lessonsOnly(best: { lesson: Lesson; passages: Hit[] }): string {
    const lines = best.passages.map((p) => `• ${p.text.replace(/\n+/g, " ")}`);
    if (lines.length === 0) lines.push(`• ${best.lesson.intro}`);
    return [qaVi.fromLesson(best.lesson.title), ...lines, qaVi.citation(best.lesson.title, checkedOf(best.lesson))].join("\n");
  }

  async function viaLlm(
    question: string,
    hits: Hit[],
    best: { lesson: Lesson },
    input: AskInput,
  ): Promise<{ text: string; cached: boolean } | "capped" | undefined> {
    if (!deps.llm || !prompts) return undefined;
    const c = deps.curriculum();
    const key = createHash("sha256")
      .update(`${c.version}\u0000${input.quiz ? `${input.quiz.lessonId}#${input.quiz.step}` : ""}\u0000${foldWords(question)}`)
      .digest("hex");
    const cached = deps.db.select().from(qaCache).where(eq(qaCache.key, key)).get();
    if (cached && now() - cached.createdAt.getTime() < (deps.cacheTtlMs ?? 7 * 86_400_000)) return { text: cached.answer, cached: true };
    if (!takeLlmQuota(input.learnerKey)) {
      log.info({ rule: "qa.daily-cap" }, "daily model quota reached; lessons-only answer");
      return "capped";
    }
    const passages = hits
      .slice(0, 4)
      .map((h, i) => `[${i + 1}] Bài “${h.lessonTitle}”: ${h.text.replace(/\n+/g, " ")}`)
      .join("\n");
    const user = prompts.answer
      .replace("{{passages}}", neutralise(passages))
      .replace("{{question}}", neutralise(question))
      .replace("{{extra}}", input.quiz ? `\nLưu ý: người học đang làm câu đố. Chỉ gợi ý, không nói đáp án.\n` : "");
    input.onSlow?.();
    const signal = AbortSignal.timeout(deps.deadlineMs ?? 18_000);
    let raw: string;
    try {
      raw = await deps.llm.complete({ system: prompts.system, user, signal });
    } catch {
      return undefined; // logged by the client; the learner gets the lessons-only answer
    }
    const checked = checkOutput(raw, { systemPrompt: prompts.system, lessonPhones: index().phones }, shingles);
    if (!checked.ok) {
      log.warn({ rule: checked.rule }, "model answer rejected by the output rails");
      return undefined;
    }
    const text = `${checked.text}\n\n${qaVi.citation(best.lesson.title, checkedOf(best.lesson as Lesson))}`;
    deps.db
      .insert(qaCache)
      .values({ key, answer: text, lessonId: best.lesson.id, createdAt: new Date(now()) })
      .onConflictDoUpdate({ target: qaCache.key, set: { answer: text, createdAt: new Date(now()) } })
      .run();
    return { text, cached: false };
  }

  async function ask(input: AskInput): Promise<QaOutcome> {
    const c = deps.curriculum();
    const d = checkInput(input.text);
    log.info({ action: d.action, rule: d.rule, pii: d.pii }, "question routed");
    const pre: string[] = [];
    if (needsSecretWarning(d.pii)) pre.push(qaVi.secretWarning);
    else if (d.pii.length > 0) pre.push(qaVi.piiNotice);
    if (d.truncated) pre.push(qaVi.truncated);
    const base = { action: d.action, rule: d.rule, redacted: d.redacted, flagged: false };
    const fixed = (texts: string[], extra: Partial<QaOutcome> = {}): QaOutcome => ({
      ...base,
      texts: [...pre, ...texts],
      source: "fixed",
      grounded: true,
      ...extra,
    });

    switch (d.action) {
      case "support":
        return fixed([qaVi.support], { flagged: true });
      case "refuse":
        return fixed([qaVi.refuse]);
      case "warn": {
        const lesson = d.lesson ? c.lessons.get(d.lesson) : undefined;
        return fixed([qaVi.scamWarning, ...(lesson ? [qaVi.scamLesson(lesson.title)] : [])], lesson ? { lessonId: lesson.id } : {});
      }
      case "redirect":
        return fixed([qaVi.redirect]);
      case "offtopic":
        return fixed([qaVi.offtopic]);
      case "advice":
        return fixed([qaVi.advice]);
      case "answer":
        break;
    }
    if (foldWords(d.redacted).length === 0) return fixed([qaVi.empty]);

    const { index: idx } = index();
    const hits = idx.search(d.redacted, {
      limit: 6,
      ...(input.quiz ? { exclude: { lessonId: input.quiz.lessonId, quizStep: input.quiz.step } } : {}),
    });
    const best = bestLesson(hits);
    if (!best) return { ...base, texts: [...pre, qaVi.noLesson], source: "fixed", grounded: false };
    const quizNote = input.quiz ? [qaVi.quizHintNote] : [];
    const fromLlm = await viaLlm(d.redacted, hits, best, input);
    if (fromLlm && fromLlm !== "capped") {
      return {
        ...base,
        texts: [...pre, fromLlm.text, ...quizNote],
        source: fromLlm.cached ? "cache" : "llm",
        grounded: true,
        lessonId: best.lesson.id,
      };
    }
    const capNote = fromLlm === "capped" ? [qaVi.dailyCap] : [];
    return {
      ...base,
      texts: [...pre, ...capNote, lessonsOnly(best), ...quizNote],
      source: "lessons",
      grounded: true,
      lessonId: best.lesson.id,
    };
  }

  /** Builds the lesson index now, so the first question after a start or a reload does not wait for it. */
  function warm(): void {
    index();
  }

  return { ask, warm };
}

export type Qa = ReturnType<typeof createQa>;
