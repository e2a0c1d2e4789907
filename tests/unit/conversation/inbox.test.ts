import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createGovernor } from "../../../src/conversation/governor.js";
import { createInbox } from "../../../src/conversation/inbox.js";
import type { InboxRow } from "../../../src/conversation/ports.js";
import type { ConversationService } from "../../../src/conversation/service.js";
import { type Db, openDatabase } from "../../../src/store/db.js";
import * as repo from "../../../src/store/repo.js";
import { vi as texts } from "../../../src/tutor/texts.vi.js";
import { eventually, tempDir } from "../../helpers/app.js";

// The inbox against a real database file; the conversation is a stand-in that notes what it was given.

let dir: ReturnType<typeof tempDir>;
let db: Db;
let worked: Array<{ user: string; text: string }>;
/** CPU time each message takes in the stand-in (ms). */
let workMs = 0;
const conversation = {
  processInbox(row: InboxRow) {
    const until = performance.now() + workMs;
    while (performance.now() < until) {
      // a tutor turn's worth of CPU
    }
    worked.push({ user: row.userKey, text: row.text });
    repo.deleteInbox(db, row.id);
  },
} as unknown as ConversationService;

const msg = (user: string, key: string, text = `m${key}`) => ({
  channel: "telegram" as const,
  userKey: user,
  chatId: user,
  messageKey: key,
  text,
});

beforeEach(() => {
  dir = tempDir();
  db = openDatabase(`${dir.path}/i.db`);
  worked = [];
  workMs = 0;
});
afterEach(() => {
  db.$client.close();
  dir.cleanup();
});

/** An update recorded as a webhook records it: answered once recorded, before its turn is worked. */
const webhook = (inbox: ReturnType<typeof createInbox>, m: Parameters<ReturnType<typeof createInbox>["acceptThen"]>[0]) =>
  new Promise((resolve, reject) => inbox.acceptThen(m, (err, r) => (err ? reject(err) : resolve(r))));

