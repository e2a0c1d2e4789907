import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
