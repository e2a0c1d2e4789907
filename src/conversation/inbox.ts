import type { Logger } from "pino";
import type { Queued } from "../channels/types.js";
import { vi } from "../tutor/texts.vi.js";
import { createGovernor, type Governor } from "./governor.js";
import type { AcceptResult, InboxRow, LocalStore } from "./ports.js";
import type { ConversationService } from "./service.js";
import { type InboundMessage, inboxText } from "./types.js";

export interface InboxDeps {
  store: LocalStore;
  conversation: ConversationService;
  logger: Logger;
  /** Called after replies were queued, so the dispatcher sends them without waiting for its next tick. */
  onQueued?: () => void;
  /** Called before a learner's message is worked on (e.g. Zalo's "typing…"). */
  onWork?: (msg: { channel: string; chatId: string }) => void;
  /** Called when the work will take a while (a model call): show "typing…" on every channel. */
  onSlow?: (msg: { channel: string; chatId: string }) => void;
  now?: () => Date;
  /** Meters the work's share of the time while webhooks flood in (see governor.ts). */
  governor?: Governor;
}

/**
 * The durable front door of webhook channels. accept() records the update under its unique key
 * (that is the deduplication) before the webhook answers 200. The work runs afterwards: one
 * message at a time per learner, in arrival order, in short slices of CPU time between which the
 * event loop serves webhooks again — so acknowledgements stay fast while a burst is worked off.
 * Whatever was recorded and not yet applied when the process died is picked up by recover().
 */
