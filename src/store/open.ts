import type { Logger } from "pino";
import type { AdminStore } from "../admin/ports.js";
import type { CertificateLookup } from "../admin/verify.js";
import type { Config } from "../config.js";
import type {
  DirectReplies,
  LocalOutboxStore,
  LocalStore,
  RemindersStore,
  SharedOutboxStore,
  SharedStore,
  TicketsStore,
  ZaloOaStore,
} from "../conversation/ports.js";
import type { BacklogSource } from "../metrics.js";
import type { QaStore } from "../qa/service.js";
import { sqliteAdminStore } from "./admin.js";
import { sqliteBacklog } from "./backlog.js";
import { closeDatabase, type Db, isDatabaseOpen, openDatabase, scrubSoon } from "./db.js";
import { logPseudonymKey } from "./log-key.js";
import { localOutboxStore } from "./outbox.js";
import type { PgDb, PgOptions } from "./postgres/db.js";
import { remindersStore } from "./reminders.js";
import { certificateByCode, directReplies, localStore, qaStore } from "./repo.js";
import { ticketsStore } from "./tickets.js";
import { sqliteZaloOaStore } from "./zalo-oa.js";

// The store the configuration names, with every port the app needs from it: SQLite (DATABASE_PATH, one process,
// the default) or PostgreSQL (DATABASE_URL, any number of instances).

interface Common {
  qa: QaStore;
  /** The web chat's and terminal's replies, collected by their requests. */
  direct: DirectReplies;
  reminders: RemindersStore;
  backlog: BacklogSource;
  certificates: CertificateLookup;
  /** The Zalo OA channel's tokens and uploaded pictures, shared by every instance. */
  zaloOa: ZaloOaStore;
  /** The dashboard's and the reports' figures. */
  admin: AdminStore;
  /** The hand-off tickets' reminder pass. */
  tickets: TicketsStore;
  up(): Promise<boolean>;
  /**
   * Deletes what need not stay: sent replies after a day (uncollected web replies after an hour), deduplication keys
   * after a week, questions and closed hand-off tickets after six months.
   */
  tidy(now: number): Promise<{ sent: number; keys: number; questions: number; tickets: number }>;
  /** After a learner's data was erased: leave no trace in the files (SQLite: the WAL is checkpointed soon). */
  scrub(): void;
  /** The key of learners' pseudonyms in the logs. */
  logKey: string;
  close(): Promise<void>;
}

export type Store =
  | (Common & { kind: "local"; db: Db; local: LocalStore; outbox: LocalOutboxStore })
  | (Common & { kind: "shared"; pg: PgDb; shared: SharedStore; outbox: SharedOutboxStore });

export const DAY = 86_400_000;
/** A closed hand-off ticket (times and lesson, no text) is kept this long for the dashboard, as questions are. */
export const TICKETS_KEPT_DAYS = 180;

export async function openStore(config: Config, pgOptions: PgOptions = {}, logger?: Logger): Promise<Store> {
  if (config.databaseUrl) {
    // Loaded only when asked for: a SQLite server never loads the PostgreSQL driver (a tenth of a second at start).
    const { openPostgresStore } = await import("./postgres/open.js");
    return openPostgresStore(config.databaseUrl, config, pgOptions, logger);
  }
  const db = openDatabase(config.databasePath, { backgroundCheckpoints: true });
  return {
    kind: "local",
    db,
    local: localStore(db),
    outbox: localOutboxStore(db),
    qa: qaStore(db),
    reminders: remindersStore(db),
    direct: directReplies(db),
    backlog: sqliteBacklog(db),
    certificates: certificateByCode(db),
    admin: sqliteAdminStore(db),
    tickets: ticketsStore(db),
    zaloOa: sqliteZaloOaStore(db),
    up: async () => isDatabaseOpen(db),
    async tidy(now) {
      const run = (sql: string, t: number) => db.$client.prepare(sql).run(t).changes;
      // Replies a web page never collected (it was closed) need not stay either.
      run("delete from outbox where status = 'pending' and channel in ('web', 'cli') and created_at < ?", now - 3600_000);
      return {
        sent: run("delete from outbox where status = 'sent' and sent_at < ?", now - DAY),
        keys: run("delete from processed_messages where at < ?", now - 7 * DAY),
        questions: run("delete from qa_questions where created_at < ?", now - 180 * DAY),
        tickets: run("delete from tickets where closed_at < ?", now - TICKETS_KEPT_DAYS * DAY),
      };
    },
    scrub: () => scrubSoon(db),
    logKey: logPseudonymKey(db, config.databasePath, config.logPseudonymKey),
    close: () => closeDatabase(db),
  };
}
