import { createHmac, randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { z } from "zod";
import type { Queued } from "../channels/types.js";
import type { Curriculum } from "../curriculum/types.js";
import type { Qa, QaOutcome } from "../qa/service.js";
import { type Db, immediate } from "../store/db.js";
import * as repo from "../store/repo.js";
import { vnDateDmy } from "../time.js";
import {
  answered,
  currentScreen,
  initialState,
  type StepResult,
  step,
  type TutorContext,
  type TutorEvent,
  type TutorState,
} from "../tutor/engine.js";
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
  /** The question pipeline; without it free-form questions get the "not understood" hint. */
  qa?: Qa;
  now?: () => Date;
  /** For certificate links. */
  publicBaseUrl?: string;
  /** Pseudonyms of learners in the logs; default: under a random key. */
  learnerTag?: LearnerTag;
  /** Called after a learner's data is erased (the reply confirming it is then forgotten once sent, and the files scrubbed). */
  onErased?: (channel: Channel, chatId: string) => void;
}

export type InboxRow = repo.InboxRow;

// Shape check on what comes back from the database: an old or damaged state restarts politely.
const stateSchema = z.object({
  v: z.literal(1),
  screen: z.looseObject({ kind: z.string() }),
  consent: z.boolean().nullable(),
  lesson: z
    .object({ lessonId: z.string(), stepIndex: z.number().int().min(0), stepTitle: z.string(), wrong: z.number().int().min(0) })
    .optional(),
});

