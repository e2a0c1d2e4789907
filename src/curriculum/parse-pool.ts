// Parses a large curriculum on every core. A national curriculum has thousands of lessons and each takes a
// millisecond or two to parse and check (YAML, Markdown, the schema, the writing rules): on one thread that was most
// of `curriculum:check` and of a server's start. Small curricula parse in the loader's own thread, where starting
// threads would cost more than it saves.

import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { type BodyShelf, packBody, withoutBody } from "./packed.js";
import { type ParseLessonResult, parseLesson } from "./parse.js";

export interface ParseJob {
  bytes: Uint8Array;
  file: string;
  trackId: string;
  order: number;
}

export interface ParseBatch {
  /** The clock of the "checked date is in the future" rule, as a timestamp. */
  now: number;
  jobs: ParseJob[];
  /** Lessons' bodies handed back packed (packed.ts), apart from the JSON. */
  pack: boolean;
}

/** A thread's answer: the parse as JSON and, when packing, each lesson's body (null where the file has errors). */
export interface ParsedBatch {
  json: string;
  bodies?: Array<Uint8Array | null>;
}

/** A batch parsed (in a thread or here), bodies packed when asked: lessons without bodies, and the bodies apart. */
export function parseBatch(batch: ParseBatch): { results: ParseLessonResult[]; bodies?: Array<Uint8Array | null> } {
  const now = new Date(batch.now);
  const results = batch.jobs.map((job) => parseLesson(textOf(job.bytes), job.file, job.trackId, job.order, { now }));
  if (!batch.pack) return { results };
  const bodies = results.map((r) => (r.lesson ? packBody(r.lesson) : null));
  return { results: results.map((r) => (r.lesson ? { ...r, lesson: withoutBody(r.lesson) as ParseLessonResult["lesson"] } : r)), bodies };
}

/**
 * A thread's answer read back, bodies attached to their lessons. Read from JSON, the parse has strings of its own: a
 * string cut from a larger one (every YAML value and Markdown token is) keeps the whole file's text alive, and at
 * thousands of lessons that doubled the memory the curriculum takes.
 */
function received({ json, bodies }: ParsedBatch, shelf: BodyShelf | undefined): ParseLessonResult[] {
  const results = JSON.parse(json) as ParseLessonResult[];
  if (!bodies || !shelf) return results;
  return results.map((r, k) => {
    const bytes = bodies[k];
    return r.lesson && bytes ? { ...r, lesson: shelf.attach(r.lesson, bytes) } : r;
  });
}

export interface ParsePool {
  parse(jobs: ParseJob[], now: Date, shelf?: BodyShelf): Promise<ParseLessonResult[]>;
  close(): Promise<void>;
}

/** The compiled worker next to this file; under a TypeScript runner (tests, `tsx`) there is none and parsing stays in-thread. */
const WORKER = new URL("./parse-worker.js", import.meta.url);
export const poolAvailable = import.meta.url.endsWith(".js");

/**
 * The most heap (MB) a parse thread may keep, so that one huge lesson file cannot take the server's memory: a batch
 * that needs more ends its thread, and its lessons are parsed in the loader's thread instead. A thread's live heap is
 * ~11 MB (the parser's code and one batch); at 32 MB, V8 collected the whole heap every 3 MB promoted, about 190 times
 * in one `curriculum:check` of 3,000 lessons, which took 10–12.7 s instead of 7.2–7.6 s (2 × AMD EPYC, 2026-12-07).
 * The server's start was the same (ready 7.5–9.2 s, peak RSS 205–216 MB) either way.
 */
const THREAD_HEAP_MB = 64;

/** Threads that take batches as they finish the last, so a slow batch does not hold the others up. */
export function createParsePool(size = Math.min(8, availableParallelism())): ParsePool {
  type Pending = { batch: ParseBatch; shelf?: BodyShelf; resolve: (r: ParseLessonResult[]) => void; reject: (e: Error) => void };
  const queue: Pending[] = [];
  const running = new Map<Worker, Pending>();
  const idle: Worker[] = [];
  let failed: Error | undefined;
  let closing = false;

  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker;
      const job = queue.shift() as Pending;
      running.set(worker, job);
      worker.postMessage(job.batch);
    }
  };
  const fail = (err: Error) => {
    failed ??= err;
    for (const p of [...queue, ...running.values()]) p.reject(err);
    queue.length = 0;
    running.clear();
  };
  const workers: Worker[] = [];
  const start = () => {
    const worker = new Worker(WORKER, { resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } });
    worker.on("message", (parsed: ParsedBatch) => {
      const job = running.get(worker);
      running.delete(worker);
      idle.push(worker);
      job?.resolve(received(parsed, job.shelf));
      dispatch();
    });
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (code !== 0 && !closing) fail(new Error(`curriculum parse thread exited with code ${code}`));
    });
    idle.push(worker);
    workers.push(worker);
  };
  try {
    for (let k = 0; k < Math.max(1, size); k++) start();
  } catch (err) {
    // Not all threads could start: none is kept, so none holds the process open.
    closing = true;
    for (const w of workers) void w.terminate();
    throw err;
  }

  return {
    parse(jobs, now, shelf) {
      if (failed) return Promise.reject(failed);
      return new Promise((resolve, reject) => {
        queue.push({ batch: { now: now.getTime(), jobs, pack: shelf !== undefined }, ...(shelf ? { shelf } : {}), resolve, reject });
        dispatch();
      });
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** From this many lessons to parse in one load, threads pay for their start (a tenth of a second, loading the parser). */
const PARALLEL_FROM = 200;

export interface LessonParser {
  parse(jobs: ParseJob[]): Promise<ParseLessonResult[]>;
  close(): Promise<void>;
}

/**
 * The lessons of one load, parsed in this thread while they are few and on the pool once more than `parallelFrom`
 * are to be parsed: `lessons` when the loader knows how many beforehand (a load from scratch), else as many as have
 * come (a reload parses what was edited).
 */
export function lessonParser(options: { now?: Date; parallelFrom?: number; lessons?: number; shelf?: BodyShelf }): LessonParser {
  const now = options.now ?? new Date();
  const from = options.parallelFrom ?? PARALLEL_FROM;
  let count = 0;
  let pool: ParsePool | undefined;
  let inThread = !poolAvailable;
  /** As a thread would: the same parse, read back the same way. */
  const here = (jobs: ParseJob[]) => {
    const { results, bodies } = parseBatch({ now: now.getTime(), jobs, pack: options.shelf !== undefined });
    return received({ json: JSON.stringify(results), ...(bodies ? { bodies } : {}) }, options.shelf);
  };
  return {
    async parse(jobs) {
      if (jobs.length === 0) return [];
      count += jobs.length;
      if (!pool && !inThread && Math.max(count, options.lessons ?? 0) > from) {
        try {
          pool = createParsePool();
        } catch {
          // No threads to be had (a container's limit): parse here, slower but the same.
          inThread = true;
        }
      }
      if (pool && !inThread) {
        try {
          return await pool.parse(jobs, now, options.shelf);
        } catch {
          // A thread that fails (out of memory, killed) costs speed, not the load: its lessons are parsed here.
          inThread = true;
        }
      }
      return here(jobs);
    },
    close: async () => pool?.close(),
  };
}

/** UTF-8 bytes as text, without copying them first. */
export const textOf = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
