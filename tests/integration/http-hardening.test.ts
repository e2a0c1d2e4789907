import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { loadCurriculum } from "../../src/curriculum/load.js";
import { FIXTURE_CURRICULUM, startApp, tempDir } from "../helpers/app.js";

let dir: ReturnType<typeof tempDir>;
let app: App | undefined;
beforeEach(() => {
  dir = tempDir();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  dir.cleanup();
});

/** The fixture curriculum with a real picture, and a secret file outside it that a contributor links to. */
function curriculumWithLink(): { curriculum: string; secret: string } {
  const curriculum = join(dir.path, "curriculum");
  cpSync(FIXTURE_CURRICULUM, curriculum, { recursive: true });
  mkdirSync(join(curriculum, "media", "sub"), { recursive: true });
  writeFileSync(join(curriculum, "media", "real.png"), Buffer.from("89504e470d0a1a0a", "hex"));
  const secret = join(dir.path, ".env");
  writeFileSync(secret, "TELEGRAM_BOT_TOKEN=123:secret-token\n");
  symlinkSync(secret, join(curriculum, "media", "innocent.png"));
  symlinkSync(dir.path, join(curriculum, "media", "sub", "up"));
  return { curriculum, secret };
}

describe("pictures are served from the media folder only", () => {
  it("a real picture is served; a symbolic link (to a file or through a folder) and a dotfile are not", async () => {
    // The links are added while the server runs (at a start, curriculum:check's error would stop it).
    const curriculum = join(dir.path, "curriculum");
    cpSync(FIXTURE_CURRICULUM, curriculum, { recursive: true });
    mkdirSync(join(curriculum, "media"), { recursive: true });
    app = await startApp({ dbPath: join(dir.path, "t.db"), curriculumDir: curriculum });
    rmSync(curriculum, { recursive: true });
    curriculumWithLink();
    writeFileSync(join(curriculum, "media", ".hidden.png"), "x");
    const real = await app.server.inject({ method: "GET", url: "/media/real.png" });
    expect(real.statusCode).toBe(200);
    expect(real.headers["x-content-type-options"]).toBe("nosniff");
    for (const url of ["/media/innocent.png", "/media/sub/up/.env", "/media/sub/up/t.db", "/media/..%2f.env", "/media/.hidden.png"]) {
      const res = await app.server.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain("secret-token");
    }
  });

  it("curriculum:check reports a symbolic link as an error an admin can act on", async () => {
    const { curriculum } = curriculumWithLink();
    const { problems } = await loadCurriculum(curriculum);
    const links = problems.filter((p) => p.severity === "error" && p.message.includes("symlink"));
    expect(links.map((p) => p.file).sort()).toEqual(["media/innocent.png", "media/sub/up"]);
  });
});

describe("security headers", () => {
  it("the web chat page allows only its own script and stylesheet, and no page can be framed", async () => {
    app = await startApp({ dbPath: join(dir.path, "t.db") });
    const page = await app.server.inject({ method: "GET", url: "/" });
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    for (const url of ["/", "/health", "/api/chat?userId=learner-0001", "/no-such-page"]) {
      const res = await app.server.inject({ method: "GET", url });
      expect(res.headers["x-frame-options"], url).toBe("DENY");
      expect(res.headers["x-content-type-options"], url).toBe("nosniff");
    }
  });
});

describe("the public web chat", () => {
  const post = (a: App, userId: string, n: number, remoteAddress = "203.0.113.7", headers: Record<string, string> = {}) =>
    a.server.inject({
      method: "POST",
      url: "/api/chat",
      payload: { userId, messageId: `m${n}`, text: "xin chào" },
      remoteAddress,
      headers,
    });

  it("can be switched off", async () => {
    app = await startApp({ dbPath: join(dir.path, "t.db"), env: { WEB_CHAT: "off" } });
    expect((await app.server.inject({ method: "GET", url: "/" })).statusCode).toBe(404);
    expect((await post(app, "learner-0001", 1)).statusCode).toBe(404);
  });

  it("limits messages per client address, with a kind Vietnamese answer; other addresses go on", async () => {
    app = await startApp({ dbPath: join(dir.path, "t.db"), env: { WEB_CHAT_PER_MINUTE: "5" } });
    for (let n = 0; n < 5; n++) expect((await post(app, "learner-0001", n)).statusCode).toBe(200);
    const flood = await post(app, "learner-0001", 6);
    expect(flood.statusCode).toBe(429);
    expect(flood.json().message).toContain("Bác gửi nhanh quá");
    expect((await post(app, "learner-0002", 7, "198.51.100.9")).statusCode).toBe(200);
  });

  it("limits new learner ids per client address and hour, never a learner already known", async () => {
    app = await startApp({ dbPath: join(dir.path, "t.db"), env: { WEB_CHAT_NEW_LEARNERS_PER_HOUR: "3" } });
    for (let n = 0; n < 3; n++) expect((await post(app, `made-up-id-${n}`, n)).statusCode).toBe(200);
    const fourth = await post(app, "made-up-id-9", 9);
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().message).toContain("nhiều người mới");
    // The first three keep learning.
    expect((await post(app, "made-up-id-0", 10)).statusCode).toBe(200);
  });

  it("behind a proxy (TRUST_PROXY), limits count the client's address from X-Forwarded-For", async () => {
    app = await startApp({ dbPath: join(dir.path, "t.db"), env: { WEB_CHAT_PER_MINUTE: "2", TRUST_PROXY: "true" } });
    const via = (client: string) => ({ "x-forwarded-for": client });
    expect((await post(app, "learner-0001", 1, "127.0.0.1", via("192.0.2.1"))).statusCode).toBe(200);
    expect((await post(app, "learner-0001", 2, "127.0.0.1", via("192.0.2.1"))).statusCode).toBe(200);
    expect((await post(app, "learner-0001", 3, "127.0.0.1", via("192.0.2.1"))).statusCode).toBe(429);
    // Another client behind the same proxy is not affected.
    expect((await post(app, "learner-0002", 4, "127.0.0.1", via("192.0.2.2"))).statusCode).toBe(200);
  });
});

describe("admin login behind a proxy", () => {
  const TOKEN = "a-long-admin-token-for-tests";
  const login = (a: App, token: string, client: string) =>
    a.server.inject({
      method: "POST",
      url: "/admin/login",
      payload: `token=${encodeURIComponent(token)}`,
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": client, "x-forwarded-proto": "https" },
      remoteAddress: "127.0.0.1",
    });

  it("counts failures per client, not per proxy, and the session cookie is Secure over TLS; each login is logged, never the token", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
    app = await startApp({ dbPath: join(dir.path, "t.db"), env: { ADMIN_TOKEN: TOKEN, TRUST_PROXY: "1" }, logger });
    for (let i = 0; i < 12; i++) await login(app, `wrong-${i}`, "192.0.2.66");
    expect((await login(app, "wrong-again", "192.0.2.66")).statusCode).toBe(429);
    const admin = await login(app, TOKEN, "192.0.2.10");
    expect(admin.statusCode).toBe(303);
    expect(String(admin.headers["set-cookie"])).toMatch(/;\s*Secure/);
    const log = lines.join("");
    expect(log).toContain('"admin":"login_failed","address":"192.0.2.66"');
    expect(log).toContain('"admin":"login","address":"192.0.2.10"');
    expect(log).not.toContain(TOKEN);
  });
});
