import { and, eq, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { ChannelSender } from "../channels/types.js";
import type { Db } from "../store/db.js";
import { learners, outbox } from "../store/schema.js";
import type { Channel } from "./types.js";

export interface OutboxOptions {
  /** Messages per second across all chats (Telegram's broadcast limit is about 30/s). */
  globalPerSecond?: number;
  /** Messages per second to one chat (about 1/s), with a small burst allowance. */
  perChatPerSecond?: number;
  perChatBurst?: number;
  /** After this many failed attempts a call is given up (status "failed"). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt, with jitter, up to maxBackoffMs. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often to look for due rows when nothing wakes the dispatcher. */
  pollMs?: number;
  /** Calls in flight at once (different chats; one chat is always sequential). */
  concurrency?: number;
  random?: () => number;
}

export interface OutboxDeps {
  db: Db;
  senders: Partial<Record<Channel, ChannelSender>>;
  logger: Logger;
  now?: () => number;
  options?: OutboxOptions;
}

interface Row {
  id: number;
  channel: string;
  chatId: string;
  learnerId: number | null;
  method: string;
  params: string;
  attempts: number;
  nextAttemptAt: number;
}

/** Token bucket: `rate` tokens per second, at most `burst` saved up. */
class Bucket {
  private tokens: number;
  private at: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }
  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
  }
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
  /** Milliseconds until a token is available. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }
}

// Calls that are not chat messages: they do not count against a chat's message rate.
const NOT_A_MESSAGE = new Set(["answerCallbackQuery", "sendChatAction"]);

/**
 * Sends what the conversation queued: in order per chat, within rate limits, retrying transient
 * failures with backoff and jitter, honouring 429 retry_after, and stopping for learners who
 * blocked the bot. Rows are on disk, so whatever was not confirmed is sent after a restart.
 */
