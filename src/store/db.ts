import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
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
  migrate(db, { migrationsFolder: opts.migrationsDir ?? defaultMigrationsDir });
  if (opts.backgroundCheckpoints && path !== ":memory:") {
    sqlite.pragma("wal_autocheckpoint = 0");
    checkpointers.set(sqlite, startCheckpointer(resolve(path), betterSqlitePath));
  }
  return db;
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