describe("inbox", () => {
  it("is idle once a turn that waited on something slow (a model answer) is applied", async () => {
    const slow = {
      processInbox(row: InboxRow) {
        return new Promise<void>((resolve) =>
          setTimeout(() => {
            worked.push({ user: row.userKey, text: row.text });
            repo.deleteInbox(db, row.id);
            resolve();
          }, 30),
        );
      },
    } as unknown as ConversationService;
    const inbox = createInbox({ store: repo.localStore(db), conversation: slow, logger: pino({ level: "silent" }) });
    await inbox.accept(msg("q", "1", "mã otp là gì"));
    const settled = await Promise.race([inbox.idle().then(() => "idle"), new Promise((r) => setTimeout(() => r("still waiting"), 2000))]);
    expect(settled).toBe("idle");
    expect(worked).toEqual([{ user: "q", text: "mã otp là gì" }]);
  });

  it("records every update of one event-loop turn in one transaction, answers each, then works them in order", async () => {
    const inbox = createInbox({ store: repo.localStore(db), conversation, logger: pino({ level: "silent" }) });
    db.$client.pragma("wal_checkpoint(TRUNCATE)");
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => inbox.accept(msg(`u${i % 10}`, String(i)))));
    expect(results.every((r) => r === "recorded")).toBe(true);
    // Answered before any work began: the WAL holds one commit's pages (a commit per update
    // would have written hundreds of frames).
    const [wal] = db.$client.pragma("wal_checkpoint(PASSIVE)") as Array<{ log: number }>;
    expect(wal?.log).toBeGreaterThan(0);
    expect(wal?.log).toBeLessThan(20);
    await inbox.idle();
    expect(worked).toHaveLength(100);
    for (let u = 0; u < 10; u++) {
      expect(worked.filter((w) => w.user === `u${u}`).map((w) => w.text)).toEqual(Array.from({ length: 10 }, (_, k) => `m${u + 10 * k}`));
    }
  });

  it("works a slice of turns in one transaction: a turn that fails is undone alone, the others are kept", async () => {
    db.$client.exec("create table said (text text)");
    const saving = {
      handle: () => [],
      // Like the real service: each turn in its own (here nested) transaction.
      processInbox(row: InboxRow) {
        db.$client
          .transaction(() => {
            db.$client.prepare("insert into said (text) values (?)").run(row.text);
            if (row.text === "bad") throw new Error("a bug in this turn");
            repo.deleteInbox(db, row.id);
          })
          .immediate();
      },
    } as unknown as ConversationService;
    const commits = vi.fn();
    const inbox = createInbox({ store: repo.localStore(db), conversation: saving, logger: pino({ level: "silent" }), onQueued: commits });
    await Promise.all([inbox.accept(msg("a", "1", "one")), inbox.accept(msg("b", "2", "bad")), inbox.accept(msg("c", "3", "three"))]);
    await inbox.idle();
    const said = (db.$client.prepare("select text from said order by rowid").all() as Array<{ text: string }>).map((r) => r.text);
    expect(said).toEqual(["one", "three"]); // the failed turn's write was undone, not the others'
    expect((db.$client.prepare("select count(*) as n from inbox").get() as { n: number }).n).toBe(0); // the bad one dropped
    // …and its learner is told, kindly, instead of waiting for an answer that will not come.
    const told = db.$client.prepare("select chat_id as chat, method, params from outbox").all() as Array<{
      chat: string;
      method: string;
      params: string;
    }>;
    expect(told.map((r) => [r.chat, r.method, JSON.parse(r.params).text])).toEqual([["b", "reply", texts.turnFailed]]);
    expect(commits).toHaveBeenCalledTimes(1); // after the slice is committed, the outbox is woken once
  });

  it("a webhook whose answer throws does not leave the others of its batch unanswered", async () => {
    const inbox = createInbox({ store: repo.localStore(db), conversation, logger: pino({ level: "silent" }) });
    inbox.acceptThen(msg("u", "1"), () => {
      throw new Error("the connection went away");
    });
    const other = inbox.accept(msg("v", "2"));
    expect(await other).toBe("recorded");
    await inbox.idle();
    expect(worked.map((w) => w.text).sort()).toEqual(["m1", "m2"]);
  });

  it("the same update twice in one turn is recorded once", async () => {
    const inbox = createInbox({ store: repo.localStore(db), conversation, logger: pino({ level: "silent" }) });
    const results = await Promise.all([inbox.accept(msg("u", "7")), inbox.accept(msg("u", "7")), inbox.accept(msg("u", "8"))]);
    expect(results).toEqual(["recorded", "duplicate", "recorded"]);
    await inbox.idle();
    expect(worked.map((w) => w.text)).toEqual(["m7", "m8"]);
    expect(await inbox.accept(msg("u", "7"))).toBe("duplicate"); // also after it was worked
  });

  it("a commit that fails answers every waiting webhook with an error (the channel redelivers), and the next turn records", async () => {
    const inbox = createInbox({ store: repo.localStore(db), conversation, logger: pino({ level: "silent" }) });
    db.$client.pragma("busy_timeout = 20");
    const other = openDatabase(`${dir.path}/i.db`);
    other.$client.prepare("begin immediate").run(); // another process holds the write lock
    const pending = [inbox.accept(msg("u", "1")), inbox.accept(msg("u", "2"))];
    for (const p of pending) await expect(p).rejects.toMatchObject({ code: "SQLITE_BUSY" });
    other.$client.prepare("rollback").run();
    other.$client.close();
    expect(await inbox.accept(msg("u", "1"))).toBe("recorded");
    await inbox.idle();
    expect(worked.map((w) => w.text)).toEqual(["m1"]);
  });

  it("after a restart, what was recorded and not applied is worked first, in order per learner", async () => {
    // Recorded by the previous process, which died before working them.
    const at = new Date();
    for (const [user, key] of [
      ["a", "1"],
      ["b", "2"],
      ["a", "3"],
    ] as const) {
      repo.markProcessed(db, "telegram", key, at);
      repo.insertInbox(db, { ...msg(user, key), media: null, callbackId: null, at });
    }
    const inbox = createInbox({ store: repo.localStore(db), conversation, logger: pino({ level: "silent" }) });
    expect(inbox.recover()).toBe(2); // learners waiting
    expect(await inbox.accept(msg("a", "4"))).toBe("recorded");
    expect(await inbox.accept(msg("a", "1"))).toBe("duplicate"); // redelivered by the channel
    await inbox.idle();
    expect(worked.filter((w) => w.user === "a").map((w) => w.text)).toEqual(["m1", "m3", "m4"]);
    expect(worked.filter((w) => w.user === "b").map((w) => w.text)).toEqual(["m2"]);
    expect((db.$client.prepare("select count(*) as n from inbox").get() as { n: number }).n).toBe(0);
  });

  it("a slice of work that cannot be saved is worked again: nothing lost, in order", async () => {
    let failed = false;
    const failing = {
      handle: () => [],
      processInbox(row: InboxRow) {
        worked.push({ user: row.userKey, text: row.text });
        if (row.text === "m2" && !failed) {
          failed = true;
          db.$client.exec("rollback"); // the slice's transaction is lost: its commit fails
          return;
        }
        repo.deleteInbox(db, row.id);
      },
    } as unknown as ConversationService;
    const inbox = createInbox({ store: repo.localStore(db), conversation: failing, logger: pino({ level: "silent" }) });
    await Promise.all([inbox.accept(msg("a", "1")), inbox.accept(msg("b", "2"))]);
    await eventually(() => expect(failed).toBe(true));
    expect(await inbox.accept(msg("a", "3"))).toBe("recorded"); // while the slice waits to be worked again
    await eventually(() => expect((db.$client.prepare("select count(*) as n from inbox").get() as { n: number }).n).toBe(0));
    // The first slice (m1, m2) was undone, so both were worked again; a's next one after its first.
    expect(worked.filter((w) => w.user === "a").map((w) => w.text)).toEqual(["m1", "m1", "m3"]);
    expect(worked.filter((w) => w.user === "b").map((w) => w.text)).toEqual(["m2", "m2"]);
  });

  it("under a flood, acknowledgements go first and the work keeps to its share; it catches up when the flood ends", async () => {
    let t = 0;
    const governor = createGovernor({ now: () => t, utilization: () => 1, sampleMs: 0 });
    const inbox = createInbox({ store: repo.localStore(db), conversation, logger: pino({ level: "silent" }), governor });
    workMs = 0.5;
    // The governor's clock stands still: the flood never ends and no more share is earned.
    await Promise.all(Array.from({ length: 50 }, (_, i) => webhook(inbox, msg(`u${i}`, String(i)))));
    await new Promise((r) => setTimeout(r, 100));
    // One saved-up slice (4 ms) at the start of the flood, and nothing more while it lasts.
    expect(worked.length).toBeGreaterThan(0);
    expect(worked.length).toBeLessThanOrEqual(10);
    // Webhooks are still answered at once.
    expect(await webhook(inbox, msg("late", "999"))).toBe("recorded");
    t += 1000; // the flood is over
    await eventually(() => expect(worked).toHaveLength(51));
  });

  it("messages whose request waits for its own turn (web chat, terminal) are not held back as a flood of webhooks", async () => {
    const governor = createGovernor({ now: () => 0, utilization: () => 1, sampleMs: 0 });
    const inbox = createInbox({ store: repo.localStore(db), conversation, logger: pino({ level: "silent" }), governor });
    workMs = 0.5;
    await Promise.all(Array.from({ length: 50 }, (_, i) => inbox.accept(msg(`u${i}`, String(i)))));
    // The same flood as above, from learners who wait for their answers: all of it is worked at once.
    await eventually(() => expect(worked).toHaveLength(50));
    expect(governor.busy()).toBe(false);
  });
});
