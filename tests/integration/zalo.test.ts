import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { createLogger } from "../../src/logger.js";
import { vi } from "../../src/tutor/texts.vi.js";
import { eventually, startApp, tempDir } from "../helpers/app.js";
import { type FakeZalo, startFakeZalo } from "../helpers/fake-zalo.js";

// The Zalo channel through the real app: real HTTP fake of the Bot API, real SQLite file, real curriculum.

const TOKEN = "3141592653:Zalo-bot-TOKEN_for-tests";
const SECRET = "zalo-webhook-secret-123";
const USER = "zalo-user-7f3a9c01";
const NAME = "Nguyễn Thị Bé Ba";

let dir: ReturnType<typeof tempDir>;
let fake: FakeZalo;
let app: App | undefined;
let n = 0;

beforeEach(async () => {
  dir = tempDir();
  fake = await startFakeZalo();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await fake.close();
  dir.cleanup();
});

const env = () => ({
  ZALO_BOT_TOKEN: TOKEN,
  ZALO_WEBHOOK_SECRET: SECRET,
  ZALO_API_ROOT: fake.url,
  PUBLIC_BASE_URL: "https://hoc.example.vn",
});

async function start(opts: Partial<Parameters<typeof startApp>[0]> = {}): Promise<App> {
  app = await startApp({ dbPath: `${dir.path}/tutor.db`, env: env(), ...opts });
  return app;
}

function event(name: string, extra: Record<string, unknown> = {}, user = USER) {
  return {
    ok: true,
    result: {
      event_name: name,
      message: {
        from: { id: user, display_name: NAME, is_bot: false },
        chat: { id: user, chat_type: "PRIVATE" },
        message_id: `zmsg-${++n}`,
        date: Date.now(),
        ...extra,
      },
    },
  };
}
const textEvent = (text: string, user = USER) => event("message.text.received", { text }, user);

async function post(payload: unknown, headers: Record<string, string> = { "x-bot-api-secret-token": SECRET }) {
  if (!app) throw new Error("no app");
  return app.server.inject({
    method: "POST",
    url: "/webhooks/zalo",
    headers: { "content-type": "application/json", ...headers },
    payload: typeof payload === "string" ? payload : JSON.stringify(payload),
  });
}

/** Waits until every recorded message was worked on and everything queued was sent (or given up). */
async function settle(): Promise<void> {
  if (!app) throw new Error("no app");
  const a = app;
  await a.inbox.idle();
  await eventually(() => expect(a.outbox.pendingCount()).toBe(0));
}

/** Posts one typed message and returns the texts that reached the learner because of it. */
async function say(text: string, user = USER): Promise<string> {
  const before = fake.messagesTo(user).length;
  const res = await post(textEvent(text, user));
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({ ok: true });
  await settle();
  return fake.messagesTo(user).slice(before).join("\n---\n");
}

function sqlite() {
  if (!app) throw new Error("no app");
  return app.db.$client;
}
const count = (sql: string) => (sqlite().prepare(sql).get() as { n: number }).n;

