import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { z } from "zod";
import type { ChannelConfig } from "../config.js";
import type { ChannelAdapter, Inbox } from "../conversation/ports.js";
import { type LearnerTag, learnerTagger } from "../conversation/service.js";
import type { InboundMessage, MediaKind } from "../conversation/types.js";
import { type Reply, renderPlain } from "../tutor/replies.js";
import { vi } from "../tutor/texts.vi.js";
import { urlAudioSource } from "../voice/url-source.js";
import { secretMatches } from "./secret.js";
import { type ChannelSender, type OutboundCall, type SendOutcome, splitText } from "./types.js";
import { createZaloClient, ZaloApiError, ZaloHttpError } from "./zalo-client.js";

// Zalo Bot Platform adapter: webhook (or long polling) → InboundMessage → inbox; Reply → API calls.
// Zalo has no buttons, so options are written as a numbered list the learner answers by typing.

export const ZALO_TEXT_MAX = 2000;
const WEBHOOK_PATH = "/webhooks/zalo";
const SECRET_HEADER = "x-bot-api-secret-token";
const BODY_LIMIT = 256 * 1024;

export interface ZaloChannelDeps {
  config: ChannelConfig;
  logger: Logger;
  /** Public https base of this server: lesson pictures are sent to Zalo as `${publicBaseUrl}/media/<file>`. */
  publicBaseUrl?: string;
  fetch?: typeof fetch;
  /** Long-polling backoff bounds (tests shorten them). */
  pollBackoff?: { minMs: number; maxMs: number };
  /** Pseudonyms of learners in the logs; default: under a random key. */
  learnerTag?: LearnerTag;
}

// ── inbound ────────────────────────────────────────────────────────────────────────────────

const id = z.union([z.string().trim().min(1).max(128), z.number().int().transform(String)]);

const messageSchema = z.looseObject({
  from: z.looseObject({ id, is_bot: z.boolean().optional() }),
  chat: z.looseObject({ id, chat_type: z.string().optional() }),
  message_id: id,
  text: z.string().optional(),
  voice_url: z.unknown().optional(),
});

