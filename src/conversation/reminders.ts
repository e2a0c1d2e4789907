import { and, eq, inArray, isNull, lt, or } from "drizzle-orm";
import type { Logger } from "pino";
import { z } from "zod";
import type { ChannelSender, Queued } from "../channels/types.js";
import type { Curriculum } from "../curriculum/types.js";
import { type Db, immediate } from "../store/db.js";
import * as repo from "../store/repo.js";
import { announcements, conversationStates, learners } from "../store/schema.js";
import { vnHour } from "../time.js";
import { vi } from "../tutor/texts.vi.js";
import type { Channel } from "./types.js";

// Gentle reminders and announcements: only to learners who opted in, never to one who blocked the
// bot, only in the daytime in Vietnam, at most one reminder per stretch of inactivity, and always
// through the outbox (so its rate limits and retries apply).

export interface RemindersDeps {
  db: Db;
  senders: Partial<Record<Channel, ChannelSender>>;
  curriculum: () => Curriculum;
  logger: Logger;
  /** Days without activity before a reminder. */
  inactiveDays: number;
  onQueued?: () => void;
  now?: () => number;
}

const lessonOfState = z.object({ lesson: z.object({ lessonId: z.string() }).optional() });

/** Hour of day in Vietnam (UTC+7, no daylight saving). */
export const isDaytimeInVietnam = (t: number) => vnHour(t) >= 8 && vnHour(t) < 20;

export function createReminders(deps: RemindersDeps) {
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ module: "reminders" });
  const channels = Object.keys(deps.senders) as Channel[];
  let timer: NodeJS.Timeout | undefined;

  const reachable = () =>
    and(
      eq(learners.reminders, true),
      eq(learners.consent, true),
      isNull(learners.unreachableAt),
      inArray(learners.channel, channels.length ? channels : ["-"]),
    );

  /** Queues the reminders that are due; returns how many. Does nothing outside 08:00–20:00 in Vietnam. */
  function runOnce(): number {
    const t = now();
    if (!isDaytimeInVietnam(t) || channels.length === 0) return 0;
    const cutoff = new Date(t - deps.inactiveDays * 86_400_000);
    const due = deps.db
      .select({ id: learners.id, channel: learners.channel, chatId: learners.chatId, state: conversationStates.state })
      .from(learners)
      .leftJoin(conversationStates, eq(conversationStates.learnerId, learners.id))
      .where(
        and(
          reachable(),
          lt(learners.lastActiveAt, cutoff),
          or(isNull(learners.remindedAt), lt(learners.remindedAt, learners.lastActiveAt)),
        ),
      )
      .limit(1000)
      .all();
    if (due.length === 0) return 0;
    const c = deps.curriculum();
    immediate(deps.db, () => {
      for (const l of due) {
        if (!deps.senders[l.channel as Channel]) continue;
        const parsed = lessonOfState.safeParse(l.state);
        const lesson = parsed.success && parsed.data.lesson ? c.lessons.get(parsed.data.lesson.lessonId) : undefined;
        const items: Queued[] = [{ method: "reply", params: { text: vi.reminder(lesson?.title) } }];
        repo.enqueue(deps.db, { channel: l.channel, chatId: l.chatId, learnerId: l.id, items, at: new Date(t) });
        deps.db
          .update(learners)
          .set({ remindedAt: new Date(t) })
          .where(eq(learners.id, l.id))
          .run();
      }
    });
    log.info({ reminders: due.length }, "reminders queued");
    deps.onQueued?.();
    return due.length;
  }

  /** Queues an announcement to every opted-in, reachable learner; returns how many. */
  function announce(text: string): number {
    const t = new Date(now());
    const targets = deps.db
      .select({ id: learners.id, channel: learners.channel, chatId: learners.chatId })
      .from(learners)
      .where(reachable())
      .all();
    immediate(deps.db, () => {
      for (const l of targets) {
        if (deps.senders[l.channel as Channel])
          repo.enqueue(deps.db, {
            channel: l.channel,
            chatId: l.chatId,
            learnerId: l.id,
            items: [{ method: "reply", params: { text: `📢 ${text}` } }],
            at: t,
          });
      }
      deps.db.insert(announcements).values({ text, recipients: targets.length, createdAt: t }).run();
    });
    log.info({ recipients: targets.length }, "announcement queued");
    deps.onQueued?.();
    return targets.length;
  }

  return {
    runOnce,
    announce,
    start(everyMs = 10 * 60_000) {
      timer = setInterval(() => {
        try {
          runOnce();
        } catch (err) {
          log.error({ err: { type: (err as Error).name } }, "reminder pass failed");
        }
      }, everyMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

export type Reminders = ReturnType<typeof createReminders>;
