import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A tiny stand-in for the Telegram Bot API on loopback: records every call, answers like Telegram,
// and can be told to fail the next calls of a method (429, 5xx, 403) or to hang.

export interface FakeCall {
  method: string;
  token: string;
  body: Record<string, unknown>;
  at: number;
  /** False when the fake answered with a scripted failure (or is hanging). */
  ok: boolean;
}

type Scripted = { status: number; body?: unknown } | "hang";

export async function startFakeTelegram() {
  const calls: FakeCall[] = [];
  const scripts = new Map<string, Scripted[]>();
  let nextMessageId = 1;
  const hanging: ServerResponse[] = [];
  /** Updates waiting to be fetched by long polling. */
  const updates: Array<{ update_id: number }> = [];
  /** Files the bot may download (getFile, then GET /file/bot<token>/<path>): content by file id. */
  const files = new Map<string, string>();
  /** File downloads made, by path (the token is checked, not recorded). */
  const downloads: string[] = [];

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      // latin1: an uploaded file's bytes survive as characters (JSON bodies are ASCII-escaped or UTF-8, decoded below).
      req.on("end", () => resolve(Buffer.concat(chunks).toString("latin1")));
    });

  const server = createServer(async (req, res) => {
    const download = /^\/file\/bot([^/]+)\/voice\/([\w-]+)\.oga$/.exec(req.url ?? "");
    if (req.method === "GET" && download) {
      const content = files.get(download[2] ?? "");
      downloads.push(`voice/${download[2]}.oga`);
      if (content === undefined) res.writeHead(404).end();
      else res.writeHead(200, { "content-type": "application/octet-stream" }).end(content);
      return;
    }
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
    const raw = await readBody(req);
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const [, token = "", method = ""] = m;
    let body: Record<string, unknown> = {};
    if ((req.headers["content-type"] ?? "").includes("json") && raw) body = JSON.parse(Buffer.from(raw, "latin1").toString("utf8"));
    else if (raw)
      body = {
        multipart: true,
        chat_id: /name="chat_id"\r\n\r\n([^\r]+)/.exec(raw)?.[1],
        filename: /filename="([^"]+)"/.exec(raw)?.[1],
        caption: /name="caption"\r\n\r\n([^\r]*)/.exec(raw)?.[1],
        /** The uploaded file's bytes, as latin1 characters. */
        file: /filename="[^"]*"\r\nContent-Type: [^\r]*\r\n\r\n([\s\S]*?)\r\n--/.exec(raw)?.[1],
      };
    const call: FakeCall = { method, token, body, at: Date.now(), ok: false };
    calls.push(call);
    const script = scripts.get(method)?.shift();
    if (script === "hang") {
      hanging.push(res);
      return;
    }
    if (script) {
      const failure = script.body ?? { ok: false, error_code: script.status, description: `Error ${script.status}` };
      res.writeHead(script.status, { "content-type": "application/json" }).end(JSON.stringify(failure));
      return;
    }
    let result: unknown = true;
    if (method === "getUpdates") {
      // Long polling: the updates after the offset, or an empty list after a short wait (as a long poll that times out).
      const offset = Number(body.offset ?? 0);
      const ready = () => updates.filter((u) => u.update_id >= offset);
      if (ready().length === 0) await new Promise((r) => setTimeout(r, 50));
      result = ready();
    } else if (method === "getMe")
      result = {
        id: 42,
        is_bot: true,
        first_name: "Fake",
        username: "fake_bot",
        can_join_groups: false,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
      };
    else if (method.startsWith("send"))
      result = {
        message_id: nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(body.chat_id), type: "private" },
        text: body.text,
        // A voice note keeps the file id Telegram gave it (or was sent by): the bot may send it again by that id.
        ...(method === "sendVoice"
          ? { voice: { file_id: typeof body.voice === "string" ? body.voice : `tg-voice-${nextMessageId}`, duration: 3 } }
          : {}),
      };
    else if (method === "getFile") {
      const fileId = String(body.file_id ?? "");
      if (!files.has(fileId)) {
        res
          .writeHead(400, { "content-type": "application/json" })
          .end(JSON.stringify({ ok: false, error_code: 400, description: "Bad Request: invalid file_id" }));
        return;
      }
      result = {
        file_id: fileId,
        file_unique_id: `u${fileId}`,
        file_size: Buffer.byteLength(files.get(fileId) ?? ""),
        file_path: `voice/${fileId}.oga`,
      };
    } else if (method === "getWebhookInfo") result = { url: "", has_custom_certificate: false, pending_update_count: 0 };
    call.ok = true;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, result }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    calls,
    /** The next calls of `method` get these answers, in order; then normal answers again. */
    failNext(method: string, answers: Scripted[]) {
      scripts.set(method, [...(scripts.get(method) ?? []), ...answers]);
    },
    /** An update for a bot that fetches them (long polling). */
    pushUpdate(update: { update_id: number }) {
      updates.push(update);
    },
    /** A voice note's audio the bot can fetch by its file id (getFile, then the download). */
    addFile(fileId: string, content: string) {
      files.set(fileId, content);
    },
    downloads,
    /** Forgets scripted failures not used yet. */
    clearScripts() {
      scripts.clear();
    },
    sent(chatId: number | string, method = "sendMessage") {
      return calls.filter((c) => c.method === method && String(c.body.chat_id) === String(chatId));
    },
    texts(chatId: number | string) {
      return this.sent(chatId).map((c) => String(c.body.text));
    },
    /** The inline keyboard of the last message sent to the chat, as [text, callback_data] pairs. */
    lastButtons(chatId: number | string): Array<[string, string]> {
      const last = this.sent(chatId).at(-1);
      const rows =
        (last?.body.reply_markup as { inline_keyboard?: Array<Array<{ text: string; callback_data: string }>> })?.inline_keyboard ?? [];
      return rows.flat().map((b) => [b.text, b.callback_data]);
    },
    async close() {
      for (const h of hanging) h.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let updateId = 1000;
const from = (userId: number) => ({ id: userId, is_bot: false, first_name: "Bác" });
const privateMessage = (userId: number, id: number, content: Record<string, unknown>) => ({
  update_id: id,
  message: { message_id: id, date: 1_750_000_000, chat: { id: userId, type: "private" }, from: from(userId), ...content },
});
export const tgText = (userId: number, text: string, id = ++updateId) => privateMessage(userId, id, { text });
export const tgSticker = (userId: number, id = ++updateId) => privateMessage(userId, id, { sticker: { file_id: "s" } });
export const tgVoice = (userId: number, fileId: string, duration = 3, id = ++updateId) =>
  privateMessage(userId, id, {
    voice: { file_id: fileId, file_unique_id: `u${fileId}`, duration, mime_type: "audio/ogg", file_size: 2000 },
  });
export const tgButton = (userId: number, data: string, id = ++updateId) => ({
  update_id: id,
  callback_query: {
    id: `cq${id}`,
    from: from(userId),
    chat_instance: "x",
    data,
    message: { message_id: 1, date: 1_750_000_000, chat: { id: userId, type: "private" } },
  },
});

/** The webhook secret the tests' bots use. */
export const TG_SECRET = "tg_secret_for_tests";

/** What the app needs to serve a Telegram bot whose Bot API is the stand-in at `apiRoot`. */
export const telegramEnv = (apiRoot: string) => ({
  TELEGRAM_BOT_TOKEN: "123456:TEST-token",
  TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
  TELEGRAM_API_ROOT: apiRoot,
});

/** Posts an update to the app's Telegram webhook with the given secret header (null: none). */
export function postTelegram(
  app: { server: { inject: (o: object) => Promise<{ statusCode: number }> } },
  update: unknown,
  secret: string | null,
) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret !== null) headers["x-telegram-bot-api-secret-token"] = secret;
  return app.server.inject({ method: "POST", url: "/webhooks/telegram", payload: JSON.stringify(update), headers });
}

