import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pino from "pino";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";

export const FIXTURE_CURRICULUM = resolve(import.meta.dirname, "../fixtures/tutor-curriculum");

export function tempDir(prefix = "bdhai-"): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Builds the real app (real SQLite file, real curriculum folder) as main.ts does, without listening. */
export async function startApp(opts: { dbPath: string; curriculumDir?: string; env?: Record<string, string> }): Promise<App> {
  const config = loadConfig({
    DATABASE_PATH: opts.dbPath,
    CURRICULUM_DIR: opts.curriculumDir ?? FIXTURE_CURRICULUM,
    LOG_LEVEL: "silent",
    ...opts.env,
  });
  return createApp(config, pino({ level: "silent" }), { watch: false });
}
