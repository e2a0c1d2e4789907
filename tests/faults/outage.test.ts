import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { renderTelegram } from "../../src/channels/telegram.js";
import { eventually, startApp, tempDir } from "../helpers/app.js";
import { postTelegram, startFakeTelegram, tgText } from "../helpers/fake-telegram.js";

// Telegram answers 429 and 5xx for a whole minute (FAULT_OUTAGE_SECONDS): afterwards the outbox
// drains, in order per chat, within the real rate limits (default settings, not the fast test ones).

const OUTAGE_S = Number(process.env.FAULT_OUTAGE_SECONDS ?? 60);
const SECRET = "outage_secret_value";
let dir: ReturnType<typeof tempDir>;
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let app: App | undefined;
beforeEach(async () => {
  dir = tempDir();
  fake = await startFakeTelegram();
});
afterEach(async () => {
  await app?.close();
  await fake.close();
  dir.cleanup();
});

describe("a minute of 429 and 5xx from Telegram", () => {
  it("drains afterwards in order per chat without exceeding the rate limits", async () => {
    app = await startApp({
      dbPath: `${dir.path}/t.db`,
      env: { TELEGRAM_BOT_TOKEN: "9:OUT", TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.url },
      // The real limits: 25/s overall, 1/s per chat with bursts of 3; quick retries so the drain is visible.
      options: {
        outbox: { globalPerSecond: 25, perChatPerSecond: 1, perChatBurst: 3, baseBackoffMs: 500, maxBackoffMs: 5000, maxAttempts: 1000 },
      },
    });
    const failing = { on: true };
    const answers = [
      { status: 429, body: { ok: false, error_code: 429, description: "Too Many Requests", parameters: { retry_after: 2 } } },
      { status: 500 },
      { status: 502 },
    ];
    // Keep the fake failing for the whole outage.
    const refill = setInterval(() => failing.on && fake.failNext("sendMessage", answers), 100);
    const chats = Array.from({ length: 30 }, (_, i) => 70_000 + i);
    const post = (u: number, text: string) => postTelegram(app!, tgText(u, text), SECRET);
    for (const text of ["hi", "1", "1", "1"]) for (const u of chats) expect((await post(u, text)).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, OUTAGE_S * 1000));
    failing.on = false;
    clearInterval(refill);
    fake.clearScripts();
    await eventually(() => expect(app!.outbox.pendingCount()).toBe(0), 240_000, 500);

    const delivered = fake.calls.filter((c) => c.method === "sendMessage" && c.ok);
    // Order per chat: what arrived is what was queued, in the same order.
    const queued = app.db.$client.prepare("select chat_id, params from outbox where method = 'reply' order by id").all() as Array<{
      chat_id: string;
      params: string;
    }>;
    for (const u of chats) {
      // The replies as the channel renders them when it sends (text messages only: pictures go as photos).
      const want = queued
        .filter((q) => q.chat_id === String(u))
        .flatMap((q) => renderTelegram(q.chat_id, JSON.parse(q.params)))
        .filter((c) => c.method === "sendMessage")
        .map((c) => c.params.text);
      const got = delivered.filter((c) => String(c.body.chat_id) === String(u)).map((c) => c.body.text);
      expect(got).toEqual(want);
    }
    // Rate limits after the outage: at most 25 (+1) in any second overall, at most 3 in any second per chat.
    const times = delivered.map((c) => c.at).sort((a, b) => a - b);
    let maxGlobal = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while ((times[i] ?? 0) - (times[j] ?? 0) >= 1000) j++;
      maxGlobal = Math.max(maxGlobal, i - j + 1);
    }
    expect(maxGlobal).toBeLessThanOrEqual(26);
    for (const u of chats) {
      const t = delivered.filter((c) => String(c.body.chat_id) === String(u)).map((c) => c.at);
      for (let i = 3; i < t.length; i++) expect((t[i] ?? 0) - (t[i - 3] ?? 0)).toBeGreaterThanOrEqual(900);
    }
  });
});