/** The bot's text as a Telegram client shows it (and sends back in reply_to_message): HTML tags gone, entities read. */
export const plainText = (html: string) =>
  html
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

const groupChat = (chatId: number) => ({ id: chatId, type: "supergroup", title: "Tổ công nghệ số" });

/** A member of a group writes in it; `replyTo`: the bot's message they answer (its text as the client shows it). */
export const tgGroupText = (chatId: number, userId: number, text: string, replyTo?: string, id = ++updateId) => ({
  update_id: id,
  message: {
    message_id: id,
    date: 1_750_000_000,
    chat: groupChat(chatId),
    from: from(userId),
    text,
    ...(replyTo !== undefined
      ? {
          reply_to_message: {
            message_id: 7,
            date: 1_750_000_000,
            chat: groupChat(chatId),
            from: { id: 42, is_bot: true, first_name: "Fake" },
            text: replyTo,
          },
        }
      : {}),
  },
});

/** A member of a group taps a button under the bot's message (`messageText`: that message's text). */
export const tgGroupButton = (chatId: number, userId: number, data: string, messageText: string, id = ++updateId) => ({
  update_id: id,
  callback_query: {
    id: `cq${id}`,
    from: from(userId),
    chat_instance: "g",
    data,
    message: {
      message_id: 8,
      date: 1_750_000_000,
      chat: groupChat(chatId),
      from: { id: 42, is_bot: true, first_name: "Fake" },
      text: messageText,
    },
  },
});
