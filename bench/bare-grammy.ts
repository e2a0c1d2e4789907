import Fastify from "fastify";
import { Bot, webhookCallback } from "grammy";
import type { UserFromGetMe } from "grammy/types";

// Baseline B: a bare grammY echo bot on Fastify; replies go to the local fake Bot API.
const token = process.env.TELEGRAM_BOT_TOKEN ?? "1:x";
const bot = new Bot(token, {
  client: { apiRoot: process.env.TELEGRAM_API_ROOT, timeoutSeconds: 10 },
  botInfo: {
    id: 1,
    is_bot: true,
    first_name: "b",
    username: "b_bot",
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  } as UserFromGetMe,
});
bot.on("message:text", (ctx) => ctx.reply(ctx.message.text));
bot.catch(() => undefined);
const app = Fastify({ logger: false, bodyLimit: 256 * 1024 });
app.post("/webhooks/telegram", webhookCallback(bot, "fastify", { secretToken: process.env.TELEGRAM_WEBHOOK_SECRET }));
await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
