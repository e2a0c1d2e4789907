import type { QaStore } from "../../qa/service.js";
import type { PgDb } from "./db.js";

/** The question pipeline's cache and the day's model budget on PostgreSQL: one budget for every instance. */
export function postgresQaStore(db: PgDb): QaStore {
  const pool = db.$client;
  return {
    async cached(key) {
      const r = await pool.query<{ answer: string; lessonId: string | null; createdAt: number }>(
        `select answer, lesson_id as "lessonId", created_at as "createdAt" from qa_cache where key = $1`,
        [key],
      );
      return r.rows[0];
    },
    async cache(key, answer, lessonId, at) {
      await pool.query(
        `insert into qa_cache (key, answer, lesson_id, created_at) values ($1, $2, $3, $4)
         on conflict (key) do update set answer = excluded.answer, lesson_id = excluded.lesson_id, created_at = excluded.created_at`,
        [key, answer, lessonId, at],
      );
    },
    async takeBudget(day, limit) {
      // One statement: the row is locked while it is read and written, so instances never overspend together.
      const r = await pool.query(
        `insert into app_meta (key, value) values ('llm_calls', json_build_object('day', $1::int, 'n', 1)::text)
         on conflict (key) do update
         set value = json_build_object('day', $1::int,
               'n', case when (app_meta.value::json->>'day')::int = $1 then (app_meta.value::json->>'n')::int + 1 else 1 end)::text
         where (app_meta.value::json->>'day')::int <> $1 or (app_meta.value::json->>'n')::int < $2`,
        [day, limit],
      );
      return r.rowCount === 1;
    },
  };
}
