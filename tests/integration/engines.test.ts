import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { eventually, joined, startApp, tempDir, webChat } from "../helpers/app.js";
import { postTelegram, startFakeTelegram, tgButton, tgText } from "../helpers/fake-telegram.js";
import { describePostgres, dropSchema, POSTGRES_URL, schemaName } from "../helpers/postgres.js";

// The same conversations on both stores: SQLite (one process) and PostgreSQL (several instances; here one).
// What a learner notices — replies, their order, their progress, an erasure — must not depend on the store.

const SECRET = "tg_secret_for_tests";

/** Rows in a table, on whichever store the app runs. */
async function count(app: App, table: string): Promise<number> {
  if (app.store.kind === "local") return (app.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return (await app.store.pg.$client.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]?.n ?? 0;
}

function scenarios(engine: "sqlite" | "postgres") {
  let dir: ReturnType<typeof tempDir>;
  let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
  let app: App | undefined;
  let schema: string | undefined;

  beforeEach(async () => {
    dir = tempDir();
    fake = await startFakeTelegram();
    schema = engine === "postgres" ? schemaName() : undefined;
    app = await startApp({
      dbPath: `${dir.path}/t.db`,
      env: {
        TELEGRAM_BOT_TOKEN: "123456:TEST-token",
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_ROOT: fake.url,
        ...(engine === "postgres" ? { DATABASE_URL: POSTGRES_URL } : {}),
      },
      ...(schema ? { options: { postgres: { schema } } } : {}),
    });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await fake.close();
    if (schema) await dropSchema(schema);
    dir.cleanup();
  });

  const post = async (update: unknown) => expect((await postTelegram(app!, update, SECRET)).statusCode).toBe(200);

  /** Sends an update and waits until the chat has received `more` further messages. */
  async function exchange(chat: number, update: unknown, more = 1): Promise<string[]> {
    const before = fake.texts(chat).length;
    await post(update);
    return eventually(() => {
      const texts = fake.texts(chat);
      expect(texts.length).toBeGreaterThanOrEqual(before + more);
      return texts.slice(before);
    });
  }
  const button = (chat: number, label: RegExp): string => {
    const found = fake.lastButtons(chat).find(([text]) => label.test(text));
    if (!found) throw new Error(`no button ${label} in ${JSON.stringify(fake.lastButtons(chat))}`);
    return found[1];
  };

  it("a Telegram learner agrees, starts a lesson, and comes back to the same step; every press is answered once", async () => {
    const u = 5001;
    expect((await exchange(u, tgText(u, "/start"), 2)).join("\n")).toContain("Xin chào bác");
    await exchange(u, tgButton(u, button(u, /Đồng ý/)), 2);
    await exchange(u, tgButton(u, button(u, /An toàn/)));
    const lesson = await exchange(u, tgButton(u, button(u, /Giữ kín mã OTP/)), 2);
    expect(lesson.at(-1)).toContain("Bước 1/4: Hiểu mã OTP");
    expect((await exchange(u, tgButton(u, button(u, /Xong/)))).at(-1)).toContain("Kiểm tra (2/4)");
    expect((await exchange(u, tgText(u, "nhắc lại"))).at(-1)).toContain("Kiểm tra (2/4)");
    await eventually(() => expect(fake.calls.filter((c) => c.method === "answerCallbackQuery")).toHaveLength(4));
    expect(await count(app!, "lesson_progress")).toBe(1);
    expect(await count(app!, "inbox")).toBe(0);
  });

  it("an update delivered twice is applied once; many learners at once each get their replies in order", async () => {
    const u = 5002;
    const first = tgText(u, "/start");
    await post(first);
    await post(first);
    await eventually(() => expect(fake.texts(u)).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 150));
    expect(fake.texts(u)).toHaveLength(2);

    const learners = Array.from({ length: 20 }, (_, i) => 6000 + i);
    await Promise.all(learners.map((l) => post(tgText(l, "/start"))));
    await Promise.all(learners.map((l) => post(tgText(l, "menu"))));
    await eventually(() => {
      for (const l of learners) expect(fake.texts(l).length).toBeGreaterThanOrEqual(3);
    });
    for (const l of learners) {
      const texts = fake.texts(l);
      expect(texts[0]).toContain("Xin chào bác");
      // The menu reply comes after both greeting messages: per-learner order.
      expect(texts.findIndex((t) => /Xin chào bác/.test(t))).toBeLessThan(texts.length - 1);
    }
  });

  it("the web chat answers, shows the last screen after a reload, and erasing leaves no row of the learner", async () => {
    const user = "0b1e8f2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b";
    const say = webChat(() => app, user);
    expect(joined(await say("xin chào"))).toContain("Xin chào bác");
    await say("1"); // agrees
    const shown = await app!.server.inject({ url: `/api/chat?userId=${user}` });
    expect(shown.statusCode).toBe(200);
    expect((shown.json() as { replies: unknown[] }).replies.length).toBeGreaterThan(0);
    expect(await count(app!, "learners")).toBe(1);
    // Its messages took the inbox and the worker like any channel's; its replies were collected, none left queued.
    expect(await count(app!, "inbox")).toBe(0);
    expect(await count(app!, "outbox")).toBe(0);
    expect(await count(app!, "processed_messages")).toBe(2);
    expect(joined(await say("xóa dữ liệu"))).toContain("xóa toàn bộ dữ liệu");
    expect(joined(await say("1"))).toContain("đã xóa toàn bộ dữ liệu");
    for (const table of ["learners", "conversation_states", "lesson_progress", "progress_events", "processed_messages", "qa_questions"])
      expect(await count(app!, table), table).toBe(0);
  });

  it("is ready when its database answers, and checks certificates by code", async () => {
    const ready = await app!.server.inject({ url: "/health/ready" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: "ready", db: true });
    expect((await app!.server.inject({ url: "/verify/ABCDEFGHJK" })).statusCode).toBe(404);
  });
}

describe("on SQLite", () => scenarios("sqlite"));
describePostgres("on PostgreSQL", () => scenarios("postgres"));
