import type { Logger } from "pino";
import type { ChannelSender, OutboundCall } from "../channels/types.js";
import type { Governor } from "./governor.js";
import type { LocalOutboxRow, LocalOutboxStore } from "./ports.js";
import { Bucket, callsOf, NOT_A_MESSAGE, OUTBOX_DEFAULTS } from "./sending.js";
import { type Channel, DIRECT_CHANNELS } from "./types.js";

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
  store: LocalOutboxStore;
  senders: Partial<Record<Channel, ChannelSender>>;
  logger: Logger;
  now?: () => number;
  options?: OutboxOptions;
  /** Shares the time with the tutor's work while webhooks flood in (see governor.ts). */
  governor?: Governor;
}

/** Confirmed sends are marked on disk together, at most this long (ms) after the first of them. */
const MARK_MS = 10;

/** A pending row as the dispatcher keeps it in memory (the row itself is read when it is sent). */
interface Pending {
  id: number;
  due: number;
  method: string;
}

/**
 * Sends what the conversation queued: in order per chat, within rate limits, retrying transient
 * failures with backoff and jitter, honouring 429 retry_after, and stopping for learners who
 * blocked the bot. Rows are on disk, so whatever was not confirmed is sent after a restart.
 */
export function createOutbox(deps: OutboxDeps) {
  const o = {
    ...OUTBOX_DEFAULTS,
    ...deps.options,
  };
  const now = deps.now ?? Date.now;
  /**
   * Sends: their configured share under a flood of webhooks, six times it under steady traffic; each charged what
   * one call costs under a flood (building it, the HTTP exchange, recording the outcome), from the configuration.
   */
  const sendShare = deps.governor?.budget.sendShare ?? 1;
  const sendCostMs = deps.governor?.budget.sendCostMs ?? 0;
  const meter = deps.governor?.meter(sendShare, 2, Math.min(1, sendShare * 6));
  const { store } = deps;
  // No burst overall: sends are paced evenly, so no second ever carries more than the limit.
  const global = new Bucket(o.globalPerSecond, 1, now());
  const perChat = new Map<string, Bucket>();
  const busyChats = new Set<string>();
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let wake: (() => void) | undefined;

  // The pending rows, by chat, in memory (ids and due times only; the row itself is read when it is
  // sent). Scanning the table for each chat's oldest pending row on every pass cost more than the
  // sends themselves once thousands were waiting. The map's order is the round-robin over chats.
  const queues = new Map<string, Pending[]>();
  /** Ids only grow (AUTOINCREMENT): rows above this one are new since the last look. */
  let lastSeenId = 0;
  /**
   * Whether rows may have been queued since the last look: set by kick() (whoever queues calls
   * kicks); without one the table is looked at every pollMs all the same. Under load a pass runs
   * after every send, and a query each time was a quarter of the sends' cost.
   */
  let fresh = true;
  let lookedAt = Number.NEGATIVE_INFINITY;
  // Replies to a learner who has erased their data (the last one confirms it) are forgotten once sent.
  const forgetting = new Map<string, number>();
  /** Chats whose sent replies are deleted rather than kept (for ten minutes: time for the confirmation to go). */
  function forgetOnceSent(channel: string, chatId: string): void {
    forgetting.set(`${channel}\u0000${chatId}`, now() + 600_000);
  }
  function forgets(row: { channel: string; chatId: string }): boolean {
    const key = `${row.channel}\u0000${row.chatId}`;
    const until = forgetting.get(key);
    if (until !== undefined && until < now()) forgetting.delete(key);
    return until !== undefined && until >= now();
  }

  // Confirmed sends are marked together, one transaction per MARK_MS, not one commit each (a commit
  // per reply was a tenth of the CPU at a few hundred updates a second; sends are paced, so one per
  // event-loop turn was still one commit per reply). A crash in between resends those few replies
  // after the restart: delivery is at-least-once either way.
  let marks: Array<[sentAt: number, attempts: number, id: number, forget: boolean]> = [];
  function flushMarks(): void {
    const rows = marks;
    marks = [];
    // Closed (shutting down): the rows stay pending on disk and are sent again after the restart.
    if (rows.length === 0 || !store.isOpen()) return;
    try {
      store.markSent(rows.map(([sentAt, attempts, id, forget]) => ({ id, sentAt, attempts, forget })));
    } catch (err) {
      // Locked by someone else for now: keep them and try again shortly (they are not resent meanwhile).
      deps.logger.warn({ err: { type: (err as Error).name } }, "outbox: could not mark sent replies yet; retrying");
      marks = rows.concat(marks);
      setTimeout(flushMarks, 100).unref();
    }
  }
  function markSent(sentAt: number, attempts: number, id: number, forget = false): void {
    marks.push([sentAt, attempts, id, forget]);
    if (marks.length === 1) setTimeout(flushMarks, MARK_MS).unref();
  }

  /** Picks up rows queued since the last look (by the conversation, reminders, announcements…). */
  function refresh(): void {
    const rows = store.newRows(lastSeenId);
    for (const r of rows) {
      lastSeenId = r.id;
      // The web chat's and terminal's replies are collected by their requests, not sent.
      if (DIRECT_CHANNELS.includes(r.channel as Channel)) continue;
      const key = `${r.channel}\u0000${r.chatId}`;
      let q = queues.get(key);
      if (!q) {
        q = [];
        queues.set(key, q);
      }
      q.push({ id: r.id, due: r.due, method: r.method });
    }
  }

  /** Rate buckets of chats with nothing queued and a full allowance are forgotten (memory stays flat). */
  let lastSweep = now();
  function sweepBuckets(t: number): void {
    if (t - lastSweep < 10_000) return;
    lastSweep = t;
    for (const [key, b] of perChat) if (!queues.has(key) && b.full(t)) perChat.delete(key);
  }

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

  type Outcome = "done" | "cancelled" | { retryAt: number };

  async function sendRow(row: LocalOutboxRow): Promise<Outcome> {
    const sender = deps.senders[row.channel as Channel];
    // Built only when there is something to say (most sends succeed silently).
    const log = () => deps.logger.child({ channel: row.channel, outbox: row.id, method: row.method });
    if (!sender) {
      store.fail(row.id, "no_channel");
      log().warn("no sender for this channel; call dropped");
      return "done";
    }
    // Rendered now, not when queued: the adapter alone knows its API's shapes and limits. A reply that takes several
    // calls is sent one call at a time (each within the chat's rate), and a retry resumes at the call that failed.
    let calls: OutboundCall[];
    try {
      calls = callsOf(sender, row);
    } catch (err) {
      store.fail(row.id, "render");
      log().warn({ err: { type: (err as Error).name } }, "could not render a queued reply; dropped");
      return "done";
    }
    const call = calls[row.partsSent];
    if (!call) {
      markSent(now(), row.attempts, row.id, forgets(row));
      return "done";
    }
    const outcome = await sender.send(row.chatId, call);
    const t = now();
    if (outcome.ok) {
      if (row.partsSent + 1 < calls.length) {
        store.partSent(row.id, row.partsSent + 1);
        return { retryAt: t };
      }
      markSent(t, row.attempts + 1, row.id, forgets(row));
      return "done";
    }
    if (outcome.blocked) {
      store.blocked(row, outcome.code, t);
      log().info({ code: outcome.code }, "learner unreachable (blocked the bot); pending messages cancelled");
      return "cancelled";
    }
    const attempts = row.attempts + 1;
    if (!outcome.retry || attempts >= o.maxAttempts) {
      store.fail(row.id, outcome.code, attempts);
      log().warn({ code: outcome.code, attempts }, "call failed for good");
      return "done";
    }
    const wait = outcome.retry.afterMs ?? backoff(attempts);
    store.retry(row.id, attempts, outcome.code, t + wait);
    log().info({ code: outcome.code, attempts, retryInMs: wait }, "call will be retried");
    return { retryAt: t + wait };
  }

  /** Sends a chat's oldest pending row and updates the chat's queue with what happened. */
  async function sendHead(chatKey: string, q: Pending[]): Promise<void> {
    const head = q[0];
    if (!head) return;
    const row = store.row(head.id);
    // Gone (the learner's data was erased) or no longer pending: nothing to send.
    const outcome: Outcome = row && row.status === "pending" ? await sendRow(row) : "done";
    if (outcome === "cancelled") {
      if (queues.get(chatKey) === q) queues.delete(chatKey);
      return;
    }
    if (outcome === "done") {
      if (q[0] === head) q.shift();
      if (q.length === 0 && queues.get(chatKey) === q) queues.delete(chatKey);
      return;
    }
    head.due = outcome.retryAt;
  }

  /** One pass: start sending every due row that the limits allow. Returns ms until worth looking again. */
  function pump(): number {
    if (stopped) return o.pollMs;
    const t = now();
    if (fresh || t - lookedAt >= o.pollMs) {
      fresh = false;
      lookedAt = t;
      refresh();
    }
    if (inFlight >= o.concurrency) return o.pollMs;
    sweepBuckets(t);
    let soonest = o.pollMs;
    const started: Array<[string, Pending[]]> = [];
    for (const [chatKey, q] of queues) {
      if (inFlight >= o.concurrency) break;
      if (busyChats.has(chatKey)) continue;
      const head = q[0];
      if (!head) {
        queues.delete(chatKey);
        continue;
      }
      if (head.due > t) {
        soonest = Math.min(soonest, head.due - t);
        continue;
      }
      const metered = meter !== undefined && deps.governor?.busy() === true;
      if (metered && meter.allowance() < sendCostMs) {
        // Webhooks are flooding in and the sends' share is used up for now.
        soonest = Math.min(soonest, Math.max(1, meter.waitFor(sendCostMs)));
        break;
      }
      if (!NOT_A_MESSAGE.has(head.method)) {
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
      if (metered) meter.spend(sendCostMs);
      busyChats.add(chatKey);
      inFlight++;
      started.push([chatKey, q]);
      void sendHead(chatKey, q)
        .catch((err: Error) => {
          // A bug or a database error: log it and look at this chat again a little later.
          deps.logger.error({ err: { type: err.name, message: err.message } }, "outbox send crashed");
          head.due = now() + o.pollMs;
        })
        .finally(() => {
          busyChats.delete(chatKey);
          inFlight--;
          wakeSoon();
        });
    }
    // Chats just served go to the back of the line: every chat gets its turn.
    for (const [chatKey, q] of started) {
      if (queues.get(chatKey) !== q) continue;
      queues.delete(chatKey);
      queues.set(chatKey, q);
    }
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

  /** Rows were queued: look at the table and send what is due, without waiting for the next pass. */
  function kick(): void {
    fresh = true;
    wakeSoon();
  }

  // Many sends finish at once under load: one wake-up for all of them.
  let kicked = false;
  function wakeSoon(): void {
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
    return store.pendingCount();
  }

  /** Graceful shutdown: keep sending for at most `timeoutMs`, then stop (the rest stays on disk). */
  async function stop(timeoutMs = 5000): Promise<void> {
    const until = now() + timeoutMs;
    while (!stopped && pendingCount() > 0 && now() < until) {
      if (store.dueCount(until) === 0 && inFlight === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    stopped = true;
    wakeSoon();
    while (inFlight > 0 && now() < until + 1000) await new Promise((r) => setTimeout(r, 20));
    flushMarks();
  }

  /** Removes sent rows older than `olderThanMs` (they hold lesson text, nothing personal, but need not stay). */
  function purge(olderThanMs = 24 * 3600_000): number {
    return store.purge(now() - olderThanMs);
  }

  return {
    start,
    stop,
    kick,
    pendingCount,
    purge,
    forgetOnceSent,
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
