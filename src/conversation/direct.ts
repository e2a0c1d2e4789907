import type { Reply } from "../tutor/replies.js";
import type { DirectReplies, Inbox } from "./ports.js";
import type { InboundMessage } from "./types.js";

// Channels whose learner waits for the answer in the same request — the web chat and the terminal. Their messages
// take the one path every message takes: recorded in the inbox (deduplicated by their key), worked in order per
// learner by the worker, the replies queued in the outbox in the same transaction. The request then collects its
// chat's queued replies once its update is applied (on whichever instance), instead of a dispatcher sending them.

export interface HandleResult {
  duplicate: boolean;
  replies: Reply[];
}

export interface DirectDeps {
  inbox: Inbox;
  replies: DirectReplies;
  /** How long a request waits for its answer (a model answer takes up to ~18 s); later replies come with the next one. */
  timeoutMs?: number;
  /** How often to look when nothing wakes the request (another instance applied the update), ms. */
  pollMs?: number;
}

export function createDirect(deps: DirectDeps) {
  const timeoutMs = deps.timeoutMs ?? 30_000;
  const pollMs = deps.pollMs ?? 50;
  let waiters: Array<() => void> = [];

  /** Replies were queued here: the waiting requests look again now. */
  function notify(): void {
    const w = waiters;
    waiters = [];
    for (const wake of w) wake();
  }

  const nudge = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      waiters.push(done);
    });

  async function handle(msg: InboundMessage): Promise<HandleResult> {
    if ((await deps.inbox.accept(msg)) === "duplicate") return { duplicate: true, replies: [] };
    const until = Date.now() + timeoutMs;
    while ((await deps.replies.waiting(msg.channel, msg.userKey, msg.messageKey)) && Date.now() < until) await nudge();
    return { duplicate: false, replies: await deps.replies.take(msg.channel, msg.chatId) };
  }

  return { handle, notify };
}

export type Direct = ReturnType<typeof createDirect>;
