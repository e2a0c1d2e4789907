import { afterEach, beforeEach, expect, it } from "vitest";
import type { InboundRecord, SharedOutboxStore, SharedStore } from "../../../src/conversation/ports.js";
import { closePostgres, openPostgres, type PgDb } from "../../../src/store/postgres/db.js";
import { postgresOutboxStore } from "../../../src/store/postgres/outbox.js";
import { sealer } from "../../../src/store/postgres/sealed.js";
import { postgresSharedStore } from "../../../src/store/postgres/shared.js";
import { describePostgres, dropSchema, POSTGRES_URL, schemaName } from "../../helpers/postgres.js";

// What several instances rely on, against a real PostgreSQL server: an update recorded once; a learner held by one
// instance at a time and taken over when its holder stops renewing; a chat's replies claimed one at a time, in order;
// one send rate for every instance.

let schema: string;
let db: PgDb;
let shared: SharedStore;
let outbox: SharedOutboxStore;

beforeEach(async () => {
  schema = schemaName();
  db = await openPostgres(POSTGRES_URL, { schema, max: 8 });
  shared = postgresSharedStore(db, sealer("k".repeat(64)));
  outbox = postgresOutboxStore(db);
});
afterEach(async () => {
  await closePostgres(db);
  await dropSchema(schema);
});

const update = (userKey: string, messageKey: string, text = "hi"): InboundRecord => ({
  channel: "telegram",
  userKey,
  chatId: userKey,
  messageKey,
  text,
});

