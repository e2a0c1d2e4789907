import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pino, { type Logger } from "pino";
import { expect } from "vitest";
import { type App, type AppOptions, createApp } from "../../src/app.js";
import type { WebReply } from "../../src/channels/web.js";
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
    // Tests speak from one address, many learners a second; the limits have tests of their own.
    WEB_CHAT_PER_MINUTE: "100000",
    WEB_CHAT_NEW_LEARNERS_PER_HOUR: "1000000",
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

/** A free TCP port on loopback, for a server started in its own process. */
export function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => r(port));
    });
  });
}

/** A learner on the web chat: say(text) posts a message (fresh message ids) and returns the replies. */
export function webChat(app: () => App | undefined, userId: string): (text: string) => Promise<WebReply[]> {
  let n = 0;
  const session = Math.random().toString(36).slice(2, 8);
  return async (text) => {
    const a = app();
    if (!a) throw new Error("no app");
    const res = await a.server.inject({ method: "POST", url: "/api/chat", payload: { userId, messageId: `${session}-${++n}`, text } });
    expect(res.statusCode).toBe(200);
    return res.json().replies;
  };
}

export const joined = (r: WebReply[]) => r.map((x) => x.text).join("\n");

/** The fixture's quiz answers (tests/fixtures/tutor-curriculum): right and wrong, by label. */
export const FIXTURE_RIGHT = ["Không ai cả", "dichvucong.gov.vn"];
export const FIXTURE_WRONG = ["Người xưng công an", "dichvucongs.top"];

/** The number to type for the option of the last question shown whose label is one of `labels`. */
export function optionNumber(replies: WebReply[], labels: readonly string[]): string {
  const shown = replies.findLast((r) => r.options?.length)?.options ?? [];
  const found = shown.find((o) => labels.includes(o.label));
  if (!found) throw new Error(`none of ${labels.join(", ")} among ${shown.map((o) => o.label).join(", ")}`);
  return found.value;
}
