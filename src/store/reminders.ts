import { and, eq, inArray, isNull, lt, or } from "drizzle-orm";
import type { RemindersStore } from "../conversation/ports.js";
import { type Db, immediate } from "./db.js";
import { enqueue } from "./repo.js";
import { announcements, conversationStates, learners } from "./schema.js";

/** Reminders and announcements on SQLite (one process). */
export function remindersStore(db: Db): RemindersStore {
  const reachable = (channels: readonly string[]) =>
    and(
      eq(learners.reminders, true),
      eq(learners.consent, true),
      isNull(learners.unreachableAt),
      inArray(learners.channel, channels.length ? [...channels] : ["-"]),
    );
  return {
    async queueReminders(at, cutoff, channels, text) {
      const due = db
        .select({ id: learners.id, channel: learners.channel, chatId: learners.chatId, state: conversationStates.state })
        .from(learners)
        .leftJoin(conversationStates, eq(conversationStates.learnerId, learners.id))
        .where(
          and(
            reachable(channels),
            lt(learners.lastActiveAt, new Date(cutoff)),
            or(isNull(learners.remindedAt), lt(learners.remindedAt, learners.lastActiveAt)),
          ),
        )
        .limit(1000)
        .all();
      immediate(db, () => {
        for (const l of due) {
          const lessonId = (l.state as { lesson?: { lessonId?: unknown } } | null)?.lesson?.lessonId;
          const items = [{ method: "reply" as const, params: { text: text(typeof lessonId === "string" ? lessonId : undefined) } }];
          enqueue(db, { channel: l.channel, chatId: l.chatId, learnerId: l.id, items, at: new Date(at) });
          db.update(learners)
            .set({ remindedAt: new Date(at) })
            .where(eq(learners.id, l.id))
            .run();
        }
      });
      return due.length;
    },
    async announce(text, message, channels, at) {
      const targets = db
        .select({ id: learners.id, channel: learners.channel, chatId: learners.chatId })
        .from(learners)
        .where(reachable(channels))
        .all();
      immediate(db, () => {
        for (const l of targets)
          enqueue(db, {
            channel: l.channel,
            chatId: l.chatId,
            learnerId: l.id,
            items: [{ method: "reply", params: { text: message } }],
            at: new Date(at),
          });
        db.insert(announcements)
          .values({ text, recipients: targets.length, createdAt: new Date(at) })
          .run();
      });
      return targets.length;
    },
  };
}
