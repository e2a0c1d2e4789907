import { readFile } from "node:fs/promises";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { z } from "zod";
import type { ChannelConfig } from "../config.js";
import type { ChannelAdapter, Inbox } from "../conversation/ports.js";
import { type LearnerTag, learnerTagger } from "../conversation/service.js";
import type { InboundMessage, MediaKind } from "../conversation/types.js";
import type { QuickAction, Reply } from "../tutor/replies.js";
import { downloadBounded } from "../voice/download.js";
import { type AudioSource, VoiceError } from "../voice/types.js";
import { BotApiNetworkError, type BotApiReply, createBotApi } from "./bot-api.js";
import { secretMatches } from "./secret.js";
import { normalizeStaffUpdate, type TelegramStaff } from "./telegram-staff.js";
import { type ChannelSender, type OutboundCall, type SendOutcome, splitText } from "./types.js";

// Telegram: the webhook (or long polling) only records the update; replies go out via the outbox, each call made
// by our one Bot API client (bot-api.ts).

const SECRET_HEADER = "x-telegram-bot-api-secret-token";
/** The webhook's 200 body, serialized once. */
const OK_BODY = '{"ok":true}';
const JSON_TYPE = "application/json; charset=utf-8";
const MAX_TEXT = 4096;
/** Raw text is split below the limit so escaping (&amp; …) and <b> tags still fit. */
const SPLIT_AT = 3500;
/** Comfortable button text on a small phone. */
const BUTTON_CHARS = 32;

const QUICK_BUTTONS: Record<QuickAction, { text: string; data: string; command: string }> = {
  repeat: { text: "🔁 Nhắc lại", data: "q:repeat", command: "nhắc lại" },
  back: { text: "⬅️ Quay lại", data: "q:back", command: "quay lại" },
  menu: { text: "📚 Menu", data: "q:menu", command: "menu" },
};

/** The Bot API methods the outbox calls with JSON parameters (sendPhoto uploads through grammY). */
const JSON_METHODS = new Set(["sendMessage", "answerCallbackQuery", "sendChatAction"]);
/** How long one long poll waits for updates. */
const POLL_SECONDS = 30;

const chat = z.looseObject({ id: z.number().int(), type: z.string() });
const user = z.looseObject({ id: z.number().int() });

/** What we need of an update; everything else passes through untouched. */
export const updateSchema = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: z
    .looseObject({
      message_id: z.number().int(),
      date: z.number().int(),
      chat,
      from: user.optional(),
      text: z.string().max(4096).optional(),
    })
    .optional(),
  callback_query: z
    .looseObject({
      id: z.string().min(1),
      from: user,
      data: z.string().max(64).optional(),
      message: z.looseObject({ chat }).optional(),
    })
    .optional(),
});
type Update = z.infer<typeof updateSchema>;

const MEDIA_FIELDS: Array<[string, MediaKind]> = [
  ["sticker", "sticker"],
  ["photo", "image"],
  ["voice", "voice"],
  ["audio", "voice"],
  ["video", "video"],
  ["video_note", "video"],
  ["animation", "video"],
  ["document", "file"],
  ["location", "location"],
  ["venue", "location"],
];

/** A voice note (or an audio file): its file id and length; anything else of it is dropped. */
const voiceSchema = z.looseObject({
  file_id: z.string().min(1).max(512),
  duration: z.number().nonnegative().optional(),
});

/** What getFile answers: where to download the file from. */
const fileSchema = z.looseObject({ file_path: z.string().min(1).max(1024), file_size: z.number().int().nonnegative().optional() });

const AUDIO_TYPES: Record<string, string> = {
  ogg: "audio/ogg",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  mp4: "audio/mp4",
  wav: "audio/wav",
  webm: "audio/webm",
  flac: "audio/flac",
};

