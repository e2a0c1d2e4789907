// Holds the curriculum the server serves and reloads it when admins edit files. A broken edit
// never replaces a good curriculum: learners keep the last good version until the files are fixed —
// also across a restart, from a copy of the last good files kept on disk.

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Logger } from "pino";
import { formatProblem } from "./format.js";
import { type HashedFile, type LoadReport, loadCurriculum, type ParseCache } from "./load.js";
import { bodyShelf } from "./packed.js";
import type { Curriculum, CurriculumProblem, LoadResult } from "./types.js";
import { type TreeWatcher, watchTree } from "./watch-tree.js";

export interface ReloadStatus {
  at: Date;
  /** False when the files have errors; the previous curriculum is still served. */
  ok: boolean;
  problems: CurriculumProblem[];
  /** Version now served (unchanged after a failed reload). */
  version?: string;
  /** When the version now served was loaded. */
  servedAt: Date;
  /** The files were broken when the server started: it serves the copy of the last good files kept on disk. */
  fromKeptCopy?: boolean;
}

export interface CurriculumStoreOptions {
  dir: string;
  logger: Logger;
  /** Editors write a file in several steps, a few milliseconds apart; wait this long after the last change. */
  debounceMs?: number;
  /** Used when fs.watch is unavailable (e.g. inotify limit reached). */
  pollMs?: number;
  /** Where a copy of the last good files is kept, to start from when the files are broken at a restart. */
  keepDir?: string;
}

export interface CurriculumStore {
  /** First load; throws with every problem listed when there is no usable curriculum. */
  start(): Promise<Curriculum>;
  current(): Curriculum;
  readonly lastReload: ReloadStatus;
  /** Never throws; resolves with the outcome. */
  reload(): Promise<ReloadStatus>;
  watch(): void;
  close(): void;
  /** Resolves once the last good copy on disk holds the version now served. */
  kept(): Promise<void>;
  /** Called after a new version is served; returns an unsubscribe function. */
  onChange(listener: (curriculum: Curriculum) => void): () => void;
}

const RETRY_WATCH_MS = 1000;
/** In the kept copy, the version it holds and each file's hash (hidden, so loading the copy ignores them). */
const KEPT_VERSION = ".version";
const KEPT_FILES = ".files.json";

