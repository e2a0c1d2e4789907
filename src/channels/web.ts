import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Direct } from "../conversation/direct.js";
import type { ConversationService } from "../conversation/service.js";
import type { Reply } from "../tutor/replies.js";
import { vi } from "../tutor/texts.vi.js";
import { sniffAudio } from "../voice/audio.js";
import { MAX_VOICE_BYTES } from "../voice/stt.js";
import { TTS_FORMAT, TTS_MIME } from "../voice/tts.js";
import { problemOf, type Transcriber } from "../voice/types.js";

// The local web chat: a single page (no build step) over one JSON endpoint, with the microphone's upload and the
// read-aloud player's audio beside it.

const page = readFileSync(new URL("./web/index.html", import.meta.url), "utf8");

/** The page's one script and one stylesheet, allowed by their hashes: no other inline code can run. */
const hashOf = (tag: string) => {
  const body = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(page)?.[1] ?? "";
  return `'sha256-${createHash("sha256").update(body).digest("base64")}'`;
};
const PAGE_CSP = [
  "default-src 'self'",
  `script-src ${hashOf("script")}`,
  `style-src ${hashOf("style")}`,
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const userIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "userId phải gồm 8–64 ký tự chữ, số, - hoặc _");
const voiceQuery = z.object({
  userId: userIdSchema,
  messageId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "messageId phải gồm 1–64 ký tự chữ, số, - hoặc _"),
});
const chatBody = z.object({
  userId: userIdSchema,
  messageId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "messageId phải gồm 1–64 ký tự chữ, số, - hoặc _"),
  text: z.string().max(2000, "Tin nhắn dài quá 2000 ký tự"),
});

export interface WebReply extends Omit<Reply, "image" | "audio" | "speak"> {
  image?: { url: string; alt: string };
  /** The reply read aloud: the page shows a player. */
  audio?: { url: string };
}

export function toWebReply(r: Reply): WebReply {
  const { image, audio, speak: _, ...rest } = r;
  return {
    ...rest,
    ...(image ? { image: { url: `media/${encodeURIComponent(image.file)}`, alt: image.alt } } : {}),
    ...(audio ? { audio: { url: `audio/${audio.key}.${TTS_FORMAT}` } } : {}),
  };
}

export interface WebChatDeps {
  /** What the learner was last shown, and whether they are new (read-only). */
  conversation: Pick<ConversationService, "peek" | "known">;
  /** Their messages: through the inbox and worker like every channel's, the request waiting for its replies. */
  direct: Direct;
  /** Messages a client address may send in a minute (a person types a few; a script, thousands). */
  perMinute: number;
  /** New learner ids a client address may start in an hour: targets count people, not made-up ids. */
  newLearnersPerHour: number;
  /** The microphone: speech to text, and the words the learner is likely to say now. Absent: no microphone button. */
  listen?: { transcriber: Transcriber; prompt: (userId: string) => Promise<string> };
  /** Replies read aloud: their audio by key. */
  audio?: (key: string) => Promise<Buffer | undefined>;
}

const TOO_FAST = "Bác gửi nhanh quá. Bác chờ một chút rồi gửi lại nhé.";
const TOO_MANY_NEW = "Từ mạng này đã có nhiều người mới bắt đầu học trong một giờ qua. Bác thử lại sau ít phút nhé.";

/**
 * The learner ids each client address started in the current hour. In memory: a restart forgets them, which
 * only errs on the side of letting people in.
 */
function newLearnerGate(perHour: number, now: () => number = Date.now) {
  const byAddress = new Map<string, { since: number; ids: Set<string> }>();
  return (address: string, userId: string, known: boolean): boolean => {
    const t = now();
    let entry = byAddress.get(address);
    if (!entry || t - entry.since >= 3_600_000) {
      if (byAddress.size >= 100_000) byAddress.clear();
      entry = { since: t, ids: new Set() };
      byAddress.set(address, entry);
    }
    if (known || entry.ids.has(userId)) return true;
    if (entry.ids.size >= perHour) return false;
    entry.ids.add(userId);
    return true;
  };
}

export function registerWebChat(root: FastifyInstance, deps: WebChatDeps): void {
  // In a plugin of its own, so the rate limiter is in place before the routes are added.
  root.register(async (app) => routes(app, deps));
}

