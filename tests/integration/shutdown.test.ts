import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderTelegram } from "../../src/channels/telegram.js";
import { eventually, freePort, tempDir } from "../helpers/app.js";
import { startFakeLlm } from "../helpers/fake-llm.js";
import { startFakeTelegram, tgText } from "../helpers/fake-telegram.js";
import { spawnServer } from "../helpers/server-process.js";

// SIGTERM as systemd or a container runtime sends it, with replies still queued and a model that never answers:
// the server must exit 0 within 10 s (they kill it then), having marked every reply Telegram confirmed.

const SECRET = "tg_secret_for_tests";
let dir: ReturnType<typeof tempDir>;
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let llm: Awaited<ReturnType<typeof startFakeLlm>>;
beforeEach(async () => {
  dir = tempDir();
  fake = await startFakeTelegram();
  llm = await startFakeLlm();
});
afterEach(async () => {
  await fake.close();
  await llm.close();
  dir.cleanup();
});

describe("stopping the server", () => {
  it("SIGTERM under a send backlog and a hanging model: exit 0 within 10 s, every confirmed send marked", async () => {
    const port = await freePort();
    const dbPath = `${dir.path}/t.db`;
    const proc = await spawnServer(port, {
      DATABASE_PATH: dbPath,
      TELEGRAM_BOT_TOKEN: "123456:TEST-token",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: "k",
      OPENAI_MODEL: "m",
      // A slow channel: replies pile up in the outbox.
      OUTBOX_GLOBAL_PER_SECOND: "5",
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 60; i++) {
      const res = await fetch(`${base}/webhooks/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(tgText(5_000 + i, "/start")),
      });
      expect(res.status).toBe(200);
    }
    // A web learner's question waits on a model that never answers.
    for (let i = 0; i < 8; i++) llm.script("hang");
    const web = async (text: string, n: number) =>
      fetch(`${base}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: "learner-stop1", messageId: `m${n}`, text }),
      }).catch(() => undefined);
    await web("xin chào", 1);
    await web("1", 2);
    void web("mã otp là gì vậy cháu", 3);
    await eventually(() => expect(fake.calls.filter((c) => c.method === "sendMessage").length).toBeGreaterThan(5));

    const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
    const t0 = Date.now();
    proc.kill("SIGTERM");
    const code = await exited;
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);

    // Telegram confirmed these: none may be left pending (it would be sent twice after the restart).
    const confirmed = fake.calls.filter((c) => c.method === "sendMessage").length;
    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare("select chat_id, params, status, parts_sent from outbox where method = 'reply'").all() as Array<{
      chat_id: string;
      params: string;
      status: string;
      parts_sent: number;
    }>;
    db.close();
    // A reply is one call or more, rendered when it is sent: a sent row counts all of its calls, a pending one those
    // already confirmed (the rest go after the next start).
    const messages = (r: (typeof rows)[number]) =>
      renderTelegram(r.chat_id, JSON.parse(r.params)).filter((c) => c.method === "sendMessage").length;
    const marked = rows.reduce((n, r) => n + (r.status === "sent" ? messages(r) : r.status === "pending" ? r.parts_sent : 0), 0);
    expect(marked).toBe(confirmed);
    expect(rows.filter((r) => r.status === "pending").length).toBeGreaterThan(0); // the backlog waits for the next start
  }, 30_000);
});
