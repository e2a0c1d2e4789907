import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("loadConfig", () => {
  it("has working defaults with an empty environment", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: "0.0.0.0",
      databasePath: "./data/tutor.db",
      curriculumDir: "./curriculum",
      logLevel: "info",
    });
    expect(c.telegram).toBeUndefined();
    expect(c.zalo).toBeUndefined();
    expect(c.llm).toBeUndefined();
    expect(c.adminToken).toBeUndefined();
  });

  it("treats empty strings as unset (as in a copied .env.example)", () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: "", PUBLIC_BASE_URL: "", OPENAI_MODEL: "" }).telegram).toBeUndefined();
  });

  it("names the variable that is wrong", () => {
    expect(() => loadConfig({ PORT: "abc" })).toThrow(/PORT/);
    expect(() => loadConfig({ PUBLIC_BASE_URL: "not a url" })).toThrow(/PUBLIC_BASE_URL/);
    expect(() => loadConfig({ LOG_LEVEL: "loud" })).toThrow(ConfigError);
    expect(() => loadConfig({ ZALO_BOT_TOKEN: "t", ZALO_WEBHOOK_SECRET: "short" })).toThrow(/ZALO_WEBHOOK_SECRET.*8/);
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: "t", TELEGRAM_WEBHOOK_SECRET: "bad secret!" })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
  });

  it("refuses a channel token without its webhook secret", () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: "123:abc" })).toThrow(/TELEGRAM_WEBHOOK_SECRET.*bắt buộc/);
    expect(() => loadConfig({ ZALO_BOT_TOKEN: "abc" })).toThrow(/ZALO_WEBHOOK_SECRET.*bắt buộc/);
  });

  it("enables channels and the LLM when configured", () => {
    const c = loadConfig({
      TELEGRAM_BOT_TOKEN: "123:abc",
      TELEGRAM_WEBHOOK_SECRET: "s3cret_value",
      OPENAI_BASE_URL: "http://127.0.0.1:9999/v1/",
      OPENAI_MODEL: "m",
    });
    expect(c.telegram).toEqual({ token: "123:abc", webhookSecret: "s3cret_value", apiRoot: "https://api.telegram.org", mode: "webhook" });
    expect(c.llm).toEqual({ apiKey: "not-needed", baseUrl: "http://127.0.0.1:9999/v1", model: "m", maxConcurrent: 8, dailyCalls: 2000 });
    expect(() => loadConfig({ OPENAI_API_KEY: "k" })).toThrow(/OPENAI_MODEL/);
  });
});
