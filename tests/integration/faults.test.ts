import { cpSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { eventually, FIXTURE_CURRICULUM, startApp, tempDir } from "../helpers/app.js";
import { startFakeLlm } from "../helpers/fake-llm.js";
import { postTelegram, startFakeTelegram, tgText } from "../helpers/fake-telegram.js";

// Faults that must not stop the tutor: a locked database file, a broken curriculum edit under
// load, a model that hangs. (Longer ones — kill -9 under load, a minute of 429/5xx — are in
// tests/faults and run with npm run test:faults.)

const SECRET = "faults_secret_value";
let dir: ReturnType<typeof tempDir>;
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let app: App | undefined;
beforeEach(async () => {
  dir = tempDir();
  fake = await startFakeTelegram();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await fake.close();
  dir.cleanup();
});

const env = () => ({ TELEGRAM_BOT_TOKEN: "42:FAULTS", TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.url });
const post = (update: unknown) => postTelegram(app!, update, SECRET);

describe("faults", () => {
  it("the database locked by another process for a few seconds: updates are retried, nothing is lost, no crash", async () => {
    app = await startApp({ dbPath: `${dir.path}/t.db`, env: env() });
    const u = 1111;
    expect((await post(tgText(u, "hi"))).statusCode).toBe(200);
    await eventually(() => expect(fake.texts(u).length).toBe(2));

    // Another process takes the write lock and holds it for 3 seconds.
    const other = new Database(`${dir.path}/t.db`);
    other.exec("BEGIN EXCLUSIVE");
    const update = tgText(u, "1");
    const during = await post(update);
    // Either recorded after waiting, or refused so that Telegram delivers it again: never a crash.
    expect([200, 500, 503]).toContain(during.statusCode);
    await new Promise((r) => setTimeout(r, 3000));
    other.exec("COMMIT");
    other.close();
    // Telegram redelivers what was not acknowledged; one that was recorded is not applied twice.
    expect((await post(update)).statusCode).toBe(200);
    await eventually(() => expect(fake.texts(u).join("\n")).toContain("chủ đề nào"), 15_000);
    expect((await app.server.inject({ method: "GET", url: "/health/ready" })).statusCode).toBe(200);
  });

  it("a broken curriculum edit under load: learners keep being answered from the last good version", async () => {
    const cur = `${dir.path}/curriculum`;
    cpSync(FIXTURE_CURRICULUM, cur, { recursive: true });
    app = await startApp({ dbPath: `${dir.path}/t.db`, curriculumDir: cur, env: env() });
    const users = Array.from({ length: 20 }, (_, i) => 2000 + i);
    for (const u of users) expect((await post(tgText(u, "hi"))).statusCode).toBe(200);
    writeFileSync(`${cur}/an-toan/01-ma-otp.md`, "---\nid: [broken\n---\n");
    await app.curriculum.reload();
    expect(app.curriculum.lastReload.ok).toBe(false);
    for (const step of ["1", "1", "1"]) for (const u of users) expect((await post(tgText(u, step))).statusCode).toBe(200);
    await eventually(() => {
      for (const u of users) expect(fake.texts(u).join("\n")).toContain("Giữ kín mã OTP");
    }, 15_000);
  });

  it("a model that hangs: webhooks stay fast and learners get the lessons-only answer", async () => {
    const llm = await startFakeLlm();
    try {
      llm.script("hang", "hang", "hang", "hang", "hang", "hang");
      app = await startApp({
        dbPath: `${dir.path}/t.db`,
        env: { ...env(), OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: "k", OPENAI_MODEL: "m" },
        options: { qaDeadlineMs: 1500 },
      });
      const u = 3333;
      await post(tgText(u, "hi"));
      await post(tgText(u, "1"));
      await eventually(() => expect(fake.texts(u).length).toBe(4));
      const started = Date.now();
      const res = await post(tgText(u, "mã otp là gì vậy cháu"));
      expect(res.statusCode).toBe(200);
      expect(Date.now() - started).toBeLessThan(200);
      // Other learners are not held up meanwhile.
      await post(tgText(4444, "hi"));
      await eventually(() => expect(fake.texts(4444).length).toBe(2), 1000);
      await eventually(() => expect(fake.texts(u).join("\n")).toContain("Theo bài “Giữ kín mã OTP”"), 10_000);
    } finally {
      await llm.close();
    }
  });
});
