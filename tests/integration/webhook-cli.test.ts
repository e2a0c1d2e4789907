import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeTelegram } from "../helpers/fake-telegram.js";
import { ROOT } from "../helpers/server-process.js";

// `npm run webhook -- set|info|delete telegram` against a stand-in Bot API: the operator's one explicit command.

const run = promisify(execFile);
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
beforeEach(async () => {
  fake = await startFakeTelegram();
});
afterEach(async () => {
  await fake.close();
});

const webhook = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, [resolve(ROOT, "node_modules/tsx/dist/cli.mjs"), "src/cli/webhook.ts", ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      TELEGRAM_BOT_TOKEN: "123456:CLI-token",
      TELEGRAM_WEBHOOK_SECRET: "cli-webhook-secret-1",
      TELEGRAM_API_ROOT: fake.url,
      PUBLIC_BASE_URL: "https://hoc.example.gov.vn",
      ...env,
    },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

describe("npm run webhook (Telegram)", () => {
  it("sets the webhook with the secret and the updates the tutor reads, shows it, and deletes it", async () => {
    const set = await webhook(["set", "telegram"]);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain("https://hoc.example.gov.vn/webhooks/telegram");
    const call = fake.calls.find((c) => c.method === "setWebhook");
    expect(call?.token).toBe("123456:CLI-token");
    expect(call?.body).toMatchObject({
      url: "https://hoc.example.gov.vn/webhooks/telegram",
      secret_token: "cli-webhook-secret-1",
      allowed_updates: ["message", "callback_query"],
    });
    const info = await webhook(["info", "telegram"]);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ bot: "fake_bot", pending_update_count: 0 });
    expect((await webhook(["delete", "telegram"])).code).toBe(0);
    expect(fake.calls.map((c) => c.method)).toContain("deleteWebhook");
  });

  it("a refusal from Telegram is one plain line and exit 1, never the token", async () => {
    fake.failNext("setWebhook", [{ status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } }]);
    const set = await webhook(["set", "telegram"]);
    expect(set.code).toBe(1);
    expect(set.stderr).toContain("Telegram từ chối (401)");
    expect(set.stderr).not.toContain("CLI-token");
    expect(set.stderr).not.toMatch(/\n\s+at /);
  });
});
