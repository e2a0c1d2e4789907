import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pino, { type Logger } from "pino";
import { type App, type AppOptions, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";

export const FIXTURE_CURRICULUM = resolve(import.meta.dirname, "../fixtures/tutor-curriculum");

export function tempDir(prefix = "bdhai-"): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Fast limits for tests: the real defaults (1 message/s per chat) are checked in the outbox tests. */
export const FAST_OUTBOX = {
  perChatPerSecond: 1000,
  perChatBurst: 1000,
  globalPerSecond: 1000,
  baseBackoffMs: 20,
  maxBackoffMs: 200,
  pollMs: 20,
};

/** Builds and starts the real app (real SQLite file, real curriculum folder) as main.ts does, without listening. */
export async function startApp(opts: {
  dbPath: string;
  curriculumDir?: string;
  env?: Record<string, string>;
  options?: AppOptions;
  /** Defaults to a silent logger; pass one writing to memory to check what the app logs. */
  logger?: Logger;
}): Promise<App> {
  const config = loadConfig({
    DATABASE_PATH: opts.dbPath,
    CURRICULUM_DIR: opts.curriculumDir ?? FIXTURE_CURRICULUM,
    LOG_LEVEL: "silent",
    ...opts.env,
  });
  const app = await createApp(config, opts.logger ?? pino({ level: "silent" }), { watch: false, outbox: FAST_OUTBOX, ...opts.options });
  await app.start();
  return app;
}

/** Waits until `check` passes (or throws the last assertion error after `timeoutMs`). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, everyMs = 20): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
