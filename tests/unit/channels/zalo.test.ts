import { inspect } from "node:util";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createZaloChannel, normaliseEvent, renderZalo } from "../../../src/channels/zalo.js";
import { createZaloClient, ZaloApiError, ZaloHttpError } from "../../../src/channels/zalo-client.js";
import { type Reply, withOptions } from "../../../src/tutor/replies.js";
import { type FakeZalo, startFakeZalo } from "../../helpers/fake-zalo.js";

const TOKEN = "1234567890:Zt0k3n-SECRET_value";
const CHAT = "zalo-chat-0001";

const texts = (calls: ReturnType<typeof renderZalo>) => calls.filter((c) => c.method === "sendMessage").map((c) => String(c.params.text));

describe("rendering a reply for Zalo (no buttons)", () => {
  it("writes options as a numbered list, strips bold, and adds the quick-command hint line", () => {
    const reply = withOptions("**Bước 1/4: Hiểu mã OTP**\n\nOTP là mã số dùng **một lần**.", ["Xong, tiếp tục", "Giải thích thêm"], {
      quick: ["repeat", "menu"],
    });
    const calls = renderZalo(CHAT, reply);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual({
      method: "sendMessage",
      params: {
        chat_id: CHAT,
        text: "Bước 1/4: Hiểu mã OTP\n\nOTP là mã số dùng một lần.\n\n1. Xong, tiếp tục\n2. Giải thích thêm\n\n(Gõ: nhắc lại · menu)",
      },
    });
  });

  it("splits long text into pieces of 1 to 2000 characters and loses nothing", () => {
    const paragraph = (i: number) => `Đoạn ${i}: ${"chữ ".repeat(60 + (i % 7) * 13)}`.trim();
    const long = Array.from({ length: 40 }, (_, i) => paragraph(i)).join("\n\n");
    const unbroken = "x".repeat(4500); // no space to cut at
    for (const body of [long, unbroken, `${long}\n\n${unbroken}`]) {
      const reply = withOptions(body, ["Một", "Hai"], { quick: ["repeat"] });
      const pieces = texts(renderZalo(CHAT, reply));
      expect(pieces.length).toBeGreaterThan(1);
      for (const p of pieces) {
        expect(p.length).toBeGreaterThanOrEqual(1);
        expect(p.length).toBeLessThanOrEqual(2000);
      }
      const squash = (s: string) => s.replace(/\s+/g, "");
      expect(squash(pieces.join(""))).toBe(squash(`${body}1.Một2.Hai(Gõ:nhắclại)`));
      expect(pieces.at(-1)).toContain("2. Hai");
    }
  });

  it("sends a lesson picture first, by its public URL under PUBLIC_BASE_URL, with the alt text as caption", () => {
    const reply: Reply = { text: "Mở ứng dụng VNeID.", image: { file: "màn hình 1.png", alt: "Màn hình chính của VNeID" } };
    const calls = renderZalo(CHAT, reply, "https://hoc.example.vn");
    expect(calls.map((c) => c.method)).toEqual(["sendPhoto", "sendMessage"]);
    expect(calls[0]?.params).toEqual({
      chat_id: CHAT,
      photo: "https://hoc.example.vn/media/m%C3%A0n%20h%C3%ACnh%201.png",
      caption: "Màn hình chính của VNeID",
    });
  });

  it("skips the picture when there is no public URL (Zalo could not fetch it)", () => {
    const reply: Reply = { text: "Mở ứng dụng VNeID.", image: { file: "vneid.png", alt: "Màn hình" } };
    expect(renderZalo(CHAT, reply).map((c) => c.method)).toEqual(["sendMessage"]);
  });
});