describe("Zalo webhook, end to end", () => {
  it("a learner finishes lesson 1 by typing digits only; every reply arrives as a numbered list, in order", async () => {
    await start();
    const hello = await say("Xin chào");
    expect(hello).toContain("Xin chào bác");
    expect(hello).toContain("1. Đồng ý\n2. Không đồng ý");
    expect(hello).not.toContain("**");

    expect(await say("1")).toContain("1. 🛡️ An toàn trên mạng");
    expect(await say("1")).toMatch(/1\. .*Giữ kín mã OTP/);
    const step1 = await say("1");
    expect(step1).toContain("Giữ kín mã OTP");
    expect(step1).toContain("Bước 1/4: Hiểu mã OTP");
    expect(step1).toContain("1. Xong, tiếp tục\n2. Giải thích thêm\n\n(Gõ: nhắc lại · menu)");
    const check = await say("1");
    expect(check).toContain("Kiểm tra (2/4)");
    expect(check).toContain("1. Đã thấy\n2. Chưa thấy");
    expect(await say("2")).toContain("mở mục Tin nhắn");
    const step3 = await say("1");
    expect(step3).toContain("Bước 3/4");
    expect(step3).toContain("(Gõ: nhắc lại · quay lại · menu)");
    const quiz = await say("1");
    expect(quiz).toContain("Câu hỏi (4/4)");
    expect(quiz).toContain("1. Người xưng công an\n2. Không ai cả");
    expect(await say("1")).toContain("Chưa đúng");
    const done = await say("2");
    expect(done).toContain("Đúng rồi");
    expect(done).toContain("đã học xong bài “Giữ kín mã OTP”");

    // Everything the tutor queued reached Zalo, rendered by the Zalo adapter when sent, in queue order, within Zalo's
    // limits. (A confirmed send is marked in the next event-loop turn.)
    const queued = await eventually(() => {
      const rows = sqlite().prepare("select method, params, status from outbox where chat_id = ? order by id").all(USER) as Array<{
        method: string;
        params: string;
        status: string;
      }>;
      expect(rows.every((r) => r.method === "reply" && r.status === "sent")).toBe(true);
      return rows;
    });
    const zalo = app?.channels.get("zalo");
    const calls = queued.flatMap((r) => zalo?.sender.render(USER, JSON.parse(r.params)) ?? []);
    expect(calls.every((c) => c.method === "sendMessage")).toBe(true);
    const delivered = fake.messagesTo(USER);
    expect(delivered).toEqual(calls.map((c) => c.params.text));
    for (const t of delivered) expect(t.length).toBeGreaterThan(0);
    for (const t of delivered) expect(t.length).toBeLessThanOrEqual(2000);
    expect(fake.calls.every((c) => c.token === TOKEN)).toBe(true);
    const progress = sqlite().prepare("select lesson_id, status from lesson_progress").all();
    expect(progress).toEqual([{ lesson_id: "ma-otp", status: "completed" }]);
  });

  it("a wrong or missing secret is 401 before the body is read, and nothing is recorded or sent", async () => {
    await start();
    const wrong: Array<Record<string, string>> = [
      {},
      { "x-bot-api-secret-token": "" },
      { "x-bot-api-secret-token": "zalo-webhook-secret-124" }, // same length, one character off
      { "x-bot-api-secret-token": `${SECRET}x` },
      { "x-telegram-bot-api-secret-token": SECRET },
    ];
    for (const headers of wrong) {
      const res = await post(textEvent("Xin chào"), headers);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: "unauthorized" });
    }
    const malformed = await post("{ not json", { "x-bot-api-secret-token": "nope-nope" });
    expect(malformed.statusCode).toBe(401);
    await settle();
    expect(count("select count(*) as n from processed_messages")).toBe(0);
    expect(fake.calls).toEqual([]);
  });

  it("malformed JSON and schema-invalid envelopes are 400, oversized bodies 413, and nothing is recorded", async () => {
    await start();
    const bad = [
      "{ not json",
      "",
      "[]",
      { hello: "world" },
      { ok: true },
      { ok: true, result: { message: {} } },
      { ok: true, result: { event_name: "message.text.received", message: { text: "hi" } } },
      { ok: true, result: { event_name: "message.text.received", message: { from: { id: USER }, chat: { id: USER }, text: "no id" } } },
      event("message.text.received"), // a text event without text
    ];
    for (const payload of bad) {
      const res = await post(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json()).toEqual({ error: "bad_request" });
    }
    const huge = await post(textEvent("a".repeat(300 * 1024)));
    expect(huge.statusCode).toBe(413);
    expect((await post(textEvent("a".repeat(300 * 1024)), { "x-bot-api-secret-token": "wrong-wrong" })).statusCode).toBe(401);
    await settle();
    expect(count("select count(*) as n from processed_messages")).toBe(0);
    expect(count("select count(*) as n from inbox")).toBe(0);
    expect(fake.calls).toEqual([]);
  });

  it("the same message_id delivered three times gets one set of replies", async () => {
    await start();
    const payload = textEvent("Xin chào");
    for (let i = 0; i < 3; i++) {
      const res = await post(payload);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ok: true });
    }
    await settle();
    const replies = fake.messagesTo(USER);
    expect(replies).toHaveLength(2); // greeting, consent question
    expect(replies.filter((t) => t.includes("Xin chào bác"))).toHaveLength(1);
    expect(count("select count(*) as n from processed_messages")).toBe(1);
  });

  it("stickers, photos, voice notes and withheld content get a kind reply, and the learner keeps their place", async () => {
    await start();
    for (const t of ["Xin chào", "1", "1", "1"]) await say(t);
    const stateBefore = sqlite().prepare("select state from conversation_states").get() as { state: string };
    expect(JSON.parse(stateBefore.state).lesson).toMatchObject({ lessonId: "ma-otp", stepIndex: 0 });

    const media = [
      ["message.sticker.received", "sticker", { sticker: "abc123", url: "https://zalo.example/sticker.png" }],
      ["message.image.received", "image", { photo: "https://zalo.example/cccd.jpg", caption: "CCCD của tôi" }],
      ["message.voice.received", "voice", { voice_url: "https://zalo.example/v.aac" }],
      ["message.unsupported.received", "unsupported", {}],
    ] as const;
    for (const [name, kind, extra] of media) {
      const before = fake.messagesTo(USER).length;
      const res = await post(event(name, extra));
      expect(res.statusCode).toBe(200);
      await settle();
      const got = fake.messagesTo(USER).slice(before).join("\n");
      expect(got).toContain(vi.mediaReceived(kind));
      expect(got).toContain("tiếp");
    }
    const stateAfter = sqlite().prepare("select state from conversation_states").get() as { state: string };
    expect(JSON.parse(stateAfter.state)).toEqual(JSON.parse(stateBefore.state));
    expect(await say("1")).toContain("Kiểm tra (2/4)");
  });

  it("unknown events and group chats are answered 200 and otherwise ignored", async () => {
    await start();
    const unknown = await post(event("message.reaction.received", { reaction: "❤️" }));
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json()).toEqual({ ok: true });
    const future = await post({ ok: true, result: { event_name: "bot.something.new", payload: { x: 1 } } });
    expect(future.statusCode).toBe(200);
    const group = await post(event("message.text.received", { text: "Xin chào", chat: { id: "group-1", chat_type: "GROUP" } }));
    expect(group.statusCode).toBe(200);
    await settle();
    expect(count("select count(*) as n from processed_messages")).toBe(0);
    expect(count("select count(*) as n from outbox")).toBe(0);
    expect(fake.calls).toEqual([]);
  });

  it("429 (retry_after 1), then 500, then 502 on sendMessage: the replies still arrive, in order", async () => {
    await start();
    fake.failNext("sendMessage", [
      { status: 429, body: { ok: false, error_code: 429, description: "Too Many Requests", parameters: { retry_after: 1 } } },
      { status: 500 },
      { status: 502, body: "<html>Bad Gateway</html>" },
    ]);
    const startedAt = Date.now();
    const res = await post(textEvent("Xin chào"));
    expect(res.statusCode).toBe(200);
    await eventually(() => expect(fake.messagesTo(USER)).toHaveLength(2));
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000); // the 429's retry_after was honoured
    const [greeting, consent] = fake.messagesTo(USER);
    expect(greeting).toContain("Xin chào bác");
    expect(consent).toContain("1. Đồng ý\n2. Không đồng ý");
    const attempts = fake.callsTo(USER, "sendMessage");
    expect(attempts.map((c) => c.status)).toEqual([429, 500, 502, 200, 200]);
    expect(new Set(attempts.slice(0, 4).map((c) => c.body.text)).size).toBe(1); // the first message was retried, not skipped
  });

  it("a 403 (learner blocked the bot) stops sending to that chat and marks the learner unreachable", async () => {
    await start();
    fake.blockChat(USER);
    const res = await post(textEvent("Xin chào"));
    expect(res.statusCode).toBe(200);
    await settle();
    expect(fake.callsTo(USER, "sendMessage")).toHaveLength(1); // the second reply was never tried
    expect(fake.messagesTo(USER)).toEqual([]);
    const learner = sqlite().prepare("select unreachable_at from learners where channel = 'zalo'").get() as {
      unreachable_at: number | null;
    };
    expect(learner.unreachable_at).not.toBeNull();
    const rows = sqlite().prepare("select status, last_error from outbox order by id").all();
    expect(rows).toEqual([
      { status: "cancelled", last_error: "403" },
      { status: "cancelled", last_error: "403" },
    ]);
  });

  it("shows 'typing…' while a message is worked on", async () => {
    await start();
    await say("Xin chào");
    await eventually(() => expect(fake.callsTo(USER, "sendChatAction").map((c) => c.body)).toEqual([{ chat_id: USER, action: "typing" }]));
  });

  it("a lesson picture goes out as sendPhoto under PUBLIC_BASE_URL", async () => {
    await start();
    // The fixture lessons have no pictures; the renderer is the same one the outbox uses.
    const calls = app?.channels
      .get("zalo")
      ?.sender.render(USER, { text: "Mở VNeID", image: { file: "vneid home.png", alt: "Màn hình VNeID" } });
    expect(calls?.[0]).toEqual({
      method: "sendPhoto",
      params: { chat_id: USER, photo: "https://hoc.example.vn/media/vneid%20home.png", caption: "Màn hình VNeID" },
    });
  });

  it("logs nothing private: no token, secret, text, display name or user id", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    await start({ logger: createLogger("trace", sink) });
    fake.failNext("sendMessage", [{ status: 500, body: `<html>/bot${TOKEN}/sendMessage</html>` }]);
    fake.failNext("sendChatAction", [{ status: 401, body: { ok: false, error_code: 401, description: `bad token ${TOKEN}` } }]);
    await say("Xin chào, số điện thoại của tôi là 0912345678");
    await post(textEvent("Xin chào"), { "x-bot-api-secret-token": "wrong-secret" });
    await post("{ not json");
    await post(event("message.image.received", { photo: "https://x/y.jpg", caption: "ảnh riêng" }));
    await post(event("message.new.kind", {}));
    await settle();
    const log = lines.join("");
    if (process.env.SHOW_LOG) console.log(log);
    expect(log).toContain("zalo event"); // the channel did log, just nothing private
    for (const secret of [TOKEN, TOKEN.split(":")[1] as string, SECRET, USER, NAME, "0912345678", "Xin chào", "ảnh riêng"]) {
      expect(log).not.toContain(secret);
    }
  });
});

