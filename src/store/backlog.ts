import type { BacklogSource } from "../metrics.js";
import type { Db } from "./db.js";

/** The operator's figures (GET /metrics) from the SQLite file. */
export function sqliteBacklog(db: Db): BacklogSource {
  const count = (sql: string, ...args: unknown[]) => (db.$client.prepare(sql).get(...args) as { n: number | null }).n ?? 0;
  return async () => {
    if (!db.$client.open) return undefined;
    return {
      inbox: count("select count(*) as n from inbox"),
      pending: count("select count(*) as n from outbox where status = 'pending'"),
      oldestPendingAt: count("select min(created_at) as n from outbox where status = 'pending'") || null,
      failed: db.$client
        .prepare(
          "select coalesce(last_error, 'unknown') as reason, count(*) as n from outbox where status in ('failed', 'cancelled') group by 1",
        )
        .all() as Array<{ reason: string; n: number }>,
      activeSince: async (t) => count("select count(*) as n from learners where last_active_at >= ?", t),
    };
  };
}