export function createCurriculumStore(options: CurriculumStoreOptions): CurriculumStore {
  const dir = resolve(options.dir);
  const logger = options.logger.child({ module: "curriculum" });
  const debounceMs = options.debounceMs ?? 50;
  const pollMs = options.pollMs ?? 5000;

  let curriculum: Curriculum | undefined;
  let status: ReloadStatus = { at: new Date(0), ok: false, problems: [], servedAt: new Date(0) };
  const listeners = new Set<(c: Curriculum) => void>();
  let queue: Promise<unknown> = Promise.resolve();
  let watcher: TreeWatcher | undefined;
  let poller: NodeJS.Timeout | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let watching = false;
  let lastLogged = "";

  const cache: ParseCache = new Map();
  // The lessons' bodies packed until a learner or a search reads them (packed.ts): most of the curriculum's memory.
  const shelf = bodyShelf();
  const safeLoad = async (): Promise<LoadReport | LoadResult> => {
    try {
      return await loadCurriculum(dir, { cache, shelf });
    } catch (err) {
      // A permission error or a folder removed mid-read must not crash the server.
      return {
        problems: [{ file: dir, line: 1, severity: "error", message: `Không đọc được thư mục nội dung: ${(err as Error).message}` }],
      };
    }
  };

  /** Logs each problem once per distinct set, so unrelated file events do not repeat them. */
  const logProblems = (problems: readonly CurriculumProblem[]) => {
    const signature = JSON.stringify(problems);
    if (signature === lastLogged) return;
    lastLogged = signature;
    for (const p of problems) logger.warn({ file: p.file, line: p.line, problem: p.message, severity: p.severity });
  };

  const notify = (next: Curriculum) => {
    for (const listener of listeners) {
      try {
        listener(next);
      } catch (err) {
        logger.error({ err }, "curriculum change listener failed");
      }
    }
  };

  /**
   * Copies the files just loaded as the last good version into a fresh folder swapped in whole, checking each against
   * the hash it was loaded with: if an admin edited one meanwhile, this version is not kept (the next reload will be).
   * Skipped when the copy already holds this version. A file the copy already holds as loaded is linked from it, not
   * read and written again: after one saved lesson of 3,000, one file is written instead of 3,600.
   */
  const keepCopy = async (files: readonly HashedFile[], version: string) => {
    if (!options.keepDir) return;
    const keep = resolve(options.keepDir);
    const fresh = `${keep}.new`;
    try {
      if ((await readFile(join(keep, KEPT_VERSION), "utf8").catch(() => "")) === version) return;
      const held = await readFile(join(keep, KEPT_FILES), "utf8").then(
        (t) => new Map(Object.entries(JSON.parse(t) as Record<string, string>)),
        () => new Map<string, string>(),
      );
      await rm(fresh, { recursive: true, force: true });
      const made = new Set<string>();
      for (const { path, hash } of files) {
        const target = join(fresh, path);
        if (!made.has(dirname(target))) {
          await mkdir(dirname(target), { recursive: true });
          made.add(dirname(target));
        }
        if (
          held.get(path) === hash &&
          (await link(join(keep, path), target).then(
            () => true,
            () => false,
          ))
        )
          continue;
        const content = await readFile(join(dir, path));
        if (createHash("sha1").update(content).digest("hex") !== hash) {
          await rm(fresh, { recursive: true, force: true });
          return;
        }
        await writeFile(target, content);
      }
      await writeFile(join(fresh, KEPT_FILES), JSON.stringify(Object.fromEntries(files.map((f) => [f.path, f.hash]))));
      await writeFile(join(fresh, KEPT_VERSION), version);
      await rm(keep, { recursive: true, force: true });
      await rename(fresh, keep);
    } catch (err) {
      logger.warn({ err }, "could not keep a copy of the last good curriculum");
    }
  };
  /** Copies run in the background, one after another, so a reload is served without waiting for thousands of writes. */
  let keeping: Promise<void> = Promise.resolve();

  const doReload = async (): Promise<ReloadStatus> => {
    const began = performance.now();
    const result = await safeLoad();
    const at = new Date();
    if (!result.curriculum) {
      status = { at, ok: false, problems: result.problems, version: curriculum?.version, servedAt: status.servedAt };
      logProblems(result.problems);
      logger.warn(
        { errors: result.problems.filter((p) => p.severity === "error").length, version: curriculum?.version },
        "curriculum has errors; still serving the last good version",
      );
      return status;
    }
    const changed = result.curriculum.version !== curriculum?.version;
    status = { at, ok: true, problems: result.problems, version: result.curriculum.version, servedAt: changed ? at : status.servedAt };
    logProblems(result.problems);
    if (changed) {
      curriculum = result.curriculum;
      logger.info(
        {
          version: curriculum.version,
          lessons: curriculum.lessons.size,
          warnings: result.problems.length,
          ms: Math.round(performance.now() - began),
        },
        "curriculum loaded",
      );
      notify(curriculum);
      const { files } = result as LoadReport;
      const version = curriculum.version;
      if (files) keeping = keeping.then(() => keepCopy(files, version));
    }
    return status;
  };

  // Loads run one after another so an older, slower load never overwrites a newer one.
  const reload = (): Promise<ReloadStatus> => {
    const next = queue.then(doReload).catch((err: unknown) => {
      // Timers call reload() without awaiting it: a rejection here would crash the process.
      logger.error({ err }, "curriculum reload failed unexpectedly; still serving the last good version");
      return status;
    });
    queue = next;
    return next;
  };

  const schedule = () => {
    if (!watching) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => void reload(), debounceMs);
  };

  const startPolling = () => {
    if (poller || !watching) return;
    poller = setInterval(() => void reload(), pollMs);
    poller.unref();
  };

  const openWatcher = () => {
    if (!watching) return;
    try {
      watcher = watchTree(dir, schedule, (err) => {
        // The folder may have been replaced (deploy, git checkout); watch it again shortly.
        logger.warn({ err }, "curriculum watcher failed; retrying");
        watcher?.close();
        watcher = undefined;
        clearTimeout(retry);
        retry = setTimeout(() => {
          openWatcher();
          schedule();
        }, RETRY_WATCH_MS);
      });
    } catch (err) {
      logger.warn({ err, pollMs }, "cannot watch the curriculum folder; checking it periodically instead");
      startPolling();
    }
  };

  return {
    async start() {
      const result = await reload();
      if ((!curriculum || !result.ok) && options.keepDir && existsSync(options.keepDir)) {
        // Broken files at a restart must not take the tutor down: serve the last good copy and say so.
        const kept = await loadCurriculum(resolve(options.keepDir), { shelf }).catch(() => undefined);
        if (kept?.curriculum) {
          curriculum = kept.curriculum;
          const at = new Date();
          status = { at, ok: false, problems: result.problems, version: curriculum.version, fromKeptCopy: true, servedAt: at };
          logger.warn({ version: curriculum.version }, "curriculum has errors at start; serving the last good copy kept on disk");
          return curriculum;
        }
      }
      if (!curriculum || !result.ok) {
        const lines = result.problems.map((p) => formatProblem(p, dir));
        throw new Error(`Không nạp được nội dung bài học từ ${dir}:\n${lines.join("\n")}`);
      }
      return curriculum;
    },
    current() {
      if (!curriculum) throw new Error("The curriculum store has not been started (call start() first).");
      return curriculum;
    },
    get lastReload() {
      return status;
    },
    reload,
    watch() {
      if (watching) return;
      watching = true;
      openWatcher();
    },
    close() {
      watching = false;
      clearTimeout(debounce);
      clearTimeout(retry);
      clearInterval(poller);
      poller = undefined;
      watcher?.close();
      watcher = undefined;
    },
    kept() {
      return keeping;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
