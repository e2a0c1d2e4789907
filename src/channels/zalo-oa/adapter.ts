import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import type { ZaloOaConfig } from "../../config.js";
import type { ChannelAdapter, Inbox, ZaloOaStore } from "../../conversation/ports.js";
import { type LearnerTag, learnerTagger } from "../../conversation/service.js";
import { createZaloOaMetrics } from "../../metrics.js";
import { urlAudioSource } from "../../voice/url-source.js";
import { createOaClient } from "./client.js";
import { normaliseOaEvent, type OaEvent } from "./events.js";
import { fitAllowance } from "./render.js";
import { createOaSender } from "./send.js";
import { signatureMatches, signatureShaped, signedTimestamp } from "./signature.js";
import { createOaTokens } from "./tokens.js";

// Zalo Official Account: the webhook checks Zalo's signature on the raw bytes, records the event in the inbox and
// answers 200 (Zalo wants it within 2 seconds); the worker answers later, through the outbox and this adapter's
// sender. There is no polling: Zalo delivers to the URL set in the OA's developer console.

const WEBHOOK_PATH = "/webhooks/zalo-oa";
const SIGNATURE_HEADER = "x-zevent-signature";
/** One event is a small JSON object. */
const BODY_LIMIT = 64 * 1024;
/** An OA may write to a follower within 48 hours of their last message (free replies); later only paid messages reach them. */
export const OA_REPLY_WINDOW_MS = 48 * 3600_000;
/** How often the tokens are looked at while nobody writes (refreshed ahead of expiry; the refresh token's life starts again with it). */
const TOKEN_CHECK_MS = 5 * 60_000;
const OK = { ok: true } as const;

export interface ZaloOaChannelDeps {
  config: ZaloOaConfig;
  logger: Logger;
  /** Lesson pictures, uploaded to Zalo once each. */
  mediaDir: string;
  /** Tokens and uploaded pictures' ids, shared by every instance. */
  store: ZaloOaStore;
  /** /metrics: the token's health and the learners left out of reminders (a registry of its own when absent). */
  registry?: Registry;
  learnerTag?: LearnerTag;
  fetch?: typeof fetch;
}

export function createZaloOaChannel(deps: ZaloOaChannelDeps): ChannelAdapter {
  const { config } = deps;
  const log = deps.logger.child({ channel: "zalo-oa" });
  const learnerTag = deps.learnerTag ?? learnerTagger();
  const client = createOaClient({
    apiRoot: config.apiRoot,
    oauthRoot: config.oauthRoot,
    appId: config.appId,
    appSecret: config.appSecret,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const tokens = createOaTokens({
    store: deps.store,
    refresh: (refreshToken) => client.refresh(refreshToken),
    initial: { refreshToken: config.refreshToken, ...(config.accessToken ? { accessToken: config.accessToken } : {}) },
    log,
  });
  const metrics = createZaloOaMetrics(deps.registry ?? new Registry(), tokens.ok);
  const sender = createOaSender({ client, tokens, store: deps.store, mediaDir: deps.mediaDir, log });
  let tokenTimer: NodeJS.Timeout | undefined;

  function logEvent(n: Extract<OaEvent, { kind: "message" }>, outcome: string | undefined): void {
    if (log.isLevelEnabled("debug"))
      log.debug({ event: n.event, learner: learnerTag("zalo-oa", n.msg.userKey), kind: n.msg.media ?? "text", outcome }, "zalo-oa event");
  }

  /** 401 before the body is read when there is no signature of the right shape at all. */
  function signaturePresent(req: FastifyRequest, reply: FastifyReply, done: () => void): void {
    if (signatureShaped(req.headers[SIGNATURE_HEADER])) {
      done();
      return;
    }
    log.warn({ outcome: "unauthorized" }, "zalo-oa webhook: missing or malformed signature");
    void reply.code(401).send({ error: "unauthorized" });
  }

  function register(app: FastifyInstance, { inbox }: { inbox: Inbox }): void {
    // An encapsulated scope with its own parser: the body stays the raw bytes Zalo signed (never re-serialised JSON).
    void app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
      scope.post(WEBHOOK_PATH, { bodyLimit: BODY_LIMIT, onRequest: signaturePresent, logLevel: "warn" }, async (req, reply) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : undefined;
        const signed = raw ? signedTimestamp(raw) : undefined;
        if (!raw || !signed || !signatureMatches(req.headers[SIGNATURE_HEADER], config.appId, raw, signed.timestamp, config.secretKey)) {
          log.warn({ outcome: "unauthorized" }, "zalo-oa webhook: wrong signature");
          return reply.code(401).send({ error: "unauthorized" });
        }
        const n = normaliseOaEvent(signed.json);
        if (n.kind === "invalid") {
          // Signed by Zalo, so sending it again would bring the same bytes: 200, and a line for the operator.
          log.warn({ event: n.event, outcome: "invalid" }, "zalo-oa event not understood");
          return reply.code(200).send(OK);
        }
        if (n.kind === "ignored") {
          // Our own messages' echoes and receipts come with every send: not worth a line each.
          if (n.reason === "unknown_event") log.info({ event: n.event, outcome: n.reason }, "zalo-oa event ignored");
          else if (log.isLevelEnabled("debug")) log.debug({ event: n.event, outcome: n.reason }, "zalo-oa event ignored");
          return reply.code(200).send(OK);
        }
        // 200 once the event is recorded (the inbox deduplicates on msg_id); an error becomes a 5xx and Zalo
        // delivers it again.
        inbox.acceptThen(n.msg, (err, outcome) => {
          if (err) return void reply.send(err);
          logEvent(n, outcome);
          void reply.code(200).send(OK);
        });
        return reply;
      });
    });
    // Tokens are started from the environment (or taken from the store) now, and kept fresh while nobody writes.
    const check = () =>
      void tokens.current().catch((err: Error) => log.warn({ err: { type: err.name } }, "zalo-oa: no working token for now"));
    check();
    tokenTimer ??= setInterval(check, TOKEN_CHECK_MS);
    tokenTimer.unref();
  }

  return {
    channel: "zalo-oa",
    mode: "webhook",
    // The reference names no "typing…" call for OAs.
    typingWhen: "slow",
    voice: urlAudioSource(deps.fetch ? { fetch: deps.fetch } : {}),
    sender,
    register,
    replyWindow: {
      ms: OA_REPLY_WINDOW_MS,
      outside: (kind, n) => metrics.outsideWindow.inc({ kind }, n),
    },
    // A turn's replies fit in the 8 free replies one learner message allows.
    shapeTurn: (replies) => fitAllowance(replies),
    health: () => ({ ok: tokens.ok() }),
    startPolling() {
      // Webhook only.
    },
    async stopPolling() {
      if (tokenTimer) clearInterval(tokenTimer);
      tokenTimer = undefined;
    },
  };
}
