import type { Logger } from "pino";
import type { StaffDesk, TicketsStore } from "../conversation/ports.js";
import { inHours, openingAt, type StaffHours } from "./hours.js";
import { handoffVi } from "./texts.vi.js";

// The service level: a ticket nobody has answered after `remindMs` of staff time (counted from when it was opened,
// or from the start of today's opening if it came in outside hours) is reminded in the staff group, once. Passes run
// only in staff hours; the store marks a ticket reminded in the same transaction that queues the reminder, so
// however many instances run, it is reminded once.

export interface TicketRemindersDeps {
  store: TicketsStore;
  desk: StaffDesk;
  hours: StaffHours;
  remindMs: number;
  logger: Logger;
  now?: () => number;
  onQueued?: () => void;
}

export function createTicketReminders(deps: TicketRemindersDeps) {
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ module: "handoff" });
  let timer: NodeJS.Timeout | undefined;

  /** Queues the reminders that are due; returns how many. */
  async function runOnce(): Promise<number> {
    const t = now();
    if (!inHours(deps.hours, t)) return 0;
    const since = openingAt(deps.hours, t);
    let n = 0;
    for (const ticket of await deps.store.unreminded()) {
      if (t - Math.max(ticket.openedAt, since) < deps.remindMs) continue;
      const reminder = { text: handoffVi.reminder(ticket.id, Math.round(deps.remindMs / 60_000)) };
      const queued = await deps.store.remind(ticket.id, {
        channel: deps.desk.channel,
        chatId: deps.desk.chatId,
        learnerId: null,
        items: [{ method: "reply", params: reminder }],
        at: new Date(t),
      });
      if (queued) n++;
    }
    if (n > 0) {
      log.info({ tickets: n }, "unanswered tickets reminded in the staff group");
      deps.onQueued?.();
    }
    return n;
  }

  return {
    runOnce,
    start(everyMs = 60_000) {
      timer = setInterval(() => {
        runOnce().catch((err: Error) => log.error({ err: { type: err.name } }, "ticket reminder pass failed"));
      }, everyMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

export type TicketReminders = ReturnType<typeof createTicketReminders>;
