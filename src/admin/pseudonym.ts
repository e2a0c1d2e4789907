import { createHmac, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Db } from "../store/db.js";

// Reports name learners by a stable pseudonym, never by their chat id. The salt lives in the
// database, so the same learner keeps the same pseudonym across restarts and reports, and a copy
// of a report cannot be linked back to chat ids without the database itself.

const SALT_KEY = "pseudonym_salt";
const salts = new WeakMap<Db, string>();

/** A random secret of this install, kept in app_meta under `name` (created on first use). */
export function installSecret(db: Db, name: string): string {
  const conn = db.$client;
  conn.prepare("insert into app_meta (key, value) values (?, ?) on conflict(key) do nothing").run(name, randomBytes(32).toString("hex"));
  return (conn.prepare("select value from app_meta where key = ?").get(name) as { value: string }).value;
}

const LOG_KEY = "log_pseudonym_key";
export const LOG_KEY_FILE = "log-pseudonym.key";

/**
 * The key that turns learner ids into pseudonyms in the logs. Never in the database (a copy of the database and
 * of the logs together would undo the pseudonyms): from LOG_PSEUDONYM_KEY, else a file beside the database
 * (readable by the server's user only), created on first start — moved there from the database if an older
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

/** The install's salt, created on first use. */
export function pseudonymSalt(db: Db): string {
  const cached = salts.get(db);
  if (cached) return cached;
  const salt = installSecret(db, SALT_KEY);
  salts.set(db, salt);
  return salt;
}

/** "L" + the first 10 hex digits of HMAC-SHA256(salt, learner id). */
export function pseudonymWith(salt: string, learnerId: number): string {
  return `L${createHmac("sha256", salt).update(String(learnerId)).digest("hex").slice(0, 10)}`;
}

export function pseudonym(db: Db, learnerId: number): string {
  return pseudonymWith(pseudonymSalt(db), learnerId);
}

/** A pseudonym function bound to the salt (read once), for rendering many rows. */
export function pseudonymizer(db: Db): (learnerId: number) => string {
  const salt = pseudonymSalt(db);
  return (learnerId) => pseudonymWith(salt, learnerId);
}
