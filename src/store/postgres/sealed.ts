import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

// What a learner wrote waits in the inbox until it is handled, then its row is deleted. PostgreSQL keeps a deleted
// row's bytes on disk until a VACUUM reuses the space (and in the WAL until its segments are recycled), and has no
// secure delete: so the text is stored sealed (AES-256-GCM) under a key that is never in the database. Without the
// key the rows left on disk are unreadable. Every instance needs the same key: LOG_PSEUDONYM_KEY (see README).

const PREFIX = "v1:";

export interface Sealer {
  seal(text: string): string;
  /** The text, or undefined when it was sealed under another key (or damaged). */
  open(stored: string): string | undefined;
}

/** A sealer under a key derived from the install's secret (a different key from the logs' pseudonyms). */
export function sealer(secret: string): Sealer {
  const key = createHmac("sha256", secret).update("bdhai inbox text v1").digest();
  return {
    seal(text) {
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([c.update(text, "utf8"), c.final()]);
      return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString("base64");
    },
    open(stored) {
      if (!stored.startsWith(PREFIX)) return undefined;
      try {
        const raw = Buffer.from(stored.slice(PREFIX.length), "base64");
        const d = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
        d.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString("utf8");
      } catch {
        return undefined;
      }
    },
  };
}