describe("Zalo long polling (development)", () => {
  it("feeds getUpdates events (one object or an array) through the same path, and stops promptly", async () => {
    await fake.close();
    fake = await startFakeZalo({ pollHoldMs: 60_000 }); // a long poll that stays open, as the real one does
    await start({ env: { ...env(), ZALO_MODE: "polling" } });
    fake.pushUpdate(textEvent("Xin chào").result);
    await eventually(() => expect(fake.messagesTo(USER)).toHaveLength(2));
    fake.pushUpdate([textEvent("1").result, textEvent("1").result]);
    await eventually(() => expect(fake.messagesTo(USER).join("\n")).toContain("Giữ kín mã OTP"));
    expect(fake.calls.filter((c) => c.method === "getUpdates").every((c) => c.body.timeout === 30)).toBe(true);

    const t0 = Date.now();
    await app?.close();
    app = undefined;
    expect(Date.now() - t0).toBeLessThan(3000); // the open getUpdates was aborted, not waited out
  });

  it("backs off after errors and keeps polling", async () => {
    fake.failNext("getUpdates", [{ status: 502 }]);
    await start({ env: { ...env(), ZALO_MODE: "polling" } });
    fake.pushUpdate(textEvent("Xin chào").result);
    await eventually(() => expect(fake.messagesTo(USER)).toHaveLength(2));
    expect(
      fake.calls
        .filter((c) => c.method === "getUpdates")
        .map((c) => c.status)
        .slice(0, 2),
    ).toEqual([502, 200]);
  });
});