describe("reading Zalo events", () => {
  const message = (extra: Record<string, unknown> = {}) => ({
    from: { id: "u-1", display_name: "Bác Ba", is_bot: false },
    chat: { id: "c-1", chat_type: "PRIVATE" },
    message_id: "m-1",
    date: 1750316131602,
    ...extra,
  });

  it("turns a text message into an InboundMessage keyed by message_id", () => {
    expect(normaliseEvent({ event_name: "message.text.received", message: message({ text: "Xin chào" }) })).toEqual({
      kind: "message",
      event: "message.text.received",
      msg: { channel: "zalo", userKey: "u-1", chatId: "c-1", messageKey: "m-1", text: "Xin chào" },
    });
  });

  it("marks stickers, photos, voice and withheld content as media with no text", () => {
    for (const [name, media] of [
      ["message.sticker.received", "sticker"],
      ["message.image.received", "image"],
      ["message.voice.received", "voice"],
      ["message.unsupported.received", "unsupported"],
    ] as const) {
      const n = normaliseEvent({ event_name: name, message: message({ photo: "https://x/y.jpg", caption: "ảnh" }) });
      expect(n).toMatchObject({ kind: "message", msg: { media, text: "" } });
    }
  });

  it("ignores unknown events, group chats and bots; rejects malformed messages", () => {
    expect(normaliseEvent({ event_name: "message.reaction.received", message: { anything: 1 } })).toMatchObject({
      kind: "ignored",
      reason: "unknown_event",
    });
    expect(
      normaliseEvent({ event_name: "message.text.received", message: message({ text: "hi", chat: { id: "g", chat_type: "GROUP" } }) }),
    ).toMatchObject({
      kind: "ignored",
      reason: "group_chat",
    });
    expect(
      normaliseEvent({ event_name: "message.text.received", message: message({ text: "hi", from: { id: "b", is_bot: true } }) }),
    ).toMatchObject({
      kind: "ignored",
      reason: "from_bot",
    });
    expect(normaliseEvent({ event_name: "message.text.received", message: message() }).kind).toBe("invalid"); // no text
    expect(normaliseEvent({ event_name: "message.text.received", message: { text: "hi" } }).kind).toBe("invalid");
    expect(normaliseEvent({ message: message({ text: "hi" }) }).kind).toBe("invalid");
    expect(normaliseEvent("nope").kind).toBe("invalid");
  });

  it("accepts numeric ids as strings", () => {
    const n = normaliseEvent({
      event_name: "message.text.received",
      message: message({ text: "1", message_id: 42, from: { id: 7 }, chat: { id: 7 } }),
    });
    expect(n).toMatchObject({ kind: "message", msg: { userKey: "7", chatId: "7", messageKey: "42" } });
  });
});

