import type { Logger } from "pino";
import type { Curriculum } from "../curriculum/types.js";
import { DAY_MS, VN_OFFSET_MS, vnDayNumber, vnHour } from "../time.js";
import { vi } from "../tutor/texts.vi.js";
import type { RemindersStore, WindowRule } from "./ports.js";
import type { Channel } from "./types.js";

// Gentle reminders and announcements: only to learners who opted in, never to one who blocked the
// bot, only in the daytime in Vietnam, at most one reminder per stretch of inactivity (after some days away, or on a
// day a review is due and the learner has not come by: the reminder then offers the review), and always
// through the outbox (so its rate limits and retries apply), and on a channel with a reply window (Zalo OA) only to
// learners still inside it: the others are skipped and counted. The store queues them once, however many instances
// run.

export interface RemindersDeps {
  store: RemindersStore;
  /** The channels that can send (the webhook channels configured). */
  channels: readonly Channel[];
  curriculum: () => Curriculum;
  logger: Logger;
  /** Days without activity before a reminder. */
  inactiveDays: number;
  onQueued?: () => void;
  now?: () => number;
  /** Channels that may write to a learner only so long after their last message (ms, by channel). */
  windows?: Readonly<Record<string, number>>;
  /** Learners of a channel left out because their window had closed. */
  onOutsideWindow?: (channel: string, kind: "reminder" | "announcement", n: number) => void;
}

/** Hour of day in Vietnam (UTC+7, no daylight saving). */
export const isDaytimeInVietnam = (t: number) => vnHour(t) >= 8 && vnHour(t) < 20;

export function createReminders(deps: RemindersDeps) {
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ module: "reminders" });
  let timer: NodeJS.Timeout | undefined;
  const rule = (kind: "reminder" | "announcement"): WindowRule | undefined =>
    deps.windows && Object.keys(deps.windows).length > 0
      ? {
          windows: deps.windows,
          outside: (channel, n) => {
            log.info({ channel, kind, learners: n }, "left out: outside the channel's reply window");
            deps.onOutsideWindow?.(channel, kind, n);
          },
        }
      : undefined;

  /** Queues the reminders that are due; returns how many. Does nothing outside 08:00–20:00 in Vietnam. */
  async function runOnce(): Promise<number> {
    const t = now();
    if (!isDaytimeInVietnam(t) || deps.channels.length === 0) return 0;
    const c = deps.curriculum();
    const dayStart = vnDayNumber(t) * DAY_MS - VN_OFFSET_MS;
    const windowRule = rule("reminder");
    const n = await deps.store.queueReminders({
      at: t,
      cutoff: t - deps.inactiveDays * DAY_MS,
      dayStart,
      dayEnd: dayStart + DAY_MS,
      channels: deps.channels,
      // Reviews due come first: one message, one thing to do.
      text: ({ lessonId, dueReviews }) =>
        dueReviews > 0 ? vi.reminderReview(dueReviews) : vi.reminder(lessonId ? c.lessons.get(lessonId)?.title : undefined),
      ...(windowRule ? { rule: windowRule } : {}),
    });
    if (n === 0) return 0;
    log.info({ reminders: n }, "reminders queued");
    deps.onQueued?.();
    return n;
  }

  /** Queues an announcement to every opted-in, reachable learner; returns how many. */
  async function announce(text: string): Promise<number> {
    const n = await deps.store.announce(text, `📢 ${text}`, deps.channels, now(), rule("announcement"));
    log.info({ recipients: n }, "announcement queued");
    deps.onQueued?.();
    return n;
  }

  return {
    runOnce,
    announce,
    start(everyMs = 10 * 60_000) {
      timer = setInterval(() => {
        runOnce().catch((err: Error) => log.error({ err: { type: err.name } }, "reminder pass failed"));
      }, everyMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

export type Reminders = ReturnType<typeof createReminders>;
