import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ConversationService } from "../conversation/service.js";
import type { Reply } from "../tutor/replies.js";

// The local web chat: a single page (no build step) over one JSON endpoint.

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
const chatBody = z.object({
  userId: userIdSchema,
  messageId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "messageId phải gồm 1–64 ký tự chữ, số, - hoặc _"),
  text: z.string().max(2000, "Tin nhắn dài quá 2000 ký tự"),
});

export interface WebReply extends Omit<Reply, "image"> {
  image?: { url: string; alt: string };
}

export function toWebReply(r: Reply): WebReply {
  const { image, ...rest } = r;
  return image ? { ...rest, image: { url: `media/${encodeURIComponent(image.file)}`, alt: image.alt } } : rest;
}

export function registerWebChat(app: FastifyInstance, deps: { conversation: ConversationService }): void {
  app.get("/", (_req, reply) => {
    reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").header("content-security-policy", PAGE_CSP).send(page);
  });

  // After a reload: what the learner was last shown, so the page can show it again without sending anything.
  app.get("/api/chat", async (req, reply) => {
    const parsed = z.object({ userId: userIdSchema }).safeParse(req.query);
    if (!parsed.success) {
      return reply.code(400).send({ error: "bad_request", message: parsed.error.issues.map((i) => i.message).join("; ") });
    }
    reply.header("cache-control", "no-store");
    return { replies: deps.conversation.peek("web", parsed.data.userId).map(toWebReply) };
  });

  app.post("/api/chat", async (req, reply) => {
    const parsed = chatBody.safeParse(req.body);
    if (!parsed.success) {
      return reply.code(400).send({ error: "bad_request", message: parsed.error.issues.map((i) => i.message).join("; ") });
    }
    const { userId, messageId, text } = parsed.data;
    const result = await deps.conversation.handle({
      channel: "web",
      userKey: userId,
      chatId: userId,
      messageKey: `${userId}:${messageId}`,
      text,
    });
    return { duplicate: result.duplicate, replies: result.replies.map(toWebReply) };
  });
}
