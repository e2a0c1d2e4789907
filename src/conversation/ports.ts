import type { FastifyInstance } from "fastify";
import type { ChannelSender, Queued } from "../channels/types.js";
import type { LearningView, LearningWrites } from "../learning/types.js";
import type { LessonProgressView, TutorEvent, TutorState } from "../tutor/engine.js";
import type { Reply } from "../tutor/replies.js";
import type { AudioSource } from "../voice/types.js";
import type { Channel, InboundMessage } from "./types.js";

// What the conversation needs from the outside, as interfaces: a channel is anything that delivers updates to the
// inbox and sends the replies queued for its chats. Each channel's folder in channels/ implements it; the registry
// (channels/registry.ts) is the one list of them.

export type AcceptResult = "recorded" | "duplicate";

/** The inbox's front door, as channels see it: an update is recorded (or found a duplicate) before they answer 200. */
export interface Inbox {
  /** Calls `done` once the update is durably recorded (then the webhook may answer 200), or with the error. */
  acceptThen(msg: InboundRecord, done: (err: unknown, r?: AcceptResult) => void): void;
  /**
   * Resolves once the update is recorded, for those who then wait for its turn themselves (the web chat, the terminal,
   * polling): unlike a webhook's, their arrival does not hold the tutor's work back (see conversation/governor.ts).
   */
  accept(msg: InboundRecord): Promise<AcceptResult>;
}

export interface ChannelAdapter {
  readonly channel: Channel;
  /** Renders a queued reply into the platform's calls and makes them, classifying errors (never throws). */
  readonly sender: ChannelSender;
  /** How updates arrive: a webhook route, or long polling (development, or a server nobody can reach). */
  readonly mode: "webhook" | "polling";
  /**
   * When to show "typing…": as soon as the bot works on an update (Zalo asks for it), or only before a model call
   * that may take seconds.
   */
  readonly typingWhen: "working" | "slow";
  /** Adds the webhook route(s): verify the secret, validate, record in the inbox, answer 200. */
  register(app: FastifyInstance, deps: { inbox: Inbox }): void;
  startPolling(inbox: Inbox): void;
  /** Stops polling and any background work of the channel (called at shutdown whatever the mode). */
  stopPolling(): Promise<void>;
  /**
   * A platform that lets the bot write to a learner only so long after the learner's last message (Zalo OA: 48
   * hours): reminders and announcements skip learners past it and report how many. Absent: no such limit.
   */
  readonly replyWindow?: ReplyWindow;
  /**
   * Reshapes one turn's replies before they are queued, where the platform limits how many messages answer one
   * learner message (Zalo OA: 8 free replies): pure; the same texts, in the same order.
   */
  readonly shapeTurn?: (replies: Reply[]) => Reply[];
  /** Whether the channel can send now, for the dashboard (Zalo OA: its token refreshed); absent = nothing to check. */
  readonly health?: () => { ok: boolean };
  /** How the channel fetches a voice note's audio (voice/types.ts); absent: voice notes get the "please type" reply. */
  readonly voice?: AudioSource;
  /** Whether the channel delivers a reply's audio (a voice note): "đọc to" works there. Absent: text only. */
  readonly playsAudio?: boolean;
  /** The staff group this channel hosts for the hand-off to a person, if it is set up (Telegram: STAFF_TELEGRAM_CHAT_ID). */
  readonly staffDesk?: StaffDesk;
}

/**
 * Where learners' hand-off tickets go and where staff answer them: a group chat on one channel (a Telegram group
 * today; a Zalo group could be another). Tickets and relayed messages are queued to it like any reply; its members'
 * messages reach the inbox under the desk's key (types.ts: staffKey) as commands (`/tl <số> …`, `/dong <số>`), which
 * the channel makes of replies to a ticket's messages and of its buttons.
 */
export interface StaffDesk {
  readonly channel: Channel;
  readonly chatId: string;
}

export interface ReplyWindow {
  readonly ms: number;
  /** Learners a reminder pass or an announcement left out because their window had closed. */
  outside(kind: "reminder" | "announcement", n: number): void;
}

// ——— Stores ———————————————————————————————————————————————————————————————————————————————————————————————
// The conversation reads and writes a learner's data through LearnerStore, a synchronous view of one turn: on
// SQLite (one process) it is the database itself, inside the turn's transaction; on PostgreSQL (several instances)
// it is the learner's rows loaded before the turn, and the writes are recorded and applied after it, in one
// transaction, only if the update is still unapplied and the instance still holds the learner (see SharedStore).

