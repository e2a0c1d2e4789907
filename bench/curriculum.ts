import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { startCommand } from "../tests/helpers/server-process.js";

// npm run bench:curriculum — the curriculum at a national platform's size. Copies the real lessons, with new ids,
// into a temporary folder until there are BENCH_LESSONS of them (3,000 by default), then measures what an admin
// and an operator would notice:
//   1. `npm run curriculum:check` on it, the whole command;
//   2. the server as `npm start` runs it: time until /health/ready answers and until a first question is answered
//      (it waits for the question index), its memory (RSS) once the index is built and while learners are served;
//   3. one lesson saved while 20 learners chat on the web: time from the save until the server serves the new
//      version (with the 50-ms wait for the editor to finish writing; read from /health/ready, polled every 5 ms), and
//      the learners' reply times meanwhile.
// Writes docs/benchmarks-curriculum.md unless BENCH_QUICK=1.

const root = resolve(import.meta.dirname, "..");
const TARGET = Number(process.env.BENCH_LESSONS ?? 3000);
const QUICK = process.env.BENCH_QUICK === "1";
const tmp = mkdtempSync(join(tmpdir(), "bdhai-bench-curriculum-"));
const dir = join(tmp, "curriculum");
const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
});

/** Copies of every track, lesson ids and `requires` renamed per copy, until the target is reached. */
function generate(): { lessons: number; tracks: number; real: number; sample: string } {
  const source = join(root, "curriculum");
  mkdirSync(dir, { recursive: true });
  cpSync(join(source, "media"), join(dir, "media"), { recursive: true });
  const tracks = readdirSync(source, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== "media")
    .map((d) => d.name);
  const files = tracks.map((t) => ({
    track: t,
    names: readdirSync(join(source, t)).filter((f) => f.endsWith(".md") || f === "track.yaml"),
  }));
  const ids = files.flatMap(({ track, names }) =>
    names.flatMap((n) => /^id:\s*(\S+)/m.exec(readFileSync(join(source, track, n), "utf8"))?.slice(1) ?? []),
  );
  const idPattern = new RegExp(`(?<![\\w-])(${ids.map((i) => i.replace(/[-]/g, "\\-")).join("|")})(?![\\w-])`, "g");
  let lessons = 0;
  let copies = 0;
  let sample = "";
  while (lessons < TARGET) {
    for (const { track, names } of files) {
      const out = join(dir, `${track}-${copies}`);
      mkdirSync(out);
      for (const name of names) {
        let text = readFileSync(join(source, track, name), "utf8");
        if (name === "track.yaml") {
          text = text
            .replace(/^order:\s*(\d+)/m, (_m, o: string) => `order: ${copies * 100 + Number(o)}`)
            .replace(/^title:\s*(.*?)("?)$/m, (_m, t: string, q: string) => `title: ${t} ${copies}${q}`);
        } else {
          // Ids and requires only: the front matter ends at the second "---".
          const end = text.indexOf("\n---", 4);
          text = text.slice(0, end).replace(idPattern, (id) => `${id}-${copies}`) + text.slice(end);
          lessons++;
          if (!sample) sample = join(out, name);
        }
        writeFileSync(join(out, name), text);
      }
    }
    copies++;
  }
  const real = files.reduce((a, f) => a + f.names.filter((n) => n.endsWith(".md")).length, 0);
  return { lessons, tracks: copies * tracks.length, real, sample };
}

function timeCommand(cmd: string, args: string[], env: Record<string, string>): { ms: number; out: string } {
  const t0 = performance.now();
  let out = "";
  try {
    out = execFileSync(cmd, args, { cwd: root, env: { ...process.env, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    out = `${(e as { stdout?: string }).stdout ?? ""}${(e as { stderr?: string }).stderr ?? ""}`;
  }
  return { ms: performance.now() - t0, out };
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? 0;

async function main() {
  const made = generate();
  console.log(`${made.lessons} lessons in ${made.tracks} tracks (copies of the ${made.real} real ones)`);

  // 1. The admin's check.
  const check = timeCommand("npm", ["run", "--silent", "curriculum:check"], { CURRICULUM_DIR: dir });
  console.log(`curriculum:check  ${(check.ms / 1000).toFixed(1)} s  ${check.out.trim().split("\n").at(-1)}`);

  // 2. The server as npm start runs it.
  execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, stdio: "ignore" });
  const { env: startEnv, flags, entry } = startCommand();
  const port = 20000 + Math.floor(Math.random() * 10000);
  const t0 = performance.now();
  const proc = spawn(process.execPath, [...flags, entry], {
    cwd: root,
    env: {
      ...process.env,
      ...startEnv,
      PORT: String(port),
      HOST: "127.0.0.1",
      CURRICULUM_DIR: dir,
      DATABASE_PATH: join(tmp, "tutor.db"),
      LOG_LEVEL: "info",
      // 20 learners from one address, ten messages a second.
      WEB_CHAT_PER_MINUTE: "100000",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(proc);
  const loads: Array<{ ms: number }> = [];
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    if (!line.includes('"curriculum loaded"')) return;
    loads.push({ ms: Number(/"ms":(\d+)/.exec(line)?.[1] ?? 0) });
  });
  const base = `http://127.0.0.1:${port}`;
  /** The most memory the server held while it started (its parse threads' heaps count: they are the same process). */
  let rssStart = 0;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the server exited with ${proc.exitCode}`);
    rssStart = Math.max(rssStart, rssMb(proc.pid as number));
    const ok = await fetch(`${base}/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await sleep(20);
  }
  const ready = performance.now() - t0;
  const pid = proc.pid as number;
  const rssReady = rssMb(pid);
  console.log(
    `server ready      ${(ready / 1000).toFixed(1)} s  RSS ${rssReady.toFixed(0)} MB (peak while starting ${rssStart.toFixed(0)} MB)`,
  );

  // 3. Learners chatting on the web while the index is built and while a lesson is saved.
  const replies: number[] = [];
  let running = true;
  const script = ["Chào", "1", "1", "tiếp", "tiếp", "mã otp là gì", "tiếp", "menu", "2", "tiếp", "làm sao biết link giả", "tiếp"];
  const learner = async (n: number) => {
    for (let i = 0; running; i++) {
      const t = performance.now();
      const r = await fetch(`${base}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: `bench-learner-${n}`, messageId: `m${i}`, text: script[i % script.length] }),
      });
      await r.text();
      replies.push(performance.now() - t);
      await sleep(100);
    }
  };
  const learners = Array.from({ length: 20 }, (_, n) => learner(n));
  let rssPeak = rssReady;
  const watchRss = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssMb(pid));
  }, 100);
  // A first question, asked as a new learner would: its answer comes once the question index is built.
  const ask = (text: string, i: number) =>
    fetch(`${base}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "bench-first-question", messageId: `q${i}`, text }),
    }).then((r) => r.text());
  await ask("Xin chào", 1);
  await ask("1", 2);
  await ask("mã otp là gì", 3);
  const indexed = performance.now() - t0;
  console.log(`first answer      ${(indexed / 1000).toFixed(1)} s after the start (the question index built)`);
  await sleep(QUICK ? 2000 : 4000);
  const rssServing = rssMb(pid);
  console.log(`serving           RSS ${rssServing.toFixed(0)} MB (peak ${rssPeak.toFixed(0)} MB), ${replies.length} replies`);

  // The version served, as the server says (its logs are written in batches, up to a second late). /health/ready, not
  // /metrics: polled every 5 ms, the metrics' few milliseconds each took a third of the server's time from learners.
  const loadedAt = async () => ((await fetch(`${base}/health/ready`).then((r) => r.json())) as { version?: string }).version;
  const edits: Array<{ served: number; load: number; p99: number }> = [];
  const original = readFileSync(made.sample, "utf8");
  for (let k = 1; k <= (QUICK ? 2 : 5); k++) {
    const before = loads.length;
    const from = replies.length;
    const was = await loadedAt();
    const t = performance.now();
    writeFileSync(made.sample, original.replace("Mục tiêu:", `Mục tiêu (lần sửa ${k}):`));
    let served = Number.NaN;
    while (performance.now() - t < 10_000) {
      if ((await loadedAt()) !== was) {
        served = performance.now() - t;
        break;
      }
      await sleep(5);
    }
    await sleep(1500);
    edits.push({ served, load: loads[before]?.ms ?? Number.NaN, p99: pct(replies.slice(from), 99) });
  }
  writeFileSync(made.sample, original);
  running = false;
  clearInterval(watchRss);
  await Promise.all(learners);
  for (const e of edits)
    console.log(
      `one lesson saved  served after ${e.served.toFixed(0)} ms (of which loading ${e.load} ms), learners' reply p99 meanwhile ${e.p99.toFixed(0)} ms`,
    );
  proc.kill("SIGTERM");

  const served = edits.map((e) => e.served);
  const rows = [
    ["lessons (tracks)", `${made.lessons} (${made.tracks})`, ""],
    ["`npm run curriculum:check`, whole command", `${(check.ms / 1000).toFixed(1)} s`, "≤ 5 s"],
    ["server start until /health/ready", `${(ready / 1000).toFixed(1)} s`, "≤ 5 s"],
    ["a first question answered (waits for the question index), from the start", `${(indexed / 1000).toFixed(1)} s`, "report"],
    [
      "RSS at ready / serving 20 learners, index built (peak while starting / while serving and saving)",
      `${rssReady.toFixed(0)} / ${rssServing.toFixed(0)} MB (${rssStart.toFixed(0)} / ${rssPeak.toFixed(0)})`,
      "≤ 200 MB",
    ],
    [
      `one saved lesson served, median of ${served.length} (50 ms of it waiting for the editor to finish writing)`,
      `${pct(served, 50).toFixed(0)} ms (loading ${pct(
        edits.map((e) => e.load),
        50,
      )} ms)`,
      "≤ 300 ms",
    ],
    ["learners' web reply time meanwhile, p50 / p99", `${pct(replies, 50).toFixed(0)} / ${pct(replies, 99).toFixed(0)} ms`, "report"],
  ];
  const table = ["| measure | result | target |", "|---|---|---|", ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
  console.log(`\n${table}`);
  if (!QUICK) {
    // What was written by hand below the table (from its marker on) is kept.
    const file = join(root, "docs/benchmarks-curriculum.md");
    const notes = existsSync(file) ? (/\n<!-- notes -->[\s\S]*$/.exec(readFileSync(file, "utf8"))?.[0] ?? "") : "";
    const doc = `# Curriculum at a national scale\n\nMeasured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:curriculum\` on this machine (${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}): copies of the ${made.real} real lessons with new ids.\n\n${table}\n${notes}`;
    writeFileSync(file, doc);
    console.log("\ndocs/benchmarks-curriculum.md written.");
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
