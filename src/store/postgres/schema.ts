import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, doublePrecision, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";

// The same tables as the SQLite schema (../schema.ts; see it for what each column means), on PostgreSQL, for
// several instances sharing one database. Times are epoch milliseconds in both engines, so the repositories
// agree on them. What only several instances need: leases on inbox work and outbox sends, one lease per learner
// being worked, and the shared send rate per bot.

const ms = (name: string) => bigint(name, { mode: "number" });
const id = () => bigserial("id", { mode: "number" }).primaryKey();

export const learners = pgTable(
  "learners",
  {
    id: id(),
    channel: text("channel").notNull(),
    channelUserId: text("channel_user_id").notNull(),
    chatId: text("chat_id").notNull(),
    consent: boolean("consent"),
    consentAt: ms("consent_at"),
    reminders: boolean("reminders"),
    remindedAt: ms("reminded_at"),
    unreachableAt: ms("unreachable_at"),
    createdAt: ms("created_at").notNull(),
    lastActiveAt: ms("last_active_at").notNull(),
  },
  (t) => [
    uniqueIndex("learners_channel_user").on(t.channel, t.channelUserId),
    index("learners_last_active").on(t.lastActiveAt),
    index("learners_created").on(t.createdAt),
  ],
);

const learnerRef = (name: string) => bigint(name, { mode: "number" }).references(() => learners.id, { onDelete: "cascade" });

export const conversationStates = pgTable("conversation_states", {
  learnerId: learnerRef("learner_id").primaryKey(),
  state: text("state").notNull(),
  updatedAt: ms("updated_at").notNull(),
});

export const lessonProgress = pgTable(
  "lesson_progress",
  {
    learnerId: learnerRef("learner_id").notNull(),
    lessonId: text("lesson_id").notNull(),
    status: text("status", { enum: ["in_progress", "completed"] }).notNull(),
    stepReached: integer("step_reached").notNull(),
    startedAt: ms("started_at").notNull(),
    completedAt: ms("completed_at"),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.learnerId, t.lessonId] }), index("lesson_progress_lesson").on(t.lessonId, t.status, t.stepReached)],
);

export const quizAttempts = pgTable(
  "quiz_attempts",
  {
    id: id(),
    learnerId: learnerRef("learner_id").notNull(),
    lessonId: text("lesson_id").notNull(),
    stepIndex: integer("step_index").notNull(),
    attempt: integer("attempt").notNull(),
    optionIndex: integer("option_index").notNull(),
    correct: boolean("correct").notNull(),
    at: ms("at").notNull(),
  },
  (t) => [
    index("quiz_attempts_learner").on(t.learnerId),
    index("quiz_attempts_lesson").on(t.lessonId, t.stepIndex, t.learnerId, t.attempt, t.correct),
  ],
);

export const progressEvents = pgTable(
  "progress_events",
  {
    id: id(),
    learnerId: learnerRef("learner_id").notNull(),
    type: text("type", { enum: ["lesson_started", "step_reached", "lesson_completed"] }).notNull(),
    lessonId: text("lesson_id").notNull(),
    stepIndex: integer("step_index"),
    at: ms("at").notNull(),
  },
  (t) => [
    index("progress_events_lesson").on(t.lessonId, t.type),
    index("progress_events_learner").on(t.learnerId),
    index("progress_events_at").on(t.at, t.learnerId),
  ],
);

