import { and, eq, inArray, isNull } from "drizzle-orm";
import type { RemindersStore } from "../conversation/ports.js";
import { type Db, immediate } from "./db.js";
import { type DueLearner, lessonOf } from "./reminders-common.js";
import { reportOutside, splitByWindow } from "./reply-window.js";
import { enqueue } from "./repo.js";
import { announcements, learners } from "./schema.js";

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
    async queueReminders({ at, cutoff, dayStart, dayEnd, channels, text, rule }) {
      const due = db.$client
        .prepare(
          `select l.id, l.channel, l.chat_id as chatId, l.last_active_at as lastActiveAt, s.state,
             (select count(*) from review_cards c where c.learner_id = l.id and c.due < @dayEnd) as dueReviews
           from learners l left join conversation_states s on s.learner_id = l.id
           where l.reminders = 1 and l.consent = 1 and l.unreachable_at is null and l.channel in (select value from json_each(@channels))
             and (l.reminded_at is null or l.reminded_at < l.last_active_at)
             and (l.last_active_at < @cutoff
                  or (l.last_active_at < @dayStart and exists (select 1 from review_cards c where c.learner_id = l.id and c.due < @dayEnd)))
           limit 1000`,
        )
        .all({ dayEnd, dayStart, cutoff, channels: JSON.stringify(channels) }) as DueLearner[];
      // Past their channel's reply window: not written to, but marked reminded too, so that each stretch of silence is
      // counted once rather than at every pass.
      const { inside, outside } = splitByWindow(due, (l) => l.lastActiveAt, at, rule);
      immediate(db, () => {
        for (const l of outside)
          db.update(learners)
            .set({ remindedAt: new Date(at) })
            .where(eq(learners.id, l.id))
            .run();
        for (const l of inside) {
          const lessonId = lessonOf(l.state);
          const items = [
            { method: "reply" as const, params: { text: text({ ...(lessonId ? { lessonId } : {}), dueReviews: l.dueReviews }) } },
          ];
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
