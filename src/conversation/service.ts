import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import { z } from "zod";
import type { ChannelSender, OutboundCall } from "../channels/types.js";
import type { Curriculum } from "../curriculum/types.js";
import type { Db } from "../store/db.js";
import * as repo from "../store/repo.js";
import { inbox } from "../store/schema.js";
import { initialState, step, type TutorEvent, type TutorState } from "../tutor/engine.js";
import type { Reply } from "../tutor/replies.js";
import type { Channel, InboundMessage, MediaKind } from "./types.js";

export interface HandleResult {
  duplicate: boolean;
  replies: Reply[];
}

export interface ConversationDeps {
  db: Db;
  curriculum: () => Curriculum;
  logger: Logger;
  /** Renderers of the webhook channels, used to queue replies in the outbox. */
  senders?: Partial<Record<Channel, ChannelSender>>;
  now?: () => Date;
}

export type InboxRow = typeof inbox.$inferSelect;

// Shape check on what comes back from the database: an old or damaged state restarts politely.
const stateSchema = z.object({
  v: z.literal(1),
  screen: z.looseObject({ kind: z.string() }),
  consent: z.boolean().nullable(),
  lesson: z
    .object({ lessonId: z.string(), stepIndex: z.number().int().min(0), stepTitle: z.string(), wrong: z.number().int().min(0) })
    .optional(),
});

/** A stable pseudonym for logs: never the raw chat id. */
export function learnerHash(channel: string, userKey: string): string {
  return createHash("sha256").update(`${channel}:${userKey}`).digest("hex").slice(0, 12);
}

export function createConversationService(deps: ConversationDeps) {
  const now = deps.now ?? (() => new Date());
  const { db } = deps;

  /** One tutor turn against the database; runs inside the caller's transaction. */
  function turn(msg: InboundMessage, at: Date): { learnerId: number; replies: Reply[]; events: TutorEvent[] } {
    const learner = repo.upsertLearner(db, msg.channel, msg.userKey, msg.chatId, at);
    const stored = stateSchema.safeParse(repo.loadState(db, learner.id));
    const state = stored.success ? (stored.data as TutorState) : initialState();
    const progress = learner.consent ? repo.loadProgress(db, learner.id) : new Map();
    const input = msg.media ? { kind: "media" as const, media: msg.media } : { kind: "text" as const, text: msg.text };
    const out = step(state, input, { curriculum: deps.curriculum(), progress });
    repo.saveState(db, learner.id, out.state, at);
    const consent = out.events.find((e) => e.type === "consent");
    if (consent) repo.setConsent(db, learner.id, consent.granted, at);
    // Learning history is kept only with consent; the current position (state) is the minimum needed to teach.
    if (out.state.consent) repo.recordEvents(db, learner.id, out.events, at);
    return { learnerId: learner.id, replies: out.replies, events: out.events };
  }

  const logTurn = (msg: Pick<InboundMessage, "channel" | "userKey">, replies: number, events: TutorEvent[]) =>
    deps.logger
      .child({ channel: msg.channel, learner: learnerHash(msg.channel, msg.userKey) })
      .info({ event: "handled", replies, events: events.map((e) => e.type) }, "message handled");

  /**
   * The synchronous path (web chat, terminal): deduplicate, run the tutor, save state and progress,
   * all in one IMMEDIATE transaction (better-sqlite3 cannot roll back an async callback), and return
   * the replies to the caller.
   */
  function handle(msg: InboundMessage): HandleResult {
    const at = now();
    const result = db.$client
      .transaction(() => {
        if (!repo.markProcessed(db, msg.channel, msg.messageKey, at)) return undefined;
        const out = turn(msg, at);
        repo.linkProcessed(db, msg.channel, msg.messageKey, out.learnerId);
        return out;
      })
      .immediate();
    if (!result) {
      deps.logger.info({ channel: msg.channel, event: "duplicate" }, "duplicate message ignored");
      return { duplicate: true, replies: [] };
    }
    logTurn(msg, result.replies.length, result.events);
    return { duplicate: false, replies: result.replies };
  }

  /**
   * The queued path (Telegram, Zalo): the update was recorded in the inbox when the webhook
   * answered. Applying it removes it from the inbox, changes the state and queues the rendered
   * replies in the outbox — in one transaction, so a crash leaves either all or none of it.
   */
  function processInbox(row: InboxRow): void {
    const sender = deps.senders?.[row.channel as Channel];
    const at = now();
    const msg: InboundMessage = {
      channel: row.channel as Channel,
      userKey: row.userKey,
      chatId: row.chatId,
      messageKey: row.messageKey,
      text: row.text,
      ...(row.media ? { media: row.media as MediaKind } : {}),
    };
    const out = db.$client
      .transaction(() => {
        const deleted = db.delete(inbox).where(eq(inbox.id, row.id)).run();
        if (deleted.changes === 0) return undefined; // already applied (two workers raced): nothing twice
        const calls: OutboundCall[] = row.callbackId
          ? [{ method: "answerCallbackQuery", params: { callback_query_id: row.callbackId } }]
          : [];
        const result = turn(msg, at);
        repo.linkProcessed(db, msg.channel, msg.messageKey, result.learnerId);
        repo.clearUnreachable(db, result.learnerId);
        if (sender) for (const r of result.replies) calls.push(...sender.render(row.chatId, r));
        repo.enqueue(db, { channel: msg.channel, chatId: row.chatId, learnerId: result.learnerId, calls, at });
        return result;
      })
      .immediate();
    if (out) logTurn(msg, out.replies.length, out.events);
  }

  return { handle, processInbox };
}

export type ConversationService = ReturnType<typeof createConversationService>;
