import type { LearnerTickets, NewTicket, TicketRow, TicketsStore } from "../conversation/ports.js";
import { type Db, immediate } from "./db.js";
import { enqueue, stmt } from "./repo.js";

// Hand-off tickets on SQLite: a learner's turn reads their tickets and opens one; a staff member's turn reads the
// ticket it names, records the answer, closes it; the reminder pass marks it reminded. No message text is kept here.

export function learnerTickets(db: Db, learnerId: number): LearnerTickets {
  const rows = stmt(
    db,
    "select id, opened_at as openedAt, closed_at as closedAt from tickets where learner_id = ? order by id desc limit 10",
  ).all(learnerId) as Array<{ id: number; openedAt: number; closedAt: number | null }>;
  const open = rows.find((r) => r.closedAt === null);
  return { ...(open ? { open: { id: open.id, openedAt: open.openedAt } } : {}), recentOpenedAt: rows.map((r) => r.openedAt) };
}

export function recentQuestions(db: Db, learnerId: number, since: Date): string[] {
  const rows = stmt(db, "select question from qa_questions where learner_id = ? and created_at >= ? order by id desc limit 3").all(
    learnerId,
    since.getTime(),
  ) as Array<{ question: string }>;
  return rows.map((r) => r.question).reverse();
}

export function openTicket(db: Db, t: NewTicket): number {
  const r = stmt(db, "insert into tickets (learner_id, reason, lesson_id, step, opened_at) values (?, ?, ?, ?, ?) returning id").get(
    t.learnerId,
    t.reason,
    t.lessonId,
    t.step,
    t.at.getTime(),
  ) as { id: number };
  return r.id;
}

export function ticketById(db: Db, id: number): TicketRow | undefined {
  const r = stmt(
    db,
    `select t.id, t.learner_id as learnerId, l.channel, l.channel_user_id as userKey, l.chat_id as chatId, t.closed_at as closedAt
     from tickets t join learners l on l.id = t.learner_id where t.id = ?`,
  ).get(id) as (Omit<TicketRow, "closed"> & { closedAt: number | null }) | undefined;
  if (!r) return undefined;
  const { closedAt, ...rest } = r;
  return { ...rest, closed: closedAt !== null };
}

export function ticketAnswered(db: Db, id: number, at: Date): void {
  stmt(db, "update tickets set answered_at = coalesce(answered_at, ?) where id = ?").run(at.getTime(), id);
}

export function closeTicket(db: Db, id: number, at: Date): void {
  stmt(db, "update tickets set closed_at = ? where id = ? and closed_at is null").run(at.getTime(), id);
}

/** The reminder pass's view of the tickets on SQLite. */
export function ticketsStore(db: Db): TicketsStore {
  return {
    async unreminded() {
      return stmt(
        db,
        `select id, opened_at as openedAt, lesson_id as lessonId, step from tickets
         where closed_at is null and answered_at is null and reminded_at is null order by id limit 500`,
      ).all() as Array<{ id: number; openedAt: number; lessonId: string | null; step: number | null }>;
    },
    async remind(id, reminder) {
      return immediate(db, () => {
        const marked =
          stmt(
            db,
            "update tickets set reminded_at = ? where id = ? and closed_at is null and answered_at is null and reminded_at is null",
          ).run(reminder.at.getTime(), id).changes === 1;
        if (marked) enqueue(db, reminder);
        return marked;
      });
    },
  };
}
