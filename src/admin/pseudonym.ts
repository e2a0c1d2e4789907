import { createHmac, randomBytes } from "node:crypto";
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
