import type { ChildProcess } from "node:child_process";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually, FIXTURE_CURRICULUM, freePort, tempDir } from "../helpers/app.js";
import { startFakeTelegram, tgText } from "../helpers/fake-telegram.js";
import { deliverTelegram, spawnServer } from "../helpers/server-process.js";

// kill -9 while updates pour in; restart; Telegram redelivers what was not acknowledged.
// Afterwards every chat's state is exactly what applying each update once gives (compared with
// a run without the crash), nothing is left unapplied, and every queued reply was sent.

const SECRET = "kill_test_secret";
let dir: ReturnType<typeof tempDir>;
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
const procs: ChildProcess[] = [];

async function boot(port: number, db: string, token = "5:KILL"): Promise<ChildProcess> {
  const proc = await spawnServer(port, {
    DATABASE_PATH: db,
    CURRICULUM_DIR: FIXTURE_CURRICULUM,
    TELEGRAM_BOT_TOKEN: token,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: fake.url,
    OUTBOX_GLOBAL_PER_SECOND: "500",
    OUTBOX_PER_CHAT_PER_SECOND: "100",
    LOG_LEVEL: "warn",
  });
  procs.push(proc);
  return proc;
}

beforeEach(async () => {
  dir = tempDir();
  fake = await startFakeTelegram();
});
afterEach(async () => {
  for (const p of procs) p.kill("SIGKILL");
  await fake.close();
  dir.cleanup();
});

const SCRIPT = ["hi", "1", "1", "1", "tiếp", "2", "1", "tiếp", "xong", "1", "2", "tiến độ"];
const CHATS = Array.from({ length: 60 }, (_, i) => 80_000 + i);
const updates = SCRIPT.flatMap((text, k) => CHATS.map((u, i) => tgText(u, text, 1_000_000 + k * 1000 + i)));

const send = (port: number, update: unknown) => deliverTelegram(port, SECRET, update);

/** Sends every update in order per chat until all are acknowledged (as Telegram does). */
async function deliverAll(port: number, list: typeof updates, acked: Set<number>, stopAfterMs?: number): Promise<void> {
  const started = Date.now();
  for (const u of list) {
    if (acked.has(u.update_id)) continue;
    if (stopAfterMs !== undefined && Date.now() - started > stopAfterMs) return;
    if (await send(port, u)) acked.add(u.update_id);
    else return; // the server is gone: stop, as Telegram would, and redeliver later
  }
}

function states(db: string): Record<string, string> {
  const d = new Database(db, { readonly: true });
  const rows = d
    .prepare("select l.channel_user_id as u, s.state from learners l join conversation_states s on s.learner_id = l.id")
    .all() as Array<{ u: string; state: string }>;
  d.close();
  return Object.fromEntries(rows.map((r) => [r.u, r.state]));
}

async function drained(db: string) {
  await eventually(
    () => {
      const d = new Database(db, { readonly: true });
      const n = d.prepare("select (select count(*) from inbox) + (select count(*) from outbox where status = 'pending') as n").get() as {
        n: number;
      };
      d.close();
      expect(n.n).toBe(0);
    },
    60_000,
    200,
  );
}

describe("kill -9 under load", () => {
  it("loses no acknowledged update, applies none twice, loses no reply", async () => {
    // Reference: the same updates, no crash.
    const refPort = await freePort();
    const refDb = `${dir.path}/ref.db`;
    const ref = await boot(refPort, refDb, "6:REF");
    await deliverAll(refPort, updates, new Set());
    await drained(refDb);
    ref.kill("SIGKILL");
    const expected = states(refDb);

    const port = await freePort();
    const db = `${dir.path}/crash.db`;
    let server = await boot(port, db);
    const acked = new Set<number>();
    const pouring = deliverAll(port, updates, acked);
    await new Promise((r) => setTimeout(r, 700));
    server.kill("SIGKILL");
    await pouring;
    expect(acked.size).toBeGreaterThan(0);
    expect(acked.size).toBeLessThan(updates.length);

    server = await boot(port, db);
    await deliverAll(port, updates, acked); // Telegram redelivers the rest (and nothing acknowledged is lost)
    await drained(db);
    expect(states(db)).toEqual(expected);

    const d = new Database(db, { readonly: true });
    const processed = (d.prepare("select count(*) as n from processed_messages").get() as { n: number }).n;
    const unsent = (d.prepare("select count(*) as n from outbox where status != 'sent'").get() as { n: number }).n;
    const sentRows = (d.prepare("select count(*) as n from outbox where method = 'reply'").get() as { n: number }).n;
    d.close();
    expect(processed).toBe(updates.length);
    expect(unsent).toBe(0);
    const okDelivered = fake.calls.filter(
      (c) => (c.method === "sendMessage" || c.method === "sendPhoto") && c.ok && c.token === "5:KILL",
    ).length;
    // Every queued reply was delivered (in one call or more); one whose confirmation died with the process may arrive twice.
    expect(okDelivered).toBeGreaterThanOrEqual(sentRows);
    expect(okDelivered - sentRows).toBeLessThanOrEqual(16);
    server.kill("SIGKILL");
  });
});
