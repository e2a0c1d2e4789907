import type { ZaloOaStore } from "../../conversation/ports.js";
import { OA_ATTACHMENT_PREFIX, OA_TOKENS_KEY, parseOaTokens } from "../zalo-oa.js";
import type { PgDb } from "./db.js";

// The Zalo OA's tokens and uploaded pictures on PostgreSQL, in app_meta. Several instances: a refresh runs inside a
// transaction holding an advisory lock, so one instance refreshes at a time and the others, once they get the lock,
// find the new tokens already stored. The work's connections commit without waiting for the disk; this one does
// wait (the old refresh token is dead once Zalo has answered).

/** Names the refresh lock (any constant unlike the others: 4104310025 migrations, 4104310026 reminders). */
const REFRESH_LOCK = 4_104_310_027;

export function postgresZaloOaStore(db: PgDb): ZaloOaStore {
  const pool = db.$client;
  const value = async (key: string) =>
    (await pool.query<{ value: string }>("select value from app_meta where key = $1", [key])).rows[0]?.value;
  return {
    async tokens() {
      return parseOaTokens(await value(OA_TOKENS_KEY));
    },
    async updateTokens(fn) {
      const c = await pool.connect();
      try {
        await c.query("begin");
        await c.query("set local synchronous_commit = on");
        await c.query("select pg_advisory_xact_lock($1)", [REFRESH_LOCK]);
        const r = await c.query<{ value: string }>("select value from app_meta where key = $1", [OA_TOKENS_KEY]);
        const stored = parseOaTokens(r.rows[0]?.value);
        const next = await fn(stored);
        if (next) {
          await c.query("insert into app_meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value", [
            OA_TOKENS_KEY,
            JSON.stringify(next),
          ]);
        }
        await c.query("commit");
        return next ?? stored;
      } catch (err) {
        await c.query("rollback").catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    },
    attachment: (key) => value(OA_ATTACHMENT_PREFIX + key),
    async saveAttachment(key, attachmentId) {
      await pool.query("insert into app_meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value", [
        OA_ATTACHMENT_PREFIX + key,
        attachmentId,
      ]);
    },
    async forgetAttachment(key) {
      await pool.query("delete from app_meta where key = $1", [OA_ATTACHMENT_PREFIX + key]);
    },
  };
}
