import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema.js";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const defaultMigrationsDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../migrations");

/** Opens (creating if needed) the SQLite file with the pragmas every connection needs, and applies migrations. */
export function openDatabase(path: string, opts: { migrationsDir?: string } = {}): Db {
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: opts.migrationsDir ?? defaultMigrationsDir });
  return db;
}

export function isDatabaseOpen(db: Db): boolean {
  try {
    return db.$client.open && db.$client.prepare("select 1 as ok").get() !== undefined;
  } catch {
    return false;
  }
}
