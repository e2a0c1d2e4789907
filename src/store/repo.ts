import type Database from "better-sqlite3";
import type { CertificateLookup } from "../admin/verify.js";
import type {
  CertificateRecord,
  DirectReplies,
  InboxRow,
  LearnerRow,
  LearnerStore,
  LocalStore,
  QuestionRecord,
  QueuedReplies,
} from "../conversation/ports.js";
import type { QaStore } from "../qa/service.js";
import { vnDayNumber } from "../time.js";
import type { LessonProgressView, TutorEvent, TutorState } from "../tutor/engine.js";
import type { Reply } from "../tutor/replies.js";
import { type Db, immediate } from "./db.js";
import { loadLearning, saveLearning } from "./learning.js";
import { closeTicket, learnerTickets, openTicket, recentQuestions, ticketAnswered, ticketById } from "./tickets.js";

// The hot path's repository: small synchronous functions over cached prepared statements (no query
// building per message). They run inside the caller's better-sqlite3 transaction. Column types
// follow src/store/schema.ts: times are epoch milliseconds, booleans 0/1, JSON as text.

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();
export function stmt(db: Db, sql: string): Database.Statement {
  let m = cache.get(db.$client);
  if (!m) {
    m = new Map();
    cache.set(db.$client, m);
  }
  let s = m.get(sql);
  if (!s) {
    s = db.$client.prepare(sql);
    m.set(sql, s);
  }
  return s;
}

interface RawLearner {
  id: number;
  channel: string;
  channel_user_id: string;
  chat_id: string;
  consent: number | null;
  reminders: number | null;
  last_active_at: number;
}
const bool = (v: number | null) => (v === null ? null : v === 1);
const toLearner = (r: RawLearner): LearnerRow => ({
  id: r.id,
  channel: r.channel,
  channelUserId: r.channel_user_id,
  chatId: r.chat_id,
  consent: bool(r.consent),
  reminders: bool(r.reminders),
  lastActiveAt: new Date(r.last_active_at),
});

/** Records a message key; false when it was seen before (the deduplication). */
export function markProcessed(db: Db, channel: string, messageKey: string, now: Date): boolean {
  return (
    stmt(db, "insert into processed_messages (channel, message_key, at) values (?, ?, ?) on conflict do nothing").run(
      channel,
      messageKey,
      now.getTime(),
    ).changes === 1
  );
}

export function findLearner(db: Db, channel: string, channelUserId: string): LearnerRow | undefined {
  const r = stmt(
    db,
    "select id, channel, channel_user_id, chat_id, consent, reminders, last_active_at from learners where channel = ? and channel_user_id = ?",
  ).get(channel, channelUserId) as RawLearner | undefined;
  return r ? toLearner(r) : undefined;
}

export function upsertLearner(db: Db, channel: string, channelUserId: string, chatId: string, now: Date): LearnerRow {
  const existing = findLearner(db, channel, channelUserId);
  if (existing) {
    stmt(db, "update learners set last_active_at = ?, chat_id = ? where id = ?").run(now.getTime(), chatId, existing.id);
    return { ...existing, lastActiveAt: now, chatId };
  }
  const r = stmt(
    db,
    "insert into learners (channel, channel_user_id, chat_id, created_at, last_active_at) values (?, ?, ?, ?, ?) returning id, channel, channel_user_id, chat_id, consent, reminders, last_active_at",
  ).get(channel, channelUserId, chatId, now.getTime(), now.getTime()) as RawLearner;
  return toLearner(r);
}

export function loadState(db: Db, learnerId: number): unknown {
  const r = stmt(db, "select state from conversation_states where learner_id = ?").get(learnerId) as { state: string } | undefined;
  if (!r) return undefined;
  try {
    return JSON.parse(r.state);
  } catch {
    return undefined;
  }
}

export function saveState(db: Db, learnerId: number, state: TutorState, now: Date): void {
  stmt(
    db,
    "insert into conversation_states (learner_id, state, updated_at) values (?, ?, ?) on conflict (learner_id) do update set state = excluded.state, updated_at = excluded.updated_at",
  ).run(learnerId, JSON.stringify(state), now.getTime());
}

