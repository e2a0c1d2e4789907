import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Progress, not conversations: no message text is ever stored here.

export const learners = sqliteTable(
  "learners",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    channel: text("channel").notNull(),
    channelUserId: text("channel_user_id").notNull(),
    /** Where replies go (Telegram chat id, Zalo chat id); equals channelUserId in private chats. */
    chatId: text("chat_id").notNull(),
    /** null = not asked yet; true/false = the learner's answer. Progress history is kept only when true. */
    consent: integer("consent", { mode: "boolean" }),
    consentAt: integer("consent_at", { mode: "timestamp_ms" }),
    /** Reminders: null = not asked yet, true = opted in, false = opted out ("dừng nhắc"). */
    reminders: integer("reminders", { mode: "boolean" }),
    /** When the last reminder was queued: at most one per stretch of inactivity. */
    remindedAt: integer("reminded_at", { mode: "timestamp_ms" }),
    /** Set when the channel says the learner blocked the bot (Telegram 403): nothing more is sent. */
    unreachableAt: integer("unreachable_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    lastActiveAt: integer("last_active_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("learners_channel_user").on(t.channel, t.channelUserId),
    index("learners_last_active").on(t.lastActiveAt),
    index("learners_created").on(t.createdAt),
  ],
);

/** The tutor's conversation state for one learner (JSON of TutorState). */
export const conversationStates = sqliteTable("conversation_states", {
  learnerId: integer("learner_id")
    .primaryKey()
    .references(() => learners.id, { onDelete: "cascade" }),
  state: text("state", { mode: "json" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

export const lessonProgress = sqliteTable(
  "lesson_progress",
  {
    learnerId: integer("learner_id")
      .notNull()
      .references(() => learners.id, { onDelete: "cascade" }),
    lessonId: text("lesson_id").notNull(),
    status: text("status", { enum: ["in_progress", "completed"] }).notNull(),
    /** Highest step position reached (1-based). */
    stepReached: integer("step_reached").notNull(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    completedAt: integer("completed_at", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.learnerId, t.lessonId] }), index("lesson_progress_lesson").on(t.lessonId, t.status, t.stepReached)],
);

export const quizAttempts = sqliteTable(
  "quiz_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    learnerId: integer("learner_id")
      .notNull()
      .references(() => learners.id, { onDelete: "cascade" }),
    lessonId: text("lesson_id").notNull(),
    stepIndex: integer("step_index").notNull(),
    /** 1 for the first answer to this question in this pass of the lesson. */
    attempt: integer("attempt").notNull(),
    optionIndex: integer("option_index").notNull(),
    correct: integer("correct", { mode: "boolean" }).notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("quiz_attempts_learner").on(t.learnerId),
    index("quiz_attempts_lesson").on(t.lessonId, t.stepIndex, t.learnerId, t.attempt, t.correct),
  ],
);

/** Append-only learning events for funnels and reports (never message text). */
export const progressEvents = sqliteTable(
  "progress_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    learnerId: integer("learner_id")
      .notNull()
      .references(() => learners.id, { onDelete: "cascade" }),
    type: text("type", { enum: ["lesson_started", "step_reached", "lesson_completed"] }).notNull(),
    lessonId: text("lesson_id").notNull(),
    stepIndex: integer("step_index"),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("progress_events_lesson").on(t.lessonId, t.type),
    index("progress_events_learner").on(t.learnerId),
    index("progress_events_at").on(t.at, t.learnerId),
  ],
);

/** Deduplication: one row per inbound message key, written in the same transaction as its effects. */
export const processedMessages = sqliteTable(
  "processed_messages",
  {
    channel: text("channel").notNull(),
    messageKey: text("message_key").notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [primaryKey({ columns: [t.channel, t.messageKey] }), index("processed_messages_at").on(t.at)],
);

/**
 * Inbound updates from webhook channels, recorded before the webhook answers 200 and removed in the
 * same transaction that applies them. The text lives here only until the tutor has handled it.
 * No index besides the id: which rows are each learner's is kept in memory by the inbox (rebuilt
 * from this table at start), so recording and applying an update write one b-tree, not two.
 */
export const inbox = sqliteTable("inbox", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  channel: text("channel").notNull(),
  messageKey: text("message_key").notNull(),
  userKey: text("user_key").notNull(),
  chatId: text("chat_id").notNull(),
  text: text("text").notNull(),
  /** Set for non-text messages (a sticker, a photo…): the tutor answers kindly instead. */
  media: text("media"),
  /** Telegram callback query id, answered through the outbox. */
  callbackId: text("callback_id"),
  receivedAt: integer("received_at", { mode: "timestamp_ms" }).notNull(),
});

/** One row per channel API call to make, in order per chat; written in the same transaction as the state change. */
export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    channel: text("channel").notNull(),
    chatId: text("chat_id").notNull(),
    learnerId: integer("learner_id").references(() => learners.id, { onDelete: "cascade" }),
    /**
     * "reply": params hold a Reply, rendered by the channel's adapter when it is sent; "ack": an opaque
     * acknowledgement the channel asked for (Telegram's callback answer). Rows queued by versions before
     * migration 0009 hold a platform call (method and params) as it is sent.
     */
    method: text("method").notNull(),
    params: text("params", { mode: "json" }).notNull(),
    /** A reply rendered into several calls (a long text, a picture and its text): how many have been sent. */
    partsSent: integer("parts_sent").notNull().default(0),
    status: text("status", { enum: ["pending", "sent", "failed", "cancelled"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
    lastError: text("last_error"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
  },
  // One index: the dispatcher keeps pending ids in memory and reads new rows by (status, id); every
  // other query (counts, purge, a blocked chat's cancel) filters the few pending rows. Each extra
  // index cost a write on every queued and every sent reply.
  (t) => [index("outbox_status_id").on(t.status, t.id)],
);

/** Questions learners asked (redacted), how they were routed and answered, and the learner's 👍/👎. */
export const qaQuestions = sqliteTable(
  "qa_questions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Null when the learner did not consent to storage: the redacted question is kept anonymously. */
    learnerId: integer("learner_id").references(() => learners.id, { onDelete: "cascade" }),
    channel: text("channel").notNull(),
    question: text("question").notNull(),
    action: text("action").notNull(),
    rule: text("rule").notNull(),
    lessonId: text("lesson_id"),
    /** fixed (a rail's text) | lessons (retrieval only) | llm | cache */
    source: text("source").notNull(),
    /** False when no lesson supported an answer: a content gap for admins. */
    grounded: integer("grounded", { mode: "boolean" }).notNull(),
    /** 1 = 👍, -1 = 👎, null = no feedback. */
    feedback: integer("feedback"),
    /** Needs a human to look (self-harm). */
    flagged: integer("flagged", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("qa_questions_learner").on(t.learnerId, t.createdAt), index("qa_questions_created").on(t.createdAt)],
);

/** Answers to repeated questions: key = hash of (curriculum version, normalised redacted question). */
export const qaCache = sqliteTable("qa_cache", {
  key: text("key").primaryKey(),
  answer: text("answer").notNull(),
  lessonId: text("lesson_id"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

/** A track completed: verifiable at /verify/<code>, showing only the track, the date and the first name chosen. */
export const certificates = sqliteTable(
  "certificates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    code: text("code").notNull(),
    learnerId: integer("learner_id")
      .notNull()
      .references(() => learners.id, { onDelete: "cascade" }),
    trackId: text("track_id").notNull(),
    trackTitle: text("track_title").notNull(),
    firstName: text("first_name"),
    issuedAt: integer("issued_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("certificates_code").on(t.code), uniqueIndex("certificates_learner_track").on(t.learnerId, t.trackId)],
);

/** Messages from programme managers to every opted-in learner. */
export const announcements = sqliteTable("announcements", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  text: text("text").notNull(),
  recipients: integer("recipients").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

/** Install-wide settings (e.g. the salt of pseudonymous learner ids in reports). */
export const appMeta = sqliteTable("app_meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** Which days (Vietnam time) each learner did something that counts: the dashboard's "active per day" without scanning every event. */
export const learnerDays = sqliteTable(
  "learner_days",
  {
    /** Days since 1970-01-01 in Vietnam time (UTC+7). */
    day: integer("day").notNull(),
    learnerId: integer("learner_id")
      .notNull()
      .references(() => learners.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.day, t.learnerId] }), index("learner_days_learner").on(t.learnerId)],
);

/**
 * Quiz questions a learner missed (or got right only after a hint), scheduled for review by FSRS
 * (src/learning/scheduler.ts). A question is known by its lesson and its step's title, so an edited lesson keeps its
 * cards; the position is a hint. Kept only with consent; erased with the learner.
 */
export const reviewCards = sqliteTable(
  "review_cards",
  {
    learnerId: integer("learner_id")
      .notNull()
      .references(() => learners.id, { onDelete: "cascade" }),
    lessonId: text("lesson_id").notNull(),
    stepTitle: text("step_title").notNull(),
    stepIndex: integer("step_index").notNull(),
    due: integer("due", { mode: "timestamp_ms" }).notNull(),
    stability: real("stability").notNull(),
    difficulty: real("difficulty").notNull(),
    reps: integer("reps").notNull(),
    lapses: integer("lapses").notNull(),
    state: integer("state").notNull(),
    lastReview: integer("last_review", { mode: "timestamp_ms" }),
    scheduledDays: integer("scheduled_days").notNull(),
    learningSteps: integer("learning_steps").notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  // Reminders look for learners with a card due: (learner, due) answers it from the index.
  (t) => [primaryKey({ columns: [t.learnerId, t.lessonId, t.stepTitle] }), index("review_cards_due").on(t.learnerId, t.due)],
);

/**
 * Questions answered again some time after the first answer — in a review or a track test: the retention figures.
 * `firstAt` is the learner's first recorded answer to the question (null if none was kept).
 */
export const reviewAnswers = sqliteTable(
  "review_answers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    learnerId: integer("learner_id")
      .notNull()
      .references(() => learners.id, { onDelete: "cascade" }),
    lessonId: text("lesson_id").notNull(),
    stepIndex: integer("step_index").notNull(),
    kind: text("kind", { enum: ["review", "test"] }).notNull(),
    correct: integer("correct", { mode: "boolean" }).notNull(),
    firstAt: integer("first_at", { mode: "timestamp_ms" }),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("review_answers_lesson").on(t.lessonId, t.kind), index("review_answers_learner").on(t.learnerId)],
);

/** How well a learner knows a lesson: p(known) by Bayesian knowledge tracing (src/learning/mastery.ts). */
export const lessonMastery = sqliteTable(
  "lesson_mastery",
  {
    learnerId: integer("learner_id")
      .notNull()
      .references(() => learners.id, { onDelete: "cascade" }),
    lessonId: text("lesson_id").notNull(),
    pKnown: real("p_known").notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.learnerId, t.lessonId] }), index("lesson_mastery_lesson").on(t.lessonId, t.pKnown)],
);

/** Each attempt at a track's test before its certificate. */
export const trackTests = sqliteTable(
  "track_tests",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    learnerId: integer("learner_id")
      .notNull()
      .references(() => learners.id, { onDelete: "cascade" }),
    trackId: text("track_id").notNull(),
    /** Right answers. */
    score: integer("score").notNull(),
    total: integer("total").notNull(),
    passed: integer("passed", { mode: "boolean" }).notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("track_tests_learner").on(t.learnerId, t.trackId), index("track_tests_track").on(t.trackId)],
);

/**
 * A learner's request for a person (hand-off to the community digital team): no message text, only who, when and on
 * which lesson. The ticket number is the id. Open while `closedAt` is null: one open ticket per learner.
 */
export const tickets = sqliteTable(
  "tickets",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    learnerId: integer("learner_id")
      .notNull()
      .references(() => learners.id, { onDelete: "cascade" }),
    /** asked | no_lesson | not_understood | scam */
    reason: text("reason").notNull(),
    /** The lesson and step (1-based) the learner was on, if any: the dashboard's topic. */
    lessonId: text("lesson_id"),
    step: integer("step"),
    openedAt: integer("opened_at", { mode: "timestamp_ms" }).notNull(),
    /** The first staff answer relayed to the learner. */
    answeredAt: integer("answered_at", { mode: "timestamp_ms" }),
    /** When the staff group was reminded of it (once). */
    remindedAt: integer("reminded_at", { mode: "timestamp_ms" }),
    closedAt: integer("closed_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("tickets_one_open").on(t.learnerId).where(sql`${t.closedAt} is null`),
    index("tickets_learner").on(t.learnerId, t.id),
    index("tickets_opened").on(t.openedAt),
  ],
);
