import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { z } from "zod";
import type { Curriculum } from "../curriculum/types.js";
import type { Db } from "../store/db.js";
import * as repo from "../store/repo.js";
import { initialState, step, type TutorState } from "../tutor/engine.js";
import type { Reply } from "../tutor/replies.js";
import type { InboundMessage } from "./types.js";

export interface HandleResult {
  duplicate: boolean;
  replies: Reply[];
}

export interface ConversationDeps {
  db: Db;
  curriculum: () => Curriculum;
  logger: Logger;
  now?: () => Date;
}

// Shape check on what comes back from the database: an old or damaged state restarts politely.
const stateSchema = z.object({
  v: z.literal(1),
  screen: z.object({ kind: z.string() }).passthrough(),
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

  /**
   * The single path every channel uses: deduplicate, run the tutor, save state and progress,
   * all in one synchronous transaction (better-sqlite3 cannot roll back an async callback).
   */
  function handle(msg: InboundMessage): HandleResult {
    const log = deps.logger.child({ channel: msg.channel, learner: learnerHash(msg.channel, msg.userKey) });
    const curriculum = deps.curriculum();
    const at = now();
    const db = deps.db;
    // BEGIN IMMEDIATE: take the write lock up front so a concurrent writer waits (busy_timeout) instead of failing mid-way.
    const run = db.$client.transaction(() => {
      if (!repo.markProcessed(db, msg.channel, msg.messageKey, at)) return { duplicate: true, replies: [] };
      const learner = repo.upsertLearner(db, msg.channel, msg.userKey, msg.chatId, at);
      repo.linkProcessed(db, msg.channel, msg.messageKey, learner.id);
      const stored = stateSchema.safeParse(repo.loadState(db, learner.id));
      const state = stored.success ? (stored.data as TutorState) : initialState();
      const progress = learner.consent ? repo.loadProgress(db, learner.id) : new Map();
      const out = step(state, { kind: "text", text: msg.text }, { curriculum, progress });
      repo.saveState(db, learner.id, out.state, at);
      const consent = out.events.find((e) => e.type === "consent");
      if (consent) repo.setConsent(db, learner.id, consent.granted, at);
      // Learning history is kept only with consent; the current position (state) is the minimum needed to teach.
      if (out.state.consent) repo.recordEvents(db, learner.id, out.events, at);
      return { duplicate: false, replies: out.replies, events: out.events.map((e) => e.type) };
    });
    const result: { duplicate: boolean; replies: Reply[]; events?: string[] } = run.immediate();
    if (result.duplicate) log.info({ event: "duplicate" }, "duplicate message ignored");
    else log.info({ event: "handled", replies: result.replies.length, events: result.events }, "message handled");
    return { duplicate: result.duplicate, replies: result.replies };
  }

  return { handle };
}

export type ConversationService = ReturnType<typeof createConversationService>;
