import { createHash, timingSafeEqual } from "node:crypto";
import Fastify from "fastify";

// Baseline A: a bare Fastify handler that only checks the webhook secret.
const secret = process.env.TELEGRAM_WEBHOOK_SECRET ?? "";
const want = createHash("sha256").update(secret).digest();
const app = Fastify({ logger: false, bodyLimit: 256 * 1024 });
app.post("/webhooks/telegram", (req, reply) => {
  const got = createHash("sha256")
    .update(String(req.headers["x-telegram-bot-api-secret-token"] ?? ""))
    .digest();
  if (!timingSafeEqual(got, want)) return reply.code(401).send();
  return reply.send({});
});
await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
