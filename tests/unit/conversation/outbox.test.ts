import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChannelSender, OutboundCall, SendOutcome } from "../../../src/channels/types.js";
import { DEFAULT_BACKGROUND } from "../../../src/config.js";
import { createGovernor, type Governor } from "../../../src/conversation/governor.js";
import { createOutbox, type Outbox, type OutboxOptions } from "../../../src/conversation/outbox.js";
import { type Db, openDatabase } from "../../../src/store/db.js";
import { localOutboxStore } from "../../../src/store/outbox.js";
import { enqueue } from "../../../src/store/repo.js";
import { eventually, tempDir } from "../../helpers/app.js";

// The dispatcher against a real database file and a scripted channel (a fake of the port, not of our code).

let dir: ReturnType<typeof tempDir>;
let db: Db;
let outbox: Outbox | undefined;
const sent: Array<{ chat: string; n: number; at: number }> = [];
/** Scripted answers for chat "A" (other chats always succeed). */
let script: Array<(call: OutboundCall) => SendOutcome> = [];

/** Renders reply "n" as one call, "n+m" as two (a text too long for one message), when it is sent. */
const rendered: string[] = [];
const sender: ChannelSender = {
  channel: "telegram",
  render: (_chatId, reply) => {
    rendered.push(reply.text);
    return reply.text.split("+").map((n) => ({ method: "sendMessage", params: { n: Number(n) } }));
  },
  acknowledge: (id) => ({ method: "answerCallbackQuery", params: { n: Number(id) } }),
  async send(chatId, call) {
    const next = chatId === "A" ? script.shift() : undefined;
    const outcome = next ? next(call) : { ok: true as const };
    if (outcome.ok) sent.push({ chat: chatId, n: Number(call.params.n), at: Date.now() });
    return outcome;
  },
};

/** Queues `count` replies to a chat, numbered from `from`, as the conversation does. */
function queue(chat: string, count: number, from = 0) {
  enqueue(db, {
    channel: "telegram",
    chatId: chat,
    learnerId: null,
    items: Array.from({ length: count }, (_, i) => ({ method: "reply", params: { text: String(from + i) } })),
    at: new Date(),
  });
}

/** An outbox over the test database and the scripted sender (polling every 10 ms unless told). */
function dispatcher(options: OutboxOptions, extra: { governor?: Governor } = {}): Outbox {
  return createOutbox({
    store: localOutboxStore(db),
    senders: { telegram: sender },
    logger: pino({ level: "silent" }),
    ...extra,
    options: { pollMs: 10, ...options },
  });
}

beforeEach(() => {
  dir = tempDir();
  db = openDatabase(`${dir.path}/o.db`);
  sent.length = 0;
  rendered.length = 0;
  script = [];
});
afterEach(async () => {
  await outbox?.stop(100);
  outbox = undefined;
  db.$client.close();
  dir.cleanup();
});