/** A voice note's address: fetched when the update is worked (it may expire: soon after it arrives). */
const voiceUrl = z
  .string()
  .trim()
  .max(4096)
  .regex(/^https?:\/\//i);

const eventSchema = z.looseObject({ event_name: z.string().min(1).max(200), message: z.unknown().optional() });
const envelopeSchema = z.looseObject({ ok: z.boolean(), result: eventSchema });

const EVENTS: Record<string, MediaKind | "text"> = {
  "message.text.received": "text",
  "message.image.received": "image",
  "message.sticker.received": "sticker",
  "message.voice.received": "voice",
  "message.unsupported.received": "unsupported",
};

export type Normalised =
  | { kind: "message"; event: string; msg: InboundMessage }
  | { kind: "ignored"; event: string; reason: "unknown_event" | "group_chat" | "from_bot" }
  | { kind: "invalid"; event?: string };

/** One Zalo event (`{ event_name, message }`, webhook `result` or getUpdates item) → what the tutor reads. */
export function normaliseEvent(raw: unknown): Normalised {
  const ev = eventSchema.safeParse(raw);
  if (!ev.success) return { kind: "invalid" };
  const event = ev.data.event_name.slice(0, 64);
  const kind = Object.hasOwn(EVENTS, ev.data.event_name) ? EVENTS[ev.data.event_name] : undefined;
  if (!kind) return { kind: "ignored", event, reason: "unknown_event" };
  const m = messageSchema.safeParse(ev.data.message);
  if (!m.success) return { kind: "invalid", event };
  if (kind === "text" && typeof m.data.text !== "string") return { kind: "invalid", event };
  // This tutor is for private chats only (group chats are a Zalo beta).
  if (m.data.chat.chat_type !== undefined && m.data.chat.chat_type.toUpperCase() !== "PRIVATE")
    return { kind: "ignored", event, reason: "group_chat" };
  if (m.data.from.is_bot) return { kind: "ignored", event, reason: "from_bot" };
  const msg: InboundMessage = {
    channel: "zalo",
    userKey: m.data.from.id,
    chatId: m.data.chat.id,
    messageKey: m.data.message_id,
    text: kind === "text" ? (m.data.text ?? "") : "",
    ...(kind === "text" ? {} : { media: kind }),
  };
  if (kind === "voice") {
    const url = voiceUrl.safeParse(m.data.voice_url);
    if (url.success) msg.voice = { ref: url.data };
  }
  return { kind: "message", event, msg };
}

// ── outbound ───────────────────────────────────────────────────────────────────────────────

/** Pure: one reply → Zalo calls (optional picture first, then the text in pieces of at most 2000 characters). */
export function renderZalo(chatId: string, reply: Reply, publicBaseUrl?: string): OutboundCall[] {
  const calls: OutboundCall[] = [];
  if (reply.image && publicBaseUrl) {
    const photo = `${publicBaseUrl.replace(/\/+$/, "")}/media/${encodeURIComponent(reply.image.file)}`;
    const caption = reply.image.alt.trim().slice(0, ZALO_TEXT_MAX);
    calls.push({ method: "sendPhoto", params: { chat_id: chatId, photo, ...(caption ? { caption } : {}) } });
  }
  const text = renderPlain(reply, vi.quick, vi.quickHint);
  for (const piece of splitText(text, ZALO_TEXT_MAX)) calls.push({ method: "sendMessage", params: { chat_id: chatId, text: piece } });
  return calls;
}

/** Classifies a failed call for the outbox: retry later, learner unreachable, or give up. */
export function outcomeOf(err: unknown): SendOutcome {
  if (err instanceof ZaloApiError) {
    const code = String(err.errorCode);
    if (err.errorCode === 429 || err.httpStatus === 429) {
      return { ok: false, retry: { afterMs: err.retryAfter !== undefined ? err.retryAfter * 1000 : undefined }, code: "429" };
    }
    if (err.errorCode >= 500 || err.httpStatus >= 500) return { ok: false, retry: {}, code };
    if (err.errorCode === 403 || err.httpStatus === 403) return { ok: false, blocked: true, code: "403" };
    return { ok: false, code };
  }
  if (err instanceof ZaloHttpError) {
    const s = err.httpStatus;
    if (s === undefined) return { ok: false, retry: {}, code: err.reason };
    if (s === 429) return { ok: false, retry: { afterMs: err.retryAfter !== undefined ? err.retryAfter * 1000 : undefined }, code: "429" };
    if (s === 403) return { ok: false, blocked: true, code: "403" };
    if (s >= 400 && s < 500) return { ok: false, code: String(s) };
    // 5xx pages from a proxy, or a 2xx that is not an API envelope: transient as far as we can tell.
    return { ok: false, retry: {}, code: s >= 500 ? String(s) : "bad_response" };
  }
  return { ok: false, retry: {}, code: "error" };
}

// ── the channel ────────────────────────────────────────────────────────────────────────────

export function createZaloChannel(deps: ZaloChannelDeps): ChannelAdapter {
  const { config } = deps;
  const log = deps.logger.child({ channel: "zalo" });
  const learnerTag = deps.learnerTag ?? learnerTagger();
  const client = createZaloClient({ token: config.token, apiRoot: config.apiRoot, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const backoff = deps.pollBackoff ?? { minMs: 1000, maxMs: 30_000 };

  const sender: ChannelSender = {
    channel: "zalo",
    render: (chatId, reply) => renderZalo(chatId, reply, deps.publicBaseUrl),
    async send(_chatId, call) {
      try {
        await client.call(call.method, call.params);
        return { ok: true };
      } catch (err) {
        return outcomeOf(err);
      }
    },
    async typing(chatId) {
      try {
        await client.call("sendChatAction", { chat_id: chatId, action: "typing" }, { timeoutMs: 5000 });
      } catch (err) {
        log.debug(
          { method: "sendChatAction", code: (err as ZaloApiError).errorCode ?? (err as ZaloHttpError).reason },
          "typing indicator not sent",
        );
      }
    },
  };

  /** Checks one event; logs and returns what is not for the inbox. */
  function classify(raw: unknown): Normalised {
    const n = normaliseEvent(raw);
    if (n.kind === "invalid") log.warn({ event: n.event, outcome: "invalid" }, "zalo event rejected");
    if (n.kind === "ignored") log.info({ event: n.event, outcome: n.reason }, "zalo event ignored");
    return n;
  }

  function logEvent(n: Extract<Normalised, { kind: "message" }>, outcome: string | undefined): void {
    if (log.isLevelEnabled("debug")) log.debug({ event: n.event, learner: learnerTag("zalo", n.msg.userKey), outcome }, "zalo event");
  }

  /** Records one event in the inbox (polling: resolves after the commit). */
  async function accept(inbox: Inbox, raw: unknown): Promise<void> {
    const n = classify(raw);
    if (n.kind === "message") logEvent(n, await inbox.accept(n.msg));
  }

  function checkSecret(req: FastifyRequest, reply: FastifyReply, done: () => void): void {
    // Constant time, on sha256 digests (equal length whatever was sent).
    if (!secretMatches(req.headers[SECRET_HEADER], config.webhookSecret)) {
      log.warn({ outcome: "unauthorized" }, "zalo webhook: wrong or missing secret");
      void reply.code(401).send({ error: "unauthorized" });
      return;
    }
    done();
  }

  function register(app: FastifyInstance, { inbox }: { inbox: Inbox }): void {
    // An encapsulated scope: its own raw-body parser, so a malformed body is our 400, and the secret
    // check (onRequest) runs before any byte of the body is read.
    void app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser("*", { parseAs: "string", bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
      scope.post(WEBHOOK_PATH, { bodyLimit: BODY_LIMIT, onRequest: checkSecret, logLevel: "warn" }, async (req, reply) => {
        let raw: unknown;
        try {
          raw = typeof req.body === "string" ? JSON.parse(req.body) : undefined;
        } catch {
          raw = undefined;
        }
        const env = envelopeSchema.safeParse(raw);
        if (!env.success) {
          log.warn({ outcome: "invalid" }, "zalo webhook: malformed body");
          return reply.code(400).send({ error: "bad_request" });
        }
        const n = classify(env.data.result);
        if (n.kind === "invalid") return reply.code(400).send({ error: "bad_request" });
        if (n.kind !== "message") return reply.code(200).send({ ok: true });
        // 200 only once the event is committed (sent from inside the commit's turn); an error
        // becomes a 5xx and Zalo delivers the event again.
        inbox.acceptThen(n.msg, (err, outcome) => {
          if (err) return void reply.send(err);
          logEvent(n, outcome);
          void reply.code(200).send({ ok: true });
        });
        return reply;
      });
    });
  }

  let polling: { controller: AbortController; done: Promise<void> } | undefined;

  async function pollLoop(inbox: Inbox, signal: AbortSignal): Promise<void> {
    let delay = backoff.minMs;
    while (!signal.aborted) {
      try {
        const result = await client.getUpdates(30, signal);
        delay = backoff.minMs;
        const events = result == null ? [] : Array.isArray(result) ? result : [result];
        for (const ev of events) {
          if (signal.aborted) return;
          await accept(inbox, ev);
        }
      } catch (err) {
        if (signal.aborted) return;
        // A long poll that ended with nothing to report is not a failure.
        if (err instanceof ZaloApiError && err.errorCode === 408) continue;
        const code = err instanceof ZaloApiError ? err.errorCode : err instanceof ZaloHttpError ? (err.httpStatus ?? err.reason) : "error";
        log.warn({ method: "getUpdates", code, retryInMs: delay }, "zalo polling failed; backing off");
        // Node's own abortable sleep: a stop wakes it at once.
        await sleep(delay, undefined, { signal }).catch(() => undefined);
        delay = Math.min(delay * 2, backoff.maxMs);
      }
    }
  }

  return {
    channel: "zalo",
    mode: config.mode,
    // The Zalo Bot Platform asks bots to show "typing…" while they work on a message.
    typingWhen: "working",
    sender,
    voice: urlAudioSource(deps.fetch ? { fetch: deps.fetch } : {}),
    register,
    startPolling(inbox) {
      if (polling) return;
      const controller = new AbortController();
      log.info("zalo long polling started");
      const done = pollLoop(inbox, controller.signal).catch((err: Error) => {
        log.error({ err: { type: err.name } }, "zalo polling stopped unexpectedly");
      });
      polling = { controller, done };
    },
    async stopPolling() {
      if (!polling) return;
      const p = polling;
      polling = undefined;
      p.controller.abort();
      await p.done;
      log.info("zalo long polling stopped");
    },
  };
}
