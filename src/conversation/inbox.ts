import { and, asc, eq } from "drizzle-orm";
import type { Logger } from "pino";
import type { Db } from "../store/db.js";
import * as repo from "../store/repo.js";
import { inbox } from "../store/schema.js";
import type { ConversationService, InboxRow } from "./service.js";
import type { InboundMessage } from "./types.js";

export interface InboxDeps {
  db: Db;
  conversation: ConversationService;
  logger: Logger;
  /** Called after replies were queued, so the dispatcher sends them without waiting for its next tick. */
  onQueued?: () => void;
  /** Called before a learner's message is worked on (e.g. Zalo's "typing…"). */
  onWork?: (msg: { channel: string; chatId: string }) => void;
  /** Called when the work will take a while (a model call): show "typing…" on every channel. */
  onSlow?: (msg: { channel: string; chatId: string }) => void;
  now?: () => Date;
}

export type AcceptResult = "recorded" | "duplicate";

/**
 * The durable front door of webhook channels. accept() records the update under its unique key
 * (that is the deduplication) before the webhook answers 200; the work runs afterwards, one
 * message at a time per learner, in arrival order. Whatever was recorded and not yet applied
 * when the process died is picked up again by recover().
 */
export function createInbox(deps: InboxDeps) {
  const now = deps.now ?? (() => new Date());
  const chains = new Map<string, Promise<void>>();
  let closed = false;

  function accept(msg: InboundMessage & { callbackId?: string }): AcceptResult {
    const at = now();
    const recorded = deps.db.$client
      .transaction(() => {
        if (!repo.markProcessed(deps.db, msg.channel, msg.messageKey, at)) return false;
        deps.db
          .insert(inbox)
          .values({
            channel: msg.channel,
            messageKey: msg.messageKey,
            userKey: msg.userKey,
            chatId: msg.chatId,
            text: msg.text,
            media: msg.media ?? null,
            callbackId: msg.callbackId ?? null,
            receivedAt: at,
          })
          .run();
        return true;
      })
      .immediate();
    if (!recorded) return "duplicate";
    schedule(msg.channel, msg.userKey);
    return "recorded";
  }

  /** Runs the learner's pending messages after whatever is already running for them. */
  function schedule(channel: string, userKey: string): void {
    if (closed) return;
    const key = `${channel}\u0000${userKey}`;
    const prev = chains.get(key) ?? Promise.resolve();
    const next = prev
      .then(() => drain(channel, userKey))
      .catch((err: Error) => {
        deps.logger.error({ channel, err: { type: err.name, message: err.message } }, "inbox work failed");
      });
    chains.set(key, next);
    void next.then(() => {
      if (chains.get(key) === next) chains.delete(key);
    });
  }

  async function drain(channel: string, userKey: string): Promise<void> {
    // Yield first, so the webhook's 200 goes out before the work starts.
    await new Promise((r) => setImmediate(r));
    for (;;) {
      if (closed) return;
      const row: InboxRow | undefined = deps.db
        .select()
        .from(inbox)
        .where(and(eq(inbox.channel, channel), eq(inbox.userKey, userKey)))
        .orderBy(asc(inbox.id))
        .limit(1)
        .get();
      if (!row) return;
      deps.onWork?.({ channel: row.channel, chatId: row.chatId });
      try {
        await deps.conversation.processInbox(row, () => deps.onSlow?.({ channel: row.channel, chatId: row.chatId }));
      } catch (err) {
        // A bug must not loop forever on one message: drop it from the inbox and tell the logs.
        deps.logger.error(
          { channel, err: { type: (err as Error).name, message: (err as Error).message } },
          "message could not be applied; dropped",
        );
        deps.db.delete(inbox).where(eq(inbox.id, row.id)).run();
      }
      deps.onQueued?.();
    }
  }

  /** After a restart: work through everything recorded but not yet applied. */
  function recover(): number {
    const pending = deps.db.selectDistinct({ channel: inbox.channel, userKey: inbox.userKey }).from(inbox).all();
    for (const p of pending) schedule(p.channel, p.userKey);
    return pending.length;
  }

  /** Waits (bounded) for the work in hand, then stops taking more. */
  async function close(timeoutMs = 5000): Promise<void> {
    const all = Promise.allSettled([...chains.values()]);
    await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    closed = true;
  }

  /** Resolves when no learner has work running (tests and graceful shutdown). */
  async function idle(): Promise<void> {
    while (chains.size > 0) await Promise.allSettled([...chains.values()]);
  }

  return { accept, recover, close, idle };
}

export type Inbox = ReturnType<typeof createInbox>;