describe("sending through the Zalo Bot API (fake server on loopback)", () => {
  let fake: FakeZalo;
  beforeEach(async () => {
    fake = await startFakeZalo();
  });
  afterEach(async () => {
    await fake.close();
  });

  const channel = (publicBaseUrl?: string) =>
    createZaloChannel({
      config: { token: TOKEN, webhookSecret: "s3cret-s3cret", apiRoot: fake.url, mode: "webhook" },
      logger: pino({ level: "silent" }),
      ...(publicBaseUrl ? { publicBaseUrl } : {}),
    });
  const hello = { method: "sendMessage", params: { chat_id: CHAT, text: "Xin chào" } };

  it("POSTs JSON to /bot<token>/<method>, and a success is ok", async () => {
    const { sender } = channel();
    expect(await sender.send(CHAT, hello)).toEqual({ ok: true });
    expect(fake.calls).toEqual([
      { method: "sendMessage", token: TOKEN, body: { chat_id: CHAT, text: "Xin chào" }, status: 200, delivered: true },
    ]);
    expect(fake.messagesTo(CHAT)).toEqual(["Xin chào"]);
  });

  it("maps failures: 429 waits as told, 5xx and network errors retry, 403 means blocked, other 4xx give up", async () => {
    const { sender } = channel();
    fake.failNext("sendMessage", [
      { status: 429, body: { ok: false, error_code: 429, description: "Too Many Requests", parameters: { retry_after: 3 } } },
      { status: 429, body: { ok: false, error_code: 429, description: "Too Many Requests" } },
      { status: 500 },
      { status: 502, body: "<html>Bad Gateway</html>" },
      { status: 200, body: { ok: false, error_code: 503, description: "Service Unavailable" } },
      { status: 403, body: { ok: false, error_code: 403, description: "Forbidden" } },
      { status: 200, body: { ok: false, error_code: 403, description: "Not allowed to message this user" } },
      { status: 400, body: { ok: false, error_code: 400, description: "Bad Request: text is too long" } },
      { status: 404, body: { ok: false, error_code: 404, description: "Not Found" } },
      { status: 200, body: "not json" },
    ]);
    const outcomes = [];
    for (let i = 0; i < 10; i++) outcomes.push(await sender.send(CHAT, hello));
    expect(outcomes).toEqual([
      { ok: false, retry: { afterMs: 3000 }, code: "429" },
      { ok: false, retry: { afterMs: undefined }, code: "429" },
      { ok: false, retry: {}, code: "500" },
      { ok: false, retry: {}, code: "502" },
      { ok: false, retry: {}, code: "503" },
      { ok: false, blocked: true, code: "403" },
      { ok: false, blocked: true, code: "403" },
      { ok: false, code: "400" },
      { ok: false, code: "404" },
      { ok: false, retry: {}, code: "bad_response" },
    ]);
    expect(await sender.send(CHAT, hello)).toEqual({ ok: true });
  });

  it("a server that is down or silent is retried (network error, timeout)", async () => {
    const closed = await startFakeZalo();
    await closed.close();
    const down = createZaloChannel({
      config: { token: TOKEN, webhookSecret: "s3cret-s3cret", apiRoot: closed.url, mode: "webhook" },
      logger: pino({ level: "silent" }),
    });
    expect(await down.sender.send(CHAT, hello)).toEqual({ ok: false, retry: {}, code: "network" });

    fake.hangNext("sendMessage");
    const client = createZaloClient({ token: TOKEN, apiRoot: fake.url, timeoutMs: 100 });
    const err = await client.call("sendMessage", hello.params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZaloHttpError);
    expect((err as ZaloHttpError).reason).toBe("timeout");
  });

  it("typing sends sendChatAction and never throws, even when the API fails", async () => {
    const { sender } = channel();
    await sender.typing?.(CHAT);
    fake.failNext("sendChatAction", [{ status: 500 }, { status: 403, body: { ok: false, error_code: 403, description: "Forbidden" } }]);
    await expect(sender.typing?.(CHAT)).resolves.toBeUndefined();
    await expect(sender.typing?.(CHAT)).resolves.toBeUndefined();
    expect(fake.callsTo(CHAT, "sendChatAction").map((c) => c.body)).toEqual(Array(3).fill({ chat_id: CHAT, action: "typing" }));
  });

  it("client helpers call the documented methods", async () => {
    const client = createZaloClient({ token: TOKEN, apiRoot: fake.url });
    expect(await client.getMe()).toMatchObject({ account_name: "binhdanhocai" });
    await client.setWebhook("https://hoc.example.vn/webhooks/zalo", "s3cret-s3cret");
    await client.getWebhookInfo();
    await client.deleteWebhook();
    expect(fake.calls.map((c) => [c.method, c.body])).toEqual([
      ["getMe", {}],
      ["setWebhook", { url: "https://hoc.example.vn/webhooks/zalo", secret_token: "s3cret-s3cret" }],
      ["getWebhookInfo", {}],
      ["deleteWebhook", {}],
    ]);
  });

  it("never lets the token out in an error: API errors, network errors, timeouts, bad URLs", async () => {
    const errors: unknown[] = [];
    const client = createZaloClient({ token: TOKEN, apiRoot: fake.url, timeoutMs: 100 });
    // An API that quotes the token back in its description.
    fake.failNext("sendMessage", [
      { status: 401, body: { ok: false, error_code: 401, description: `Unauthorized: bot${TOKEN} is invalid` } },
    ]);
    errors.push(await client.call("sendMessage", hello.params).catch((e: unknown) => e));
    fake.hangNext("sendMessage");
    errors.push(await client.call("sendMessage", hello.params).catch((e: unknown) => e));
    fake.failNext("sendMessage", [{ status: 502, body: `<html>upstream /bot${TOKEN}/sendMessage failed</html>` }]);
    errors.push(await client.call("sendMessage", hello.params).catch((e: unknown) => e));
    const closed = await startFakeZalo();
    await closed.close();
    errors.push(
      await createZaloClient({ token: TOKEN, apiRoot: closed.url })
        .call("getMe", {})
        .catch((e: unknown) => e),
    );
    // fetch's own message for an unparsable URL quotes the whole URL, token included.
    errors.push(
      await createZaloClient({ token: TOKEN, apiRoot: "http://exa mple" })
        .call("getMe", {})
        .catch((e: unknown) => e),
    );
    errors.push(
      await createZaloClient({
        token: TOKEN,
        apiRoot: "https://bot-api.example",
        fetch: async (url) => {
          throw new Error(`connect ECONNREFUSED while fetching ${String(url)}`);
        },
      })
        .call("getMe", {})
        .catch((e: unknown) => e),
    );

    expect(errors[0]).toBeInstanceOf(ZaloApiError);
    expect(errors[0]).toMatchObject({ errorCode: 401, httpStatus: 401 });
    expect((errors[0] as Error).message).toContain("/bot***/sendMessage");
    expect(errors[1]).toMatchObject({ name: "ZaloHttpError", reason: "timeout" });
    expect(errors[2]).toMatchObject({ name: "ZaloHttpError", reason: "bad_response", httpStatus: 502 });
    expect(errors[3]).toMatchObject({ name: "ZaloHttpError", reason: "network" });
    expect(errors[4]).toMatchObject({ name: "ZaloHttpError", reason: "network" });
    expect(errors[5]).toMatchObject({ name: "ZaloHttpError", reason: "network" });
    const secretPart = TOKEN.split(":")[1] as string;
    for (const err of errors) {
      const e = err as Error;
      for (const shown of [String(e), e.message, JSON.stringify(e), e.stack ?? "", inspect(e, { depth: 5 })]) {
        expect(shown).not.toContain(TOKEN);
        expect(shown).not.toContain(secretPart);
      }
    }
  });
});