async function routes(app: FastifyInstance, deps: WebChatDeps): Promise<void> {
  // Per client address (the proxy's client when TRUST_PROXY is set). Only the chat API is limited.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) => ({
      statusCode: context.statusCode,
      error: "too_many_requests",
      message: TOO_FAST,
    }),
  });
  const newLearner = newLearnerGate(deps.newLearnersPerHour);
  const listen = deps.listen;
  const limited = { config: { rateLimit: { max: deps.perMinute, timeWindow: 60_000 } } };

  app.get("/", (_req, reply) => {
    reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").header("content-security-policy", PAGE_CSP).send(page);
  });

  // After a reload: what the learner was last shown, so the page can show it again without sending anything.
  app.get("/api/chat", limited, async (req, reply) => {
    const parsed = z.object({ userId: userIdSchema }).safeParse(req.query);
    if (!parsed.success) {
      return reply.code(400).send({ error: "bad_request", message: parsed.error.issues.map((i) => i.message).join("; ") });
    }
    reply.header("cache-control", "no-store");
    return {
      replies: (await deps.conversation.peek("web", parsed.data.userId)).map(toWebReply),
      // The page shows its microphone button only where voice notes are transcribed.
      voice: listen !== undefined,
    };
  });

  app.post("/api/chat", limited, async (req, reply) => {
    const parsed = chatBody.safeParse(req.body);
    if (!parsed.success) {
      return reply.code(400).send({ error: "bad_request", message: parsed.error.issues.map((i) => i.message).join("; ") });
    }
    const { userId, messageId, text } = parsed.data;
    if (!newLearner(req.ip, userId, await deps.conversation.known("web", userId))) {
      return reply.code(429).header("retry-after", "600").send({ error: "too_many_new_learners", message: TOO_MANY_NEW });
    }
    return handleText(userId, messageId, text);
  });

  async function handleText(userId: string, messageId: string, text: string, before: Reply[] = []) {
    const result = await deps.direct.handle({
      channel: "web",
      userKey: userId,
      chatId: userId,
      messageKey: `${userId}:${messageId}`,
      text,
    });
    return { duplicate: result.duplicate, replies: [...before, ...result.replies].map(toWebReply) };
  }

  // The microphone: the recording comes in the request, is transcribed at once and forgotten; what was understood is
  // shown first, then it takes the path a typed message takes (so it works whichever instance applies it).
  if (listen) {
    app.addContentTypeParser(/^audio\//, { parseAs: "buffer", bodyLimit: MAX_VOICE_BYTES }, (_req, body, done) => done(null, body));
    app.post("/api/voice", { ...limited, bodyLimit: MAX_VOICE_BYTES }, async (req, reply) => {
      const parsed = voiceQuery.safeParse(req.query);
      if (!parsed.success) {
        return reply.code(400).send({ error: "bad_request", message: parsed.error.issues.map((i) => i.message).join("; ") });
      }
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
        return reply.code(415).send({ error: "unsupported_media_type", message: "Cần gửi bản ghi âm (audio/webm, audio/ogg…)" });
      }
      const { userId, messageId } = parsed.data;
      if (!newLearner(req.ip, userId, await deps.conversation.known("web", userId))) {
        return reply.code(429).header("retry-after", "600").send({ error: "too_many_new_learners", message: TOO_MANY_NEW });
      }
      const audio = { bytes: req.body, ...sniffAudio(req.body) };
      const heard = await listen.transcriber.transcribe({ channel: "web", audio, prompt: await listen.prompt(userId) });
      if (!heard.ok) return { duplicate: false, replies: [toWebReply({ text: vi.voiceProblem[problemOf(heard.reason)] })] };
      return handleText(userId, messageId, heard.text, [{ text: vi.voiceHeard(heard.text) }]);
    });
  }

  // Replies read aloud: content-addressed files (the same text, voice and model always give the same file).
  const audio = deps.audio;
  if (audio) {
    app.get("/audio/:file", async (req, reply) => {
      const m = /^([0-9a-f]{64})\.mp3$/.exec((req.params as { file: string }).file);
      const bytes = m?.[1] ? await audio(m[1]) : undefined;
      if (!bytes) return reply.code(404).send({ error: "not_found" });
      return reply.type(TTS_MIME).header("cache-control", "public, max-age=31536000, immutable").send(bytes);
    });
  }
}
