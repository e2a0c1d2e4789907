import { and, eq, inArray, isNull, lt, or } from "drizzle-orm";
import type { RemindersStore } from "../conversation/ports.js";
import { type Db, immediate } from "./db.js";
import { reportOutside, splitByWindow } from "./reply-window.js";
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
    async queueReminders(at, cutoff, channels, text, rule) {
      const due = db
        .select({
          id: learners.id,
          channel: learners.channel,
          chatId: learners.chatId,
          lastActiveAt: learners.lastActiveAt,
          state: conversationStates.state,
        })
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
      // Past their channel's reply window: not written to, but marked reminded too, so that each stretch of silence is
      // counted once rather than at every pass.
      const { inside, outside } = splitByWindow(due, (l) => l.lastActiveAt.getTime(), at, rule);
      immediate(db, () => {
        for (const l of outside)
          db.update(learners)
            .set({ remindedAt: new Date(at) })
            .where(eq(learners.id, l.id))
            .run();
        for (const l of inside) {
          const lessonId = (l.state as { lesson?: { lessonId?: unknown } } | null)?.lesson?.lessonId;
          const items = [{ method: "reply" as const, params: { text: text(typeof lessonId === "string" ? lessonId : undefined) } }];
          enqueue(db, { channel: l.channel, chatId: l.chatId, learnerId: l.id, items, at: new Date(at) });
          db.update(learners)
            .set({ remindedAt: new Date(at) })
            .where(eq(learners.id, l.id))
            .run();
        }
      });
      reportOutside(rule, outside);
      return inside.length;
    },
    async announce(text, message, channels, at, rule) {
      const all = db
        .select({ id: learners.id, channel: learners.channel, chatId: learners.chatId, lastActiveAt: learners.lastActiveAt })
        .from(learners)
        .where(reachable(channels))
        .all();
      const { inside: targets, outside } = splitByWindow(all, (l) => l.lastActiveAt.getTime(), at, rule);
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
      reportOutside(rule, outside);
      return targets.length;
    },
  };
}
