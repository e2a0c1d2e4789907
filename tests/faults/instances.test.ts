import type { ChildProcess } from "node:child_process";
import pg from "pg";
import { afterEach, beforeEach, expect, it } from "vitest";
import { eventually, FIXTURE_CURRICULUM, freePort, tempDir } from "../helpers/app.js";
import { startFakeTelegram, tgText } from "../helpers/fake-telegram.js";
import { describePostgres, dropSchema, POSTGRES_URL, schemaName } from "../helpers/postgres.js";
import { deliverTelegram, spawnServer } from "../helpers/server-process.js";

// Two instances on one PostgreSQL database, as an operator runs them behind a load balancer: each learner's updates
// alternate between them; one is killed with SIGKILL midway, and Telegram delivers what it did not acknowledge to the
// survivor. Afterwards every learner is exactly where one instance alone would have taken them, every update was
// applied once, and every reply reached the chat, in order — a reply whose confirmation died with the killed
// instance may arrive twice (at least once), never one missing.

const SECRET = "instances_secret";
const SCRIPT = ["hi", "1", "1", "1", "tiếp", "2", "1", "tiếp", "xong", "1", "2", "tiến độ"];
const CHATS = Array.from({ length: 40 }, (_, i) => 90_000 + i);
const LEASE_SECONDS = 3;

let dir: ReturnType<typeof tempDir>;
const procs: ChildProcess[] = [];
const schemas: string[] = [];
const fakes: Array<Awaited<ReturnType<typeof startFakeTelegram>>> = [];

beforeEach(() => {
  dir = tempDir();
});
afterEach(async () => {
  for (const p of procs.splice(0)) p.kill("SIGKILL");
  for (const f of fakes.splice(0)) await f.close();
  for (const s of schemas.splice(0)) await dropSchema(s);
  dir.cleanup();
});

/** A schema of its own, and the DATABASE_URL that puts the tutor's tables in it. */
async function database(): Promise<{ schema: string; url: string }> {
  const schema = schemaName();
  schemas.push(schema);
  const c = new pg.Client({ connectionString: POSTGRES_URL });
  await c.connect();
  await c.query(`create schema ${schema}`);
  await c.end();
  const sep = POSTGRES_URL.includes("?") ? "&" : "?";
  return { schema, url: `${POSTGRES_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}` };
}

async function boot(name: string, url: string, telegram: string): Promise<{ port: number; proc: ChildProcess }> {
  const port = await freePort();
  const proc = await spawnServer(port, {
    DATABASE_URL: url,
    DATABASE_PATH: `${dir.path}/${name}/t.db`,
    CURRICULUM_DIR: FIXTURE_CURRICULUM,
    TELEGRAM_BOT_TOKEN: "7:TWO",
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: telegram,
    OUTBOX_GLOBAL_PER_SECOND: "500",
    OUTBOX_PER_CHAT_PER_SECOND: "100",
    INSTANCE_LEASE_SECONDS: String(LEASE_SECONDS),
    LOG_PSEUDONYM_KEY: "k".repeat(64),
    LOG_LEVEL: "warn",
  });
  procs.push(proc);
  return { port, proc };
}

const send = (port: number, update: unknown) => deliverTelegram(port, SECRET, update);

/** Each chat's updates in order, the k-th to instance k mod n; an update an instance does not acknowledge goes to the next. */
async function deliver(ports: number[], alive: () => boolean[], acked: number[] = []): Promise<void> {
  await Promise.all(
    CHATS.map(async (chat, i) => {
      for (const [k, text] of SCRIPT.entries()) {
        const update = tgText(chat, text, 2_000_000 + k * 1000 + i);
        for (let attempt = 0; ; attempt++) {
          const target = (k + attempt) % ports.length;
          if (!alive()[target]) continue;
          if (await send(ports[target] as number, update)) {
            acked[target] = (acked[target] ?? 0) + 1;
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }),
  );
}

async function query<T extends pg.QueryResultRow>(schema: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: POSTGRES_URL });
  await c.connect();
  try {
    await c.query(`set search_path = ${schema}`);
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

async function drained(schema: string): Promise<void> {
  await eventually(
    async () => {
      const [r] = await query<{ n: number }>(
        schema,
        "select (select count(*) from inbox) + (select count(*) from outbox where status = 'pending') as n",
      );
      expect(Number(r?.n)).toBe(0);
    },
    60_000,
    200,
  );
}

async function states(schema: string): Promise<Record<string, string>> {
  const rows = await query<{ u: string; state: string }>(
    schema,
    "select l.channel_user_id as u, s.state from learners l join conversation_states s on s.learner_id = l.id",
  );
  return Object.fromEntries(rows.map((r) => [r.u, r.state]));
}

/** A chat's messages with a message repeated by a resend counted once. */
const collapsed = (texts: string[]) => texts.filter((t, i) => i === 0 || t !== texts[i - 1]);

describePostgres("two instances, one killed", () => {
  it("applies every update once, in order per learner, and sends every reply", async () => {
    // Reference: one instance, no crash.
    const refTelegram = await startFakeTelegram();
    fakes.push(refTelegram);
    const ref = await database();
    const one = await boot("ref", ref.url, refTelegram.url);
    await deliver([one.port], () => [true]);
    await drained(ref.schema);
    one.proc.kill("SIGKILL");
    const expected = await states(ref.schema);
    expect(Object.keys(expected)).toHaveLength(CHATS.length);

    const telegram = await startFakeTelegram();
    fakes.push(telegram);
    const db = await database();
    const a = await boot("a", db.url, telegram.url);
    const b = await boot("b", db.url, telegram.url);
    const alive = [true, true];
    const acked = [0, 0];
    const pouring = deliver([a.port, b.port], () => alive, acked);
    await new Promise((r) => setTimeout(r, 800));
    a.proc.kill("SIGKILL");
    alive[0] = false;
    const atKill = acked.reduce((a, b) => a + b, 0);
    await pouring;
    // Killed midway: both instances had taken updates, and more came after.
    expect(acked[0]).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(CHATS.length * SCRIPT.length);
    await drained(db.schema);

    expect(await states(db.schema)).toEqual(expected);
    const [processed] = await query<{ n: number }>(db.schema, "select count(*)::int as n from processed_messages");
    expect(processed?.n).toBe(CHATS.length * SCRIPT.length);
    const [unsent] = await query<{ n: number }>(db.schema, "select count(*)::int as n from outbox where status <> 'sent'");
    expect(unsent?.n).toBe(0);

    let extra = 0;
    for (const chat of CHATS) {
      const got = telegram.texts(chat);
      const want = refTelegram.texts(chat);
      // Every reply, in order; a resend shows as the same message twice in a row.
      expect(collapsed(got), `chat ${chat}`).toEqual(collapsed(want));
      extra += got.length - want.length;
    }
    expect(extra).toBeGreaterThanOrEqual(0);
    // At most what the killed instance had in flight (its sends at once) can go twice.
    expect(extra).toBeLessThanOrEqual(8);
  });
});
