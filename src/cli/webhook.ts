import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { type BotApiReply, createBotApi } from "../channels/bot-api.js";
import { createZaloClient } from "../channels/zalo-client.js";
import { ConfigError, loadConfigFromProcess } from "../config.js";
import { cliArgs } from "./args.js";

// npm run webhook -- set|info|delete telegram|zalo
// An explicit operator command: the server never sets or deletes webhooks by itself.

const usage = `Cách dùng: npm run webhook -- set|info|delete telegram|zalo

  set     báo cho Telegram/Zalo địa chỉ webhook (PUBLIC_BASE_URL/webhooks/…) và mã bí mật
  info    xem trạng thái webhook hiện tại
  delete  gỡ webhook`;

async function main(): Promise<number> {
  const [action, channel] = cliArgs(usage, {}, true).positionals;
  if (!action || !["set", "info", "delete"].includes(action) || !channel || !["telegram", "zalo"].includes(channel)) {
    console.error(usage);
    return 2;
  }
  const config = loadConfigFromProcess();
  if (action === "set" && !config.publicBaseUrl?.startsWith("https://")) {
    console.error("Cần đặt PUBLIC_BASE_URL là địa chỉ https công khai của máy chủ (ví dụ https://hoc.example.gov.vn).");
    return 1;
  }
  const url = `${config.publicBaseUrl}/webhooks/${channel}`;

  if (channel === "telegram") {
    if (!config.telegram) {
      console.error("Chưa đặt TELEGRAM_BOT_TOKEN và TELEGRAM_WEBHOOK_SECRET.");
      return 1;
    }
    const { token, apiRoot, webhookSecret } = config.telegram;
    const agent = apiRoot.startsWith("https:") ? new HttpsAgent() : new HttpAgent();
    const api = createBotApi({ apiRoot, token, agent, timeoutMs: 15_000 });
    /** The result of a call the Bot API accepted; its own description otherwise. */
    const result = (reply: BotApiReply) => {
      if (!reply.ok) throw new Error(`Telegram từ chối (${reply.error_code ?? 0}): ${reply.description ?? ""}`);
      return reply.result as Record<string, unknown>;
    };
    if (action === "set") {
      result(
        await api.call("setWebhook", {
          url,
          secret_token: webhookSecret,
          allowed_updates: ["message", "callback_query"],
          max_connections: 40,
        }),
      );
      console.log(`Đã đặt webhook Telegram: ${url}`);
    } else if (action === "delete") {
      result(await api.call("deleteWebhook", {}));
      console.log("Đã xoá webhook Telegram.");
    } else {
      const [me, info] = await Promise.all([api.call("getMe", {}).then(result), api.call("getWebhookInfo", {}).then(result)]);
      console.log(
        JSON.stringify(
          { bot: me.username, url: info.url, pending_update_count: info.pending_update_count, last_error_message: info.last_error_message },
          null,
          2,
        ),
      );
    }
    return 0;
  }

  if (!config.zalo) {
    console.error("Chưa đặt ZALO_BOT_TOKEN và ZALO_WEBHOOK_SECRET.");
    return 1;
  }
  const zalo = createZaloClient({ token: config.zalo.token, apiRoot: config.zalo.apiRoot, timeoutMs: 15_000 });
  if (action === "set") {
    await zalo.setWebhook(url, config.zalo.webhookSecret);
    console.log(`Đã đặt webhook Zalo: ${url}`);
  } else if (action === "delete") {
    await zalo.deleteWebhook();
    console.log("Đã xoá webhook Zalo.");
  } else {
    console.log(JSON.stringify(await zalo.getWebhookInfo(), null, 2));
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    // Errors from the clients never carry the token; print only their message.
    console.error(err instanceof ConfigError ? err.message : `Lỗi: ${err.message}`);
    process.exit(1);
  },
);