export function createInbox(deps: InboxDeps) {
  const now = deps.now ?? (() => new Date());
  const governor = deps.governor ?? createGovernor();
  /** The tutor's work: its configured share under a flood, six times it under steady traffic, in slices of at most 4 ms. */
  const share = governor.budget.tutorShare;
  const meter = governor.meter(share, 4, Math.min(1, share * 6));
  /** Longest slice of work between two turns of the event loop (ms) when no webhooks are waiting. */
  const FREE_SLICE = 8;
  /**
   * Each learner's recorded, not yet applied updates: inbox row ids, oldest first. A mirror of the
   * inbox table kept in memory (rebuilt from it by recover()), so the table needs no per-learner
   * index — one index less to write for every update recorded and applied.
   */
  const queued = new Map<string, number[]>();
  /** Learners whose next update can be worked now, in turn (insertion order of the Set). */
  const ready = new Set<string>();
  /** Learners whose current message is waiting on something slow (a model call). */
  const waiting = new Map<string, Promise<void>>();
  let scheduled = false;
  let closed = false;
  let idleWaiters: Array<() => void> = [];

  /** Updates received in this turn of the event loop, recorded together in one transaction. */
  let batch: Array<{
    msg: InboundMessage & { callbackId?: string };
    done: (err: unknown, r?: AcceptResult) => void;
    /** Answered as soon as it is recorded (a webhook), not when its turn is done (the web chat, the terminal, polling). */
    webhook: boolean;
  }> = [];
  let flushScheduled = false;

  /**
   * Records the update durably and calls `done` once it is committed (only then may the webhook
   * answer 200) — synchronously, inside the commit's turn, so a webhook can answer at once even if
   * the tutor's work takes the rest of that turn. Every update received in one turn of the event
   * loop shares one transaction (group commit): a commit costs far more than an insert.
   */
  function acceptThen(msg: InboundMessage & { callbackId?: string }, done: (err: unknown, r?: AcceptResult) => void): void {
    enter(msg, done, true);
  }

  function enter(msg: InboundMessage & { callbackId?: string }, done: (err: unknown, r?: AcceptResult) => void, webhook: boolean): void {
    batch.push({ msg, done, webhook });
    if (!flushScheduled) {
      flushScheduled = true;
      // After the poll phase: every request that arrived in this turn joins the batch.
      setImmediate(flush);
    }
  }

  /**
   * acceptThen as a promise, for those who wait for the turn itself (the web chat, the terminal, polling): they do not
   * count as webhooks arriving, since holding the tutor's work back for them would only delay their own answer.
   */
  function accept(msg: InboundMessage & { callbackId?: string }): Promise<AcceptResult> {
    return new Promise((resolve, reject) => enter(msg, (err, r) => (err ? reject(err) : resolve(r as AcceptResult)), false));
  }

  /** Records the items in one transaction: each one's inbox row id, or undefined for a duplicate. */
  function record(items: typeof batch): Array<number | undefined> {
    const at = now();
    return deps.store.transaction(() =>
      items.map(({ msg }) => {
        if (!deps.store.markProcessed(msg.channel, msg.messageKey, at)) return undefined;
        return deps.store.insertInbox({
          channel: msg.channel,
          messageKey: msg.messageKey,
          userKey: msg.userKey,
          chatId: msg.chatId,
          text: inboxText(msg),
          media: msg.media ?? null,
          callbackId: msg.callbackId ?? null,
          at,
        });
      }),
    );
  }

  function flush(): void {
    flushScheduled = false;
    const items = batch;
    if (items.length === 0) return;
    batch = [];
    if (items.some((it) => it.webhook)) governor.webhooks();
    try {
      recordAll(items);
    } finally {
      notifyIdle();
    }
  }

  function recordAll(items: typeof batch): void {
    let results: Array<number | undefined>;
    try {
      results = record(items);
    } catch (err) {
      if (items.length === 1 || isBusy(err)) {
        // Not recorded: the webhook answers 5xx and the channel delivers the update again.
        for (const it of items) answer(it, err);
        return;
      }
      // One bad update must not fail the others: record them one by one.
      for (const it of items) recordAll([it]);
      return;
    }
    items.forEach((it, k) => {
      const id = results[k];
      if (id !== undefined) enqueue(keyOf(it.msg.channel, it.msg.userKey), id);
      answer(it, null, id !== undefined ? "recorded" : "duplicate");
    });
  }

  /** Calls a webhook back; one that throws must not leave the others of its batch unanswered. */
  function answer(it: (typeof batch)[number], err: unknown, r?: AcceptResult): void {
    try {
      it.done(err, r);
    } catch (e) {
      deps.logger.error({ err: { type: (e as Error).name, message: (e as Error).message } }, "webhook answer failed");
    }
  }

  const keyOf = (channel: string, userKey: string) => `${channel}\u0000${userKey}`;

  /** A committed update waits for its learner's turn (`first`: ahead of the others, when it is put back). */
  function enqueue(key: string, id: number, first = false): void {
    const ids = queued.get(key);
    if (!ids) queued.set(key, [id]);
    else if (first) ids.unshift(id);
    else ids.push(id);
    schedule(key);
  }

  /** The learner's next update is worked in turn, unless their current one waits on something slow. */
  function schedule(key: string): void {
    if (closed || waiting.has(key) || !queued.has(key)) return;
    ready.add(key);
    // setImmediate runs after pending I/O: the webhook's 200 goes out before the work starts.
    later(0);
  }

  /** Schedules the next turn of work (at most one is ever pending). */
  function later(ms: number): void {
    if (scheduled) return;
    scheduled = true;
    if (ms > 0) setTimeout(tick, ms);
    else setImmediate(tick);
  }

  /** Works through ready learners, one message each in turn, until the slice is used up. */
  function tick(): void {
    scheduled = false;
    flush(); // webhooks that arrived in this turn are recorded and answered first
    if (closed) return;
    const start = performance.now();
    const metered = governor.busy();
    let slice = FREE_SLICE;
    if (metered) {
      slice = meter.allowance();
      if (slice < 1) {
        // A timer, not setImmediate: the event loop may wait for (and serve) webhooks meanwhile.
        later(meter.waitFor(1));
        return;
      }
    }
    const until = start + slice;
    /** Updates applied in this slice's transaction (learner key, row id): put back if it is not saved. */
    const taken: Array<[string, number]> = [];
    const workSlice = () => {
      for (const key of ready) {
        if (performance.now() > until) break;
        ready.delete(key);
        const ids = queued.get(key);
        const id = ids?.shift();
        if (ids?.length === 0) queued.delete(key);
        if (id === undefined) continue;
        const row = deps.store.inboxRow(id);
        if (!row) {
          schedule(key); // already applied or erased: on to the learner's next one, if any
          continue;
        }
        deps.onWork?.({ channel: row.channel, chatId: row.chatId });
        try {
          const pending = deps.conversation.processInbox(row, () => deps.onSlow?.({ channel: row.channel, chatId: row.chatId }));
          if (pending) {
            // Applied later in its own transaction; the learner's next update waits for it.
            const p = pending
              .catch((err: Error) => dropped(row, err))
              .finally(() => {
                waiting.delete(key);
                deps.onQueued?.();
                schedule(key);
                // Nothing more for anyone: whoever waits for idle() (shutdown, tests) goes on.
                notifyIdle();
              });
            waiting.set(key, p);
            continue;
          }
        } catch (err) {
          dropped(row, err as Error);
        }
        taken.push([key, id]);
        // More for this learner? Back of the line, so one busy learner does not hold up the others.
        schedule(key);
      }
    };
    let retryMs = 0;
    try {
      // One transaction for the whole slice (each turn in its own savepoint, so a turn that fails
      // is undone alone): one commit instead of one per turn.
      if (ready.size > 0) deps.store.transaction(workSlice);
    } catch (err) {
      // Nothing of this slice was saved (the database locked by another process, or the commit
      // failed): its messages are all still in the inbox. Try those learners again shortly.
      deps.logger.warn(
        { err: { type: (err as Error).name, code: (err as { code?: string }).code } },
        "work slice not saved; retried shortly",
      );
      for (const [key, id] of taken.reverse()) enqueue(key, id, true);
      taken.length = 0;
      retryMs = 250;
    }
    if (taken.length > 0) deps.onQueued?.();
    if (metered) meter.spend(performance.now() - start);
    if (ready.size > 0) later(retryMs);
    else notifyIdle();
  }

  function notifyIdle(): void {
    if (ready.size > 0 || waiting.size > 0 || batch.length > 0 || scheduled) return;
    for (const w of idleWaiters) w();
    idleWaiters = [];
  }

  /**
   * A bug must not loop forever on one message: drop it from the inbox, tell the logs, and tell the learner kindly
   * that it was not understood (never silence: they would wait for an answer).
   */
  function dropped(row: InboxRow, err: Error): void {
    deps.logger.error({ channel: row.channel, err: { type: err.name, message: err.message } }, "message could not be applied; dropped");
    try {
      deps.store.transaction(() => {
        if (!deps.store.deleteInbox(row.id)) return;
        const learnerId = deps.store.learners.findLearner(row.channel, row.userKey)?.id ?? null;
        const items: Queued[] = [{ method: "reply", params: { text: vi.turnFailed } }];
        deps.store.learners.enqueue({ channel: row.channel, chatId: row.chatId, learnerId, items, at: new Date() });
      });
      // The outbox is woken by the caller once this is committed (after the slice, or after the pending turn).
    } catch {
      // Still locked: it stays in the inbox and is tried again after the next start.
    }
  }

  const isBusy = (err: unknown) => /SQLITE_BUSY|SQLITE_LOCKED/.test(String((err as { code?: string }).code ?? ""));

  /** After a restart: work through everything recorded but not yet applied. Returns how many learners wait. */
  function recover(): number {
    const rows = deps.store.unapplied();
    const known = new Set([...queued.values()].flat()); // recorded by this process already
    for (const r of rows) if (!known.has(r.id)) enqueue(keyOf(r.channel, r.userKey), r.id);
    return new Set(rows.map((r) => keyOf(r.channel, r.userKey))).size;
  }

  /** Resolves when nothing is ready or waiting (tests and graceful shutdown). */
  function idle(): Promise<void> {
    if (ready.size === 0 && waiting.size === 0 && batch.length === 0) return Promise.resolve();
    return new Promise((r) => idleWaiters.push(r));
  }

  /** Waits (bounded) for the work in hand, then stops taking more; the rest stays on disk. */
  async function close(timeoutMs = 5000): Promise<void> {
    await Promise.race([idle(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    flush(); // what was received is recorded before the database closes
    closed = true;
  }

  return { accept, acceptThen, recover, close, idle };
}

export type LocalInbox = ReturnType<typeof createInbox>;
