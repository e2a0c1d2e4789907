import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, freePort, tempDir } from "../helpers/app.js";

// What `npm start` runs: the build, then plain Node on dist/ with the flags in package.json —
// with no tokens and no model, as a newcomer starts it.

const root = resolve(import.meta.dirname, "../..");
let dir: ReturnType<typeof tempDir>;
let child: ChildProcess | undefined;
let port = 0;

beforeAll(async () => {
  dir = tempDir();
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root });
  const start = (JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start;
  const run = /node ((?:--\S+ )*)dist\/main\.js/.exec(start);
  expect(run, "npm start runs dist/main.js with node").not.toBeNull();
  const flags = run?.[1]?.trim().split(" ").filter(Boolean) ?? [];
  port = await freePort();
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_PATH: `${dir.path}/t.db`,
  };
  for (const k of ["TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN", "OPENAI_BASE_URL", "OPENAI_API_KEY", "ADMIN_TOKEN", "CURRICULUM_DIR"])
    delete env[k];
  child = spawn(process.execPath, [...flags, "dist/main.js"], { cwd: root, env, stdio: "ignore" });
  await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200), 30_000, 100);
}, 60_000);

afterAll(() => {
  child?.kill("SIGTERM");
  dir.cleanup();
});

describe("npm start (the built server)", () => {
  it("serves the web chat page and teaches through it", async () => {
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Bình dân học AI");
    const res = await fetch(`http://127.0.0.1:${port}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "start-test", messageId: "m1", text: "bắt đầu" }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { replies: Array<{ text: string }> };
    expect(body.replies.length).toBeGreaterThan(0);
    expect(body.replies.map((r) => r.text).join("\n")).toMatch(/đồng ý|Chào/i);
  });
});
