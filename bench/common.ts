import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { startCommand } from "../tests/helpers/server-process.js";
import type { LoadResult, LoadSpec } from "./load.js";

// What the benchmarks share: the build (this server from dist/, the helpers compiled alike), pinning to cores, the
// processes they start (servers, the load generator) and their figures.

export const root = resolve(import.meta.dirname, "..");
export const SECRET = "bench_secret_value";
export const TOKEN = "123456:BENCH";
export const hasTaskset = (() => {
  try {
    execFileSync("taskset", ["-c", "0", "true"]);
    return cpus().length >= 2;
  } catch {
    return false;
  }
})();
export const tmp = mkdtempSync(join(tmpdir(), "bdhai-bench-"));
export const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
});

export function pinned(core: number, cmd: string, args: string[]): [string, string[]] {
  return hasTaskset ? ["taskset", ["-c", String(core), cmd, ...args]] : [cmd, args];
}

export async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, "127.0.0.1", () => {
        s.end();
        r(true);
      }).on("error", () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} never opened`);
}

// Every benchmarked server runs as plain JavaScript, as in production: this server from dist/
// (npm run build), the baselines compiled the same way (no TypeScript loader in any of them).
export const benchBuild = join(root, "node_modules/.cache/bdhai-bench");
execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, stdio: "inherit" });
await build({
  entryPoints: ["bare-fastify", "bare-grammy", "eld", "load", "fake-telegram"].map((f) => join(root, `bench/${f}.ts`)),
  outdir: benchBuild,
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
});
/** The Node flags, environment and entry `npm start` runs the server with (from package.json, so both stay the same). */
const start = startCommand();
export const startFlags = start.flags;
const startEnv = start.env;
export const compiled = (script: string) =>
  script === "src/main.ts" ? join(root, start.entry) : join(benchBuild, `${script.replace(/^bench\//, "").replace(/\.ts$/, "")}.js`);

// Below Linux's ephemeral range (32768–60999): a port there can be taken by an outgoing connection
// (the load generator's, the outbox's) between runs, and the next server would fail to listen.
let nextPort = 20000 + Math.floor(Math.random() * 10000);
export function startNode(core: number, script: string, env: Record<string, string>): { proc: ChildProcess; port: number; stats: string } {
  const port = nextPort++;
  const stats = join(tmp, `stats-${port}.json`);
  const flags = script === "src/main.ts" ? startFlags : [];
  const [cmd, args] = pinned(core, process.execPath, [...flags, "--import", join(benchBuild, "eld.js"), compiled(script)]);
  const proc = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, ...(script === "src/main.ts" ? startEnv : {}), ...env, PORT: String(port), BENCH_STATS_FILE: stats },
    stdio: ["ignore", process.env.BENCH_SERVER_LOGS ? "inherit" : "ignore", "inherit"],
  });
  children.push(proc);
  return { proc, port, stats };
}

export async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  proc.kill("SIGTERM");
  await new Promise((r) => {
    proc.once("exit", r);
    setTimeout(() => {
      proc.kill("SIGKILL");
      r(undefined);
    }, 15_000);
  });
}

/** A load generator in its own process (pinned to core 1), compiled like the servers. */
export function loader(): { run(spec: Omit<LoadSpec, "secret">): Promise<LoadResult>; close(): void } {
  const [cmd, args] = pinned(1, process.execPath, [join(benchBuild, "load.js")]);
  const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  children.push(child);
  return {
    run: (spec) =>
      new Promise((resolvePromise, reject) => {
        const exited = (code: number | null) => reject(new Error(`load generator exited ${code}`));
        child.once("exit", exited);
        child.once("message", (m) => {
          child.off("exit", exited);
          resolvePromise(m as LoadResult);
        });
        child.send({ ...spec, secret: SECRET });
      }),
    close: () => child.disconnect(),
  };
}

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
export const readStats = (file: string) =>
  existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : { eldP99Ms: Number.NaN, peakRssMb: Number.NaN };

/**
 * Waits (at most 5 minutes) until every recorded update is applied and every reply confirmed;
 * returns the seconds it took and how many recorded updates were still not applied.
 */
export async function fakeStats(port: number): Promise<{ counts: Record<string, number> }> {
  const res = await fetch(`http://127.0.0.1:${port}/stats`);
  return res.json() as Promise<{ counts: Record<string, number> }>;
}

/** A free port below Linux's ephemeral range, for the next process. */
export const takePort = () => nextPort++;