const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/** A certificate code people can read out: 10 characters, no 0/O or 1/I. */
export function certificateCode(): string {
  return Array.from(randomBytes(10), (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join("");
}

/** A learner's pseudonym in the logs, from their channel and id: never the raw chat id. */
export type LearnerTag = (channel: string, userKey: string) => string;

/**
 * Pseudonyms under a key. Chat ids are easy to enumerate (a Telegram id is a number), so an unkeyed hash of one
 * could be reversed by anyone reading the logs; keyed, it cannot without the key (kept outside the database, so
 * pseudonyms stay stable across restarts). Without a key — tests, tools — a random one.
 */
export function learnerTagger(key: string = randomBytes(32).toString("hex")): LearnerTag {
  return (channel, userKey) => createHmac("sha256", key).update(`${channel}:${userKey}`).digest("hex").slice(0, 12);
}

interface Thought {
  out: StepResult;
  qa?: QaOutcome;
}

interface Turn {
  /** Null when the learner has just deleted their data. */
  learnerId: number | null;
  replies: Reply[];
  events: TutorEvent[];
}

export function createConversationService(deps: ConversationDeps) {
  const now = deps.now ?? (() => new Date());
  const { db } = deps;
  const learnerTag = deps.learnerTag ?? learnerTagger();

  function loadState(learnerId: number | undefined): TutorState {
    if (learnerId === undefined) return initialState();
    const stored = stateSchema.safeParse(repo.loadState(db, learnerId));
    return stored.success ? (stored.data as TutorState) : initialState();
  }

  /** Runs the tutor on the stored state (read-only), and the question pipeline when the text is a question. */
  function contextFor(learner: repo.LearnerRow | undefined): TutorContext {
    const progress = learner?.consent ? repo.loadProgress(db, learner.id) : new Map();
    return {
      curriculum: deps.curriculum(),
      progress,
      learner: { reminders: learner?.reminders ?? null, certifiedTracks: learner ? repo.certifiedTracks(db, learner.id) : new Set() },
      get certificateCode() {
        return certificateCode();
      },
      today: vnDateDmy(now().getTime()),
      ...(deps.publicBaseUrl ? { publicBaseUrl: deps.publicBaseUrl } : {}),
    };
  }

  /** Synchronous unless the text goes to the question pipeline (which may call a model). */
  function think(msg: InboundMessage, onSlow?: () => void): Thought | Promise<Thought> {
    const learner = repo.findLearner(db, msg.channel, msg.userKey);
    const state = loadState(learner?.id);
    const input = msg.media ? { kind: "media" as const, media: msg.media } : { kind: "text" as const, text: msg.text };
    const out = step(state, input, contextFor(learner));
    if (!out.question || !deps.qa) {
      if (out.question)
        out.replies.push({
          text: "Xin lỗi bác, tôi chưa hiểu ý bác. Bác gõ **menu** để chọn bài học, hoặc **trợ giúp** để xem cách dùng.",
        });
      return { out };
    }
    return deps.qa
      .ask({
        text: out.question.text,
        learnerKey: `${msg.channel}:${msg.userKey}`,
        ...(out.question.quiz ? { quiz: out.question.quiz } : {}),
        ...(onSlow ? { onSlow } : {}),
      })
      .then((qa) => ({ out, qa }));
  }

  /** Writes one turn: learner, state, progress, the question asked. Runs inside the caller's transaction. */
  function commit(msg: InboundMessage, thought: Thought, at: Date): Turn {
    const learner = repo.upsertLearner(db, msg.channel, msg.userKey, msg.chatId, at);
    let { out } = thought;
    const consent = out.events.find((e) => e.type === "consent");
    if (consent) repo.setConsent(db, learner.id, consent.granted, at);
    const storeHistory = consent ? consent.granted : learner.consent === true;
    if (thought.qa) {
      const q = thought.qa;
      // A learner who declined storage has no question kept — except one that needs a human (self-harm), kept
      // linked to them so that erasing their data removes it too.
      const questionId =
        storeHistory || q.flagged
          ? repo.insertQuestion(db, {
              learnerId: learner.id,
              channel: msg.channel,
              question: q.redacted.slice(0, 2000),
              action: q.action,
              rule: q.rule,
              lessonId: q.lessonId ?? null,
              source: q.source,
              grounded: q.grounded,
              flagged: q.flagged,
              at,
            })
          : undefined;
      const feedback = q.action === "answer" || q.action === "advice";
      const after = answered(
        out.state,
        {
          texts: q.texts,
          ...(q.lessonId ? { lessonId: q.lessonId } : {}),
          ...(q.closeLessonIds ? { closeLessonIds: q.closeLessonIds } : {}),
          questionId,
          feedback,
        },
        contextFor(learner),
      );
      out = { ...after, replies: [...out.replies, ...after.replies], events: [...out.events, ...after.events] };
    }
    if (out.events.some((e) => e.type === "delete_all")) {
      // Everything about the learner goes at once (progress, state, questions, certificates,
      // reminders, queued messages) through the foreign keys' cascades; only the reply remains.
      repo.deleteLearner(db, { id: learner.id, channel: msg.channel, chatId: msg.chatId, userKey: msg.userKey });
      deps.onErased?.(msg.channel, msg.chatId);
      return { learnerId: null, replies: out.replies, events: out.events };
    }
    repo.saveState(db, learner.id, out.state, at);
    for (const e of out.events) {
      if (e.type === "feedback") {
        repo.setFeedback(db, e.questionId, learner.id, e.useful);
      } else if (e.type === "reminders") {
        repo.setReminders(db, learner.id, e.on);
      } else if (e.type === "certificate") {
        repo.issueCertificate(db, {
          learnerId: learner.id,
          trackId: e.trackId,
          trackTitle: e.trackTitle,
          code: e.code,
          firstName: e.firstName ?? null,
          at,
        });
      }
    }
    // Learning history is kept only with consent; the current position (state) is the minimum needed to teach.
    if (out.state.consent) repo.recordEvents(db, learner.id, out.events, at);
    return { learnerId: learner.id, replies: out.replies, events: out.events };
  }

  const logTurn = (msg: Pick<InboundMessage, "channel" | "userKey">, turn: Turn, qa?: QaOutcome) =>
    deps.logger.info(
      {
        channel: msg.channel,
        learner: learnerTag(msg.channel, msg.userKey),
        event: "handled",
        replies: turn.replies.length,
        events: turn.events.map((e) => e.type),
        ...(qa ? { qa: { action: qa.action, rule: qa.rule, source: qa.source } } : {}),
      },
      "message handled",
    );

  /**
   * The synchronous channels (web chat, terminal): think (the model call, if any, happens outside
   * any transaction), then deduplicate and save everything in one IMMEDIATE transaction, and return
   * the replies to the caller.
   */
  /**
   * Direct channels (web chat, terminal): one learner's messages are handled one after another, in the order they
   * came — a message sent while the answer to the previous one is still being worked out waits for it, so neither
   * update is lost. Different learners go on in parallel.
   */
  const turns = new Map<string, Promise<unknown>>();
  function handle(msg: InboundMessage): Promise<HandleResult> {
    const key = `${msg.channel}\u0000${msg.userKey}`;
    const run = (turns.get(key) ?? Promise.resolve()).then(() => handleNow(msg));
    const settled = run.catch(() => undefined);
    turns.set(key, settled);
    void settled.then(() => {
      if (turns.get(key) === settled) turns.delete(key);
    });
    return run;
  }

  async function handleNow(msg: InboundMessage): Promise<HandleResult> {
    if (repo.isProcessed(db, msg.channel, msg.messageKey)) return { duplicate: true, replies: [] };
    const thought = await think(msg);
    const at = now();
    const turn = immediate(db, () => {
      if (!repo.markProcessed(db, msg.channel, msg.messageKey, at)) return undefined;
      return commit(msg, thought, at);
    });
    if (!turn) return { duplicate: true, replies: [] };
    logTurn(msg, turn, thought.qa);
    return { duplicate: false, replies: turn.replies };
  }

  /**
   * The queued channels (Telegram, Zalo): the update was recorded in the inbox when the webhook
   * answered. Applying it removes it from the inbox, changes the state and queues the rendered
   * replies in the outbox — in one transaction, so a crash leaves either all or none of it.
   */
  function processInbox(row: InboxRow, onSlow?: () => void): void | Promise<void> {
    const msg: InboundMessage = {
      channel: row.channel as Channel,
      userKey: row.userKey,
      chatId: row.chatId,
      messageKey: row.messageKey,
      text: row.text,
      ...(row.media ? { media: row.media as MediaKind } : {}),
    };
    const thought = think(msg, onSlow);
    if (thought instanceof Promise) return thought.then((t) => apply(row, msg, t));
    apply(row, msg, thought);
  }

  function apply(row: InboxRow, msg: InboundMessage, thought: Thought): void {
    const at = now();
    const turn = immediate(db, () => {
      if (!repo.deleteInbox(db, row.id)) return undefined; // already applied: nothing twice
      const t = commit(msg, thought, at);
      if (t.learnerId !== null) repo.clearUnreachable(db, t.learnerId);
      // The same for every channel: the channel's adapter renders them when it sends.
      const items: Queued[] = [
        ...(row.callbackId ? [{ method: "ack" as const, params: { id: row.callbackId } }] : []),
        ...t.replies.map((r) => ({ method: "reply" as const, params: r })),
      ];
      repo.enqueue(db, { channel: msg.channel, chatId: row.chatId, learnerId: t.learnerId, items, at });
      return t;
    });
    if (turn) logTurn(msg, turn, thought.qa);
  }

  /** What the learner was last shown (read-only: nothing is recorded). Empty for someone who has not written yet. */
  function peek(channel: Channel, userKey: string): Reply[] {
    const learner = repo.findLearner(db, channel, userKey);
    if (!learner) return [];
    return currentScreen(loadState(learner.id), contextFor(learner));
  }

  /** Whether this channel has seen this learner before (a row exists). */
  function known(channel: Channel, userKey: string): boolean {
    return repo.findLearner(db, channel, userKey) !== undefined;
  }

  return { handle, processInbox, peek, known };
}

export type ConversationService = ReturnType<typeof createConversationService>;