export function loadProgress(db: Db, learnerId: number): Map<string, LessonProgressView> {
  const rows = stmt(db, "select lesson_id, status, step_reached from lesson_progress where learner_id = ?").all(learnerId) as Array<{
    lesson_id: string;
    status: "in_progress" | "completed";
    step_reached: number;
  }>;
  return new Map(rows.map((r) => [r.lesson_id, { status: r.status, stepReached: r.step_reached }]));
}

export function setConsent(db: Db, learnerId: number, granted: boolean, now: Date): void {
  stmt(db, "update learners set consent = ?, consent_at = ? where id = ?").run(granted ? 1 : 0, now.getTime(), learnerId);
}

/** Applies the engine's learning events: progress rows, quiz attempts and the append-only event log. */
export function recordEvents(db: Db, learnerId: number, events: TutorEvent[], now: Date): void {
  const t = now.getTime();
  if (events.some((e) => e.type === "lesson_started" || e.type === "step_reached" || e.type === "lesson_completed")) {
    stmt(db, "insert or ignore into learner_days (day, learner_id) values (?, ?)").run(vnDayNumber(t), learnerId);
  }
  for (const e of events) {
    switch (e.type) {
      case "lesson_started":
        // A completed lesson started again keeps its completion; an unfinished one keeps its progress.
        stmt(
          db,
          "insert into lesson_progress (learner_id, lesson_id, status, step_reached, started_at, updated_at) values (?, ?, 'in_progress', 0, ?, ?) on conflict (learner_id, lesson_id) do update set updated_at = excluded.updated_at",
        ).run(learnerId, e.lessonId, t, t);
        stmt(db, "insert into progress_events (learner_id, type, lesson_id, step_index, at) values (?, 'lesson_started', ?, null, ?)").run(
          learnerId,
          e.lessonId,
          t,
        );
        break;
      case "step_reached":
        stmt(
          db,
          "insert into lesson_progress (learner_id, lesson_id, status, step_reached, started_at, updated_at) values (?, ?, 'in_progress', ?, ?, ?) on conflict (learner_id, lesson_id) do update set step_reached = max(step_reached, excluded.step_reached), updated_at = excluded.updated_at",
        ).run(learnerId, e.lessonId, e.stepIndex, t, t);
        stmt(db, "insert into progress_events (learner_id, type, lesson_id, step_index, at) values (?, 'step_reached', ?, ?, ?)").run(
          learnerId,
          e.lessonId,
          e.stepIndex,
          t,
        );
        break;
      case "quiz_answered":
        stmt(
          db,
          "insert into quiz_attempts (learner_id, lesson_id, step_index, attempt, option_index, correct, at) values (?, ?, ?, ?, ?, ?, ?)",
        ).run(learnerId, e.lessonId, e.stepIndex, e.attempt, e.optionIndex, e.correct ? 1 : 0, t);
        break;
      case "lesson_completed":
        // The first completion is the one programme reports count.
        stmt(
          db,
          "update lesson_progress set status = 'completed', completed_at = coalesce(completed_at, ?), updated_at = ? where learner_id = ? and lesson_id = ?",
        ).run(t, t, learnerId, e.lessonId);
        stmt(
          db,
          "insert into progress_events (learner_id, type, lesson_id, step_index, at) values (?, 'lesson_completed', ?, null, ?)",
        ).run(learnerId, e.lessonId, t);
        break;
      default:
        break;
    }
  }
}

export function clearUnreachable(db: Db, learnerId: number): void {
  stmt(db, "update learners set unreachable_at = null where id = ? and unreachable_at is not null").run(learnerId);
}

/** Queues replies (or acknowledgements) for one chat, in order, ready now; the channel renders them when it sends. */
export function enqueue(db: Db, args: QueuedReplies): void {
  const t = args.at.getTime();
  const insert = stmt(
    db,
    "insert into outbox (channel, chat_id, learner_id, method, params, status, attempts, next_attempt_at, created_at) values (?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
  );
  for (const c of args.items) insert.run(args.channel, args.chatId, args.learnerId, c.method, JSON.stringify(c.params), t, t);
}

