import { fork, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, freemem, totalmem } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { renderTelegram } from "../src/channels/telegram.js";
import {
  benchBuild,
  children,
  fakeStats,
  hasTaskset,
  loader,
  pct,
  pinned,
  readStats,
  root,
  SECRET,
  startNode,
  stop,
  TOKEN,
  takePort,
  tmp,
  waitPort,
} from "./common.js";
import type { LoadSpec } from "./load.js";

// npm run bench — the same load against (A) a bare Fastify handler that only checks the secret,
// (B) a bare grammY echo bot on Fastify, (C) this server (real database file, real outbox, fake
// Telegram on loopback), interleaved A B C A B C; then p99 at fixed offered rates, the LLM path,
// and a check that every acknowledged update was answered exactly once. Writes docs/benchmarks.md.

const DURATION = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
/** Seconds of the same load before each measured run, not counted (JIT and page cache warm). */
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2) * 1000;
/** BENCH_QUICK=1: one round of A and C, closed loop and at 300/s, nothing written (for trying a change). */
const QUICK = process.env.BENCH_QUICK === "1";
const SCRIPT = ["/start", "1", "1", "1", "tiếp", "nhắc lại", "tiếp", "2", "tiếp", "tiếp", "1", "menu", "1", "2", "tiếp", "tiến độ"];
const QUESTIONS = [
  "mã otp là gì vậy cháu",
  "cách nhận biết tin nhắn lừa đảo",
  "passcode vneid có mấy số",
  "quét mã qr chuyển tiền có an toàn không",
  "thẻ bảo hiểm y tế trên điện thoại dùng sao",
];

async function drain(dbPath: string): Promise<{ seconds: number; unapplied: number }> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  const left = db.prepare("select (select count(*) from inbox) + (select count(*) from outbox where status = 'pending') as n");
  const start = performance.now();
  try {
    while ((left.get() as { n: number }).n > 0 && performance.now() - start < 300_000) await new Promise((res) => setTimeout(res, 250));
    const unapplied = (db.prepare("select count(*) as n from inbox").get() as { n: number }).n;
    return { seconds: (performance.now() - start) / 1000, unapplied };
  } finally {
    db.close();
  }
}

interface Row {
  name: string;
  ups: number;
  p50: number;
  p99: number;
  rss: number;
  eld: number;
  failed: number;
}

let updateIdBase = 1;
async function measure(
  name: string,
  script: string,
  env: Record<string, string>,
  spec: Partial<LoadSpec> & { db?: string; fakePort: number },
): Promise<Row & { exactlyOnce?: string }> {
  const srv = startNode(0, script, env);
  await waitPort(srv.port);
  await new Promise((r) => setTimeout(r, 300));
  if (srv.proc.exitCode !== null) throw new Error(`${name}: the server exited (${srv.proc.exitCode}) before the run`);
  const before = await fakeStats(spec.fakePort);
  const gen = loader();
  const run = (durationMs: number) =>
    gen.run({
      url: `http://127.0.0.1:${srv.port}/webhooks/telegram`,
      mode: spec.mode ?? "closed",
      connections: 40,
      durationMs,
      chats: 1000,
      firstUpdateId: updateIdBase,
      script: spec.script ?? SCRIPT,
      ...(spec.rate ? { rate: spec.rate } : {}),
    });
  // The same load for WARMUP first, not counted (for every server alike): a server in service has
  // its code compiled by the JIT and its database pages cached; a fresh process has neither. The
  // same generator process then measures, warm as well. This server also works off and answers
  // what the warm-up recorded before the measured run: the tutor's own code is then compiled too
  // (after the warm-up alone, compiling it still took ~8 % of the core during the measured run).
  const warmFirst = updateIdBase;
  const warm = WARMUP > 0 ? await run(WARMUP) : undefined;
  if (warm) updateIdBase += warm.sent + 10;
  const warmAcked = warm?.acked ?? 0;
  const warmDrain = spec.db && warm ? await drain(spec.db) : { seconds: 0, unapplied: 0 };
  const r = await run(spec.durationMs ?? DURATION);
  gen.close();
  updateIdBase += r.sent + 10;
  let exactlyOnce: string | undefined;
  if (spec.db) {
    // Wait until every recorded update is applied and every reply confirmed, then count.
    const db = new Database(spec.db, { readonly: true, fileMustExist: true });
    db.pragma("busy_timeout = 5000");
    // Acknowledged but not yet worked at the end of the load (work is metered under a flood).
    const backlog = (db.prepare("select count(*) as n from inbox").get() as { n: number }).n;
    const workedDuring = r.acked + warmDrain.unapplied - backlog;
    const drainS = (await drain(spec.db)).seconds;
    const processed = (
      db
        .prepare("select count(*) as n from processed_messages where channel = 'telegram' and cast(message_key as integer) >= ?")
        .get(warmFirst) as { n: number }
    ).n;
    const inbox = (db.prepare("select count(*) as n from inbox").get() as { n: number }).n;
    // Replies are rendered into calls when sent: what was queued is the calls they render into (the benchmark's are
    // all text messages; a picture would go as sendPhoto).
    let sentRows = 0;
    for (const row of db.prepare("select chat_id, params from outbox where status = 'sent' and method = 'reply'").iterate() as Iterable<{
      chat_id: string;
      params: string;
    }>)
      sentRows += renderTelegram(row.chat_id, JSON.parse(row.params)).length;
    const failedRows = (db.prepare("select count(*) as n from outbox where status in ('failed','cancelled')").get() as { n: number }).n;
    db.close();
    const after = await fakeStats(spec.fakePort);
    const delivered =
      (after.counts.sendMessage ?? 0) + (after.counts.sendPhoto ?? 0) - (before.counts.sendMessage ?? 0) - (before.counts.sendPhoto ?? 0);
    // Every acknowledged update, the warm-up's included, recorded once and answered.
    const ok =
      r.acked > 0 && processed === warmAcked + r.acked && inbox === 0 && failedRows === 0 && delivered === sentRows && delivered >= r.acked;
    exactlyOnce = `${ok ? "yes" : "NO"}: ${warmAcked + r.acked} acknowledged (${warmAcked} in the warm-up, answered within ${warmDrain.seconds.toFixed(1)} s before the run), ${processed} recorded, ${inbox} left unapplied, ${delivered} replies delivered for ${sentRows} queued (${failedRows} failed); worked during the load ${workedDuring} (${(workedDuring / (r.durationMs / 1000)).toFixed(0)}/s), the other ${backlog} worked and answered within ${drainS.toFixed(1)} s after it`;
  }
  await new Promise((res) => setTimeout(res, 700));
  const st = readStats(srv.stats);
  await stop(srv.proc);
  return {
    name,
    ups: r.acked / (r.durationMs / 1000),
    p50: pct(r.latenciesMs, 50),
    p99: pct(r.latenciesMs, 99),
    rss: st.peakRssMb,
    eld: st.eldP99Ms,
    failed: r.failed,
    ...(exactlyOnce ? { exactlyOnce } : {}),
  };
}