export function createOutbox(deps: OutboxDeps) {
  const o = {
    globalPerSecond: 25,
    perChatPerSecond: 1,
    perChatBurst: 3,
    maxAttempts: 8,
    baseBackoffMs: 500,
    maxBackoffMs: 60_000,
    pollMs: 500,
    concurrency: 8,
    random: Math.random,
    ...deps.options,
  };
  const now = deps.now ?? Date.now;
  const { db } = deps;
  // No burst overall: sends are paced evenly, so no second ever carries more than the limit.
  const global = new Bucket(o.globalPerSecond, 1, now());
  const perChat = new Map<string, Bucket>();
  const busyChats = new Set<string>();
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let wake: (() => void) | undefined;

  // Due rows that are the oldest pending row of their chat (a chat's later rows wait for earlier ones).
  const dueHeadsStmt = db.$client.prepare(
    `select id, channel, chat_id as chatId, learner_id as learnerId, method, params, attempts, next_attempt_at as nextAttemptAt
     from outbox o where o.status = 'pending' and o.next_attempt_at <= ?
       and not exists (select 1 from outbox p where p.channel = o.channel and p.chat_id = o.chat_id and p.status = 'pending' and p.id < o.id)
     order by o.id limit ?`,
  );
  const nextDueStmt = db.$client.prepare("select min(next_attempt_at) as t from outbox where status = 'pending'");
  const sentStmt = db.$client.prepare("update outbox set status = 'sent', sent_at = ?, attempts = ?, last_error = null where id = ?");

  function bucketFor(chatKey: string): Bucket {
    let b = perChat.get(chatKey);
    if (!b) {
      b = new Bucket(o.perChatPerSecond, o.perChatBurst, now());
      perChat.set(chatKey, b);
    }
    return b;
  }

  function backoff(attempts: number): number {
    const base = Math.min(o.maxBackoffMs, o.baseBackoffMs * 2 ** (attempts - 1));
    return Math.round(base * (0.5 + o.random()));
  }

  async function sendRow(row: Row): Promise<void> {
    const sender = deps.senders[row.channel as Channel];
    const log = deps.logger.child({ channel: row.channel, outbox: row.id, method: row.method });
    if (!sender) {
      db.update(outbox).set({ status: "failed", lastError: "no_channel" }).where(eq(outbox.id, row.id)).run();
      log.warn("no sender for this channel; call dropped");
      return;
    }
    const outcome = await sender.send(row.chatId, { method: row.method, params: JSON.parse(row.params) as Record<string, unknown> });
    const t = now();
    if (outcome.ok) {
      sentStmt.run(t, row.attempts + 1, row.id);
      return;
    }
    if (outcome.blocked) {
      db.$client
        .transaction(() => {
          db.update(outbox)
            .set({ status: "cancelled", lastError: outcome.code })
            .where(and(eq(outbox.channel, row.channel), eq(outbox.chatId, row.chatId), eq(outbox.status, "pending")))
            .run();
          if (row.learnerId !== null)
            db.update(learners)
              .set({ unreachableAt: new Date(t) })
              .where(eq(learners.id, row.learnerId))
              .run();
        })
        .immediate();
      log.info({ code: outcome.code }, "learner unreachable (blocked the bot); pending messages cancelled");
      return;
    }
    const attempts = row.attempts + 1;
    if (!outcome.retry || attempts >= o.maxAttempts) {
      db.update(outbox).set({ status: "failed", attempts, lastError: outcome.code }).where(eq(outbox.id, row.id)).run();
      log.warn({ code: outcome.code, attempts }, "call failed for good");
      return;
    }
    const wait = outcome.retry.afterMs ?? backoff(attempts);
    db.update(outbox)
      .set({ attempts, lastError: outcome.code, nextAttemptAt: new Date(t + wait) })
      .where(eq(outbox.id, row.id))
      .run();
    log.info({ code: outcome.code, attempts, retryInMs: wait }, "call will be retried");
  }

  /** One pass: start sending every due row that the limits allow. Returns ms until worth looking again. */
  function pump(): number {
    if (stopped) return o.pollMs;
    if (inFlight >= o.concurrency) return o.pollMs;
    const t = now();
    // Enough heads to find sendable ones past chats that are waiting on their own rate limit.
    const rows = dueHeadsStmt.all(t, 256) as Row[];
    let soonest = o.pollMs;
    for (const row of rows) {
      if (inFlight >= o.concurrency) break;
      const chatKey = `${row.channel}\u0000${row.chatId}`;
      if (busyChats.has(chatKey)) continue;
      if (!NOT_A_MESSAGE.has(row.method)) {
        const chat = bucketFor(chatKey);
        const chatWait = chat.waitMs(t);
        if (chatWait > 0) {
          soonest = Math.min(soonest, chatWait);
          continue;
        }
        if (!global.take(t)) {
          soonest = Math.min(soonest, global.waitMs(t));
          break;
        }
        chat.take(t);
      }
      busyChats.add(chatKey);
      inFlight++;
      void sendRow(row)
        .catch((err: Error) => deps.logger.error({ err: { type: err.name, message: err.message } }, "outbox send crashed"))
        .finally(() => {
          busyChats.delete(chatKey);
          inFlight--;
          kick();
        });
    }
    const next = nextDueStmt.get() as { t: number | null };
    if (next.t !== null) soonest = Math.min(soonest, Math.max(5, next.t - now()));
    return Math.max(1, soonest);
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let waitMs: number;
      try {
        waitMs = pump();
      } catch (err) {
        // SQLITE_BUSY beyond busy_timeout, or similar: log and try again shortly, never crash.
        deps.logger.error({ err: { type: (err as Error).name, message: (err as Error).message } }, "outbox pass failed");
        waitMs = o.pollMs;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, waitMs);
      });
      wake = undefined;
      if (timer) clearTimeout(timer);
    }
  }

  // Many sends finish at once under load: one wake-up for all of them.
  let kicked = false;
  function kick(): void {
    if (kicked) return;
    kicked = true;
    setImmediate(() => {
      kicked = false;
      wake?.();
    });
  }

  function start(): void {
    if (!stopped) return;
    stopped = false;
    void loop();
  }

  function pendingCount(): number {
    return (db.$client.prepare("select count(*) as n from outbox where status = 'pending'").get() as { n: number }).n;
  }

  /** Graceful shutdown: keep sending for at most `timeoutMs`, then stop (the rest stays on disk). */
  async function stop(timeoutMs = 5000): Promise<void> {
    const until = now() + timeoutMs;
    while (!stopped && pendingCount() > 0 && now() < until) {
      const due = db.$client.prepare("select count(*) as n from outbox where status = 'pending' and next_attempt_at <= ?").get(until) as {
        n: number;
      };
      if (due.n === 0 && inFlight === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    stopped = true;
    kick();
    while (inFlight > 0 && now() < until + 1000) await new Promise((r) => setTimeout(r, 20));
  }

  /** Removes sent rows older than `olderThanMs` (they hold lesson text, nothing personal, but need not stay). */
  function purge(olderThanMs = 24 * 3600_000): number {
    return db
      .delete(outbox)
      .where(and(eq(outbox.status, "sent"), sql`${outbox.sentAt} < ${now() - olderThanMs}`))
      .run().changes;
  }

  return {
    start,
    stop,
    kick,
    pendingCount,
    purge,
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
