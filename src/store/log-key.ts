import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Db } from "./db.js";

// The key that turns learner ids into pseudonyms in the logs. Never in the database (a copy of the database and of
// the logs together would undo the pseudonyms): from LOG_PSEUDONYM_KEY, else a file beside the database (readable by
// the server's user only), created on first start.

const LOG_KEY = "log_pseudonym_key";
export const LOG_KEY_FILE = "log-pseudonym.key";

/**
 * SQLite: the key from LOG_PSEUDONYM_KEY or the file beside the database — moved there from the database if an older
 * version kept it there, so the pseudonyms in older logs stay the same.
 */
export function logPseudonymKey(db: Db, databasePath: string, fromEnv?: string): string {
  const conn = db.$client;
  const old = conn.prepare("select value from app_meta where key = ?").get(LOG_KEY) as { value: string } | undefined;
  if (fromEnv) {
    if (old) conn.prepare("delete from app_meta where key = ?").run(LOG_KEY);
    return fromEnv;
  }
  if (databasePath === ":memory:") return old?.value ?? randomBytes(32).toString("hex");
  const file = join(dirname(resolve(databasePath)), LOG_KEY_FILE);
  if (!existsSync(file)) writeFileSync(file, `${old?.value ?? randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  if (old) conn.prepare("delete from app_meta where key = ?").run(LOG_KEY);
  return readFileSync(file, "utf8").trim();
}

/**
 * PostgreSQL: LOG_PSEUDONYM_KEY (the same on every instance, so a learner has one pseudonym in all the logs), or
 * a key in a file in the data folder (one per machine).
 */
export function logKeyBeside(databasePath: string, fromEnv?: string): string {
  if (fromEnv) return fromEnv;
  const file = join(dirname(resolve(databasePath)), LOG_KEY_FILE);
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  } catch {
    // Made already (by an earlier start, or another instance on this machine).
  }
  return readFileSync(file, "utf8").trim();
}