export function certifiedTracks(db: Db, learnerId: number): Set<string> {
  return new Set(
    (stmt(db, "select track_id from certificates where learner_id = ?").all(learnerId) as Array<{ track_id: string }>).map(
      (r) => r.track_id,
    ),
  );
}

export function issueCertificate(db: Db, c: CertificateRecord): void {
  stmt(
    db,
    "insert into certificates (code, learner_id, track_id, track_title, first_name, issued_at) values (?, ?, ?, ?, ?, ?) on conflict do nothing",
  ).run(c.code, c.learnerId, c.trackId, c.trackTitle, c.firstName, c.at.getTime());
}

export function setReminders(db: Db, learnerId: number, on: boolean): void {
  stmt(db, "update learners set reminders = ? where id = ?").run(on ? 1 : 0, learnerId);
}

/**
 * Deletes the learner: foreign keys cascade to everything linked to them; what names them without a link goes too —
 * replies queued or sent to their chat, and the deduplication keys made from their id (web chat).
 */
export function deleteLearner(db: Db, learner: { id: number; channel: string; chatId: string; userKey: string }): void {
  stmt(db, "delete from outbox where channel = ? and chat_id = ?").run(learner.channel, learner.chatId);
  stmt(db, "delete from processed_messages where channel = ? and substr(message_key, 1, ?) = ?").run(
    learner.channel,
    learner.userKey.length + 1,
    `${learner.userKey}:`,
  );
  stmt(db, "delete from learners where id = ?").run(learner.id);
}

/** Records an update in the inbox; returns its row id. */
export function insertInbox(db: Db, m: Omit<InboxRow, "id"> & { at: Date }): number {
  return Number(
    stmt(
      db,
      "insert into inbox (channel, message_key, user_key, chat_id, text, media, callback_id, received_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
    ).run(m.channel, m.messageKey, m.userKey, m.chatId, m.text, m.media, m.callbackId, m.at.getTime()).lastInsertRowid,
  );
}

export function deleteInbox(db: Db, id: number): boolean {
  return stmt(db, "delete from inbox where id = ?").run(id).changes === 1;
}

/** An inbox row by id (undefined once applied). */
export function inboxRow(db: Db, id: number): InboxRow | undefined {
  const r = stmt(db, "select id, channel, message_key, user_key, chat_id, text, media, callback_id from inbox where id = ?").get(id) as
    | {
        id: number;
        channel: string;
        message_key: string;
        user_key: string;
        chat_id: string;
        text: string;
        media: string | null;
        callback_id: string | null;
      }
    | undefined;
  return r
    ? {
        id: r.id,
        channel: r.channel,
        messageKey: r.message_key,
        userKey: r.user_key,
        chatId: r.chat_id,
        text: r.text,
        media: r.media,
        callbackId: r.callback_id,
      }
    : undefined;
}

export function insertQuestion(db: Db, q: QuestionRecord): number {
  const r = stmt(
    db,
    "insert into qa_questions (learner_id, channel, question, action, rule, lesson_id, source, grounded, flagged, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
  ).get(
    q.learnerId,
    q.channel,
    q.question,
    q.action,
    q.rule,
    q.lessonId,
    q.source,
    q.grounded ? 1 : 0,
    q.flagged ? 1 : 0,
    q.at.getTime(),
  ) as { id: number };
  return r.id;
}

export function setFeedback(db: Db, questionId: number, learnerId: number, useful: boolean): void {
  stmt(db, "update qa_questions set feedback = ? where id = ? and learner_id = ?").run(useful ? 1 : -1, questionId, learnerId);
}

