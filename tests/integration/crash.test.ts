import type { ChildProcess } from "node:child_process";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually, FIXTURE_CURRICULUM, freePort, tempDir } from "../helpers/app.js";
import { startFakeTelegram, tgText } from "../helpers/fake-telegram.js";
import { spawnServer } from "../helpers/server-process.js";

// The real server in its own process, killed with SIGKILL mid-lesson and started again.

const SECRET = "crash_test_secret";
let dir: ReturnType<typeof tempDir>;
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let child: ChildProcess | undefined;

const boot = (port: number): Promise<ChildProcess> =>
  spawnServer(port, {
    DATABASE_PATH: `${dir.path}/tutor.db`,
    CURRICULUM_DIR: FIXTURE_CURRICULUM,
    TELEGRAM_BOT_TOKEN: "777:CRASH",
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: fake.url,
    LOG_LEVEL: "warn",
  });

beforeEach(async () => {
  dir = tempDir();
  fake = await startFakeTelegram();
});
afterEach(async () => {
  child?.kill("SIGKILL");
  await fake.close();
  dir.cleanup();
});

describe("crash safety", { timeout: 90_000 }, () => {
  it("after kill -9 mid-lesson, the learner continues at the right step and nothing queued is lost", async () => {
    const port = await freePort();
    child = await boot(port);
    const u = 9009;
    const post = (text: string) =>
      fetch(`http://127.0.0.1:${port}/webhooks/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(tgText(u, text)),
      });
    const waitTexts = (n: number) => eventually(() => expect(fake.texts(u).length).toBeGreaterThanOrEqual(n), 15_000);

    for (const [text, total] of [
      ["/start", 2],
      ["1", 4],
      ["1", 5],
      ["1", 7],
      ["tiếp", 8],
    ] as const) {
      expect((await post(text)).status).toBe(200);
      await waitTexts(total);
    }
    expect(fake.texts(u).at(-1)).toContain("Kiểm tra (2/4)");

    // Telegram stops answering; the next reply is queued but never confirmed. Then the process dies.
    fake.failNext("sendMessage", ["hang"]);
    expect((await post("đã thấy")).status).toBe(200);
    await eventually(() => expect(fake.calls.filter((c) => c.method === "sendMessage").length).toBe(9));
    child.kill("SIGKILL");
    await new Promise((r) => child?.once("exit", r));

    const db = new Database(`${dir.path}/tutor.db`, { readonly: true });
    const pending = db.prepare("select count(*) as n from outbox where status = 'pending'").get() as { n: number };
    db.close();
    expect(pending.n).toBe(1);

    child = await boot(port);
    // The queued reply is sent after the restart (Telegram may see it twice: at-least-once delivery).
    await eventually(() => expect(fake.texts(u).filter((t) => t.includes("Bước 3/4")).length).toBeGreaterThanOrEqual(2), 15_000);
    const before = fake.texts(u).length;
    expect((await post("nhắc lại")).status).toBe(200);
    await waitTexts(before + 1);
    expect(fake.texts(u).at(-1)).toContain("Bước 3/4: Không đọc mã cho ai");
  });
});
