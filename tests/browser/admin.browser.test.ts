import { existsSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import { type Browser, type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pseudonym, registerAdmin, registerVerify } from "../../src/admin/index.js";
import type { App } from "../../src/app.js";
import { startApp, tempDir } from "../helpers/app.js";

// The dashboard in a real browser: headless Chromium driven by playwright-core, against the real app
// listening on loopback, with activity created by playing lessons through the web chat.

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const TOKEN = "browser-admin-token-0123456789";
const DONE_USER = "browser-learner-done-01";
const HALF_USER = "browser-learner-half-02";
const SCREENSHOT = "/tmp/admin-dashboard.png";
const SCREENSHOT_PHONE = "/tmp/admin-dashboard-phone.png";

const hasChromium = existsSync(CHROMIUM);
const suite = hasChromium ? describe : describe.skip;
if (!hasChromium) {
  console.warn(`Admin browser tests skipped: ${CHROMIUM} not found. Install Chromium with: sudo apt-get install chromium`);
}

suite(
  hasChromium
    ? "admin dashboard in headless Chromium"
    : `admin dashboard in Chromium — skipped: install it with \`apt-get install chromium\``,
  () => {
    const dir = tempDir("bdhai-browser-");
    let app: App;
    let server: FastifyInstance;
    let standalone = false;
    let base = "";
    let browser: Browser;
    let context: BrowserContext;
    const cspErrors: string[] = [];

    const say = async (userId: string, texts: string[]) => {
      let n = 0;
      for (const text of texts) {
        const res = await app.server.inject({ method: "POST", url: "/api/chat", payload: { userId, messageId: `b${++n}`, text } });
        expect(res.statusCode).toBe(200);
      }
    };
    const learnerId = (key: string) =>
      (app.db.$client.prepare("select id from learners where channel_user_id = ?").get(key) as { id: number }).id;

    beforeAll(async () => {
      app = await startApp({ dbPath: `${dir.path}/browser.db`, env: { ADMIN_TOKEN: TOKEN } });
      await app.server.ready();
      if (app.server.hasRoute({ method: "GET", url: "/admin" })) server = app.server;
      else {
        // Until the server registers the admin routes itself: the same plugin on the same database.
        standalone = true;
        server = Fastify();
        registerAdmin(server, {
          store: app.store.admin,
          adminToken: TOKEN,
          targetsFile: `${dir.path}/targets.yaml`,
          curriculum: () => app.curriculum.current(),
          curriculumStatus: () => app.curriculum.lastReload,
          announce: async () => 1,
        });
        registerVerify(server, { certificates: app.store.certificates });
      }
      await server.listen({ host: "127.0.0.1", port: 0 });
      base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;

      // One learner finishes "Giữ kín mã OTP"; another stops at its second step.
      await say(DONE_USER, ["/start", "1", "1", "1", "1", "1", "xong", "1", "2"]);
      await say(HALF_USER, ["/start", "1", "1", "1", "1"]);
      app.db.$client
        .prepare("insert into certificates (code, learner_id, track_id, track_title, first_name, issued_at) values (?, ?, ?, ?, ?, ?)")
        .run("BROWSER2345", learnerId(DONE_USER), "an-toan", "An toàn trên mạng", "Hoa", Date.UTC(2026, 2, 8, 3, 0));

      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
      context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, locale: "vi-VN" });
      context.on("console", (m) => {
        if (/Content.Security.Policy/i.test(m.text())) cspErrors.push(m.text());
      });
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      await browser?.close();
      if (standalone) await server?.close();
      await app?.close();
      dir.cleanup();
    });

    it("logs in through the form, shows the charts and the learners, downloads a CSV, and logs out", async () => {
      const page = await context.newPage();
      const first = await page.goto(`${base}/admin`);
      expect(first?.status()).toBe(401);
      expect(await page.locator("h1").innerText()).toBe("Đăng nhập quản trị");

      await page.fill("#token", "wrong-token-123456789");
      await page.click("button[type=submit]");
      expect(await page.locator("[role=alert]").innerText()).toContain("Mã quản trị không đúng");

      await page.fill("#token", TOKEN);
      await Promise.all([page.waitForURL(`${base}/admin`), page.click("button[type=submit]")]);
      expect(await page.locator("header h1").innerText()).toContain("Bảng điều khiển");
      const cookies = await context.cookies(`${base}/admin`);
      expect(cookies).toHaveLength(1);
      expect(cookies[0]).toMatchObject({ name: "bdhai_admin", httpOnly: true, sameSite: "Strict", path: "/admin", secure: false });

      // The stylesheet passed the Content-Security-Policy (no inline style is allowed otherwise).
      expect(await page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor")).toBe("rgb(11, 61, 107)");
      expect(cspErrors).toEqual([]);

      // Charts: real <svg> elements, visible, with accessible names.
      const charts = page.locator("svg.chart");
      expect(await charts.count()).toBeGreaterThanOrEqual(5);
      const funnel = page.locator("#chart-funnel-ma-otp");
      expect(await funnel.isVisible()).toBe(true);
      expect(await funnel.locator("title").first().textContent()).toBe("Phễu bài “Giữ kín mã OTP”");
      const funnelText = await funnel.textContent();
      expect(funnelText).toContain("Bắt đầu bài");
      expect(funnelText).toContain("2 · 100%");
      expect(funnelText).toContain("1 · 50%");
      const box = await funnel.boundingBox();
      expect(box?.width).toBeGreaterThan(500);
      expect(box?.height).toBeGreaterThan(100);

      // The learners, by pseudonym only.
      const learners = await page.locator("#nguoi-hoc").innerText();
      expect(learners).toContain(await pseudonym(app.store.admin, learnerId(DONE_USER)));
      expect(learners).toContain(await pseudonym(app.store.admin, learnerId(HALF_USER)));
      const html = await page.content();
      expect(html).not.toContain(DONE_USER);
      expect(html).not.toContain(HALF_USER);

      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe("PNG");

      // A CSV report, downloaded the way a manager would.
      const [download] = await Promise.all([page.waitForEvent("download"), page.click('a[href="/admin/reports/progress.csv"]')]);
      expect(download.suggestedFilename()).toMatch(/^tien-do-nguoi-hoc-\d{4}-\d{2}-\d{2}\.csv$/);
      const csv = readFileSync(await download.path());
      expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = csv.toString("utf8");
      expect(text).toContain("Mã người học (ẩn danh),Kênh,Chủ đề");
      expect(text).toContain("Giữ kín mã OTP");
      expect(text).toContain("Đã xong");
      expect(text).toContain("Đang học");
      expect(text).toContain(await pseudonym(app.store.admin, learnerId(HALF_USER)));
      expect(text).not.toContain(DONE_USER);
      expect(text).not.toContain(HALF_USER);

      // The same page on a phone: nothing wider than the screen but the tables, which scroll.
      const phone = await context.newPage();
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.goto(`${base}/admin`);
      const overflow = await phone.evaluate("document.documentElement.scrollWidth");
      expect(overflow).toBeLessThanOrEqual(390);
      await phone.screenshot({ path: SCREENSHOT_PHONE, fullPage: true });
      await phone.close();

      // Announcement from the dashboard.
      await page.fill("#announce-text", "Thứ Bảy này có lớp hướng dẫn VNeID tại nhà văn hóa.");
      await page.check("input[name=confirm]");
      await Promise.all([page.waitForURL(`${base}/admin/announce`), page.click("#thong-bao button[type=submit]")]);
      expect(await page.locator("[role=status]").innerText()).toMatch(/Đã gửi tới \d+ người học/);

      // Log out: the cookie no longer opens the dashboard.
      await page.goto(`${base}/admin`);
      await Promise.all([page.waitForURL(`${base}/admin/login`), page.click("header form button")]);
      expect(await page.locator("h1").innerText()).toBe("Đăng nhập quản trị");
      const again = await page.goto(`${base}/admin`);
      expect(again?.status()).toBe(401);
      await page.close();
    }, 60_000);

    it("the public certificate page shows the track, the date and the first name", async () => {
      const page = await context.newPage();
      const res = await page.goto(`${base}/verify/BROWSER2345`);
      expect(res?.status()).toBe(200);
      const text = await page.locator("main").innerText();
      expect(text).toContain("Chứng nhận hợp lệ");
      expect(text).toContain("An toàn trên mạng");
      expect(text).toContain("08/03/2026");
      expect(text).toContain("Hoa");
      expect((await page.goto(`${base}/verify/NOTACODE99`))?.status()).toBe(404);
      expect(await page.locator("h1").innerText()).toBe("Không tìm thấy chứng nhận");
      await page.close();
    });
  },
);