export interface LearnerRow {
  id: number;
  channel: string;
  channelUserId: string;
  chatId: string;
  consent: boolean | null;
  reminders: boolean | null;
  lastActiveAt: Date;
}

export interface InboxRow {
  id: number;
  channel: string;
  messageKey: string;
  userKey: string;
  chatId: string;
  text: string;
  media: string | null;
  callbackId: string | null;
}

export interface QuestionRecord {
  learnerId: number | null;
  channel: string;
  question: string;
  action: string;
  rule: string;
  lessonId: string | null;
  source: string;
  grounded: boolean;
  flagged: boolean;
  at: Date;
}

export interface CertificateRecord {
  learnerId: number;
  trackId: string;
  trackTitle: string;
  code: string;
  firstName: string | null;
  at: Date;
}

export interface QueuedReplies {
  channel: string;
  chatId: string;
  learnerId: number | null;
  items: readonly Queued[];
  at: Date;
}

/** A learner's hand-off tickets as a turn sees them: the open one, and when their latest ones were opened. */
export interface LearnerTickets {
  open?: { id: number; openedAt: number };
  /** When the learner's latest tickets (at most 10) were opened, newest first (epoch ms): the daily limit. */
  recentOpenedAt: number[];
}

export interface NewTicket {
  learnerId: number;
  reason: string;
  lessonId: string | null;
  step: number | null;
  at: Date;
}

/** A ticket as a staff turn reads it: whose it is and where their replies go. */
export interface TicketRow {
  id: number;
  learnerId: number;
  channel: string;
  userKey: string;
  chatId: string;
  closed: boolean;
}

export interface LearnerStore {
  findLearner(channel: string, userKey: string): LearnerRow | undefined;
  loadState(learnerId: number): unknown;
  loadProgress(learnerId: number): Map<string, LessonProgressView>;
  certifiedTracks(learnerId: number): Set<string>;
  upsertLearner(channel: string, userKey: string, chatId: string, at: Date): LearnerRow;
  setConsent(learnerId: number, granted: boolean, at: Date): void;
  /** Returns the question's id (a 👍/👎 later refers to it). */
  insertQuestion(q: QuestionRecord): number;
  setFeedback(questionId: number, learnerId: number, useful: boolean): void;
  setReminders(learnerId: number, on: boolean): void;
  issueCertificate(c: CertificateRecord): void;
  saveState(learnerId: number, state: TutorState, at: Date): void;
  /** Progress rows, quiz attempts and the event log from the tutor's learning events. */
  recordEvents(learnerId: number, events: TutorEvent[], at: Date): void;
  /** The learner's review cards, mastery and track tests (src/learning/types.ts). */
  loadLearning(learnerId: number): LearningView;
  /** What a turn's learning events changed (src/learning/record.ts): cards, mastery, delayed answers, tests. */
  saveLearning(learnerId: number, writes: LearningWrites, at: Date): void;
  /** Everything about the learner, and what names them without a link (their chat's queued replies, their keys). */
  deleteLearner(learner: { id: number; channel: string; chatId: string; userKey: string }): void;
  clearUnreachable(learnerId: number): void;
  /** Queues replies for one chat, in order; the channel renders them when it sends. */
  enqueue(q: QueuedReplies): void;
  tickets(learnerId: number): LearnerTickets;
  /**
   * The learner's latest kept questions (redacted; kept only with their consent to storage) asked since `since`, oldest
   * first, at most 3: the "last few messages" of a ticket (on a shared store, loaded by reserve({ ticket: true })).
   */
  recentQuestions(learnerId: number, since: Date): string[];
  /** Opens a ticket; returns its number (on a shared store, reserved by reserve({ ticket: true })). */
  openTicket(t: NewTicket): number;
  /** The ticket with this number (on a shared store, loaded by reserve({ ticketId })). */
  ticket(id: number): TicketRow | undefined;
  /** A staff answer was relayed: the first one's time is kept. */
  ticketAnswered(id: number, at: Date): void;
  closeTicket(id: number, at: Date): void;
}

/** An update as a webhook hands it to the inbox. */
export type InboundRecord = InboundMessage & { callbackId?: string };

/** One learner's turn on a shared store: their rows, loaded; the writes, applied together by commit(). */
export interface SharedTurn {
  readonly store: LearnerStore;
  /**
   * Reserves the ids the synchronous write phase may hand out (a new learner's, a question's, a ticket's), and loads
   * the ticket a staff member's message names.
   */
  reserve(need: { question: boolean; ticket?: boolean; ticketId?: number }): Promise<void>;
  /**
   * Applies the recorded writes in one transaction, if the guard holds: the inbox row is still there (it is deleted
   * with them) and `owner` still holds the learner. False when the guard failed: nothing was written.
   */
  commit(guard: { inboxId: number }): Promise<boolean>;
}