export const processedMessages = pgTable(
  "processed_messages",
  {
    channel: text("channel").notNull(),
    messageKey: text("message_key").notNull(),
    at: ms("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.messageKey] }), index("processed_messages_at").on(t.at)],
);

/** Recorded updates; an instance working one holds its learner's lease (learner_leases) until it is applied. */
export const inbox = pgTable(
  "inbox",
  {
    id: id(),
    channel: text("channel").notNull(),
    messageKey: text("message_key").notNull(),
    userKey: text("user_key").notNull(),
    chatId: text("chat_id").notNull(),
    text: text("text").notNull(),
    media: text("media"),
    callbackId: text("callback_id"),
    receivedAt: ms("received_at").notNull(),
  },
  (t) => [index("inbox_learner").on(t.channel, t.userKey, t.id)],
);

/**
 * One learner's updates are worked by one instance at a time: the instance holding the lease. A lease not renewed
 * (its instance was killed) expires and another instance takes the learner over, from their oldest update.
 */
export const learnerLeases = pgTable("learner_leases", {
  key: text("key").primaryKey(),
  owner: text("owner").notNull(),
  until: ms("until").notNull(),
});

export const outbox = pgTable(
  "outbox",
  {
    id: id(),
    channel: text("channel").notNull(),
    chatId: text("chat_id").notNull(),
    learnerId: learnerRef("learner_id"),
    method: text("method").notNull(),
    params: text("params").notNull(),
    partsSent: integer("parts_sent").notNull().default(0),
    status: text("status", { enum: ["pending", "sent", "failed", "cancelled"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ms("next_attempt_at").notNull(),
    lastError: text("last_error"),
    createdAt: ms("created_at").notNull(),
    sentAt: ms("sent_at"),
    /** The instance sending this row, until when: a chat's next row waits for its head, on every instance. */
    leaseOwner: text("lease_owner"),
    leaseUntil: ms("lease_until"),
    /** The confirmation of an erasure: deleted once sent, so nothing of the learner stays. */
    forget: boolean("forget").notNull().default(false),
  },
  (t) => [
    index("outbox_pending_chat").on(t.channel, t.chatId, t.id).where(sql`${t.status} = 'pending'`),
    index("outbox_pending").on(t.id).where(sql`${t.status} = 'pending'`),
    index("outbox_status_sent").on(t.status, t.sentAt),
  ],
);

/** The send rate per channel (bot), shared by every instance: a token bucket. */
export const sendRate = pgTable("send_rate", {
  bucket: text("bucket").primaryKey(),
  tokens: doublePrecision("tokens").notNull(),
  at: ms("at").notNull(),
});

export const qaQuestions = pgTable(
  "qa_questions",
  {
    id: id(),
    learnerId: learnerRef("learner_id"),
    channel: text("channel").notNull(),
    question: text("question").notNull(),
    action: text("action").notNull(),
    rule: text("rule").notNull(),
    lessonId: text("lesson_id"),
    source: text("source").notNull(),
    grounded: boolean("grounded").notNull(),
    feedback: integer("feedback"),
    flagged: boolean("flagged").notNull().default(false),
    createdAt: ms("created_at").notNull(),
  },
  (t) => [index("qa_questions_learner").on(t.learnerId, t.createdAt), index("qa_questions_created").on(t.createdAt)],
);

export const qaCache = pgTable("qa_cache", {
  key: text("key").primaryKey(),
  answer: text("answer").notNull(),
  lessonId: text("lesson_id"),
  createdAt: ms("created_at").notNull(),
});

export const certificates = pgTable(
  "certificates",
  {
    id: id(),
    code: text("code").notNull(),
    learnerId: learnerRef("learner_id").notNull(),
    trackId: text("track_id").notNull(),
    trackTitle: text("track_title").notNull(),
    firstName: text("first_name"),
    issuedAt: ms("issued_at").notNull(),
  },
  (t) => [uniqueIndex("certificates_code").on(t.code), uniqueIndex("certificates_learner_track").on(t.learnerId, t.trackId)],
);

export const announcements = pgTable("announcements", {
  id: id(),
  text: text("text").notNull(),
  recipients: integer("recipients").notNull(),
  createdAt: ms("created_at").notNull(),
});

export const appMeta = pgTable("app_meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

export const learnerDays = pgTable(
  "learner_days",
  {
    day: integer("day").notNull(),
    learnerId: learnerRef("learner_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.learnerId] }), index("learner_days_learner").on(t.learnerId)],
);

export const reviewCards = pgTable(
  "review_cards",
  {
    learnerId: learnerRef("learner_id").notNull(),
    lessonId: text("lesson_id").notNull(),
    stepTitle: text("step_title").notNull(),
    stepIndex: integer("step_index").notNull(),
    due: ms("due").notNull(),
    stability: doublePrecision("stability").notNull(),
    difficulty: doublePrecision("difficulty").notNull(),
    reps: integer("reps").notNull(),
    lapses: integer("lapses").notNull(),
    state: integer("state").notNull(),
    lastReview: ms("last_review"),
    scheduledDays: integer("scheduled_days").notNull(),
    learningSteps: integer("learning_steps").notNull(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.learnerId, t.lessonId, t.stepTitle] }), index("review_cards_due").on(t.learnerId, t.due)],
);

export const reviewAnswers = pgTable(
  "review_answers",
  {
    id: id(),
    learnerId: learnerRef("learner_id").notNull(),
    lessonId: text("lesson_id").notNull(),
    stepIndex: integer("step_index").notNull(),
    kind: text("kind", { enum: ["review", "test"] }).notNull(),
    correct: boolean("correct").notNull(),
    firstAt: ms("first_at"),
    at: ms("at").notNull(),
  },
  (t) => [index("review_answers_lesson").on(t.lessonId, t.kind), index("review_answers_learner").on(t.learnerId)],
);

export const lessonMastery = pgTable(
  "lesson_mastery",
  {
    learnerId: learnerRef("learner_id").notNull(),
    lessonId: text("lesson_id").notNull(),
    pKnown: doublePrecision("p_known").notNull(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.learnerId, t.lessonId] }), index("lesson_mastery_lesson").on(t.lessonId, t.pKnown)],
);

export const trackTests = pgTable(
  "track_tests",
  {
    id: id(),
    learnerId: learnerRef("learner_id").notNull(),
    trackId: text("track_id").notNull(),
    score: integer("score").notNull(),
    total: integer("total").notNull(),
    passed: boolean("passed").notNull(),
    at: ms("at").notNull(),
  },
  (t) => [index("track_tests_learner").on(t.learnerId, t.trackId), index("track_tests_track").on(t.trackId)],
);

export const tickets = pgTable(
  "tickets",
  {
    id: id(),
    learnerId: learnerRef("learner_id").notNull(),
    reason: text("reason").notNull(),
    lessonId: text("lesson_id"),
    step: integer("step"),
    openedAt: ms("opened_at").notNull(),
    answeredAt: ms("answered_at"),
    remindedAt: ms("reminded_at"),
    closedAt: ms("closed_at"),
  },
  (t) => [
    uniqueIndex("tickets_one_open").on(t.learnerId).where(sql`${t.closedAt} is null`),
    index("tickets_learner").on(t.learnerId, t.id),
    index("tickets_opened").on(t.openedAt),
  ],
);