async function main() {
  const fakePort = takePort();
  // The real Bot API is not on this machine: its stand-in should cost the load's core as little as
  // possible (compiled, no TypeScript loader thread).
  const [fcmd, fargs] = pinned(1, process.execPath, [join(benchBuild, "fake-telegram.js")]);
  const fake = spawn(fcmd, fargs, { cwd: root, env: { ...process.env, PORT: String(fakePort) }, stdio: ["ignore", "inherit", "inherit"] });
  children.push(fake);
  await waitPort(fakePort);
  const llmPort = takePort();
  const llm = fork(resolve(root, "bench/fake-llm.ts"), {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, PORT: String(llmPort), LLM_DELAY_MS: "1500" },
  });
  children.push(llm);
  await waitPort(llmPort);

  const base = {
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: `http://127.0.0.1:${fakePort}`,
    LOG_LEVEL: "info",
  };
  let dbN = 0;
  const ours = (extra: Record<string, string> = {}) => {
    const db = join(tmp, `c${dbN++}.db`);
    return {
      env: {
        ...base,
        DATABASE_PATH: db,
        CURRICULUM_DIR: resolve(root, "curriculum"),
        HOST: "127.0.0.1",
        OUTBOX_GLOBAL_PER_SECOND: "1000",
        OUTBOX_PER_CHAT_PER_SECOND: "1000",
        ...extra,
      },
      db,
    };
  };

  console.error(
    `Benchmark: ${WARMUP / 1000} s warm-up + ${DURATION / 1000} s per run, 40 connections, 1,000 chats${hasTaskset ? ", server on core 0, load on core 1" : " (no pinning)"}`,
  );
  const closed: Array<Row & { exactlyOnce?: string }> = [];
  for (let round = 1; round <= (QUICK ? 1 : 2); round++) {
    closed.push(await measure(`A bare Fastify (round ${round})`, "bench/bare-fastify.ts", base, { fakePort }));
    if (!QUICK) closed.push(await measure(`B bare grammY echo (round ${round})`, "bench/bare-grammy.ts", base, { fakePort }));
    const c = ours();
    closed.push(await measure(`C this server (round ${round})`, "src/main.ts", c.env, { fakePort, db: c.db }));
    for (const row of closed.slice(QUICK ? -2 : -3))
      console.error(
        `  ${row.name}: ${row.ups.toFixed(0)} updates/s, p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms, RSS ${row.rss.toFixed(0)} MB${row.exactlyOnce ? `; ${row.exactlyOnce}` : ""}`,
      );
  }
  const avg = (prefix: string, key: keyof Row) => {
    const xs = closed.filter((r) => r.name.startsWith(prefix)).map((r) => r[key] as number);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const ratioCA = avg("C", "ups") / avg("A", "ups");
  const ratioCB = avg("C", "ups") / avg("B", "ups");

  const fixed: Array<Row & { rate: number }> = [];
  for (const rate of QUICK ? [300] : [200, 300, 1000]) {
    for (const [name, script, envFn] of [
      ["A bare Fastify", "bench/bare-fastify.ts", () => ({ env: base, db: undefined })],
      ["C this server", "src/main.ts", () => ours()],
    ] as const) {
      const { env, db } = envFn();
      const row = await measure(`${name} at ${rate}/s`, script, env, {
        fakePort,
        mode: "open",
        rate,
        durationMs: Math.min(DURATION, 8000),
        ...(db ? { db } : {}),
      });
      fixed.push({ ...row, rate });
      console.error(`  ${row.name}: p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms, failed ${row.failed}`);
    }
  }
  if (QUICK) process.exit(0);
  const noLlm = ours();
  const qNo = await measure("C questions, no LLM, 300/s", "src/main.ts", noLlm.env, {
    fakePort,
    mode: "open",
    rate: 300,
    durationMs: 8000,
    script: QUESTIONS.map((q, i) => `${q} ${i}`),
  });
  const withLlm = ours({ OPENAI_BASE_URL: `http://127.0.0.1:${llmPort}/v1`, OPENAI_API_KEY: "x", OPENAI_MODEL: "m" });
  const qLlm = await measure("C questions, LLM answering in 1.5 s, 300/s", "src/main.ts", withLlm.env, {
    fakePort,
    mode: "open",
    rate: 300,
    durationMs: 8000,
    script: QUESTIONS.map((q, i) => `${q} ${i}`),
  });
  console.error(`  LLM path: p99 ${qNo.p99.toFixed(2)} ms without, ${qLlm.p99.toFixed(2)} ms with a 1.5 s model`);

  const cpu = cpus()[0]?.model ?? "unknown";
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "–");
  const lines = [
    "## Latest run",
    "",
    `Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} GiB free), Node ${process.version}, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.`,
    `Load: Telegram updates for 1,000 chats with unique update_id, 40 keep-alive connections, ${DURATION / 1000} s per run after ${WARMUP / 1000} s of the same load not counted (every server alike; this server first works off and answers what the warm-up recorded)${hasTaskset ? "; server pinned to core 0, load generator and fake Telegram to core 1" : ""}. Outbox rates raised (1,000/s) so the exactly-once check can drain.`,
    "",
    "| run | updates/s | p50 ack (ms) | p99 ack (ms) | peak RSS (MB) | event-loop delay p99 (ms) | failed |",
    "|---|---|---|---|---|---|---|",
    ...closed.map(
      (r) => `| ${r.name} | ${f(r.ups, 0)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${f(r.rss, 0)} | ${f(r.eld, 2)} | ${r.failed} |`,
    ),
    "",
    `**C/A = ${ratioCA.toFixed(2)}**, **C/B = ${ratioCB.toFixed(2)}** (mean updates/s over the two rounds).`,
    "",
    "Every acknowledged update answered exactly once (C):",
    ...closed.filter((r) => r.exactlyOnce).map((r) => `- ${r.name}: ${r.exactlyOnce}`),
    "",
    "Fixed offered rates (open loop; latency counted from the scheduled send time):",
    "",
    "| run | p50 ack (ms) | p99 ack (ms) | peak RSS (MB) | failed |",
    "|---|---|---|---|---|",
    ...fixed.map((r) => `| ${r.name} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${f(r.rss, 0)} | ${r.failed} |`),
    "",
    "The LLM path does not slow acknowledgements (questions at 300 updates/s):",
    "",
    "| run | p50 ack (ms) | p99 ack (ms) |",
    "|---|---|---|",
    `| ${qNo.name} | ${f(qNo.p50, 2)} | ${f(qNo.p99, 2)} |`,
    `| ${qLlm.name} | ${f(qLlm.p50, 2)} | ${f(qLlm.p99, 2)} |`,
  ].join("\n");
  console.log(lines);
  const docPath = resolve(root, "docs/benchmarks.md");
  if (existsSync(docPath)) {
    const doc = readFileSync(docPath, "utf8");
    const start = "<!-- bench:start -->";
    const end = "<!-- bench:end -->";
    if (doc.includes(start)) writeFileSync(docPath, doc.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${lines}\n${end}`));
  }
  process.exit(0);
}

void main();
