import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { vi } from "../tutor/texts.vi.js";
import type { AcceptResult, InboundRecord, Inbox, SharedStore } from "./ports.js";
import type { ConversationService } from "./service.js";
import { inboxText } from "./types.js";

// The inbox and worker when several instances share one database (PostgreSQL). A webhook's update is recorded
// (deduplicated by its key) before the webhook answers 200; every instance then claims learners with recorded
// updates — a lease per learner, so one instance at a time works a learner's updates, oldest first — and renews
// the leases while it works. An instance killed mid-turn stops renewing: its learners are taken over by another
// instance when their leases run out, from the update that was not applied.

export interface SharedInboxDeps {
  shared: SharedStore;
  conversation: ConversationService;
  logger: Logger;
  /** This instance's name in the leases (default: a random one per start). */
  owner?: string;
  /** Learners this instance works at once (default 16). */
  concurrency?: number;
  /** How often to look for updates recorded by other instances (ms, default 200). */
  pollMs?: number;
  /** A lease's length (ms): how long a killed instance's learners wait before another takes them over. */
  leaseMs: number;
  onQueued?: () => void;
  onWork?: (msg: { channel: string; chatId: string }) => void;
  onSlow?: (msg: { channel: string; chatId: string }) => void;
  now?: () => Date;
}

export function createSharedInbox(deps: SharedInboxDeps) {
  const owner = deps.owner ?? randomUUID();
  const concurrency = deps.concurrency ?? 16;
  const pollMs = deps.pollMs ?? 200;
  const { leaseMs } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.logger;
  /** Learners this instance holds and works now. */
  const working = new Set<string>();
  let closed = false;
  let started = false;
  let claiming = false;
  let again = false;
  let poll: NodeJS.Timeout | undefined;
  let renewal: NodeJS.Timeout | undefined;
  let idleWaiters: Array<() => void> = [];

  // Updates received in one turn of the event loop are recorded together: one statement, one commit.
  let batch: Array<{ msg: InboundRecord; done: (err: unknown, r?: AcceptResult) => void }> = [];
  let flushing = false;
  let inFlight = 0;

  function acceptThen(msg: InboundRecord, done: (err: unknown, r?: AcceptResult) => void): void {
    batch.push({ msg, done });
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  }

  function accept(msg: InboundRecord): Promise<AcceptResult> {
    return new Promise((resolve, reject) => acceptThen(msg, (err, r) => (err ? reject(err) : resolve(r as AcceptResult))));
  }

  function flush(): void {
    flushing = false;
    const items = batch;
    batch = [];
    if (items.length === 0) return;
    inFlight++;
    deps.shared
      .record(
        items.map((i) => ({ ...i.msg, text: inboxText(i.msg) })),
        now(),
      )
      .then(
        (recorded) => {
          items.forEach((it, k) => {
            answer(it, null, recorded[k] ? "recorded" : "duplicate");
          });
          if (recorded.some(Boolean)) claimSoon();
        },
        // Not recorded: the webhooks answer 5xx and the channel delivers the updates again.
        (err) => {
          for (const it of items) answer(it, err);
        },
      )
      .finally(() => {
        inFlight--;
        notifyIdle();
      });
  }

  function answer(it: (typeof batch)[number], err: unknown, r?: AcceptResult): void {
    try {
      it.done(err, r);
    } catch (e) {
      log.error({ err: { type: (e as Error).name, message: (e as Error).message } }, "webhook answer failed");
    }
  }

  /** Looks for learners to work (now, or right after the claim in progress). */
  function claimSoon(): void {
    if (closed || !started) return;
    if (claiming) {
      again = true;
      return;
    }
    void claim();
  }

  async function claim(): Promise<void> {
    claiming = true;
    try {
      do {
        again = false;
        const room = concurrency - working.size;
        if (room <= 0 || closed) break;
        const keys = await deps.shared.claimLearners(owner, room, leaseMs, working);
        for (const key of keys) {
          if (working.has(key)) continue;
          working.add(key);
          void work(key);
        }
        if (keys.length === room) again = true; // more may be waiting
      } while (again && !closed);
    } catch (err) {
      log.warn({ err: { type: (err as Error).name, code: (err as { code?: string }).code } }, "could not claim work; retrying shortly");
    } finally {
      claiming = false;
      notifyIdle();
    }
  }

  /** Works one learner's updates, oldest first, until none is left (then the lease is given back) or it is lost. */
  async function work(key: string): Promise<void> {
    try {
      while (!closed) {
        // Its oldest update and the learner's rows; none left: the lease was given back in the same step.
        const next = await deps.shared.openNext(owner, key);
        if (!next) return;
        const { row } = next;
        const where = { channel: row.channel, chatId: row.chatId };
        deps.onWork?.(where);
        let applied: boolean;
        try {
          applied = await deps.conversation.processShared(row, next.turn, () => deps.onSlow?.(where));
        } catch (err) {
          // A bug must not loop forever on one message: drop it, say so in the logs, and tell the learner kindly.
          log.error(
            { channel: row.channel, err: { type: (err as Error).name, message: (err as Error).message } },
            "message could not be applied; dropped",
          );
          await deps.shared.dropUpdate(owner, key, row, [{ method: "reply", params: { text: vi.turnFailed } }], now());
          applied = true;
        }
        deps.onQueued?.();
        // Not applied: another instance holds the learner now (this one was too slow to renew); it goes on from here.
        if (!applied) return;
      }
      // Closing: the learner's next updates are left to the other instances at once.
      await deps.shared.release(owner, key);
    } catch (err) {
      // The database is unreachable: the lease runs out and this learner is claimed again (here or elsewhere).
      log.warn({ err: { type: (err as Error).name, code: (err as { code?: string }).code } }, "learner's work interrupted; retried later");
    } finally {
      working.delete(key);
      claimSoon();
      notifyIdle();
    }
  }

  function notifyIdle(): void {
    if (working.size > 0 || claiming || batch.length > 0 || inFlight > 0) return;
    for (const w of idleWaiters) w();
    idleWaiters = [];
  }

  /** Resolves when this instance has nothing in hand (tests and graceful shutdown). */
  function idle(): Promise<void> {
    if (working.size === 0 && !claiming && batch.length === 0 && inFlight === 0) return Promise.resolve();
    return new Promise((r) => idleWaiters.push(r));
  }

  return {
    accept,
    acceptThen,
    owner,
    /** Starts claiming: now, whenever this instance records an update, and every pollMs for the others' updates. */
    start(): void {
      if (started) return;
      started = true;
      poll = setInterval(claimSoon, pollMs);
      poll.unref();
      renewal = setInterval(() => {
        deps.shared.renew(owner, [...working], leaseMs).catch(() => undefined);
      }, leaseMs / 3);
      renewal.unref();
      claimSoon();
    },
    /** Updates recorded before a restart are claimed like any others: nothing to recover by hand. */
    recover(): number {
      claimSoon();
      return 0;
    },
    idle,
    /** Waits (bounded) for the turns in hand, then stops claiming; what is left stays recorded for the others. */
    async close(timeoutMs = 5000): Promise<void> {
      if (poll) clearInterval(poll);
      flush();
      closed = true;
      await Promise.race([idle(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      if (renewal) clearInterval(renewal);
    },
  } satisfies Inbox & Record<string, unknown>;
}

export type SharedInbox = ReturnType<typeof createSharedInbox>;