/** A Telegram update → the one inbound shape, or undefined for updates the tutor does not handle. */
export function normalizeUpdate(update: Update): (InboundMessage & { callbackId?: string }) | undefined {
  const messageKey = String(update.update_id);
  const m = update.message;
  if (m) {
    if (m.chat.type !== "private" || !m.from) return undefined; // this tutor is for private chats
    const base = { channel: "telegram" as const, userKey: String(m.from.id), chatId: String(m.chat.id), messageKey };
    if (typeof m.text === "string") return { ...base, text: m.text };
    const media = MEDIA_FIELDS.find(([field]) => field in m)?.[1] ?? "unsupported";
    const voice = media === "voice" ? voiceSchema.safeParse(m.voice ?? m.audio) : undefined;
    if (voice?.success) {
      const { file_id, duration } = voice.data;
      return { ...base, text: "", media, voice: { ref: file_id, ...(duration !== undefined ? { durationSec: duration } : {}) } };
    }
    return { ...base, text: "", media };
  }
  const cq = update.callback_query;
  if (cq) {
    const chatId = cq.message?.chat.id ?? cq.from.id;
    if (cq.message && cq.message.chat.type !== "private") return undefined;
    const quick = Object.values(QUICK_BUTTONS).find((q) => q.data === cq.data);
    const text = quick ? quick.command : (cq.data ?? "");
    return { channel: "telegram", userKey: String(cq.from.id), chatId: String(chatId), messageKey, text, callbackId: cq.id };
  }
  return undefined;
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Our only markup is **bold**: escape everything, then add <b>. */
export function toTelegramHtml(text: string): string {
  return escapeHtml(text).replace(/\*\*(.+?)\*\*/gs, "<b>$1</b>");
}

export function renderTelegram(chatId: string, reply: Reply): OutboundCall[] {
  const calls: OutboundCall[] = [];
  // Read aloud: the voice note first, so the text and its buttons stay last, where the learner answers.
  if (reply.audio) calls.push({ method: "sendVoice", params: { chat_id: chatId, voice: { audio: reply.audio.key } } });
  if (reply.image) {
    calls.push({
      method: "sendPhoto",
      params: { chat_id: chatId, photo: { media: reply.image.file }, caption: reply.image.alt.slice(0, 1024) },
    });
  }
  const rows: Array<Array<{ text: string; callback_data: string }>> = [];
  // Buttons do not wrap on small screens: long labels are shortened on the button and listed in full in the text.
  const short = (label: string) => (label.length > BUTTON_CHARS ? `${label.slice(0, BUTTON_CHARS - 1).trimEnd()}…` : label);
  for (const o of reply.options ?? []) rows.push([{ text: `${o.value}. ${short(o.label)}`, callback_data: o.value }]);
  const anyShortened = (reply.options ?? []).some((o) => o.label.length > BUTTON_CHARS);
  const body = anyShortened ? `${reply.text}\n\n${(reply.options ?? []).map((o) => `${o.value}. ${o.label}`).join("\n")}` : reply.text;
  if (reply.quick?.length) rows.push(reply.quick.map((q) => ({ text: QUICK_BUTTONS[q].text, callback_data: QUICK_BUTTONS[q].data })));
  const pieces = splitText(body, SPLIT_AT);
  pieces.forEach((piece, i) => {
    const params: Record<string, unknown> = {
      chat_id: chatId,
      text: toTelegramHtml(piece).slice(0, MAX_TEXT),
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
    };
    if (i === pieces.length - 1 && rows.length > 0) params.reply_markup = { inline_keyboard: rows };
    calls.push({ method: "sendMessage", params });
  });
  return calls;
}

/** What the outbox should do after the Bot API refused a call (`ok: false`). */
function classifyRefusal(errorCode: number, description: string, retryAfterS: number | undefined): SendOutcome {
  const code = `tg_${errorCode}`;
  if (errorCode === 429) return { ok: false, retry: { afterMs: (retryAfterS ?? 1) * 1000 }, code };
  if (errorCode === 403) return { ok: false, blocked: true, code };
  if (errorCode >= 500) return { ok: false, retry: {}, code };
  if (errorCode === 400 && /chat not found|user is deactivated/i.test(description)) return { ok: false, blocked: true, code };
  return { ok: false, code };
}

/** Maps a Bot API answer to what the outbox should do. */
export function classifyBotApiReply(reply: BotApiReply): SendOutcome {
  if (reply.ok) return { ok: true };
  return classifyRefusal(reply.error_code ?? 0, reply.description ?? "", reply.parameters?.retry_after);
}

/** Maps a call that got no Bot API answer to what the outbox should do; never includes the token. */
export function classifyTelegramError(err: unknown): SendOutcome {
  if (err instanceof BotApiNetworkError) return { ok: false, retry: {}, code: "tg_http" };
  return { ok: false, retry: {}, code: "tg_unknown" };
}

export function createTelegramChannel(deps: {
  config: ChannelConfig;
  logger: Logger;
  mediaDir: string;
  timeoutSeconds?: number;
  learnerTag?: LearnerTag;
  /** Long-polling backoff bounds (tests shorten them). */
  pollBackoff?: { minMs: number; maxMs: number };
  /** A reply's audio (read aloud) by its key; absent: the channel does not send voice notes. */
  audio?: (key: string) => Promise<Buffer | undefined>;
  /** The hand-off's staff group, if set up (telegram-staff.ts). */
  staff?: TelegramStaff;
}): ChannelAdapter {
  const { config, logger } = deps;
  const learnerTag = deps.learnerTag ?? learnerTagger();
  const log = logger.child({ channel: "telegram" });
  // Keep connections to the Bot API open: a new TCP (and TLS) connection per message is the costliest part of sending.
  const agent = config.apiRoot.startsWith("https:")
    ? new HttpsAgent({ keepAlive: true, maxSockets: 64 })
    : new HttpAgent({ keepAlive: true, maxSockets: 64 });
  const timeoutMs = (deps.timeoutSeconds ?? 10) * 1000;
  const botApi = createBotApi({ apiRoot: config.apiRoot, token: config.token, agent, timeoutMs });
  const backoff = deps.pollBackoff ?? { minMs: 1000, maxMs: 30_000 };
  /** Audio Telegram already holds, by our key: sent again by its file_id instead of uploaded again. */
  const uploaded = new Map<string, string>();
  const voiceReply = z.looseObject({ voice: z.looseObject({ file_id: z.string() }) });

  /** A step read aloud: by file_id once Telegram has it, otherwise uploaded from the audio cache. */
  async function sendVoice(params: Record<string, unknown>): Promise<SendOutcome> {
    const { voice, ...rest } = params as { voice?: { audio?: string } } & Record<string, unknown>;
    const key = voice?.audio ?? "";
    const known = uploaded.get(key);
    if (known) return classifyBotApiReply(await botApi.call("sendVoice", { ...rest, voice: known }));
    const content = await deps.audio?.(key);
    if (!content) return { ok: false, code: "audio_missing" };
    const reply = await botApi.upload("sendVoice", rest, { field: "voice", filename: `${key.slice(0, 16)}.mp3`, content });
    const sent = voiceReply.safeParse(reply.result);
    if (reply.ok && sent.success) {
      if (uploaded.size >= 10_000) uploaded.clear();
      uploaded.set(key, sent.data.voice.file_id);
    }
    return classifyBotApiReply(reply);
  }

  function logUpdate(msg: InboundMessage & { callbackId?: string }, outcome: string | undefined): void {
    if (!log.isLevelEnabled("debug")) return;
    log.debug(
      {
        update: msg.messageKey,
        learner: learnerTag("telegram", msg.userKey),
        outcome,
        kind: msg.callbackId ? "button" : (msg.media ?? "text"),
      },
      "update",
    );
  }

  /** A learner's update, or a staff member's in the staff group. */
  const inbound = (update: Update) => normalizeUpdate(update) ?? (deps.staff ? normalizeStaffUpdate(update, deps.staff) : undefined);

  /** Records one update durably (polling: resolves after the commit). */
  async function record(inbox: Inbox, update: Update): Promise<void> {
    const msg = inbound(update);
    if (!msg) return;
    logUpdate(msg, await inbox.accept(msg));
  }

  let polling: { controller: AbortController; done: Promise<void> } | undefined;

  /**
   * Long polling (development, or a server Telegram cannot reach): each update is recorded before the next offset is
   * asked for, so one that could not be recorded is fetched again instead of being lost.
   */
  async function pollLoop(inbox: Inbox, signal: AbortSignal): Promise<void> {
    let delay = backoff.minMs;
    let offset: number | undefined;
    let webhookGone = false;
    while (!signal.aborted) {
      try {
        // getUpdates is refused while a webhook is set.
        if (!webhookGone) webhookGone = (await botApi.call("deleteWebhook", {}, { signal })).ok;
        const reply = await botApi.call(
          "getUpdates",
          { timeout: POLL_SECONDS, allowed_updates: ["message", "callback_query"], ...(offset !== undefined ? { offset } : {}) },
          { timeoutMs: (POLL_SECONDS + 10) * 1000, signal },
        );
        if (!reply.ok) throw new Error(`getUpdates refused (${reply.error_code ?? 0})`);
        delay = backoff.minMs;
        for (const raw of Array.isArray(reply.result) ? reply.result : []) {
          if (signal.aborted) return;
          const parsed = updateSchema.safeParse(raw);
          if (parsed.success) await record(inbox, parsed.data);
          const id = (raw as { update_id?: unknown }).update_id;
          if (typeof id === "number") offset = id + 1;
        }
      } catch (err) {
        if (signal.aborted) return;
        log.warn({ method: "getUpdates", err: { type: (err as Error).name }, retryInMs: delay }, "telegram polling failed; backing off");
        // Node's own abortable sleep: a stop wakes it at once.
        await sleep(delay, undefined, { signal }).catch(() => undefined);
        delay = Math.min(delay * 2, backoff.maxMs);
      }
    }
  }

  const sender: ChannelSender = {
    channel: "telegram",
    render: renderTelegram,
    // A tapped button is answered, or the learner's app shows a spinner on it.
    acknowledge: (id) => ({ method: "answerCallbackQuery", params: { callback_query_id: id } }),
    async send(_chatId, call) {
      try {
        if (call.method === "sendPhoto") {
          // A lesson picture, uploaded from the media folder (Telegram cannot fetch it from a private server).
          const { photo, ...rest } = call.params as { photo?: { media?: string } } & Record<string, unknown>;
          const file = photo?.media ?? "";
          if (!/^[\w.-]+$/.test(file)) return { ok: false, code: "bad_media_name" };
          const content = await readFile(join(deps.mediaDir, file)).catch(() => undefined);
          if (!content) return { ok: false, code: "media_missing" };
          return classifyBotApiReply(await botApi.upload("sendPhoto", rest, { field: "photo", filename: file, content }));
        }
        if (call.method === "sendVoice") return await sendVoice(call.params);
        if (!JSON_METHODS.has(call.method)) return { ok: false, code: "unknown_method" };
        return classifyBotApiReply(await botApi.call(call.method, call.params));
      } catch (err) {
        return classifyTelegramError(err);
      }
    },
    async typing(chatId) {
      await botApi.call("sendChatAction", { chat_id: chatId, action: "typing" }).catch(() => undefined);
    },
  };

  /** A voice note's audio: getFile for its path, then the file itself (the link holds the token: never logged). */
  const voice: AudioSource = {
    async fetch(fileId, limits) {
      let reply: BotApiReply;
      try {
        reply = await botApi.call("getFile", { file_id: fileId }, { signal: limits.signal });
      } catch {
        throw new VoiceError(limits.signal.aborted ? "timeout" : "download");
      }
      const file = fileSchema.safeParse(reply.result);
      if (!reply.ok || !file.success) throw new VoiceError("download");
      if ((file.data.file_size ?? 0) > limits.maxBytes) throw new VoiceError("too_big");
      const path = file.data.file_path.split("/").map(encodeURIComponent).join("/");
      const bytes = await downloadBounded(`${config.apiRoot}/file/bot${config.token}/${path}`, limits);
      // Voice notes come as .oga (OGG/Opus); speech endpoints know it as .ogg.
      const found = /\.([a-z0-9]{2,5})$/i.exec(file.data.file_path)?.[1]?.toLowerCase();
      const ext = found && found !== "oga" && AUDIO_TYPES[found] ? found : "ogg";
      return { bytes, filename: `voice.${ext}`, mime: AUDIO_TYPES[ext] ?? "audio/ogg" };
    },
  };

  return {
    channel: "telegram",
    mode: config.mode,
    typingWhen: "slow",
    sender,
    voice,
    playsAudio: deps.audio !== undefined,
    ...(deps.staff ? { staffDesk: { channel: "telegram" as const, chatId: deps.staff.chatId } } : {}),
    register(app, { inbox }) {
      // The webhook path is ours, not grammY's webhookCallback: it only has to check the secret,
      // validate, record and answer 200, and a grammY Context per update cost more than all of that.
      app.post(
        "/webhooks/telegram",
        {
          // One line per update comes from the conversation service; no per-request access log here.
          logLevel: "warn",
          // 401 before anything else: the secret is checked (in constant time) before the body is
          // parsed. Callback-style hook and handler: no promise per request on this hot path.
          onRequest: (req, reply, done) => {
            if (secretMatches(req.headers[SECRET_HEADER], config.webhookSecret)) return done();
            log.warn("webhook call with a wrong or missing secret");
            void reply.code(401).send({ error: "unauthorized" });
          },
        },
        (req, reply) => {
          const parsed = updateSchema.safeParse(req.body);
          if (!parsed.success) return void reply.code(400).send({ error: "bad_request", message: "not a Telegram update" });
          const msg = inbound(parsed.data);
          if (!msg) return void reply.type(JSON_TYPE).send(OK_BODY); // not for the tutor (another group, an edit…)
          // 200 only once the update is committed; an error (a locked database) becomes a 5xx and
          // Telegram delivers the update again. The answer is sent from inside the commit's turn.
          inbox.acceptThen(msg, (err, outcome) => {
            if (err) return void reply.send(err);
            logUpdate(msg, outcome);
            void reply.type(JSON_TYPE).send(OK_BODY);
          });
        },
      );
    },
    startPolling(inbox) {
      if (polling) return;
      const controller = new AbortController();
      log.info("Telegram long polling started");
      polling = { controller, done: pollLoop(inbox, controller.signal) };
    },
    async stopPolling() {
      if (!polling) return;
      polling.controller.abort();
      await polling.done;
      polling = undefined;
    },
  };
}
