import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, freePort, tempDir } from "../helpers/app.js";
import { ROOT, spawnServer } from "../helpers/server-process.js";

// What `npm start` runs (the built dist/ with the flags in package.json), with no tokens and no
// model, as a newcomer starts it.

let dir: ReturnType<typeof tempDir>;
let child: ChildProcess | undefined;
let port = 0;

beforeAll(async () => {
  dir = tempDir();
  port = await freePort();
  const unset = [
    "TELEGRAM_BOT_TOKEN",
    "ZALO_BOT_TOKEN",
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "OPENAI_MODEL",
    "ADMIN_TOKEN",
    "CURRICULUM_DIR",
  ];
  child = await spawnServer(port, { DATABASE_PATH: `${dir.path}/t.db`, ...Object.fromEntries(unset.map((k) => [k, undefined])) });
}, 60_000);

afterAll(async () => {
  // The server writes its last files while it stops: the folder is removed once it has exited.
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
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

/** Each thread's nice value, from /proc (field 19 of a task's stat, after the parenthesized name). */
function threadNices(pid: number): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      nices.set(Number(tid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]));
    } catch {
      // the thread ended
    }
  }
  return nices;
}

describe("thread priorities (Linux)", () => {
  it.runIf(process.platform === "linux")("runs its helper threads below the main thread, which acknowledges webhooks", async () => {
    const pid = child?.pid ?? 0;
    const mainNice = getPriority(0); // what the server inherited from this thread
    await eventually(() => {
      const nices = threadNices(pid);
      expect(nices.get(pid)).toBe(mainNice);
      const helpers = [...nices].filter(([tid]) => tid !== pid);
      expect(helpers.length).toBeGreaterThan(3); // V8's and libuv's threads, the WAL checkpointer
      for (const [, nice] of helpers) expect(nice).toBeGreaterThanOrEqual(Math.max(10, mainNice));
    }, 8000);
  });
});

describe("npm start and signals", () => {
  it.runIf(process.platform === "linux")(
    "SIGTERM to npm stops the server too: none is left running on the port",
    async () => {
      const npmPort = await freePort();
      const npm = spawn("npm", ["start"], {
        cwd: ROOT,
        env: { ...process.env, PORT: String(npmPort), HOST: "127.0.0.1", DATABASE_PATH: `${dir.path}/npm.db` },
        stdio: "ignore",
      });
      const listening = async () =>
        fetch(`http://127.0.0.1:${npmPort}/health`).then(
          (r) => r.ok,
          () => false,
        );
      await eventually(async () => expect(await listening()).toBe(true), 30_000, 200);
      npm.kill("SIGTERM");
      await eventually(async () => expect(await listening()).toBe(false), 10_000, 200);
    },
    60_000,
  );
});