/** Several instances, one database: the inbox, the learners' leases and turns, the outbox's claims. */
export interface SharedStore {
  /** Records updates (deduplicated by channel and message key) in one transaction; true = recorded. */
  record(items: readonly InboundRecord[], at: Date): Promise<boolean[]>;
  /** Leases up to `limit` learners with recorded updates (oldest first) that no other instance holds. */
  claimLearners(owner: string, limit: number, leaseMs: number, skip: ReadonlySet<string>): Promise<string[]>;
  renew(owner: string, keys: readonly string[], leaseMs: number): Promise<void>;
  release(owner: string, key: string): Promise<void>;
  /**
   * The learner's oldest recorded update and their rows, loaded for its turn (one round trip); undefined when none is
   * left — then the lease is given back in the same step.
   */
  openNext(owner: string, key: string): Promise<{ row: InboxRow; turn: SharedTurn } | undefined>;
  /** A turn without a recorded update (web chat, terminal; or only to read). */
  openTurn(owner: string, key: string, channel: string, userKey: string): Promise<SharedTurn>;
  /** A turn that cannot be applied: its update is removed and the learner gets `items` instead (if still ours). */
  dropUpdate(owner: string, key: string, row: InboxRow, items: readonly Queued[], at: Date): Promise<void>;
}

/** A learner's lease key. */
export const learnerKey = (channel: string, userKey: string) => `${channel}:${userKey}`;

/** One process, one embedded database (SQLite): synchronous, each call inside the caller's transaction. */
export interface LocalStore {
  readonly learners: LearnerStore;
  /** Runs `fn` in one IMMEDIATE transaction (a savepoint inside another). */
  transaction<T>(fn: () => T): T;
  /** Records a message key; false when it was seen before (the deduplication). */
  markProcessed(channel: string, messageKey: string, at: Date): boolean;
  insertInbox(m: Omit<InboxRow, "id"> & { at: Date }): number;
  inboxRow(id: number): InboxRow | undefined;
  /** False when the row was gone already (applied, or erased). */
  deleteInbox(id: number): boolean;
  /** Every recorded, unapplied update (after a restart), oldest first. */
  unapplied(): Array<{ id: number; channel: string; userKey: string }>;
}

/** A queued reply or acknowledgement as a shared dispatcher claims it. */
export interface OutboxRow {
  id: number;
  channel: string;
  chatId: string;
  learnerId: number | null;
  method: string;
  params: string;
  partsSent: number;
  attempts: number;
  /** Deleted once sent (the confirmation of an erasure). */
  forget: boolean;
}

/** The outbox shared by several instances: each chat's oldest row is sent by one instance at a time. */
export interface SharedOutboxStore {
  /**
   * Leases up to `limit` chats' oldest pending rows that are due (at `now`) and not leased by another instance,
   * leaving out the rows of `collected` channels (their requests collect them).
   */
  claim(owner: string, limit: number, leaseMs: number, now: number, collected: readonly string[]): Promise<OutboxRow[]>;
  /** Reserves `n` sends from the bucket's rate (per second, shared by every instance): how long each must wait (ms). */
  reserveSends(bucket: string, perSecond: number, n: number): Promise<number[]>;
  partSent(id: number, partsSent: number): Promise<void>;
  /** Marks rows sent (those marked `forget` are deleted), all in one statement. */
  sent(items: ReadonlyArray<{ row: OutboxRow; attempts: number; at: number }>): Promise<void>;
  retry(id: number, attempts: number, code: string, at: number): Promise<void>;
  fail(id: number, attempts: number, code: string): Promise<void>;
  /** The learner blocked the bot: the chat's pending rows are cancelled and the learner marked unreachable. */
  blocked(row: OutboxRow, code: string, at: number): Promise<void>;
  pendingCount(): Promise<number>;
  purge(sentBefore: number): Promise<number>;
}

/**
 * Channels whose platform lets the bot write only so long after a learner's last message: ms by channel, and who is
 * told how many learners of a channel were left out because of it.
 */
export interface WindowRule {
  windows: Readonly<Record<string, number>>;
  outside?(channel: string, n: number): void;
}

