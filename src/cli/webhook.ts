import { Api } from "grammy";
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
    const api = new Api(config.telegram.token, { apiRoot: config.telegram.apiRoot, timeoutSeconds: 15 });
    if (action === "set") {
      await api.setWebhook(url, {
        secret_token: config.telegram.webhookSecret,
        allowed_updates: ["message", "callback_query"],
        max_connections: 40,
      });
      console.log(`Đã đặt webhook Telegram: ${url}`);
    } else if (action === "delete") {
      await api.deleteWebhook();
      console.log("Đã xoá webhook Telegram.");
    } else {
      const [me, info] = await Promise.all([api.getMe(), api.getWebhookInfo()]);
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
