import { randomBytes } from "node:crypto";
import type {
  AdminStore,
  Announcement,
  CertificateCount,
  ChannelStats,
  Completers,
  ContentGap,
  DayCount,
  ProgressRow,
  QuestionStats,
  QuestionTotals,
  RecentLearner,
  TicketListRow,
} from "../../admin/ports.js";
import { DAY_MS, VN_OFFSET_MS } from "../../time.js";
import { aggregate, medianOf, medianOffset, PROGRESS_PAGE_ROWS } from "../admin-common.js";
import { inTransaction, type PgDb } from "./db.js";

// The admin area's port on PostgreSQL: the same figures as the SQLite queries (../admin-queries.ts), for every
// instance alike. Booleans are real booleans here (count(*) filter (where …) instead of SQLite's sum of 0/1), counts
// are cast to int (bigint would come back as text), and text that orders rows is compared byte by byte (collate
// "C", like SQLite) so lists come out in the same order on both engines. The queries run on the pool: nothing blocks
// the event loop, so the big figures need no worker thread here.

/** Vietnam calendar day number of an epoch-ms bigint column (integer division, as in SQLite). */
const vnDay = (col: string) => `((${col} + ${VN_OFFSET_MS}) / ${DAY_MS})`;

/** Byte order of UTF-8 text, as SQLite's BINARY collation sorts it. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export function postgresAdminStore(db: PgDb): AdminStore {
  const pool = db.$client;
  const all = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => (await pool.query(sql, params)).rows as T[];
  const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => {
    const row = (await all<T>(sql, params))[0];
    if (!row) throw new Error("an aggregate returned no row");
    return row;
  };

  return {
    learnersByChannel: (now) =>
      all<ChannelStats>(
        `select channel, count(*)::int as total,
           count(*) filter (where created_at >= $1)::int as new7, count(*) filter (where created_at >= $2)::int as new30,
           count(*) filter (where last_active_at >= $1)::int as active7, count(*) filter (where last_active_at >= $2)::int as active30,
           count(*) filter (where consent)::int as consented
         from learners group by channel order by total desc, channel collate "C"`,
        [now - 7 * DAY_MS, now - 30 * DAY_MS],
      ),

    newLearnersByDay: (since) =>
      all<DayCount>(
        `select ${vnDay("created_at")}::int as day, count(*)::int as n from learners where created_at >= $1 group by 1 order by 1`,
        [since],
      ),

    learnersBefore: async (before) =>
      (await one<{ n: number }>("select count(*)::int as n from learners where created_at < $1", [before])).n,

    activeLearnersByDay: (since) =>
      // One row per learner and active day (written with each progress event): no scan of all events.
      all<DayCount>("select day, count(*)::int as n from learner_days where day >= $1 group by day order by day", [
        Math.floor((since + VN_OFFSET_MS) / DAY_MS),
      ]),

    async lessonIdsWithProgress() {
      // Hops through lesson_progress_lesson, one seek per lesson (PostgreSQL 15 has no skip scan of its own).
      const rows = await all<{ id: string }>(
        `with recursive ids(id) as (
           select min(lesson_id) from lesson_progress
           union all
           select (select min(lesson_id) from lesson_progress where lesson_id > ids.id) from ids where ids.id is not null)
         select id from ids where id is not null`,
      );
      return rows.map((r) => r.id).sort(byBytes);
    },

    async lessonAggregate(lessonId) {
      const rows = await all<{ status: string; step: number; n: number }>(
        `select status, step_reached as step, count(*)::int as n from lesson_progress where lesson_id = $1
         group by status, step_reached order by status, step_reached`,
        [lessonId],
      );
      return aggregate(lessonId, rows);
    },

    async quizFirstAnswers(lessonId) {
      // Each learner's first answer to a question: their attempt-1 row with the smallest id.
      const rows = await all<Omit<QuestionStats, "lessonId">>(
        `select step_index as "stepIndex", count(*)::int as answered, count(*) filter (where correct)::int as "right" from (
           select distinct on (step_index, learner_id) step_index, correct from quiz_attempts
           where lesson_id = $1 and attempt = 1 order by step_index, learner_id, id) f
         group by step_index order by step_index`,
        [lessonId],
      );
      return rows.map((r) => ({ lessonId, ...r }));
    },

    async lessonRetention(lessonId, mastered) {
      const r = await one<{ a1: number; r1: number; a7: number; r7: number }>(
        `select count(*) filter (where d >= 1)::int as a1, count(*) filter (where d >= 1 and correct)::int as r1,
           count(*) filter (where d >= 7)::int as a7, count(*) filter (where d >= 7 and correct)::int as r7
         from (select ${vnDay("at")} - ${vnDay("first_at")} as d, correct from review_answers where lesson_id = $1 and first_at is not null) x`,
        [lessonId],
      );
      const m = await one<{ learners: number; mastered: number }>(
        `select count(*)::int as learners, count(*) filter (where p_known >= $2)::int as mastered from lesson_mastery where lesson_id = $1`,
        [lessonId, mastered],
      );
      return { lessonId, after1: { answered: r.a1, right: r.r1 }, after7: { answered: r.a7, right: r.r7 }, ...m };
    },

    async trackCompleters(lessonIds, until) {
      if (lessonIds.length === 0) return { people: 0, web: 0 };
      return one<Completers>(
        `select count(*) filter (where l.channel <> 'web')::int as people, count(*) filter (where l.channel = 'web')::int as web from (
           select learner_id from lesson_progress
           where lesson_id = any($1::text[]) and status = 'completed'
           group by learner_id having count(*) = $2 and max(completed_at) <= $3) c
         join learners l on l.id = c.learner_id`,
        [[...lessonIds], lessonIds.length, until],
      );
    },

    certificatesByTrack: () =>
      all<CertificateCount>(
        `select track_id as "trackId", max(track_title collate "C") as "trackTitle", count(*)::int as n
         from certificates group by track_id order by n desc, track_id collate "C"`,
      ),

    async medianMinutes(lessonId, completed) {
      if (completed <= 0) return undefined;
      const rows = await all<{ d: number }>(
        `select completed_at - started_at as d from lesson_progress
         where lesson_id = $1 and status = 'completed' and completed_at is not null order by 1 limit 2 offset $2`,
        [lessonId, medianOffset(completed)],
      );
      return medianOf(rows, completed);
    },

    questionTotals: (since) =>
      one<QuestionTotals>(
        `select count(*)::int as asked,
           count(*) filter (where not flagged and (feedback = -1 or not grounded))::int as gaps,
           count(*) filter (where flagged)::int as flagged
         from qa_questions where created_at >= $1`,
        [since],
      ),

    contentGaps: (since, limit) =>
      all<ContentGap>(
        `select question, count(*)::int as asked, count(*) filter (where feedback = -1)::int as "thumbsDown",
           count(*) filter (where not grounded)::int as unanswered, max(created_at) as "lastAt", max(lesson_id collate "C") as "lessonId"
         from qa_questions where created_at >= $1 and not flagged and (feedback = -1 or not grounded)
         group by question order by asked desc, "lastAt" desc limit $2`,
        [since, limit],
      ),

    recentLearners: (limit) =>
      all<RecentLearner>(
        `select l.id, l.channel, l.created_at as "createdAt", l.last_active_at as "lastActiveAt",
           (select count(*)::int from lesson_progress p where p.learner_id = l.id and p.status = 'completed') as completed,
           (select count(*)::int from lesson_progress p where p.learner_id = l.id and p.status = 'in_progress') as "inProgress"
         from learners l order by l.last_active_at desc, l.id desc limit $1`,
        [limit],
      ),

    recentAnnouncements: (limit) =>
      all<Announcement>(`select text, recipients, created_at as "createdAt" from announcements order by id desc limit $1`, [limit]),

    tickets: (since, limit) =>
      all<TicketListRow>(
        `select t.id, t.learner_id as "learnerId", l.channel, t.lesson_id as "lessonId", t.step, t.reason, t.opened_at as "openedAt",
                t.answered_at as "answeredAt", t.closed_at as "closedAt"
         from tickets t join learners l on l.id = t.learner_id
         where t.closed_at is null or t.opened_at >= $1 order by t.id desc limit $2`,
        [since, limit],
      ),

    async queues(now, windows) {
      const counts = await one<{ inbox: number; pending: number; oldest: number | null }>(
        `select (select count(*)::int from inbox) as inbox,
                (select count(*)::int from outbox where status = 'pending') as pending,
                (select min(created_at) from outbox where status = 'pending') as oldest`,
      );
      const failed = await all<{ reason: string; n: number }>(
        `select coalesce(last_error, 'không rõ') as reason, count(*)::int as n from outbox
         where status in ('failed', 'cancelled') group by 1 order by n desc limit 10`,
      );
      const inWindows = await Promise.all(
        Object.entries(windows).map(async ([channel, ms]) => {
          const r = await one<{ learners: number; outside: number }>(
            `select count(*)::int as learners, count(*) filter (where last_active_at < $1)::int as outside
             from learners where channel = $2`,
            [now - ms, channel],
          );
          return { channel, learners: r.learners, outside: r.outside };
        }),
      );
      return { inbox: counts.inbox, pending: counts.pending, oldestPendingAt: counts.oldest || null, failed, windows: inWindows };
    },

    async *progressRows(pageRows = PROGRESS_PAGE_ROWS) {
      // Page by page of learners (each page one query on the primary keys; a learner has a few lessons): no connection
      // is held between pages, so a slow download keeps nothing open. A learner's rows come in one page.
      const learners = Math.max(1, Math.floor(pageRows / 4));
      for (let after = 0; ; ) {
        const page = await all<ProgressRow>(
          `with page as (
             select distinct learner_id from lesson_progress where learner_id > $1 order by learner_id limit $2)
           select lp.learner_id as "learnerId", l.channel, lp.lesson_id as "lessonId", lp.status, lp.step_reached as "stepReached",
             lp.started_at as "startedAt", lp.completed_at as "completedAt", q.answered, q."right"
           from page
           join lesson_progress lp on lp.learner_id = page.learner_id
           join learners l on l.id = lp.learner_id
           cross join lateral (
             select count(*)::int as answered, count(*) filter (where f.correct)::int as "right" from (
               select distinct on (a.step_index) a.correct from quiz_attempts a
               where a.learner_id = lp.learner_id and a.lesson_id = lp.lesson_id and a.attempt = 1
               order by a.step_index, a.id) f) q
           order by lp.learner_id, lp.lesson_id collate "C"`,
          [after, learners],
        );
        const last = page.at(-1);
        if (!last) return;
        yield page;
        after = last.learnerId;
      }
    },

    installSecret: (name) =>
      // Every instance reads the same secret: the first insert wins, and it is on disk before anyone uses it.
      inTransaction(db, async (c) => {
        await c.query("set local synchronous_commit = on");
        await c.query("insert into app_meta (key, value) values ($1, $2) on conflict (key) do nothing", [
          name,
          randomBytes(32).toString("hex"),
        ]);
        const row = (await c.query<{ value: string }>("select value from app_meta where key = $1", [name])).rows[0];
        if (!row) throw new Error("install secret missing after insert");
        return row.value;
      }),
  };
}