/** The conversation's view of a learner's data on SQLite: the database itself, inside the caller's transaction. */
export function learnerStore(db: Db): LearnerStore {
  return {
    findLearner: (channel, userKey) => findLearner(db, channel, userKey),
    loadState: (id) => loadState(db, id),
    loadProgress: (id) => loadProgress(db, id),
    certifiedTracks: (id) => certifiedTracks(db, id),
    upsertLearner: (channel, userKey, chatId, at) => upsertLearner(db, channel, userKey, chatId, at),
    setConsent: (id, granted, at) => setConsent(db, id, granted, at),
    insertQuestion: (q) => insertQuestion(db, q),
    setFeedback: (questionId, learnerId, useful) => setFeedback(db, questionId, learnerId, useful),
    setReminders: (id, on) => setReminders(db, id, on),
    issueCertificate: (c) => issueCertificate(db, c),
    saveState: (id, state, at) => saveState(db, id, state, at),
    recordEvents: (id, events, at) => recordEvents(db, id, events, at),
    loadLearning: (id) => loadLearning(db, id),
    saveLearning: (id, writes, at) => saveLearning(db, id, writes, at),
    deleteLearner: (l) => deleteLearner(db, l),
    clearUnreachable: (id) => clearUnreachable(db, id),
    enqueue: (q) => enqueue(db, q),
    tickets: (id) => learnerTickets(db, id),
    recentQuestions: (id, since) => recentQuestions(db, id, since),
    openTicket: (t) => openTicket(db, t),
    ticket: (id) => ticketById(db, id),
    ticketAnswered: (id, at) => ticketAnswered(db, id, at),
    closeTicket: (id, at) => closeTicket(db, id, at),
  };
}

/** The conversation's store on SQLite (one process). */
export function localStore(db: Db): LocalStore {
  return {
    learners: learnerStore(db),
    transaction: (fn) => immediate(db, fn),
    markProcessed: (channel, key, at) => markProcessed(db, channel, key, at),
    insertInbox: (m) => insertInbox(db, m),
    inboxRow: (id) => inboxRow(db, id),
    deleteInbox: (id) => deleteInbox(db, id),
    unapplied: () =>
      stmt(db, "select id, channel, user_key as userKey from inbox order by id").all() as Array<{
        id: number;
        channel: string;
        userKey: string;
      }>,
  };
}

/** The question pipeline's cache and model budget on SQLite. */
export function qaStore(db: Db): QaStore {
  return {
    async cached(key) {
      return stmt(db, "select answer, lesson_id as lessonId, created_at as createdAt from qa_cache where key = ?").get(key) as
        | { answer: string; lessonId: string | null; createdAt: number }
        | undefined;
    },
    async cache(key, answer, lessonId, at) {
      stmt(
        db,
        "insert into qa_cache (key, answer, lesson_id, created_at) values (?, ?, ?, ?) on conflict (key) do update set answer = excluded.answer, lesson_id = excluded.lesson_id, created_at = excluded.created_at",
      ).run(key, answer, lessonId, at);
    },
    async takeBudget(day, limit) {
      return immediate(db, () => {
        const row = stmt(db, "select value from app_meta where key = 'llm_calls'").get() as { value: string } | undefined;
        const stored = row ? (JSON.parse(row.value) as { day: number; n: number }) : undefined;
        const n = stored?.day === day ? stored.n : 0;
        if (n >= limit) return false;
        stmt(db, "insert into app_meta (key, value) values ('llm_calls', ?) on conflict(key) do update set value = excluded.value").run(
          JSON.stringify({ day, n: n + 1 }),
        );
        return true;
      });
    },
  };
}

/** A certificate by its code, for the public check. */
export function certificateByCode(db: Db): CertificateLookup {
  return async (code) =>
    stmt(db, "select track_title as trackTitle, first_name as firstName, issued_at as issuedAt from certificates where code = ?").get(
      code,
    ) as { trackTitle: string; firstName: string | null; issuedAt: number } | undefined;
}

/** The web chat's and terminal's replies on SQLite: collected by the waiting request. */
export function directReplies(db: Db): DirectReplies {
  return {
    async waiting(channel, _userKey, messageKey) {
      return stmt(db, "select 1 from inbox where channel = ? and message_key = ?").get(channel, messageKey) !== undefined;
    },
    async take(channel, chatId) {
      return immediate(db, () => {
        const rows = stmt(db, "select id, params from outbox where channel = ? and chat_id = ? and status = 'pending' order by id").all(
          channel,
          chatId,
        ) as Array<{ id: number; params: string }>;
        const del = stmt(db, "delete from outbox where id = ?");
        for (const r of rows) del.run(r.id);
        return rows.map((r) => JSON.parse(r.params) as Reply);
      });
    },
  };
}
