import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { startApp, tempDir } from "../helpers/app.js";
import { startFakeStt } from "../helpers/fake-stt.js";
import { startFakeTts } from "../helpers/fake-tts.js";

// The web chat as an elderly learner uses it, in headless Chromium against the real app on loopback: messages typed
// while a reply loads are kept and answered in order, a "typing" line shows, spent buttons look spent, a reload
// shows the conversation again and sends nothing, "Chữ to" keeps the newest message in view, a 360-px phone and a
// keyboard are enough.

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"];

const hasChromium = existsSync(CHROMIUM);
const suite = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`Web chat browser tests skipped: ${CHROMIUM} not found. Install Chromium with: apt-get install chromium`);

suite("web chat in headless Chromium", () => {
  const dir = tempDir("bdhai-webchat-");
  let app: App;
  let base = "";
  let browser: Browser;

  beforeAll(async () => {
    app = await startApp({ dbPath: `${dir.path}/web.db` });
    await app.server.listen({ host: "127.0.0.1", port: 0 });
    base = `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    dir.cleanup();
  });

  /** A page on a phone-sized screen whose chat posts are counted (and can be slowed down). */
  async function phone(opts: { delayMs?: number } = {}) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "vi-VN" });
    const page = await context.newPage();
    const posts: string[] = [];
    await page.route("**/api/chat", async (route) => {
      if (route.request().method() === "POST") {
        posts.push((route.request().postDataJSON() as { text: string }).text);
        if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      }
      await route.continue();
    });
    await page.goto(base);
    return { page, posts, close: () => context.close() };
  }
  /** Waits until an expression is true in the page (the page's CSP forbids waitForFunction's eval). */
  const until = async (page: Page, expression: string, timeoutMs = 10_000) => {
    const end = Date.now() + timeoutMs;
    while (!(await page.evaluate(expression))) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`);
      await page.waitForTimeout(50);
    }
  };
  const botTexts = (page: Page) => page.locator(".msg.bot:not(.typing)").allInnerTexts();
  const typeAndSend = async (page: Page, text: string) => {
    await page.fill("#text", text);
    await page.press("#text", "Enter");
  };

  it("sends nothing on opening; a newcomer starts with a button", async () => {
    const { page, posts, close } = await phone();
    await page.waitForSelector("button.start");
    expect(posts).toEqual([]);
    await page.click("button.start");
    await page.waitForSelector(".opts button");
    expect(posts).toEqual(["/start"]);
    expect((await botTexts(page)).join("\n")).toContain("Bác có đồng ý không?");
    await close();
  });

  it("keeps messages typed while a reply is loading, shows that it is answering, and answers them in order", async () => {
    const { page, posts, close } = await phone({ delayMs: 400 });
    await page.click("button.start");
    await page.waitForSelector(".typing");
    expect(await page.locator(".typing").innerText()).toContain("Đang trả lời");
    await page.waitForSelector(".opts button:not([disabled])");
    // Consent, then two more messages typed at once, before any reply arrives.
    await typeAndSend(page, "1");
    await typeAndSend(page, "menu");
    await typeAndSend(page, "trợ giúp");
    await until(page, `!document.querySelector(".typing") && document.querySelectorAll(".msg.me").length === 4`);
    expect(posts).toEqual(["/start", "1", "menu", "trợ giúp"]);
    const me = await page.locator(".msg.me").allInnerTexts();
    expect(me.slice(1)).toEqual(["1", "menu", "trợ giúp"]);
    // The help text answers the last message, after the menu that answered the one before.
    const texts = (await botTexts(page)).join("\n");
    expect(texts.indexOf("Bác muốn học chủ đề nào")).toBeGreaterThan(-1);
    await close();
  });

  it("makes buttons that no longer apply look disabled, and works by keyboard", async () => {
    const { page, close } = await phone();
    await page.click("button.start");
    await page.waitForSelector(".opts button:not([disabled])");
    // Tab to the first option and press Enter: consent given, the old buttons are spent.
    await page.locator(".opts button").first().focus();
    await page.keyboard.press("Enter");
    await until(page, `document.querySelectorAll(".opts").length >= 2`);
    const first = page.locator(".opts").first().locator("button").first();
    expect(await first.isDisabled()).toBe(true);
    expect(Number(await page.evaluate(`getComputedStyle(document.querySelector(".opts button")).opacity`))).toBeLessThan(1);
    await close();
  });

  it("shows the conversation again after a reload, from the server, without sending anything", async () => {
    const { page, posts, close } = await phone();
    await page.click("button.start");
    await page.waitForSelector(".opts button:not([disabled])");
    await typeAndSend(page, "1");
    await typeAndSend(page, "1");
    await until(page, `document.body.innerText.includes("Chủ đề này có")`);
    const before = posts.length;
    await page.reload();
    await page.waitForSelector(".msg.bot");
    expect(posts.length).toBe(before);
    expect((await botTexts(page)).join("\n")).toContain("Chủ đề này có");
    expect(await page.locator("button.start").count()).toBe(0);
    await close();
  });

  it("'Chữ to' shows that it is on, keeps the newest message in view, and nothing overflows a 360-px screen", async () => {
    const { page, close } = await phone();
    await page.click("button.start");
    await page.waitForSelector(".opts button:not([disabled])");
    for (const t of ["1", "trợ giúp", "tiến độ", "menu"]) await typeAndSend(page, t);
    await until(page, `!document.querySelector(".typing") && document.querySelectorAll(".msg.me").length === 5`);
    await page.click("#big");
    expect(await page.getAttribute("#big", "aria-pressed")).toBe("true");
    expect(await page.innerText("#big")).toContain("bật");
    await page.waitForTimeout(300);
    const inView = await page.evaluate(`(() => {
      const log = document.getElementById("log");
      return log.scrollHeight - log.scrollTop - log.clientHeight < 4;
    })()`);
    expect(inView).toBe(true);
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);
    await page.screenshot({ path: "/tmp/web-chat-phone.png" });
    await close();
  });
});

