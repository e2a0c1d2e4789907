import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { LessonProgressView, TutorEvent, TutorState } from "../tutor/engine.js";
import type { Db } from "./db.js";
import {
  certificates,
  conversationStates,
  learners,
  lessonProgress,
  outbox,
  processedMessages,
  progressEvents,
  quizAttempts,
} from "./schema.js";

// Small synchronous repository functions: they run inside the caller's better-sqlite3 transaction.

export type LearnerRow = typeof learners.$inferSelect;

/** Records a message key; false when it was seen before (the deduplication). */
export function markProcessed(db: Db, channel: string, messageKey: string, now: Date): boolean {
  const res = db.insert(processedMessages).values({ channel, messageKey, at: now }).onConflictDoNothing().run();
  return res.changes === 1;
}

export function linkProcessed(db: Db, channel: string, messageKey: string, learnerId: number): void {
  db.update(processedMessages)
    .set({ learnerId })
    .where(and(eq(processedMessages.channel, channel), eq(processedMessages.messageKey, messageKey)))
    .run();
}

export function findLearner(db: Db, channel: string, channelUserId: string): LearnerRow | undefined {
  return db
    .select()
    .from(learners)
    .where(and(eq(learners.channel, channel), eq(learners.channelUserId, channelUserId)))
    .get();
}

export function upsertLearner(db: Db, channel: string, channelUserId: string, chatId: string, now: Date): LearnerRow {
  const existing = findLearner(db, channel, channelUserId);
  if (existing) {
    db.update(learners).set({ lastActiveAt: now, chatId }).where(eq(learners.id, existing.id)).run();
    return { ...existing, lastActiveAt: now, chatId };
  }
  return db.insert(learners).values({ channel, channelUserId, chatId, createdAt: now, lastActiveAt: now }).returning().get();
}

export function loadState(db: Db, learnerId: number): unknown {
  return db.select({ state: conversationStates.state }).from(conversationStates).where(eq(conversationStates.learnerId, learnerId)).get()
    ?.state;
}

export function saveState(db: Db, learnerId: number, state: TutorState, now: Date): void {
  db.insert(conversationStates)
    .values({ learnerId, state, updatedAt: now })
    .onConflictDoUpdate({ target: conversationStates.learnerId, set: { state, updatedAt: now } })
    .run();
}

export function loadProgress(db: Db, learnerId: number): Map<string, LessonProgressView> {
  const rows = db
    .select({ lessonId: lessonProgress.lessonId, status: lessonProgress.status, stepReached: lessonProgress.stepReached })
    .from(lessonProgress)
    .where(eq(lessonProgress.learnerId, learnerId))
    .all();
  return new Map(rows.map((r) => [r.lessonId, { status: r.status, stepReached: r.stepReached }]));
}

export function setConsent(db: Db, learnerId: number, granted: boolean, now: Date): void {
  db.update(learners).set({ consent: granted, consentAt: now }).where(eq(learners.id, learnerId)).run();
}

