import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
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
import type { LoadResult } from "./load.js";

// npm run bench:postgres — this server on PostgreSQL (DATABASE_URL): one instance flooded (how many complete turns a
// second: webhook → state saved → reply queued), one instance at 300 updates/s, and two instances sharing 300
// updates/s for the same learners; each run checks that every acknowledged update was applied once and answered.
// Needs a PostgreSQL server (BENCH_DATABASE_URL, default the test server at 127.0.0.1:5432). Writes its section of
// docs/benchmarks.md.

const URL_BASE = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const DURATION = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
/** Seconds of the same load before each measured run, not counted. */
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2) * 1000;
const SCRIPT = ["/start", "1", "1", "1", "tiếp", "nhắc lại", "tiếp", "2", "tiếp", "tiếp", "1", "menu", "1", "2", "tiếp", "tiến độ"];

async function sql<T extends pg.QueryResultRow>(schema: string | undefined, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: URL_BASE });
  await c.connect();
  try {
    if (schema) await c.query(`set search_path = ${schema}`);
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

let schemaN = 0;
async function freshDatabase(): Promise<{ schema: string; url: string }> {
  const schema = `bench_${process.pid}_${schemaN++}`;
  await sql(undefined, `drop schema if exists ${schema} cascade`);
  await sql(undefined, `create schema ${schema}`);
  const sep = URL_BASE.includes("?") ? "&" : "?";
  return { schema, url: `${URL_BASE}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}` };
}

const left = async (schema: string) =>
  Number(
    (
      await sql<{ inbox: string; pending: string }>(
        schema,
        "select (select count(*) from inbox) as inbox, (select count(*) from outbox where status = 'pending') as pending",
      )
    )[0]?.inbox ?? 0,
  );

async function drained(schema: string): Promise<number> {
  const start = performance.now();
  let shown = false;
  for (;;) {
    const [r] = await sql<{ n: string }>(
      schema,
      "select (select count(*) from inbox) + (select count(*) from outbox where status = 'pending') as n",
    );
    if (Number(r?.n) === 0 || performance.now() - start > 300_000) return (performance.now() - start) / 1000;
    if (!shown && performance.now() - start > 120_000) {
      // Still not answered after two minutes: what the servers' connections are doing, for whoever looks into it.
      shown = true;
      const activity = await sql<{ state: string; wait: string; n: string; longest: string; query: string }>(
        undefined,
        `select state, coalesce(wait_event_type || ':' || wait_event, '') as wait, count(*) as n,
                max(now() - state_change)::text as longest, left(min(query), 70) as query
         from pg_stat_activity where application_name = 'binh-dan-hoc-ai' group by 1, 2 order by 3 desc`,
      );
      console.log(`  after 2 min, ${r?.n} still to answer; the servers' connections:`);
      for (const a of activity) console.log(`    ${a.n} ${a.state} ${a.wait} (longest ${a.longest}): ${a.query.replace(/\s+/g, " ")}`);
    }
    await new Promise((res) => setTimeout(res, 250));
  }
}

interface Outcome {
  name: string;
  acks: number;
  p50: number;
  p99: number;
  turns: number;
  backlog: number;
  rss: number[];
  exactlyOnce: string;
}

let updateIdBase = 1;

async function server(db: { schema: string; url: string }, i: number, sendRate: number, fakePort: number) {
  // Two instances: one on each core, as on two machines (the load generator shares the second).
  const srv = startNode(i % 2, "src/main.ts", {
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: `http://127.0.0.1:${fakePort}`,
    DATABASE_URL: db.url,
    DATABASE_PATH: join(tmp, `${db.schema}-${i}`, "t.db"),
    CURRICULUM_DIR: resolve(root, "curriculum"),
    HOST: "127.0.0.1",
    OUTBOX_GLOBAL_PER_SECOND: String(sendRate),
    OUTBOX_PER_CHAT_PER_SECOND: sendRate >= 1000 ? "1000" : "1",
    LOG_PSEUDONYM_KEY: "b".repeat(64),
    LOG_LEVEL: "warn",
  });
  await waitPort(srv.port);
  return srv;
}

/**
 * Runs one load per instance at once against `instances` servers on one fresh database, sending at `sendRate` a
 * second (Telegram's real limit, or raised); then — the servers restarted with sends raised, if they were not — waits
 * until everything is answered and checks that every acknowledged update was applied once and answered.
 */
async function run(
  name: string,
  instances: number,
  load: { mode: "closed" | "open"; rate?: number; sendRate: number },
  fakePort: number,
): Promise<Outcome> {
  const db = await freshDatabase();
  const start = (sendRate: number) => {
    const list = [];
    for (let i = 0; i < instances; i++) list.push(server(db, i, sendRate, fakePort));
    return Promise.all(list);
  };
  let servers = await start(load.sendRate);
  const before = await fakeStats(fakePort);
  const gens = servers.map(() => loader());
  // Each instance gets its share of the same learners' updates (ids apart, so none is sent to two).
  const loadFor = async (durationMs: number) => {
    const first = updateIdBase;
    updateIdBase += 100_000_000;
    return Promise.all(
      servers.map((srv, i) =>
        (gens[i] as ReturnType<typeof loader>).run({
          url: `http://127.0.0.1:${srv.port}/webhooks/telegram`,
          mode: load.mode,
          connections: 40,
          durationMs,
          chats: 1000,
          firstUpdateId: first + i * 10_000_000,
          script: SCRIPT,
          ...(load.rate ? { rate: load.rate / instances } : {}),
        }),
      ),
    );
  };
  // The same load for WARMUP first, not counted (as in npm run bench): the JIT compiled, the pools' connections open.
  const warmAcked = WARMUP > 0 ? (await loadFor(WARMUP)).reduce((a, r) => a + r.acked, 0) : 0;
  while (WARMUP > 0 && (await left(db.schema)) > 0) await new Promise((res) => setTimeout(res, 100));
  const results: LoadResult[] = await loadFor(DURATION);
  for (const g of gens) g.close();
  const acked = results.reduce((a, r) => a + r.acked, 0);
  const seconds = DURATION / 1000;
  const backlog = await left(db.schema);
  const rss = servers.map((s) => readStats(s.stats).peakRssMb as number);
  if (load.sendRate < 1000) {
    // Replies waiting at Telegram's rate would take minutes: restart with sends raised (also a restart under load).
    for (const s of servers) await stop(s.proc);
    servers = await start(1000);
  }
  const drainS = await drained(db.schema);
  const [counts] = await sql<{ processed: string; inbox: string; failed: string; pending: string }>(
    db.schema,
    `select (select count(*) from processed_messages) as processed, (select count(*) from inbox) as inbox,
            (select count(*) from outbox where status in ('failed', 'cancelled')) as failed,
            (select count(*) from outbox where status = 'pending') as pending`,
  );
  let queuedCalls = 0;
  for (const row of await sql<{ chat_id: string; params: string }>(
    db.schema,
    "select chat_id, params from outbox where status = 'sent' and method = 'reply'",
  ))
    queuedCalls += renderTelegram(row.chat_id, JSON.parse(row.params)).length;
  const after = await fakeStats(fakePort);
  const delivered =
    (after.counts.sendMessage ?? 0) + (after.counts.sendPhoto ?? 0) - (before.counts.sendMessage ?? 0) - (before.counts.sendPhoto ?? 0);
  const processed = Number(counts?.processed);
  const ok =
    acked > 0 &&
    processed === warmAcked + acked &&
    Number(counts?.inbox) === 0 &&
    Number(counts?.failed) === 0 &&
    Number(counts?.pending) === 0 &&
    delivered === queuedCalls;
  for (const s of servers) await stop(s.proc);
  await sql(undefined, `drop schema ${db.schema} cascade`);
  const latencies = results.flatMap((r) => r.latenciesMs);
  return {
    name,
    acks: acked / seconds,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    turns: (acked - backlog) / seconds,
    backlog,
    rss,
    exactlyOnce: `${ok ? "yes" : "NO"}: ${warmAcked + acked} acknowledged (${warmAcked} in the warm-up), ${processed} recorded, ${counts?.inbox} left unapplied, ${delivered} messages delivered for ${queuedCalls} queued (${counts?.failed} failed, ${counts?.pending} never sent); ${backlog} still to work at the end of the load, worked and answered within ${drainS.toFixed(1)} s`,
  };
}

async function main() {
  const fakePort = takePort();
  const [fcmd, fargs] = pinned(1, process.execPath, [join(benchBuild, "fake-telegram.js")]);
  const fake = spawn(fcmd, fargs, { cwd: root, env: { ...process.env, PORT: String(fakePort) }, stdio: ["ignore", "inherit", "inherit"] });
  children.push(fake);
  await waitPort(fakePort);
  const [version] = await sql<{ v: string }>(undefined, "select current_setting('server_version') as v");
  console.error(`PostgreSQL ${version?.v}: ${DURATION / 1000} s per run, 40 connections per load generator, 1,000 chats`);

  const rows: Outcome[] = [];
  let skipped = 0;
  for (const [name, n, load] of [
    ["one instance, flooded (closed loop), sends raised to 1,000/s", 1, { mode: "closed", sendRate: 1000 }],
    ["one instance at 300 updates/s, sends at Telegram's 30/s", 1, { mode: "open", rate: 300, sendRate: 30 }],
    ["two instances sharing 300 updates/s, sends at Telegram's 30/s", 2, { mode: "open", rate: 300, sendRate: 30 }],
  ] as const) {
    // BENCH_RUNS=2,3: only those runs (1-based), for trying a change.
    const only = process.env.BENCH_RUNS?.split(",").map(Number);
    if (only && !only.includes(rows.length + skipped + 1)) {
      skipped++;
      continue;
    }
    const row = await run(name, n, load, fakePort);
    rows.push(row);
    console.error(
      `  ${row.name}: ${row.acks.toFixed(0)} acks/s, ${row.turns.toFixed(0)} complete turns/s, p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms; ${row.exactlyOnce}`,
    );
  }
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "–");
  const lines = [
    "## PostgreSQL (latest run of `npm run bench:postgres`)",
    "",
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, PostgreSQL ${version?.v} on the same machine (not pinned), ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.`,
    `Load: Telegram updates for 1,000 learners, ${DURATION / 1000} s per run after ${WARMUP / 1000} s of the same load not counted, 40 keep-alive connections per load generator${hasTaskset ? " (servers on core 0, load and fake Telegram on core 1)" : ""}. A complete turn: the update recorded, its learner's state and progress saved and the replies queued, in one transaction. Two instances: each gets half of the same learners' updates, and a core of its own (the second shared with the load generator and the fake Telegram). Runs sending at Telegram's rate are then restarted with sends raised, so that every reply is delivered and counted.`,
    "",
    "| run | acknowledged/s | complete turns/s | p50 ack (ms) | p99 ack (ms) | left to work at the end | peak RSS (MB) |",
    "|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${f(r.acks, 0)} | ${f(r.turns, 0)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${r.backlog} | ${r.rss.map((x) => f(x, 0)).join(" + ")} |`,
    ),
    "",
    "Every acknowledged update applied once and answered:",
    ...rows.map((r) => `- ${r.name}: ${r.exactlyOnce}`),
  ].join("\n");
  console.log(lines);
  const docPath = resolve(root, "docs/benchmarks.md");
  if (existsSync(docPath) && skipped === 0) {
    const doc = readFileSync(docPath, "utf8");
    const start = "<!-- bench-postgres:start -->";
    const end = "<!-- bench-postgres:end -->";
    const section = `${start}\n${lines}\n${end}`;
    writeFileSync(
      docPath,
      doc.includes(start) ? doc.replace(new RegExp(`${start}[\\s\\S]*${end}`), section) : `${doc.trimEnd()}\n\n${section}\n`,
    );
  }
  process.exit(0);
}

void main();