suite("web chat's microphone and read-aloud player in headless Chromium", () => {
  const dir = tempDir("bdhai-webvoice-");
  let app: App;
  let base = "";
  let browser: Browser;
  let stt: Awaited<ReturnType<typeof startFakeStt>>;
  let tts: Awaited<ReturnType<typeof startFakeTts>>;

  beforeAll(async () => {
    // Whatever the fake microphone records, the stand-in hears "tiếp".
    stt = await startFakeStt("tiếp");
    tts = await startFakeTts();
    app = await startApp({
      dbPath: `${dir.path}/web.db`,
      env: { STT_BASE_URL: stt.url, STT_MODEL: "whisper-vi", TTS_BASE_URL: tts.url, TTS_MODEL: "piper-vi" },
    });
    await app.server.listen({ host: "127.0.0.1", port: 0 });
    base = `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`;
    // Chromium's own stand-in microphone (a beeping tone), allowed without asking; audio may play without a tap.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await stt?.close();
    await tts?.close();
    dir.cleanup();
  });

  const until = async (page: Page, expression: string, timeoutMs = 10_000) => {
    const end = Date.now() + timeoutMs;
    while (!(await page.evaluate(expression))) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`);
      await page.waitForTimeout(50);
    }
  };
  const lastBot = (page: Page) => page.evaluate("[...document.querySelectorAll('.msg.bot')].map((d) => d.innerText).join('\\n---\\n')");

  it("a learner presses the microphone, speaks, presses again: what was heard is shown and the lesson moves on; “đọc to” plays the step", async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "vi-VN" });
    const page = await context.newPage();
    await page.goto(base);
    await page.waitForSelector("button.start");
    await until(page, "!document.getElementById('mic').hidden");
    await page.click("button.start");
    for (const choice of ["1", "1", "1"]) {
      const n = await page.locator(".msg.bot").count();
      await page.fill("#text", choice);
      await page.press("#text", "Enter");
      await until(page, `document.querySelectorAll('.msg.bot:not(.typing)').length > ${n}`);
    }
    await until(page, "document.body.innerText.includes('Bước 1/4')");

    await page.click("#mic");
    // Recording shows on the button (the microphone opens asynchronously).
    await until(page, "document.getElementById('mic').getAttribute('aria-pressed') === 'true'");
    expect(await page.textContent("#mic")).toContain("Gửi");
    await page.waitForTimeout(1200);
    await page.click("#mic");
    await until(page, "document.body.innerText.includes('Kiểm tra (2/4)')");
    expect(await lastBot(page)).toContain("🎙️ Cháu nghe bác nói: “tiếp”");
    // The recording reached the speech endpoint as the browser made it (WebM/Opus), with the words on screen as hints.
    expect(stt.requests).toHaveLength(1);
    expect(stt.requests[0]?.mime).toBe("audio/webm");
    expect(stt.requests[0]?.audio.length).toBeGreaterThan(1000);

    await page.fill("#text", "đọc to");
    await page.press("#text", "Enter");
    await page.waitForSelector(".msg.bot audio");
    // The player got the stand-in's MP3 from the server and could read it (a length), and it started by itself.
    await until(page, "document.querySelector('.msg.bot audio').duration > 0.5");
    expect(await page.getAttribute(".msg.bot audio", "src")).toMatch(/^audio\/[0-9a-f]{64}\.mp3$/);
    await until(page, "document.querySelector('.msg.bot audio').currentTime > 0 || document.querySelector('.msg.bot audio').ended");
    expect(tts.requests).toHaveLength(1);
    await context.close();
  });
});
