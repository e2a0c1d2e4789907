import { createHmac } from "node:crypto";
import type { AdminStore } from "./ports.js";

// Reports name learners by a stable pseudonym, never by their chat id. The salt lives in the
// database, so the same learner keeps the same pseudonym across restarts, reports and instances, and
// a copy of a report cannot be linked back to chat ids without the database itself.

const SALT_KEY = "pseudonym_salt";
const salts = new WeakMap<AdminStore, Promise<string>>();

/** The install's salt, created on first use. */
export function pseudonymSalt(store: AdminStore): Promise<string> {
  const cached = salts.get(store);
  if (cached) return cached;
  const salt = store.installSecret(SALT_KEY);
  salts.set(store, salt);
  // A failed read is tried again next time.
  salt.catch(() => salts.delete(store));
  return salt;
}

/** "L" + the first 10 hex digits of HMAC-SHA256(salt, learner id). */
export function pseudonymWith(salt: string, learnerId: number): string {
  return `L${createHmac("sha256", salt).update(String(learnerId)).digest("hex").slice(0, 10)}`;
}

export async function pseudonym(store: AdminStore, learnerId: number): Promise<string> {
  return pseudonymWith(await pseudonymSalt(store), learnerId);
}

/** A pseudonym function bound to the salt (read once), for rendering many rows. */
export async function pseudonymizer(store: AdminStore): Promise<(learnerId: number) => string> {
  const salt = await pseudonymSalt(store);
  return (learnerId) => pseudonymWith(salt, learnerId);
}