describePostgres("the shared store", () => {
  it("records an update once, within a batch and across batches", async () => {
    const at = new Date();
    expect(await shared.record([update("1", "a"), update("1", "a"), update("2", "b")], at)).toEqual([true, false, true]);
    expect(await shared.record([update("1", "a"), update("1", "c", "bad\u0000text")], at)).toEqual([false, true]);
    const keys = await db.$client.query<{ k: string }>("select message_key as k from processed_messages order by 1");
    expect(keys.rows.map((r) => r.k)).toEqual(["a", "b", "c"]);
    expect((await shared.openNext("A", "telegram:1"))?.row.messageKey).toBe("a");
  });

  it("keeps what learners wrote sealed on disk, readable only with the install's key", async () => {
    await shared.record([update("3", "s", "số tài khoản của tôi là 0123456789")], new Date());
    const stored = await db.$client.query<{ text: string }>("select text from inbox");
    expect(stored.rows[0]?.text).not.toContain("0123456789");
    expect(stored.rows[0]?.text).not.toContain("tài khoản");
    expect((await shared.openNext("A", "telegram:3"))?.row.text).toBe("số tài khoản của tôi là 0123456789");
    // An instance with another key cannot read it: the tutor gets a message without text (and answers it kindly).
    const other = postgresSharedStore(db, sealer("x".repeat(64)));
    expect((await other.openNext("B", "telegram:3"))?.row).toMatchObject({ text: "", media: "unsupported" });
  });

  it("gives each learner to one instance at a time, and to another when the holder stops renewing", async () => {
    const at = new Date();
    await shared.record(
      Array.from({ length: 6 }, (_, i) => update(String(i), `m${i}`)),
      at,
    );
    const [a, b] = await Promise.all([shared.claimLearners("A", 3, 400, new Set()), shared.claimLearners("B", 3, 60_000, new Set())]);
    expect(a.length + b.length).toBe(6);
    expect(new Set([...a, ...b]).size).toBe(6); // nobody claimed twice
    expect(await shared.claimLearners("C", 6, 60_000, new Set())).toEqual([]);
    // A stops renewing: after its lease, its learners go to C; B's stay B's.
    await new Promise((r) => setTimeout(r, 500));
    expect((await shared.claimLearners("C", 6, 60_000, new Set())).sort()).toEqual([...a].sort());
  });

  it("applies a turn only while its instance holds the learner and the update is unapplied", async () => {
    await shared.record([update("7", "x")], new Date());
    expect(await shared.claimLearners("A", 1, 200, new Set())).toEqual(["telegram:7"]);
    expect(await shared.claimLearners("B", 1, 60_000, new Set())).toEqual([]);
    const first = await shared.openNext("A", "telegram:7");
    if (!first) throw new Error("no update");
    const { row, turn: slow } = first;
    await slow.reserve({ question: false });
    slow.store.upsertLearner("telegram", "7", "7", new Date());
    // A is too slow: its lease runs out and B takes the learner over, and applies the update.
    await new Promise((r) => setTimeout(r, 300));
    expect(await shared.claimLearners("B", 1, 60_000, new Set())).toEqual(["telegram:7"]);
    const taken = await shared.openNext("B", "telegram:7");
    expect(taken?.row.id).toBe(row.id); // the same, oldest update
    const fast = taken!.turn;
    await fast.reserve({ question: false });
    fast.store.upsertLearner("telegram", "7", "7", new Date());
    expect(await fast.commit({ inboxId: row.id })).toBe(true);
    // A's writes are refused: nothing applied twice.
    expect(await slow.commit({ inboxId: row.id })).toBe(false);
    const n = await db.$client.query<{ n: number }>("select count(*)::int as n from learners");
    expect(n.rows[0]?.n).toBe(1);
    // B again with the same update: it is gone, so nothing is written; and with none left, B's lease is given back.
    const again = await shared.openTurn("B", "telegram:7", "telegram", "7");
    expect(await again.commit({ inboxId: row.id })).toBe(false);
    expect(await shared.openNext("B", "telegram:7")).toBeUndefined();
    const held = await db.$client.query("select 1 from learner_leases where key = 'telegram:7'");
    expect(held.rowCount).toBe(0);
  });

  it("hands out a chat's replies one at a time, oldest first, to one instance", async () => {
    const at = Date.now();
    for (const text of ["one", "two"])
      await db.$client.query(
        "insert into outbox (channel, chat_id, method, params, status, next_attempt_at, created_at) values ('telegram', '9', 'reply', $1, 'pending', $2, $2)",
        [JSON.stringify({ text }), at],
      );
    const [a, b] = await Promise.all([
      outbox.claim("A", 8, 60_000, Date.now(), ["web"]),
      outbox.claim("B", 8, 60_000, Date.now(), ["web"]),
    ]);
    const claimed = [...a, ...b];
    expect(claimed.map((r) => JSON.parse(r.params).text)).toEqual(["one"]);
    expect(await outbox.claim("B", 8, 60_000, Date.now(), ["web"])).toEqual([]); // "two" waits for "one"
    await outbox.sent([{ row: claimed[0]!, attempts: 1, at: Date.now() }]);
    expect((await outbox.claim("B", 8, 60_000, Date.now(), ["web"])).map((r) => JSON.parse(r.params).text)).toEqual(["two"]);
  });

  it("paces sends from every instance within one rate", async () => {
    // Ten sends reserved at once at 5 a second — five by one instance together, five by others one by one: they are
    // spread over about two seconds.
    // Each wait counts from when its reservation ran, some time within its call: the gaps between sends are 200 ms
    // less at most the longest call (a loaded machine stretches the calls, not the rate).
    let longest = 0;
    const timed = async (n: number) => {
      const t = performance.now();
      const w = await postgresOutboxStore(db).reserveSends("telegram", 5, n);
      longest = Math.max(longest, performance.now() - t);
      return w;
    };
    const waits = (await Promise.all([timed(5), ...Array.from({ length: 5 }, () => timed(1))])).flat().sort((x, y) => x - y);
    expect(waits[0]).toBe(0);
    for (let i = 1; i < waits.length; i++)
      expect((waits[i] as number) - (waits[i - 1] as number)).toBeGreaterThanOrEqual(Math.min(150, 200 - longest));
    expect(waits.at(-1)).toBeGreaterThanOrEqual(1800 - 9 * longest);
  });
});