/** Applies the engine's learning events: progress rows, quiz attempts and the append-only event log. */
export function recordEvents(db: Db, learnerId: number, events: TutorEvent[], now: Date): void {
  for (const e of events) {
    switch (e.type) {
      case "consent":
        break;
      case "lesson_started":
        db.insert(lessonProgress)
          .values({ learnerId, lessonId: e.lessonId, status: "in_progress", stepReached: 0, startedAt: now, updatedAt: now })
          .onConflictDoUpdate({
            target: [lessonProgress.learnerId, lessonProgress.lessonId],
            // A completed lesson started again keeps its completion; an unfinished one restarts its clock.
            set: { updatedAt: now },
          })
          .run();
        db.insert(progressEvents).values({ learnerId, type: "lesson_started", lessonId: e.lessonId, at: now }).run();
        break;
      case "step_reached": {
        const row = db
          .select({ stepReached: lessonProgress.stepReached })
          .from(lessonProgress)
          .where(and(eq(lessonProgress.learnerId, learnerId), eq(lessonProgress.lessonId, e.lessonId)))
          .get();
        if (!row) {
          db.insert(lessonProgress)
            .values({ learnerId, lessonId: e.lessonId, status: "in_progress", stepReached: e.stepIndex, startedAt: now, updatedAt: now })
            .run();
        } else if (e.stepIndex > row.stepReached) {
          db.update(lessonProgress)
            .set({ stepReached: e.stepIndex, updatedAt: now })
            .where(and(eq(lessonProgress.learnerId, learnerId), eq(lessonProgress.lessonId, e.lessonId)))
            .run();
        }
        db.insert(progressEvents).values({ learnerId, type: "step_reached", lessonId: e.lessonId, stepIndex: e.stepIndex, at: now }).run();
        break;
      }
      case "quiz_answered":
        db.insert(quizAttempts)
          .values({
            learnerId,
            lessonId: e.lessonId,
            stepIndex: e.stepIndex,
            attempt: e.attempt,
            optionIndex: e.optionIndex,
            correct: e.correct,
            at: now,
          })
          .run();
        break;
      case "lesson_completed":
        db.update(lessonProgress)
          // The first completion is the one programme reports count.
          .set({ status: "completed", completedAt: sql`coalesce(${lessonProgress.completedAt}, ${now.getTime()})`, updatedAt: now })
          .where(and(eq(lessonProgress.learnerId, learnerId), eq(lessonProgress.lessonId, e.lessonId)))
          .run();
        db.insert(progressEvents).values({ learnerId, type: "lesson_completed", lessonId: e.lessonId, at: now }).run();
        break;
    }
  }
}

export function clearUnreachable(db: Db, learnerId: number): void {
  db.update(learners)
    .set({ unreachableAt: null })
    .where(and(eq(learners.id, learnerId), isNotNull(learners.unreachableAt)))
    .run();
}

/** Queues API calls for one chat, in order, ready now. */
export function enqueue(
  db: Db,
  args: {
    channel: string;
    chatId: string;
    learnerId: number | null;
    calls: Array<{ method: string; params: Record<string, unknown> }>;
    at: Date;
  },
): void {
  if (args.calls.length === 0) return;
  db.insert(outbox)
    .values(
      args.calls.map((c) => ({
        channel: args.channel,
        chatId: args.chatId,
        learnerId: args.learnerId,
        method: c.method,
        params: c.params,
        status: "pending" as const,
        nextAttemptAt: args.at,
        createdAt: args.at,
      })),
    )
    .run();
}

export function isProcessed(db: Db, channel: string, messageKey: string): boolean {
  return (
    db
      .select({ k: processedMessages.messageKey })
      .from(processedMessages)
      .where(and(eq(processedMessages.channel, channel), eq(processedMessages.messageKey, messageKey)))
      .get() !== undefined
  );
}

export function certifiedTracks(db: Db, learnerId: number): Set<string> {
  return new Set(
    db
      .select({ t: certificates.trackId })
      .from(certificates)
      .where(eq(certificates.learnerId, learnerId))
      .all()
      .map((r) => r.t),
  );
}

export function issueCertificate(
  db: Db,
  c: { learnerId: number; trackId: string; trackTitle: string; code: string; firstName: string | null; at: Date },
): void {
  db.insert(certificates)
    .values({ learnerId: c.learnerId, trackId: c.trackId, trackTitle: c.trackTitle, code: c.code, firstName: c.firstName, issuedAt: c.at })
    .onConflictDoNothing()
    .run();
}

export function setReminders(db: Db, learnerId: number, on: boolean): void {
  db.update(learners).set({ reminders: on }).where(eq(learners.id, learnerId)).run();
}

/** Deletes the learner; foreign keys cascade to everything else about them. */
export function deleteLearner(db: Db, learnerId: number): void {
  db.delete(learners).where(eq(learners.id, learnerId)).run();
}
