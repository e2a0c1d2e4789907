import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

// The server as `npm start` runs it — compiled dist/ with the Node flags in package.json — in its
// own process. The crash drills, the start test and the benchmark all run what ships. dist/ is
// built once per test run by tests/global-setup.ts (the benchmark builds it itself).

export const ROOT = resolve(import.meta.dirname, "../..");

/** The environment (`env K=V …`), Node flags and entry file of package.json's start script. */
export function startCommand(): { env: Record<string, string>; flags: string[]; entry: string } {
  const start =
    (JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.start ?? "";
  const m = /(?:env ((?:\w+=\S+ )*))?node ((?:--\S+ )*)(dist\/main\.js|scripts\/start\.mjs)/.exec(start);
  if (!m?.[3]) throw new Error(`npm start does not run the server with node: ${start}`);
  const env = Object.fromEntries(
    (m[1] ?? "")
      .trim()
      .split(" ")
      .filter(Boolean)
      .map((kv) => kv.split("=", 2) as [string, string]),
  );
  return { env, flags: m[2]?.trim().split(" ").filter(Boolean) ?? [], entry: m[3] };
}

/**
 * Starts the built server with `env` over this process's environment (a value of undefined removes
 * a variable) and resolves once /health/ready answers 200 on `port`.
 */
export async function spawnServer(port: number, env: Record<string, string | undefined>): Promise<ChildProcess> {
  const start = startCommand();
  const { flags, entry } = start;
  const merged: Record<string, string | undefined> = { ...process.env, ...start.env, PORT: String(port), HOST: "127.0.0.1", ...env };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  const proc = spawn(process.execPath, [...flags, entry], { cwd: ROOT, env: merged, stdio: "ignore" });
  const until = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the server exited with ${proc.exitCode} before it was ready`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200) return proc;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      proc.kill("SIGKILL");
      throw new Error("the server was not ready within 30 s");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Delivers a Telegram update to a server process as Telegram does: true when it answered 200 (acknowledged). */
export async function deliverTelegram(port: number, secret: string, update: unknown): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      body: JSON.stringify(update),
    });
    return res.status === 200;
  } catch {
    return false;
  }
}
