import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { ChannelSender, OutboundCall } from "../channels/types.js";
import type { OutboxOptions } from "./outbox.js";
import type { OutboxRow, SharedOutboxStore } from "./ports.js";
import { Bucket, callsOf, NOT_A_MESSAGE, OUTBOX_DEFAULTS } from "./sending.js";
import { type Channel, DIRECT_CHANNELS } from "./types.js";

// The dispatcher when several instances share one database: each instance leases chats' oldest pending rows and
// sends them — so a chat's replies leave in order, one at a time, whichever instance sends them — within one send
// rate per bot reserved in the database (Telegram's ~30 messages a second holds however many instances run), and
// marks each one sent. A killed instance's leased rows are sent by another once the leases run out.

/** Confirmed sends are marked on disk together, at most this long (ms) after the first of them. */
const MARK_MS = 10;

export interface SharedOutboxDeps {
  store: SharedOutboxStore;
  senders: Partial<Record<Channel, ChannelSender>>;
  logger: Logger;
  owner?: string;
  options?: OutboxOptions & {
    /** How long a claimed row is this instance's to send (ms): a killed instance's rows wait this long. */
    leaseMs?: number;
  };
  now?: () => number;
}

export function createSharedOutbox(deps: SharedOutboxDeps) {
  const o = {
    ...OUTBOX_DEFAULTS,
    // Rows queued by other instances are not announced here: look for them more often.
    pollMs: 250,
    leaseMs: 30_000,
    ...deps.options,
  };
  const owner = deps.owner ?? randomUUID();

  const now = deps.now ?? Date.now;
  const log = deps.logger;
  /** Per-chat pacing on this instance (a chat's rows are sent one at a time, so rarely by two instances at once). */
  const perChat = new Map<string, Bucket>();
  let inFlight = 0;
  let stopped = true;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let kicked = false;
  /** Rows the last pass claimed (shutdown waits until a pass finds none). */
  let lastClaimed = 0;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  function backoff(attempts: number): number {
    const base = Math.min(o.maxBackoffMs, o.baseBackoffMs * 2 ** (attempts - 1));
    return Math.round(base * (0.5 + o.random()));
  }

  /** Waits for the chat's rate and then for the send reserved from the bot's (`reserved`: ms, or reserve one now). */
  async function paced(row: OutboxRow, reserved?: number): Promise<void> {
    const key = `${row.channel}\u0000${row.chatId}`;
    let b = perChat.get(key);
    if (!b) {
      b = new Bucket(o.perChatPerSecond, o.perChatBurst, now());
      perChat.set(key, b);
    }
    for (let w = b.waitMs(now()); w > 0; w = b.waitMs(now())) await sleep(w);
    b.take(now());
    const wait = reserved ?? (await deps.store.reserveSends(row.channel, o.globalPerSecond, 1))[0] ?? 0;
    if (wait > 0) await sleep(wait);
  }

  // Confirmed sends are marked together, at most MARK_MS after the first of them: one statement, not one each. A
  // crash in between sends those few again after the restart (at least once, as always).
  let marks: Array<{ row: OutboxRow; attempts: number; at: number }> = [];
  let marking: Promise<void> | undefined;
  function markSent(row: OutboxRow, attempts: number): void {
    marks.push({ row, attempts, at: now() });
    if (marks.length === 1) setTimeout(() => void flushMarks(), MARK_MS).unref();
  }
  async function flushMarks(): Promise<void> {
    await marking;
    const batch = marks;
    marks = [];
    if (batch.length === 0) return;
    marking = deps.store.sent(batch).then(kick, (err: Error) => {
      // Not marked yet (the database is away): kept, and tried again shortly; they are not sent again meanwhile.
      log.warn({ err: { type: err.name } }, "outbox: could not mark sent replies yet; retrying");
      marks = batch.concat(marks);
      setTimeout(() => void flushMarks(), 100).unref();
    });
    await marking;
  }

  /** Sends the row's remaining calls in order (the first after `reserved` ms); records how far it got. */
  async function send(row: OutboxRow, reserved?: number): Promise<void> {
    const sender = deps.senders[row.channel as Channel];
    const rowLog = () => log.child({ channel: row.channel, outbox: row.id, method: row.method });
    if (!sender) {
      await deps.store.fail(row.id, row.attempts, "no_channel");
      rowLog().warn("no sender for this channel; call dropped");
      return;
    }
    let calls: OutboundCall[];
    try {
      calls = callsOf(sender, row);
    } catch (err) {
      await deps.store.fail(row.id, row.attempts, "render");
      rowLog().warn({ err: { type: (err as Error).name } }, "could not render a queued reply; dropped");
      return;
    }
    for (let part = row.partsSent; part < calls.length; part++) {
      const call = calls[part] as OutboundCall;
      if (!NOT_A_MESSAGE.has(row.method)) await paced(row, part === row.partsSent ? reserved : undefined);
      const outcome = await sender.send(row.chatId, call);
      const t = now();
      if (outcome.ok) {
        if (part + 1 < calls.length) await deps.store.partSent(row.id, part + 1);
        continue;
      }
      if (outcome.blocked) {
        await deps.store.blocked(row, outcome.code, t);
        rowLog().info({ code: outcome.code }, "learner unreachable (blocked the bot); pending messages cancelled");
        return;
      }
      const attempts = row.attempts + 1;
      if (!outcome.retry || attempts >= o.maxAttempts) {
        await deps.store.fail(row.id, attempts, outcome.code);
        rowLog().warn({ code: outcome.code, attempts }, "call failed for good");
        return;
      }
      const wait = outcome.retry.afterMs ?? backoff(attempts);
      await deps.store.retry(row.id, attempts, outcome.code, t + wait);
      rowLog().info({ code: outcome.code, attempts, retryInMs: wait }, "call will be retried");
      return;
    }
    markSent(row, row.attempts + 1);
  }

  /** One reservation per channel for the claimed rows that are messages: how long each waits for the bot's rate. */
  async function reserve(rows: OutboxRow[]): Promise<Map<OutboxRow, number>> {
    const waits = new Map<OutboxRow, number>();
    const byChannel = new Map<string, OutboxRow[]>();
    for (const r of rows) {
      if (NOT_A_MESSAGE.has(r.method)) continue;
      const list = byChannel.get(r.channel) ?? [];
      list.push(r);
      byChannel.set(r.channel, list);
    }
    for (const [channel, list] of byChannel) {
      const w = await deps.store.reserveSends(channel, o.globalPerSecond, list.length);
      list.forEach((r, i) => {
        waits.set(r, w[i] ?? 0);
      });
    }
    return waits;
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let waitMs = o.pollMs;
      try {
        // Every slot busy (replies waiting for the bot's rate): nothing to claim until a send ends and kicks the loop.
        // Claiming anyway cost the database a scan of the queue for each reply queued, hundreds a second under load.
        const free = o.concurrency - inFlight;
        const rows = free > 0 ? await deps.store.claim(owner, free, o.leaseMs, now(), DIRECT_CHANNELS) : [];
        lastClaimed = rows.length;
        const reserved = await reserve(rows);
        for (const row of rows) {
          inFlight++;
          void send(row, reserved.get(row))
            .catch((err: Error) => log.error({ err: { type: err.name, message: err.message } }, "outbox send crashed"))
            .finally(() => {
              inFlight--;
              kick();
            });
        }
        if (rows.length > 0 && inFlight < o.concurrency) waitMs = 0;
      } catch (err) {
        log.error({ err: { type: (err as Error).name, code: (err as { code?: string }).code } }, "outbox pass failed");
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, waitMs);
      });
      wake = undefined;
      if (timer) clearTimeout(timer);
      // Sweep pacing buckets of chats that have their full allowance again (memory stays flat).
      if (perChat.size > 10_000) for (const [k, b] of perChat) if (b.full(now())) perChat.delete(k);
    }
  }

  /** Rows were queued or a send finished: look again without waiting for the next pass. */
  function kick(): void {
    if (kicked) return;
    kicked = true;
    setImmediate(() => {
      kicked = false;
      wake?.();
    });
  }

  return {
    owner,
    start(): void {
      if (!stopped) return;
      stopped = false;
      void loop();
    },
    kick,
    pendingCount: () => deps.store.pendingCount(),
    purge: (olderThanMs = 24 * 3600_000) => deps.store.purge(now() - olderThanMs),
    /** Nothing to do here: an erasure's confirmation is marked in its row (`forget`) and deleted once sent. */
    forgetOnceSent(_channel: string, _chatId: string): void {},
    /** Graceful shutdown: keep sending what is due for at most `timeoutMs`; the rest is sent by others, or after the restart. */
    async stop(timeoutMs = 5000): Promise<void> {
      const until = now() + timeoutMs;
      kick();
      await sleep(20);
      while (!stopped && now() < until && (inFlight > 0 || lastClaimed > 0)) await sleep(50);
      stopped = true;
      wake?.();
      while (inFlight > 0 && now() < until + 1000) await sleep(20);
      await flushMarks().catch(() => undefined);
    },
  };
}

export type SharedOutbox = ReturnType<typeof createSharedOutbox>;
