import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { type AdminDeps, registerAdmin, registerVerify } from "./admin/index.js";
import type { CertificateLookup } from "./admin/verify.js";
import { registerWebChat } from "./channels/web.js";
import type { Direct } from "./conversation/direct.js";
import type { ChannelAdapter, Inbox } from "./conversation/ports.js";
import type { ConversationService } from "./conversation/service.js";
import type { Curriculum } from "./curriculum/types.js";
import { registerMedia } from "./media.js";
import type { Transcriber } from "./voice/types.js";

export interface ServerDeps {
  /** Admin dashboard and reports; absent = no admin routes at all. */
  admin?: AdminDeps;
  logger: Logger;
  /** Whether the database answers (GET /health/ready). */
  databaseUp: () => Promise<boolean>;
  /** Certificates by code (GET /verify/<code>). */
  certificates: CertificateLookup;
  conversation: ConversationService;
  /** The web chat's messages, answered in the same request. */
  direct: Direct;
  inbox: Inbox;
  /** The messaging channels: each adds its webhook route. */
  channels: readonly ChannelAdapter[];
  curriculum: () => Curriculum | undefined;
  mediaDir: string;
  /** Fastify's trustProxy: whose X-Forwarded-* headers to believe (see Config.trustProxy). */
  trustProxy?: boolean | number | string;
  /** The public web chat; absent = off. */
  webChat?: { perMinute: number; newLearnersPerHour: number };
  /** Speech to text for the web chat's microphone; absent = no microphone. */
  transcriber?: Transcriber;
  /** Replies read aloud: their audio by key (the web chat's player). */
  audio?: (key: string) => Promise<Buffer | undefined>;
}

/** Builds the whole app; never listens (main.ts does, tests use inject() or listen on port 0). */
export function buildServer(deps: ServerDeps): FastifyInstance {
  // Webhooks get no per-request child logger (a hot path: one shared logger per route log level),
  // and their routes log at "warn": the conversation service writes one line per update, so
  // Fastify's "incoming request" / "request completed" lines would only double the volume (they
  // cost ~10 % of the CPU under a flood). Failures are still logged.
  const webhookLoggers = new Map<string, FastifyBaseLogger>();
  const webhookLogger = (logger: FastifyBaseLogger, level: string): FastifyBaseLogger => {
    let child = webhookLoggers.get(level);
    if (!child) {
      child = logger.child({}, { level });
      webhookLoggers.set(level, child);
    }
    return child;
  };
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: 256 * 1024,
    return503OnClosing: true,
    // A number of hops is a function for Fastify (proxy-addr counts hops from the socket).
    trustProxy:
      typeof deps.trustProxy === "number"
        ? (_address: string, hop: number) => hop < (deps.trustProxy as number)
        : (deps.trustProxy ?? false),
    childLoggerFactory: (logger, bindings, opts, rawReq) =>
      rawReq.url?.startsWith("/webhooks/") ? webhookLogger(logger, opts.level ?? logger.level) : logger.child(bindings, opts),
  }) as unknown as FastifyInstance;

  // One error handler: client errors say what was wrong, server errors say nothing of internals.
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err: { type: err.name, code: err.code, stack: err.stack } }, "request failed");
      return reply.code(status).send({ error: "internal_error", message: "Máy chủ đang gặp sự cố. Xin thử lại sau." });
    }
    const known: Record<string, string> = {
      FST_ERR_CTP_BODY_TOO_LARGE: "Nội dung gửi lên quá lớn.",
      FST_ERR_CTP_INVALID_MEDIA_TYPE: "Kiểu nội dung không được hỗ trợ.",
      FST_ERR_CTP_EMPTY_JSON_BODY: "Nội dung JSON bị trống.",
      FST_ERR_CTP_INVALID_JSON_BODY: "Nội dung JSON không hợp lệ.",
    };
    const message =
      (err.code && known[err.code]) ?? (status === 400 && err instanceof SyntaxError ? known.FST_ERR_CTP_INVALID_JSON_BODY : err.message);
    return reply.code(status).send({ error: err.code ?? "bad_request", message });
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: "not_found", message: "Không tìm thấy trang này." }));

  app.get("/health", () => ({ status: "ok" }));
  app.get("/health/ready", async (_req, reply) => {
    const db = await deps.databaseUp();
    const served = deps.curriculum();
    const ok = db && served !== undefined;
    // The lessons' version tells an operator (or a benchmark) that every instance serves the same files, and when an
    // edit is being served.
    return reply
      .code(ok ? 200 : 503)
      .send({ status: ok ? "ready" : "not_ready", db, curriculum: served !== undefined, ...(served ? { version: served.version } : {}) });
  });

  // Behind a proxy that is not trusted, every client has the proxy's address: limits would be shared by all.
  if (!deps.trustProxy) {
    let warned = false;
    app.addHook("onRequest", async (req) => {
      if (warned || req.headers["x-forwarded-for"] === undefined) return;
      warned = true;
      req.log.warn("requests come through a proxy (X-Forwarded-For) but TRUST_PROXY is not set: limits count the proxy's address");
    });
  }

  // Every response: not to be framed by another site, no content-type guessing, no referrer sent on.
  app.addHook("onSend", async (_req, reply) => {
    if (!reply.hasHeader("x-content-type-options")) reply.header("x-content-type-options", "nosniff");
    if (!reply.hasHeader("x-frame-options")) reply.header("x-frame-options", "DENY");
    if (!reply.hasHeader("referrer-policy")) reply.header("referrer-policy", "no-referrer");
  });

  registerMedia(app, deps.mediaDir);

  if (deps.webChat) {
    const { transcriber, conversation } = deps;
    registerWebChat(app, {
      conversation,
      direct: deps.direct,
      ...deps.webChat,
      ...(transcriber ? { listen: { transcriber, prompt: (userId: string) => conversation.listenWords("web", userId) } } : {}),
      ...(deps.audio ? { audio: deps.audio } : {}),
    });
  }
  registerVerify(app, { certificates: deps.certificates });
  if (deps.admin) registerAdmin(app, deps.admin);
  // Webhooks: 401 on a wrong secret before any parsing; 200 once the update is recorded in the inbox.
  for (const channel of deps.channels) channel.register(app, { inbox: deps.inbox });
  return app;
}