/** Reminders and announcements, queued once however many instances run. */
export interface RemindersStore {
  /**
   * Queues a reminder for every opted-in, reachable learner on `channels` who was not reminded since they were last
   * active and is either inactive since `cutoff` or, not seen today (since `dayStart`), has a review due today (before
   * `dayEnd`); `text` gets the lesson they were in and how many reviews are due. One instance at a time (a lock): the
   * rest find nothing due. A learner whose channel's window (`rule`) has closed is skipped, counted, and marked reminded
   * for this stretch of silence.
   */
  queueReminders(q: {
    at: number;
    cutoff: number;
    dayStart: number;
    dayEnd: number;
    channels: readonly string[];
    text: (learner: { lessonId?: string; dueReviews: number }) => string;
    rule?: WindowRule;
  }): Promise<number>;
  /**
   * Queues `message` to every opted-in, reachable learner on `channels` (but those whose channel's window has closed:
   * counted) and records the announcement's `text`; returns how many.
   */
  announce(text: string, message: string, channels: readonly string[], at: number, rule?: WindowRule): Promise<number>;
}

/** The hand-off's background work (the staff group's reminder), once however many instances run. */
export interface TicketsStore {
  /** Open tickets neither answered nor reminded yet, oldest first. */
  unreminded(): Promise<Array<{ id: number; openedAt: number; lessonId: string | null; step: number | null }>>;
  /** Marks the ticket reminded and queues `reminder`, in one transaction, once: false when it was reminded, answered or closed. */
  remind(id: number, reminder: QueuedReplies): Promise<boolean>;
}

/** A Zalo Official Account's OAuth tokens as kept in the store: one record, shared by every instance. */
export interface OaTokens {
  accessToken: string;
  /** Single-use: every refresh returns the next one, stored before the old one is forgotten. */
  refreshToken: string;
  /** When the access token is expected to expire (epoch ms). */
  expiresAt: number;
  /** Fingerprints of the environment's refresh tokens this record was started from, newest first (see channels/zalo-oa/tokens.ts). */
  seeds: string[];
}

/** What the Zalo OA channel keeps in the store so that every instance shares it: its tokens, its uploaded pictures. */
export interface ZaloOaStore {
  tokens(): Promise<OaTokens | undefined>;
  /**
   * Runs `fn` holding the one lock on the tokens (across instances), with the tokens as stored now; what it returns
   * is stored durably before the lock is let go (undefined: nothing to store). Resolves to the tokens stored then.
   */
  updateTokens(fn: (stored: OaTokens | undefined) => Promise<OaTokens | undefined>): Promise<OaTokens | undefined>;
  /** The attachment id of a picture uploaded before (by file name and content), if any. */
  attachment(key: string): Promise<string | undefined>;
  saveAttachment(key: string, attachmentId: string): Promise<void>;
  forgetAttachment(key: string): Promise<void>;
}

/**
 * The replies of channels whose learner waits for them in the same request (web chat, terminal): queued like any
 * other reply, then collected by the request instead of sent by a dispatcher.
 */
export interface DirectReplies {
  /** Whether the update is still recorded and not yet applied. */
  waiting(channel: string, userKey: string, messageKey: string): Promise<boolean>;
  /** Takes the replies queued for the chat, oldest first (they are removed). */
  take(channel: string, chatId: string): Promise<Reply[]>;
}

/** A queued row as the one-process dispatcher reads it when it sends. */
export interface LocalOutboxRow {
  id: number;
  channel: string;
  chatId: string;
  learnerId: number | null;
  method: string;
  params: string;
  partsSent: number;
  attempts: number;
  status: string;
}

/** The outbox on one process's own database (SQLite): synchronous. */
export interface LocalOutboxStore {
  isOpen(): boolean;
  /** Pending rows queued after `afterId`, in id order. */
  newRows(afterId: number): Array<{ id: number; channel: string; chatId: string; method: string; due: number }>;
  row(id: number): LocalOutboxRow | undefined;
  partSent(id: number, partsSent: number): void;
  /** Marks rows sent (`forget`: deleted instead), in one transaction. */
  markSent(rows: ReadonlyArray<{ id: number; sentAt: number; attempts: number; forget: boolean }>): void;
  fail(id: number, code: string, attempts?: number): void;
  retry(id: number, attempts: number, code: string, at: number): void;
  /** The learner blocked the bot: the chat's pending rows are cancelled and the learner marked unreachable. */
  blocked(row: { channel: string; chatId: string; learnerId: number | null }, code: string, at: number): void;
  pendingCount(): number;
  /** Pending rows due by `until`. */
  dueCount(until: number): number;
  purge(sentBefore: number): number;
}
