import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { Writable } from "node:stream";
import type { Logger } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { createLogger } from "../../src/logger.js";
import { eventually, startApp, tempDir } from "../helpers/app.js";
import { postTelegram, startFakeTelegram, tgButton, tgSticker, tgText } from "../helpers/fake-telegram.js";

const SECRET = "tg_secret_for_tests";
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

const start = (logger?: Logger) =>
  startApp({
    dbPath: `${dir.path}/t.db`,
    env: { TELEGRAM_BOT_TOKEN: "123456:TEST-token", TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.url },
    logger,
  });

const post = (update: unknown, secret: string | null = SECRET) => postTelegram(app!, update, secret);

/** Sends an update and waits until the chat has received `more` further messages. */
async function exchange(chat: number, update: unknown, more = 1): Promise<string[]> {
  const before = fake.texts(chat).length;
  const res = await post(update);
  expect(res.statusCode).toBe(200);
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

describe("Telegram channel", () => {
  it("a learner finishes a whole lesson by pressing buttons; every press is answered", async () => {
    app = await start();
    const u = 1001;
    const greet = await exchange(u, tgText(u, "/start"), 2);
    expect(greet.join("\n")).toContain("Xin chào bác");
    expect(greet[0]).toContain("<b>Bình dân học AI</b>");
    await exchange(u, tgButton(u, button(u, /Đồng ý/)), 2);
    await exchange(u, tgButton(u, button(u, /An toàn/)));
    const lesson = await exchange(u, tgButton(u, button(u, /Giữ kín mã OTP/)), 2);
    expect(lesson.at(-1)).toContain("<b>Bước 1/4: Hiểu mã OTP</b>");
    expect(fake.lastButtons(u)).toEqual([
      ["1. Xong, tiếp tục", "1"],
      ["2. Giải thích thêm", "2"],
      ["🔁 Nhắc lại", "q:repeat"],
      ["📚 Menu", "q:menu"],
    ]);
    expect((await exchange(u, tgButton(u, "q:repeat"))).at(-1)).toContain("Bước 1/4");
    expect((await exchange(u, tgButton(u, button(u, /Xong/)))).at(-1)).toContain("Kiểm tra (2/4)");
    const help = await exchange(u, tgButton(u, button(u, /Chưa thấy/)), 2);
    expect(help[0]).toContain("mở mục Tin nhắn");
    await exchange(u, tgButton(u, button(u, /Đã thấy/)));
    expect((await exchange(u, tgText(u, "tiếp"))).at(-1)).toContain("Câu hỏi (4/4)");
    const wrong = await exchange(u, tgButton(u, button(u, /công an/)), 2);
    expect(wrong[0]).toContain("Chưa đúng");
    const done = await exchange(u, tgButton(u, button(u, /Không ai cả/)), 2);
    expect(done.join("\n")).toContain("đã học xong bài “Giữ kín mã OTP”");

    const presses = fake.calls.filter((c) => c.method === "answerCallbackQuery");
    expect(presses.length).toBe(9);
    expect(new Set(presses.map((p) => p.body.callback_query_id)).size).toBe(9);
  });

  it("answers 401 to a wrong or missing secret and sends nothing", async () => {
    app = await start();
    for (const secret of [null, "", "wrong", `${SECRET}x`]) {
      const res = await post(tgText(2002, "hi"), secret);
      expect(res.statusCode).toBe(401);
    }
    const malformedButWrong = await app.server.inject({
      method: "POST",
      url: "/webhooks/telegram",
      payload: "{not json",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "nope" },
    });
    expect(malformedButWrong.statusCode).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.calls).toEqual([]);
  });

  it("logs one line per update at info, no access-log lines for webhooks, and still warns of a wrong secret", async () => {
    const lines: { msg: string; level: number }[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    app = await start(createLogger("info", sink));
    for (let i = 0; i < 3; i++) expect((await post(tgText(4100 + i, "xin chào"))).statusCode).toBe(200);
    expect((await post(tgText(4200, "xin chào"), "wrong")).statusCode).toBe(401);
    await eventually(() => expect(lines.filter((l) => l.msg === "message handled")).toHaveLength(3));
    await app.server.inject({ method: "GET", url: "/health" });
    await new Promise((r) => setTimeout(r, 100));
    const webhookAccess = lines.filter((l) => /incoming request|request completed/.test(l.msg));
    // Only the /health call has access-log lines; the four webhook calls have none.
    expect(webhookAccess).toHaveLength(2);
    expect(lines.filter((l) => l.msg.includes("wrong or missing secret"))).toHaveLength(1);

    // Learners appear as a keyed pseudonym: not the chat id, not its plain hash (ids are easy to
    // enumerate), and the same one after a restart.
    const handled = lines.filter((l) => l.msg === "message handled") as Array<{ learner?: string }>;
    const first = handled[0]?.learner;
    const plain = createHash("sha256").update("telegram:4100").digest("hex").slice(0, 12);
    expect(first).toMatch(/^[0-9a-f]{12}$/);
    expect(new Set(handled.map((l) => l.learner)).size).toBe(3);
    expect(handled.map((l) => l.learner)).not.toContain(plain);
    await app.close();
    lines.length = 0;
    app = await start(createLogger("info", sink));
    expect((await post(tgText(4100, "tiếp"))).statusCode).toBe(200);
    await eventually(() => expect(lines.filter((l) => l.msg === "message handled")).toHaveLength(1));
    const again = lines.find((l) => l.msg === "message handled") as { learner?: string };
    expect(handled.map((l) => l.learner)).toContain(again.learner);
  });

  it("rejects malformed JSON and non-updates with 400, and processes nothing", async () => {
    app = await start();
    const headers = { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET };
    expect((await app.server.inject({ method: "POST", url: "/webhooks/telegram", payload: "{oops", headers })).statusCode).toBe(400);
    expect(
      (await app.server.inject({ method: "POST", url: "/webhooks/telegram", payload: JSON.stringify({ hello: 1 }), headers })).statusCode,
    ).toBe(400);
    expect((await app.server.inject({ method: "GET", url: "/webhooks/telegram" })).statusCode).toBe(404);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.calls).toEqual([]);
    expect((app.db.$client.prepare("select count(*) as n from inbox").get() as { n: number }).n).toBe(0);
  });

  it("the same update posted three times gets one set of replies", async () => {
    app = await start();
    const u = 3003;
    const update = tgText(u, "xin chào");
    for (let i = 0; i < 3; i++) expect((await post(update)).statusCode).toBe(200);
    await eventually(() => expect(fake.texts(u).length).toBe(2));
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.texts(u).length).toBe(2);
  });

  it("keeps order through 429 (retry_after), 500 and 502, and honours the wait", async () => {
    app = await start();
    const u = 4004;
    fake.failNext("sendMessage", [
      {
        status: 429,
        body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } },
      },
      { status: 500 },
      { status: 502 },
    ]);
    await post(tgText(u, "/start"));
    await post(tgText(u, "1"));
    const texts = await eventually(() => {
      const t = fake.texts(u);
      expect(t.length).toBeGreaterThanOrEqual(7); // 3 failures + greeting, consent, thanks, menu
      return t;
    }, 15_000);
    const delivered = fake.calls.filter((c) => c.method === "sendMessage");
    const firstTry = delivered[0]?.at ?? 0;
    const secondTry = delivered[1]?.at ?? 0;
    expect(secondTry - firstTry).toBeGreaterThanOrEqual(950); // retry_after: 1 second
    const order = texts.filter((_, i) => i >= 3);
    expect(order[0]).toContain("Xin chào bác");
    expect(order[1]).toContain("tiến độ học");
    expect(order[2]).toContain("Cảm ơn bác");
    expect(order[3]).toContain("chủ đề nào");
  });

  it("stops sending to a learner who blocked the bot", async () => {
    app = await start();
    const u = 5005;
    fake.failNext("sendMessage", [
      { status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } },
    ]);
    await post(tgText(u, "/start"));
    await eventually(() => {
      const row = app?.db.$client.prepare("select unreachable_at from learners where channel_user_id = ?").get(String(u)) as {
        unreachable_at: number | null;
      };
      expect(row.unreachable_at).not.toBeNull();
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.sent(u).length).toBe(1); // the one refused; the consent question was cancelled
    const statuses = app.db.$client.prepare("select status from outbox order by id").all();
    expect(statuses).toEqual([{ status: "cancelled" }, { status: "cancelled" }]);
  });

  it("answers stickers, photos and voice kindly, keeps the place, and ignores group chats", async () => {
    app = await start();
    const u = 6006;
    await exchange(u, tgText(u, "hi"), 2);
    await exchange(u, tgText(u, "1"), 2);
    const r = await exchange(u, tgSticker(u));
    expect(r[0]).toContain("nhãn dán");
    expect((await exchange(u, tgText(u, "1"))).at(-1)).toContain("Chủ đề này có 2 bài");
    const group = tgText(u, "hi");
    (group.message.chat as { type: string }).type = "group";
    expect((await post(group)).statusCode).toBe(200);
  });

  it("sends lesson pictures from the media folder as photos", async () => {
    app = await startApp({
      dbPath: `${dir.path}/t.db`,
      curriculumDir: resolve(import.meta.dirname, "../fixtures/curriculum/valid"),
      env: { TELEGRAM_BOT_TOKEN: "123456:TEST-token", TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.url },
    });
    const u = 7007;
    await exchange(u, tgText(u, "hi"), 2);
    await exchange(u, tgText(u, "1"), 2);
    await exchange(u, tgText(u, "2"));
    await exchange(u, tgText(u, "2"), 2);
    await eventually(() => expect(fake.sent(u, "sendPhoto").length).toBe(1));
    const photo = fake.sent(u, "sendPhoto")[0];
    expect(photo?.body.multipart).toBe(true);
    expect(photo?.body.filename).toBe("vneid-home.png");
  });

  it("long polling: takes the updates, acknowledges each by the next offset, and answers them", async () => {
    app = await startApp({
      dbPath: `${dir.path}/t.db`,
      env: {
        TELEGRAM_BOT_TOKEN: "123456:TEST-token",
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_ROOT: fake.url,
        TELEGRAM_MODE: "polling",
      },
    });
    const u = 7010;
    const hello = tgText(u, "Xin chào");
    fake.pushUpdate(hello);
    await eventually(() => expect(fake.texts(u).join("\n")).toContain("Xin chào bác"));
    fake.pushUpdate(tgText(u, "1"));
    await eventually(() => expect(fake.texts(u).length).toBeGreaterThanOrEqual(3));
    const polls = fake.calls.filter((c) => c.method === "getUpdates");
    // A webhook would make getUpdates fail: it is removed first; then each poll asks for what follows the last update.
    expect(fake.calls.findIndex((c) => c.method === "deleteWebhook")).toBeLessThan(fake.calls.findIndex((c) => c.method === "getUpdates"));
    expect(polls.some((c) => c.body.offset === hello.update_id + 1)).toBe(true);
    // Each update answered once.
    expect(fake.texts(u).filter((t) => t.includes("Xin chào bác"))).toHaveLength(1);
  });

  it("splits a message over 4096 characters cleanly", async () => {
    const { renderTelegram } = await import("../../src/channels/telegram.js");
    const long = Array.from({ length: 400 }, (_, i) => `Câu số ${i} <b>&`).join(" ");
    const calls = renderTelegram("1", { text: long, options: [{ label: "A", value: "1" }] });
    expect(calls.length).toBeGreaterThan(1);
    for (const c of calls) expect(String(c.params.text).length).toBeLessThanOrEqual(4096);
    expect(calls.at(-1)?.params.reply_markup).toBeDefined();
    expect(calls[0]?.params.reply_markup).toBeUndefined();
    expect(calls.map((c) => String(c.params.text)).join(" ")).toContain("&lt;b&gt;&amp;");
  });
});
