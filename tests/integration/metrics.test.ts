import { cpSync } from "node:fs";
import { resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { startApp, tempDir, webChat } from "../helpers/app.js";
import { startFakeLlm } from "../helpers/fake-llm.js";

const TOKEN = "metrics-admin-token-0001";
let dir: ReturnType<typeof tempDir>;
let llm: Awaited<ReturnType<typeof startFakeLlm>>;
let app: App | undefined;
beforeEach(async () => {
  dir = tempDir();
  llm = await startFakeLlm();
  cpSync(resolve(import.meta.dirname, "../../prompts"), `${dir.path}/prompts`, { recursive: true });
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await llm.close();
  dir.cleanup();
});

const value = (text: string, line: string) => Number(new RegExp(`^${line.replace(/[{}"]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);

describe("GET /metrics", () => {
  it("gives an operator the backlogs, model calls and fallbacks, and active learners, behind the admin token", async () => {
    app = await startApp({
      dbPath: `${dir.path}/t.db`,
      env: { ADMIN_TOKEN: TOKEN, OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: "k", OPENAI_MODEL: "m", PROMPTS_DIR: `${dir.path}/prompts` },
    });
    expect((await app.server.inject({ url: "/metrics" })).statusCode).toBe(401);
    const live = app;
    const say = webChat(() => live, "learner-met01");
    await say("xin chào");
    await say("1");
    await say("mã otp là gì");
    llm.script({ status: 500 }, { status: 500 });
    await say("mã otp dùng làm gì vậy");
    const res = await app.server.inject({ url: "/metrics", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/plain");
    const text = res.body;
    expect(value(text, "bdhai_inbox_backlog")).toBe(0);
    expect(value(text, "bdhai_outbox_pending")).toBe(0);
    expect(value(text, "bdhai_model_calls_total")).toBe(2);
    expect(value(text, 'bdhai_model_fallbacks_total{reason="error_or_timeout"}')).toBe(1);
    expect(value(text, 'bdhai_learners_active{window="1d"}')).toBe(1);
    expect(text).toContain("bdhai_process_resident_memory_bytes");
    // The curriculum served: how many lessons, since when, and whether the files on disk load.
    expect(value(text, "bdhai_curriculum_lessons")).toBe(app.curriculum.current().lessons.size);
    expect(value(text, "bdhai_curriculum_loaded_timestamp_seconds")).toBeGreaterThan(Date.now() / 1000 - 120);
    expect(value(text, "bdhai_curriculum_ok")).toBe(1);
    // The dashboard shows the same queues.
    const dashboard = await app.server.inject({ url: "/admin", headers: { authorization: `Bearer ${TOKEN}`, accept: "text/html" } });
    expect(dashboard.body).toContain("Hàng đợi tin nhắn");
    expect(dashboard.body).toContain("Tin trả lời chờ gửi: <b>0</b>");
  });
});
