import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Curriculum } from "../curriculum/types.js";
import type { Metrics } from "../metrics.js";
import { vnDayNumber } from "../time.js";
import { answering, checkedOf, closeLessons, lessonsOnly, MIN_COVERAGE, passagesForModel } from "./compose.js";
import { checkGrounding } from "./grounding.js";
import { type Action, checkInput, needsSecretWarning } from "./guard.js";
import type { LlmClient } from "./llm.js";
import { checkOutput, promptShingles } from "./output.js";
import { stripPersonalData } from "./pii.js";
import { buildIndexInSlices, type LessonIndex, type LessonMatch } from "./retrieve.js";
import { qaVi } from "./texts.vi.js";
import { foldWords } from "./vietnamese.js";

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
  /** When no lesson answers clearly: the closest ones, offered as choices (never cited as the answer). */
  closeLessonIds?: string[];
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

/** Where the question pipeline keeps model answers for repeated questions and the day's model budget. */
export interface QaStore {
  cached(key: string): Promise<{ answer: string; lessonId: string | null; createdAt: number } | undefined>;
  cache(key: string, answer: string, lessonId: string, at: number): Promise<void>;
  /** Takes one model call from day `day`'s budget of `limit` for everyone; false when it is used up. */
  takeBudget(day: number, limit: number): Promise<boolean>;
}

