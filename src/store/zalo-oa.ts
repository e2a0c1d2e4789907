import { z } from "zod";
import type { OaTokens, ZaloOaStore } from "../conversation/ports.js";
import type { Db } from "./db.js";

// The Zalo OA's tokens and uploaded pictures on SQLite, in app_meta (no table of their own). One process: the lock
// around a refresh is a promise chain; the new refresh token is written with synchronous=FULL, so a power cut right
// after a refresh does not lose it (Zalo has already forgotten the old one).

export const OA_TOKENS_KEY = "zalo_oa_tokens";
export const OA_ATTACHMENT_PREFIX = "zalo_oa_attachment:";

const tokensSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string().min(1),
  expiresAt: z.number(),
  seeds: z.array(z.string()).max(64),
});

/** The stored JSON → tokens; undefined when missing or damaged (then they start again from the environment). */
export function parseOaTokens(value: string | undefined | null): OaTokens | undefined {
  if (!value) return undefined;
  try {
    const r = tokensSchema.safeParse(JSON.parse(value));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

export function sqliteZaloOaStore(db: Db): ZaloOaStore {
  const conn = db.$client;
  const read = conn.prepare("select value from app_meta where key = ?");
  const write = conn.prepare("insert into app_meta (key, value) values (?, ?) on conflict(key) do update set value = excluded.value");
  const remove = conn.prepare("delete from app_meta where key = ?");
  const value = (key: string) => (read.get(key) as { value: string } | undefined)?.value;
  let chain: Promise<unknown> = Promise.resolve();
  return {
    async tokens() {
      return parseOaTokens(value(OA_TOKENS_KEY));
    },
    updateTokens(fn) {
      const run = chain.then(async () => {
        const stored = parseOaTokens(value(OA_TOKENS_KEY));
        const next = await fn(stored);
        if (!next) return stored;
        conn.pragma("synchronous = FULL");
        try {
          write.run(OA_TOKENS_KEY, JSON.stringify(next));
        } finally {
          conn.pragma("synchronous = NORMAL");
        }
        return next;
      });
      chain = run.catch(() => undefined);
      return run;
    },
    async attachment(key) {
      return value(OA_ATTACHMENT_PREFIX + key);
    },
    async saveAttachment(key, attachmentId) {
      write.run(OA_ATTACHMENT_PREFIX + key, attachmentId);
    },
    async forgetAttachment(key) {
      remove.run(OA_ATTACHMENT_PREFIX + key);
    },
  };
}