describe("outbox dispatcher", () => {
  it("keeps about 1 message per second per chat after a burst of 3, in order", async () => {
    outbox = dispatcher({});
    queue("A", 6);
    outbox.start();
    await eventually(() => expect(sent.length).toBe(6), 10_000);
    expect(sent.map((s) => s.n)).toEqual([0, 1, 2, 3, 4, 5]);
    const t0 = sent[0]?.at ?? 0;
    expect((sent[2]?.at ?? 0) - t0).toBeLessThan(300); // the burst
    expect((sent[3]?.at ?? 0) - t0).toBeGreaterThanOrEqual(900);
    expect((sent[5]?.at ?? 0) - t0).toBeGreaterThanOrEqual(2800);
  });

  it("stays under the global rate across many chats", async () => {
    outbox = dispatcher({ globalPerSecond: 20 });
    for (let c = 0; c < 40; c++) queue(`chat${c}`, 1);
    const started = Date.now();
    outbox.start();
    await eventually(() => expect(sent.length).toBe(40), 10_000);
    // 20 at once (the bucket), then 20 more at 20/s: about one second at least.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const firstHalfSecond = sent.filter((s) => s.at - started < 500).length;
    expect(firstHalfSecond).toBeLessThanOrEqual(31); // 20 saved up + 10 earned in half a second
  });

  it("retries transient failures with backoff and keeps the chat's order; other chats are not held up", async () => {
    outbox = dispatcher({ baseBackoffMs: 50, perChatPerSecond: 100, perChatBurst: 100 });
    script = [() => ({ ok: false, retry: {}, code: "tg_500" }), () => ({ ok: false, retry: {}, code: "tg_502" })];
    queue("A", 3);
    queue("B", 1, 100);
    outbox.start();
    await eventually(() => expect(sent.length).toBe(4));
    expect(sent.filter((s) => s.chat === "A").map((s) => s.n)).toEqual([0, 1, 2]);
    // Confirmed sends are marked in the next event-loop turn (one transaction for all of them).
    await eventually(() =>
      expect(db.$client.prepare("select attempts, status from outbox where chat_id = 'A' order by id limit 1").get()).toEqual({
        attempts: 3,
        status: "sent",
      }),
    );
  });

  it("gives up after the maximum attempts and goes on with the next message", async () => {
    outbox = dispatcher({ baseBackoffMs: 5, maxAttempts: 3, perChatPerSecond: 100, perChatBurst: 100 });
    script = Array.from({ length: 3 }, () => () => ({ ok: false, retry: {}, code: "tg_500" }));
    queue("A", 2);
    outbox.start();
    await eventually(() => expect(sent.map((s) => s.n)).toEqual([1]));
    await eventually(() =>
      expect(db.$client.prepare("select status, attempts, last_error from outbox order by id").all()).toEqual([
        { status: "failed", attempts: 3, last_error: "tg_500" },
        { status: "sent", attempts: 1, last_error: null },
      ]),
    );
  });

  it("drains what is due on stop, within the time allowed", async () => {
    outbox = dispatcher({ perChatPerSecond: 100, perChatBurst: 100 });
    queue("A", 5);
    outbox.start();
    await outbox.stop(2000);
    expect(sent.length).toBe(5);
    expect(outbox.pendingCount()).toBe(0);
  });

  it("sends rows queued after it started (the conversation, reminders, announcements), in order", async () => {
    outbox = dispatcher({ perChatPerSecond: 100, perChatBurst: 100 });
    outbox.start();
    queue("A", 2);
    outbox.kick();
    await eventually(() => expect(sent.length).toBe(2));
    queue("A", 2, 2);
    queue("B", 1, 100);
    // No kick: the next look finds them all the same.
    await eventually(() => expect(sent.length).toBe(5));
    expect(sent.filter((s) => s.chat === "A").map((s) => s.n)).toEqual([0, 1, 2, 3]);
  });

  it("skips a row erased before it was sent (a learner's data deleted) and goes on with the chat's next one", async () => {
    outbox = dispatcher({ perChatPerSecond: 100, perChatBurst: 100 });
    queue("A", 3);
    script = [() => ({ ok: false, retry: { afterMs: 200 }, code: "tg_429" })];
    outbox.start();
    // The first row waits for its retry; meanwhile the second is erased.
    await eventually(() => expect(db.$client.prepare("select attempts from outbox order by id limit 1").get()).toEqual({ attempts: 1 }));
    db.$client.prepare("delete from outbox where id = (select id from outbox order by id limit 1 offset 1)").run();
    await eventually(() => expect(sent.map((s) => s.n)).toEqual([0, 2]));
  });

  it("renders a reply when it is sent; a reply of two calls resumes at the call that failed, the first not sent twice", async () => {
    outbox = dispatcher({ baseBackoffMs: 20, perChatPerSecond: 100, perChatBurst: 100 });
    enqueue(db, {
      channel: "telegram",
      chatId: "A",
      learnerId: null,
      items: [{ method: "reply", params: { text: "1+2" } }],
      at: new Date(),
    });
    queue("A", 1, 3);
    expect(rendered).toEqual([]);
    // The first call goes through; the second fails once, then goes.
    script = [() => ({ ok: true }), () => ({ ok: false, retry: {}, code: "tg_502" })];
    outbox.start();
    await eventually(() => expect(sent.map((s) => s.n)).toEqual([1, 2, 3]));
    await eventually(() =>
      expect(db.$client.prepare("select status, parts_sent as parts from outbox order by id").all()).toEqual([
        { status: "sent", parts: 1 },
        { status: "sent", parts: 0 },
      ]),
    );
  });

  it("answers an acknowledgement through the channel, outside the chat's message rate; a call queued by an older version is sent as it is", async () => {
    outbox = dispatcher({ perChatPerSecond: 1, perChatBurst: 1 });
    enqueue(db, {
      channel: "telegram",
      chatId: "A",
      learnerId: null,
      items: [
        { method: "ack", params: { id: "7" } },
        { method: "reply", params: { text: "8" } },
      ],
      at: new Date(),
    });
    // As a version before migration 0009 queued it: the platform call itself.
    db.$client
      .prepare(
        "insert into outbox (channel, chat_id, method, params, status, attempts, next_attempt_at, created_at) values ('telegram', 'A', 'sendMessage', ?, 'pending', 0, ?, ?)",
      )
      .run(JSON.stringify({ n: 9 }), Date.now(), Date.now());
    const started = Date.now();
    outbox.start();
    await eventually(() => expect(sent.map((s) => s.n)).toEqual([7, 8, 9]));
    // The acknowledgement took no token: the two messages were a second apart, not two.
    expect(Date.now() - started).toBeLessThan(1900);
  });

  it("under a flood of webhooks, sends keep to their share and resume in full afterwards", async () => {
    let t = 0;
    const governor = createGovernor({ now: () => t, utilization: () => 1, sampleMs: 0 });
    outbox = dispatcher({ perChatPerSecond: 1000, perChatBurst: 1000, globalPerSecond: 1000 }, { governor });
    for (let c = 0; c < 30; c++) queue(`chat${c}`, 1);
    governor.webhooks(); // the flood starts, and the governor's clock stands still: no more share is earned
    outbox.start();
    await new Promise((r) => setTimeout(r, 300));
    // A full slice (2 ms) buys what 2 ms of sends cost (2 at 0.8 ms each); the rest waits.
    expect(sent.length).toBe(Math.floor(2 / DEFAULT_BACKGROUND.sendCostMs));
    t += 1000; // the flood is over
    await eventually(() => expect(sent.length).toBe(30));
  });
});