export interface QaDeps {
  store: QaStore;
  curriculum: () => Curriculum;
  logger: Logger;
  llm?: LlmClient;
  promptsDir: string;
  dailyLlmLimit?: number;
  /** Counters of model calls and fallbacks, for GET /metrics. */
  metrics?: Pick<Metrics, "modelCalls" | "modelFallbacks">;
  /** Model calls a day for all learners together, counted in the database (kept across restarts); past it, lessons only. */
  dailyLlmBudget?: number;
  /** Upper bound for the whole model path (timeout and retry included). */
  deadlineMs?: number;
  cacheTtlMs?: number;
  now?: () => number;
  /** Called after each index build, once the index in use is the new one: the build's garbage can be given back. */
  compactHeap?: () => void;
}

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
  let built: LessonIndex | undefined;
  let building: { version: string; done: Promise<LessonIndex> } | undefined;

  /**
   * The index of the curriculum now served, built in slices that let webhooks and lessons through (thousands of
   * lessons take a second or two). While a new version's index is being built, questions are answered from the
   * previous one (for that second, as before the edit); only the very first build is waited for.
   */
  function index(): Promise<LessonIndex> {
    const c = deps.curriculum();
    if (built?.version === c.version) return Promise.resolve(built);
    if (building?.version !== c.version) {
      const done = (async () => {
        const next = await buildIndexInSlices(c);
        // Kept unless the version now served is built already: when an admin saved a lesson while this build ran,
        // questions are answered from it until the new version's index is ready, instead of waiting for that one.
        if (built?.version !== deps.curriculum().version) built = next;
        // After the questions that waited for it are answered.
        if (deps.compactHeap) setImmediate(deps.compactHeap);
        return next;
      })();
      building = { version: c.version, done };
      done.catch(() => {
        if (building?.done === done) building = undefined;
      });
    }
    return built ? Promise.resolve(built) : (building as { done: Promise<LessonIndex> }).done;
  }

  async function takeLlmQuota(key: string): Promise<"ok" | "capped" | "budget"> {
    const day = vnDayNumber(now());
    const u = usage.get(key);
    if (u && u.day === day && u.n >= limit) return "capped";
    if (!(await takeFromBudget(day))) return "budget";
    if (!u || u.day !== day) usage.set(key, { day, n: 1 });
    else u.n++;
    return "ok";
  }

  let budgetLoggedDay = -1;
  /** One call from today's budget for everyone, if any is left. */
  async function takeFromBudget(day: number): Promise<boolean> {
    if (deps.dailyLlmBudget === undefined) return true;
    if (await deps.store.takeBudget(day, deps.dailyLlmBudget)) return true;
    if (budgetLoggedDay !== day) {
      budgetLoggedDay = day;
      log.warn(
        { rule: "qa.daily-budget", budget: deps.dailyLlmBudget },
        "today's model budget is used up; lessons-only answers until midnight (Vietnam)",
      );
    }
    return false;
  }

  async function viaLlm(
    question: string,
    m: LessonMatch,
    input: AskInput,
  ): Promise<{ text: string; cached: boolean } | "capped" | "budget" | undefined> {
    if (!deps.llm || !prompts) return undefined;
    const c = deps.curriculum();
    const key = createHash("sha256")
      .update(`${c.version}\u0000${input.quiz ? `${input.quiz.lessonId}#${input.quiz.step}` : ""}\u0000${foldWords(question)}`)
      .digest("hex");
    const cached = await deps.store.cached(key);
    if (cached && cached.lessonId === m.lesson.id && now() - cached.createdAt < (deps.cacheTtlMs ?? 7 * 86_400_000))
      return { text: cached.answer, cached: true };
    const quota = await takeLlmQuota(input.learnerKey);
    if (quota === "capped") log.info({ rule: "qa.daily-cap" }, "daily model quota reached; lessons-only answer");
    if (quota !== "ok") {
      deps.metrics?.modelFallbacks.inc({ reason: quota === "capped" ? "learner_cap" : "daily_budget" });
      return quota;
    }
    const passages = passagesForModel(m);
    const user = prompts.answer
      .replace("{{lesson}}", neutralise(m.lesson.title))
      .replace("{{passages}}", neutralise(passages.map((p, i) => `[${i + 1}] ${p}`).join("\n")))
      .replace("{{question}}", neutralise(question))
      .replace("{{extra}}", input.quiz ? "\nLưu ý: người học đang làm câu đố. Chỉ gợi ý, không nói đáp án.\n" : "");
    input.onSlow?.();
    const signal = AbortSignal.timeout(deps.deadlineMs ?? 18_000);
    let raw: string;
    deps.metrics?.modelCalls.inc();
    try {
      raw = await deps.llm.complete({ system: prompts.system, user, signal });
    } catch {
      deps.metrics?.modelFallbacks.inc({ reason: "error_or_timeout" });
      return undefined; // logged by the client; the learner gets the lessons-only answer
    }
    const checked = checkOutput(raw, { systemPrompt: prompts.system, lessonPhones: (await index()).numbers }, shingles);
    if (!checked.ok) {
      log.warn({ rule: checked.rule }, "model answer rejected by the output rails");
      deps.metrics?.modelFallbacks.inc({ reason: "output_rails" });
      return undefined;
    }
    const grounding = checkGrounding(checked.text, [m.lesson.title, ...passages]);
    if (!grounding.ok) {
      log.info({ rule: `grounding.${grounding.reason}` }, "model answer not grounded in the passages; lessons-only answer");
      deps.metrics?.modelFallbacks.inc({ reason: "not_grounded" });
      return undefined;
    }
    const text = `${checked.text}\n\n${qaVi.citation(m.lesson.title, checkedOf(m.lesson))}`;
    await deps.store.cache(key, text, m.lesson.id, now());
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

    const lessons = await index();
    const search = () =>
      lessons.search(d.redacted, input.quiz ? { exclude: { lessonId: input.quiz.lessonId, quizStep: input.quiz.step } } : {});
    switch (d.action) {
      case "support":
        return fixed([qaVi.support], { flagged: true });
      case "refuse":
        return fixed([qaVi.refuse]);
      case "warn": {
        // The calm warning first (after a loss: what to do now); then what the lesson for this scam says (the rule's
        // own lesson when the story matches it, else the lesson that covers the story), or the rule's lesson to study.
        // After a loss, only the lesson on what to do now, whatever else the story shares words with.
        const warning = d.lost ? qaVi.scamLost : qaVi.scamWarning;
        const found = search();
        const own = found.lessons.find((l) => l.lesson.id === d.lesson && l.passages.length > 0 && (d.lost || l.coverage >= MIN_COVERAGE));
        const covering = own ?? (d.lost ? undefined : answering(found));
        if (covering) return fixed([warning, lessonsOnly(covering)], { lessonId: covering.lesson.id });
        const lesson = d.lesson ? c.lessons.get(d.lesson) : undefined;
        return fixed([warning, ...(lesson ? [qaVi.scamLesson(lesson.title)] : [])], lesson ? { lessonId: lesson.id } : {});
      }
      case "redirect":
        return fixed([qaVi.redirect]);
      case "offtopic":
        // No word of the programme's topics: the lessons still decide (they may use words the rules do not know).
        if (d.rule === "scope.feelings") return fixed([qaVi.feelings]);
        if (d.rule !== "scope.none") return fixed([qaVi.offtopic]);
        break;
      case "advice": {
        if (d.rule === "advice.emergency") return fixed([qaVi.emergency]);
        // No advice of our own; general information from a lesson that covers the question, if one does.
        const covering = answering(search());
        return fixed([qaVi.advice, ...(covering ? [lessonsOnly(covering)] : [])], covering ? { lessonId: covering.lesson.id } : {});
      }
      case "answer":
        break;
    }
    if (foldWords(stripPersonalData(d.redacted)).length === 0) return fixed([qaVi.empty]);

    const found = search();
    const unscoped = d.rule === "scope.none";
    const best = answering(found, { unscoped });
    if (!best) {
      // An honest "no lesson": recorded (redacted, ungrounded) so admins see it as a gap in the lessons. When two
      // lessons are close to the question but neither stands out, the learner may pick one (nothing is cited).
      const close = unscoped ? [] : closeLessons(found);
      return {
        ...base,
        action: "answer",
        rule: "qa.no-lesson",
        texts: [...pre, close.length > 0 ? qaVi.unsure : qaVi.noLesson],
        source: "fixed",
        grounded: false,
        ...(close.length > 0 ? { closeLessonIds: close.map((m) => m.lesson.id) } : {}),
      };
    }
    const answeredBase = { ...base, action: "answer" as const, rule: d.action === "answer" ? d.rule : "scope.lessons" };
    const quizNote = input.quiz ? [qaVi.quizHintNote] : [];
    const fromLlm = await viaLlm(d.redacted, best, input);
    if (fromLlm && fromLlm !== "capped" && fromLlm !== "budget") {
      return {
        ...answeredBase,
        texts: [...pre, fromLlm.text, ...quizNote],
        source: fromLlm.cached ? "cache" : "llm",
        grounded: true,
        lessonId: best.lesson.id,
      };
    }
    const capNote = fromLlm === "capped" ? [qaVi.dailyCap] : fromLlm === "budget" ? [qaVi.budgetUsed] : [];
    return {
      ...answeredBase,
      texts: [...pre, ...capNote, lessonsOnly(best), ...quizNote],
      source: "lessons",
      grounded: true,
      lessonId: best.lesson.id,
    };
  }

  /** Starts building the lesson index now, so the first question after a start or a reload does not wait for it. */
  function warm(): void {
    index().catch((err: unknown) => log.error({ err }, "lesson index build failed"));
  }

  return { ask, warm };
}

export type Qa = ReturnType<typeof createQa>;
