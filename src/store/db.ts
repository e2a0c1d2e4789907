import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { type Checkpointer, startCheckpointer } from "./checkpointer.js";
import * as schema from "./schema.js";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const betterSqlitePath = createRequire(import.meta.url).resolve("better-sqlite3");

const defaultMigrationsDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../migrations");

/** Opens (creating if needed) the SQLite file with the pragmas every connection needs, and applies migrations. */
export function openDatabase(path: string, opts: { migrationsDir?: string; backgroundCheckpoints?: boolean } = {}): Db {
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  // Deleted rows (a handled message, an erased learner) are overwritten with zeros, not left in free space.
  sqlite.pragma("secure_delete = ON");
  // Short: a lock held by another process must not stall the event loop for long (callers retry).
  sqlite.pragma("busy_timeout = 2000");
  const db = drizzle(sqlite, { schema });
  const migrationsFolder = opts.migrationsDir ?? defaultMigrationsDir;
  if (path !== ":memory:") backupBeforeMigrating(sqlite, resolve(path), migrationsFolder);
  migrate(db, { migrationsFolder });
  if (opts.backgroundCheckpoints && path !== ":memory:") {
    sqlite.pragma("wal_autocheckpoint = 0");
    checkpointers.set(sqlite, startCheckpointer(resolve(path), betterSqlitePath));
  }
  return db;
}

/**
 * A consistent copy of the database into a new file: one snapshot (VACUUM INTO runs in a read transaction, so
 * writers go on), compacted, with no WAL of its own.
 */
export function backupInto(sqlite: Database.Database, target: string): void {
  sqlite.prepare("vacuum into ?").run(target);
}

/** Before migrations change the schema of a database that has data, a copy of it as it was, beside it. */
function backupBeforeMigrating(sqlite: Database.Database, path: string, migrationsFolder: string): void {
  const journal = join(migrationsFolder, "meta", "_journal.json");
  if (!existsSync(journal)) return;
  const known = (JSON.parse(readFileSync(journal, "utf8")) as { entries: unknown[] }).entries.length;
  const hasTable = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  if (!hasTable) return; // a new database: nothing to keep
  const applied = (sqlite.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number }).n;
  if (applied === 0 || applied >= known) return;
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
  backupInto(sqlite, `${path}.before-migration-${stamp}`);
}

const checkpointers = new WeakMap<Database.Database, Checkpointer>();

/** Closes the database (and its background checkpointer, which leaves the WAL file truncated). */
export async function closeDatabase(db: Db): Promise<void> {
  const c = checkpointers.get(db.$client);
  if (db.$client.open) db.$client.close();
  await c?.stop();
}

/** After an erasure: copies the WAL into the database file and truncates it, within a second or so. */
export function scrubSoon(db: Db): void {
  checkpointers.get(db.$client)?.scrub();
}

export function isDatabaseOpen(db: Db): boolean {
  try {
    return db.$client.open && db.$client.prepare("select 1 as ok").get() !== undefined;
  } catch {
    return false;
  }
}

/** One transaction wrapper per connection: better-sqlite3 builds four functions for each `transaction()` call. */
const runners = new WeakMap<Database.Database, Database.Transaction<(fn: () => unknown) => unknown>>();

/**
 * Runs `fn` in an IMMEDIATE transaction (a savepoint when one is already open), on the hot paths
 * without building a new transaction function per call.
 */
export function immediate<T>(db: Db, fn: () => T): T {
  const conn = db.$client;
  let run = runners.get(conn);
  if (!run) {
    run = conn.transaction((f: () => unknown) => f());
    runners.set(conn, run);
  }
  return run.immediate(fn) as T;
}
