import type { Logger } from "pino";
import type { Config } from "../../config.js";
import { logKeyBeside } from "../log-key.js";
import { DAY, type Store, TICKETS_KEPT_DAYS } from "../open.js";
import { postgresAdminStore } from "./admin.js";
import { postgresBacklog } from "./backlog.js";
import { closePostgres, isPostgresUp, openPool, openPostgres, type PgOptions } from "./db.js";
import { postgresOutboxStore } from "./outbox.js";
import { postgresQaStore } from "./qa.js";
import { sealer } from "./sealed.js";
import { postgresSharedStore } from "./shared.js";
import { postgresTicketsStore } from "./tickets.js";
import { postgresZaloOaStore } from "./zalo-oa.js";

// The PostgreSQL store (DATABASE_URL), with every port the app needs from it; open.ts loads it only when asked for.

export async function openPostgresStore(databaseUrl: string, config: Config, pgOptions: PgOptions, logger?: Logger): Promise<Store> {
  const pg = await openPostgres(databaseUrl, pgOptions);
  const logKey = logKeyBeside(config.databasePath, config.logPseudonymKey);
  // Webhooks record their updates on connections of their own: never queued behind the work's queries.
  const front = openPool(databaseUrl, { ...pgOptions, max: 4 });
  const outbox = postgresOutboxStore(pg);
  return {
    kind: "shared",
    pg,
    shared: postgresSharedStore(pg, sealer(logKey), front, () =>
      logger?.error("an update was sealed under another key: every instance needs the same LOG_PSEUDONYM_KEY"),
    ),
    outbox,
    qa: postgresQaStore(pg),
    reminders: outbox,
    direct: outbox,
    backlog: postgresBacklog(pg),
    certificates: async (code) =>
      (
        await pg.$client.query<{ trackTitle: string; firstName: string | null; issuedAt: number }>(
          `select track_title as "trackTitle", first_name as "firstName", issued_at as "issuedAt" from certificates where code = $1`,
          [code],
        )
      ).rows[0],
    admin: postgresAdminStore(pg),
    tickets: postgresTicketsStore(pg),
    zaloOa: postgresZaloOaStore(pg),
    up: () => isPostgresUp(pg),
    async tidy(now) {
      const q = (sql: string, t: number) => pg.$client.query(sql, [t]).then((r) => r.rowCount ?? 0);
      // Replies a web page never collected (it was closed) need not stay either.
      await q("delete from outbox where status = 'pending' and channel in ('web', 'cli') and created_at < $1", now - 3600_000);
      return {
        sent: await outbox.purge(now - DAY),
        keys: await q("delete from processed_messages where at < $1", now - 7 * DAY),
        questions: await q("delete from qa_questions where created_at < $1", now - 180 * DAY),
        tickets: await q("delete from tickets where closed_at < $1", now - TICKETS_KEPT_DAYS * DAY),
      };
    },
    // PostgreSQL reuses a deleted row's space at its next VACUUM (autovacuum); nothing to do here.
    scrub: () => undefined,
    logKey,
    async close() {
      await front.end();
      await closePostgres(pg);
    },
  };
}
