import type { TicketsStore } from "../../conversation/ports.js";
import { inTransaction, type PgDb } from "./db.js";
import { insertReplies } from "./shared.js";

/** The reminder pass's view of the hand-off tickets on PostgreSQL: each ticket reminded once, whichever instance runs it. */
export function postgresTicketsStore(db: PgDb): TicketsStore {
  return {
    async unreminded() {
      const r = await db.$client.query<{ id: number; openedAt: number; lessonId: string | null; step: number | null }>(
        `select id, opened_at as "openedAt", lesson_id as "lessonId", step from tickets
         where closed_at is null and answered_at is null and reminded_at is null order by id limit 500`,
      );
      return r.rows;
    },
    async remind(id, reminder) {
      return inTransaction(db, async (c) => {
        const marked = await c.query(
          "update tickets set reminded_at = $1 where id = $2 and closed_at is null and answered_at is null and reminded_at is null",
          [reminder.at.getTime(), id],
        );
        if (marked.rowCount !== 1) return false;
        const insert = insertReplies(reminder, false);
        if (insert) await c.query(insert);
        return true;
      });
    },
  };
}
