import type { BacklogSource } from "../../metrics.js";
import type { PgDb } from "./db.js";

/** The operator's figures (GET /metrics) from PostgreSQL: the same for every instance. */
export function postgresBacklog(db: PgDb): BacklogSource {
  const pool = db.$client;
  return async () => {
    if (pool.ended) return undefined;
    const r = await pool.query<{ inbox: number; pending: number; oldest: number | null }>(
      `select (select count(*)::int from inbox) as inbox,
              (select count(*)::int from outbox where status = 'pending') as pending,
              (select min(created_at) from outbox where status = 'pending') as oldest`,
    );
    const failed = await pool.query<{ reason: string; n: number }>(
      "select coalesce(last_error, 'unknown') as reason, count(*)::int as n from outbox where status in ('failed', 'cancelled') group by 1",
    );
    const row = r.rows[0];
    return {
      inbox: row?.inbox ?? 0,
      pending: row?.pending ?? 0,
      oldestPendingAt: row?.oldest ?? null,
      failed: failed.rows,
      activeSince: async (t) =>
        (await pool.query<{ n: number }>("select count(*)::int as n from learners where last_active_at >= $1", [t])).rows[0]?.n ?? 0,
    };
  };
}
