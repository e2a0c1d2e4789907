import type Database from "better-sqlite3";
import type {
  Announcement,
  CertificateCount,
  ChannelStats,
  Completers,
  ContentGap,
  DayCount,
  FiguresSource,
  LessonAggregate,
  LessonRetention,
  ProgressRow,
  QuestionStats,
  QuestionTotals,
  QueueFigures,
  RecentLearner,
  TicketListRow,
} from "../admin/ports.js";
import { DAY_MS, VN_OFFSET_MS } from "../time.js";
import { aggregate, medianOf, medianOffset } from "./admin-common.js";

// The admin area's figures on SQLite, as prepared SQL on a raw connection (the app's, or a read-only one for long
// reads). Aggregates read index ranges one lesson at a time (see the notes at each query); the per-row report is
// streamed in primary-key order, so nothing is sorted in memory. Synchronous: admin.ts wraps them in the port.

export type Conn = Database.Database;
const statements = new WeakMap<Conn, Map<string, Database.Statement>>();

function prep(conn: Conn, sql: string): Database.Statement {
  let cache = statements.get(conn);
  if (!cache) {
    cache = new Map();
    statements.set(conn, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = conn.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}

/** Vietnam calendar day number of a timestamp column, in SQL (integer division). */
const vnDay = (col: string) => `((${col} + ${VN_OFFSET_MS}) / ${DAY_MS})`;

/** Learners per channel: everyone, new and active in the last 7 and 30 days. One pass over learners. */
export function learnersByChannel(conn: Conn, now: number): ChannelStats[] {
  return prep(
    conn,
    `select channel, count(*) as total,
       coalesce(sum(created_at >= @d7), 0) as new7, coalesce(sum(created_at >= @d30), 0) as new30,
       coalesce(sum(last_active_at >= @d7), 0) as active7, coalesce(sum(last_active_at >= @d30), 0) as active30,
       coalesce(sum(consent = 1), 0) as consented
     from learners group by channel order by total desc, channel`,
  ).all({ d7: now - 7 * DAY_MS, d30: now - 30 * DAY_MS }) as ChannelStats[];
}

/** Roughly how many progress events there are (the largest id: instant, no scan). */
export function progressEventsAbout(conn: Conn): number {
  return (prep(conn, "select coalesce(max(id), 0) as n from progress_events").get() as { n: number }).n;
}

/** New learners per Vietnam day since `since`. (Fast with an index on learners.created_at.) */
export function newLearnersByDay(conn: Conn, since: number): DayCount[] {
  return prep(
    conn,
    `select ${vnDay("created_at")} as day, count(*) as n from learners where created_at >= ? group by day order by day`,
  ).all(since) as DayCount[];
}

export function learnersBefore(conn: Conn, before: number): number {
  return (prep(conn, "select count(*) as n from learners where created_at < ?").get(before) as { n: number }).n;
}

/** Learners who moved forward in a lesson, per Vietnam day. (Fast with an index on progress_events(at, learner_id).) */
export function activeLearnersByDay(conn: Conn, since: number): DayCount[] {
  return prep(
    conn,
    // One row per learner and active day (written with each progress event): no scan of all events.
    "select day, count(*) as n from learner_days where day >= ? group by day order by day",
  ).all(Math.floor((since + VN_OFFSET_MS) / DAY_MS)) as DayCount[];
}

/**
 * Starts, completions and step counts of one lesson: a range of the lesson_progress_lesson index.
 * (Index-only with lesson_progress(lesson_id, status, step_reached).) Callers go lesson by lesson
 * and let the event loop breathe in between, so a big table never blocks webhooks for long.
 */
export function lessonAggregate(conn: Conn, lessonId: string): LessonAggregate {
  const rows = prep(
    conn,
    "select status, step_reached as step, count(*) as n from lesson_progress where lesson_id = ? group by status, step_reached",
  ).all(lessonId) as Array<{ status: string; step: number; n: number }>;
  return aggregate(lessonId, rows);
}

/** Every lesson id that has progress rows, by hopping through the index (one seek per lesson, no scan). */
export function lessonIdsWithProgress(conn: Conn): string[] {
  const next = prep(conn, "select min(lesson_id) as id from lesson_progress where lesson_id > ?");
  const ids: string[] = [];
  for (let last = ""; ; ) {
    const row = next.get(last) as { id: string | null };
    if (row.id === null) return ids;
    ids.push(row.id);
    last = row.id;
  }
}

/** Median minutes from start to first completion of one lesson: the middle row(s) of its completions. */
export function medianMinutes(conn: Conn, lessonId: string, completed: number): number | undefined {
  if (completed <= 0) return undefined;
  const rows = prep(
    conn,
    `select completed_at - started_at as d from lesson_progress
     where lesson_id = ? and status = 'completed' and completed_at is not null order by completed_at - started_at limit 2 offset ?`,
  ).all(lessonId, medianOffset(completed)) as Array<{ d: number }>;
  return medianOf(rows, completed);
}

/**
 * One lesson's quiz questions by share of right first answers. A learner's first answer is their
 * earliest attempt-1 row for the question (SQLite gives the bare column of the min(id) row), so a
 * second pass through a lesson does not inflate the figure. A range of quiz_attempts_lesson;
 * index-only with quiz_attempts(lesson_id, step_index, learner_id, attempt, correct).
 */
export function quizFirstAnswers(conn: Conn, lessonId: string): QuestionStats[] {
  return prep(
    conn,
    `select ? as lessonId, step_index as stepIndex, count(*) as answered, coalesce(sum(correct), 0) as right from (
       select step_index, correct, min(id) from quiz_attempts where lesson_id = ? and attempt = 1 group by step_index, learner_id)
     group by step_index order by step_index`,
  ).all(lessonId, lessonId) as QuestionStats[];
}

/**
 * One lesson's delayed answers by the Vietnam days since the question's first answer, and its learners' mastery.
 * Ranges of review_answers_lesson and lesson_mastery_lesson.
 */
export function lessonRetention(conn: Conn, lessonId: string, mastered: number): LessonRetention {
  const r = prep(
    conn,
    `select coalesce(sum(d >= 1), 0) as a1, coalesce(sum(d >= 1 and correct), 0) as r1,
       coalesce(sum(d >= 7), 0) as a7, coalesce(sum(d >= 7 and correct), 0) as r7
     from (select ${vnDay("at")} - ${vnDay("first_at")} as d, correct from review_answers where lesson_id = ? and first_at is not null)`,
  ).get(lessonId) as { a1: number; r1: number; a7: number; r7: number };
  const m = prep(
    conn,
    "select count(*) as learners, coalesce(sum(p_known >= ?), 0) as mastered from lesson_mastery where lesson_id = ?",
  ).get(mastered, lessonId) as { learners: number; mastered: number };
  return { lessonId, after1: { answered: r.a1, right: r.r1 }, after7: { answered: r.a7, right: r.r7 }, ...m };
}

/**
 * Questions that got a 👎 or no lesson to answer from (stored redacted by the question pipeline),
 * most asked first. Range scan on qa_questions_created. Self-harm questions (flagged) are counted
 * apart and never listed here.
 */
export function contentGaps(conn: Conn, since: number, limit: number): ContentGap[] {
  return prep(
    conn,
    `select question, count(*) as asked, coalesce(sum(feedback = -1), 0) as thumbsDown, coalesce(sum(grounded = 0), 0) as unanswered,
       max(created_at) as lastAt, max(lesson_id) as lessonId
     from qa_questions where created_at >= ? and flagged = 0 and (feedback = -1 or grounded = 0)
     group by question order by asked desc, lastAt desc limit ?`,
  ).all(since, limit) as ContentGap[];
}

export function questionTotals(conn: Conn, since: number): QuestionTotals {
  return prep(
    conn,
    `select count(*) as asked, coalesce(sum(flagged = 0 and (feedback = -1 or grounded = 0)), 0) as gaps, coalesce(sum(flagged), 0) as flagged
     from qa_questions where created_at >= ?`,
  ).get(since) as QuestionTotals;
}

/** The most recently active learners, with their lesson counts (primary-key lookups in lesson_progress). */
export function recentLearners(conn: Conn, limit: number): RecentLearner[] {
  return prep(
    conn,
    `select l.id, l.channel, l.created_at as createdAt, l.last_active_at as lastActiveAt,
       (select count(*) from lesson_progress p where p.learner_id = l.id and p.status = 'completed') as completed,
       (select count(*) from lesson_progress p where p.learner_id = l.id and p.status = 'in_progress') as inProgress
     from learners l order by l.last_active_at desc, l.id desc limit ?`,
  ).all(limit) as RecentLearner[];
}

/**
 * Learners who completed every lesson of a track by `until`: `people` through Telegram and Zalo (an account is a
 * person's phone), `web` through the web chat, whose ids anyone can make up — counted apart, never toward a target.
 * Range scans of the lesson_progress_lesson index, one per lesson.
 */
export function trackCompleters(conn: Conn, lessonIds: readonly string[], until: number): Completers {
  if (lessonIds.length === 0) return { people: 0, web: 0 };
  return prep(
    conn,
    `select coalesce(sum(l.channel <> 'web'), 0) as people, coalesce(sum(l.channel = 'web'), 0) as web from (
       select learner_id from lesson_progress
       where lesson_id in (select value from json_each(?)) and status = 'completed'
       group by learner_id having count(*) = ? and max(completed_at) <= ?) c
     join learners l on l.id = c.learner_id`,
  ).get(JSON.stringify(lessonIds), lessonIds.length, until) as Completers;
}

export function certificatesByTrack(conn: Conn): CertificateCount[] {
  return prep(
    conn,
    "select track_id as trackId, max(track_title) as trackTitle, count(*) as n from certificates group by track_id order by n desc",
  ).all() as CertificateCount[];
}

export function recentAnnouncements(conn: Conn, limit: number): Announcement[] {
  return prep(conn, "select text, recipients, created_at as createdAt from announcements order by id desc limit ?").all(
    limit,
  ) as Announcement[];
}

export function tickets(conn: Conn, since: number, limit: number): TicketListRow[] {
  return prep(
    conn,
    `select t.id, t.learner_id as learnerId, l.channel, t.lesson_id as lessonId, t.step, t.reason, t.opened_at as openedAt,
            t.answered_at as answeredAt, t.closed_at as closedAt
     from tickets t join learners l on l.id = t.learner_id
     where t.closed_at is null or t.opened_at >= ? order by t.id desc limit ?`,
  ).all(since, limit) as TicketListRow[];
}

/** The same backlogs and failures as GET /metrics, for an admin without Prometheus. */
export function queues(conn: Conn, now: number, windows: Readonly<Record<string, number>>): QueueFigures {
  const one = (sql: string) => (prep(conn, sql).get() as { n: number | null }).n ?? 0;
  return {
    inbox: one("select count(*) as n from inbox"),
    pending: one("select count(*) as n from outbox where status = 'pending'"),
    oldestPendingAt: one("select min(created_at) as n from outbox where status = 'pending'") || null,
    failed: prep(
      conn,
      "select coalesce(last_error, 'không rõ') as reason, count(*) as n from outbox where status in ('failed', 'cancelled') group by 1 order by n desc limit 10",
    ).all() as Array<{ reason: string; n: number }>,
    windows: Object.entries(windows).map(([channel, ms]) => {
      const r = prep(
        conn,
        "select count(*) as learners, coalesce(sum(case when last_active_at < ? then 1 else 0 end), 0) as outside from learners where channel = ?",
      ).get(now - ms, channel) as { learners: number; outside: number };
      return { channel, learners: r.learners, outside: r.outside };
    }),
  };
}

/**
 * One row per learner and lesson, streamed in primary-key order (no sort). The quiz score is read
 * per row through quiz_attempts_learner. Pass a connection that is not needed for anything else
 * while iterating: better-sqlite3 refuses other statements on a connection with an open iterator.
 */
export function* iterateProgress(c: Conn): Generator<ProgressRow> {
  const rows = prep(
    c,
    `select lp.learner_id as learnerId, l.channel as channel, lp.lesson_id as lessonId, lp.status as status,
       lp.step_reached as stepReached, lp.started_at as startedAt, lp.completed_at as completedAt,
       (select count(*) || ' ' || coalesce(sum(correct), 0) from (select q.correct as correct, min(q.id) from quiz_attempts q
          where q.learner_id = lp.learner_id and q.lesson_id = lp.lesson_id and q.attempt = 1 group by q.step_index)) as quiz
     from lesson_progress lp join learners l on l.id = lp.learner_id
     order by lp.learner_id, lp.lesson_id`,
  ).iterate() as IterableIterator<Omit<ProgressRow, "answered" | "right"> & { quiz: string }>;
  try {
    for (const { quiz, ...row } of rows) {
      // Both quiz figures come from one subquery, as "answered right".
      const [answered = 0, right = 0] = quiz.split(" ").map(Number);
      yield { ...row, answered, right };
    }
  } finally {
    rows.return?.();
  }
}

/** The big figures' source on a connection: the app's, or a worker's read-only one. */
export function figuresOn(conn: Conn): FiguresSource {
  return {
    learnersByChannel: async (now) => learnersByChannel(conn, now),
    newLearnersByDay: async (since) => newLearnersByDay(conn, since),
    learnersBefore: async (before) => learnersBefore(conn, before),
    activeLearnersByDay: async (since) => activeLearnersByDay(conn, since),
    lessonIdsWithProgress: async () => lessonIdsWithProgress(conn),
    lessonAggregate: async (lessonId) => lessonAggregate(conn, lessonId),
    quizFirstAnswers: async (lessonId) => quizFirstAnswers(conn, lessonId),
    lessonRetention: async (lessonId, mastered) => lessonRetention(conn, lessonId, mastered),
    trackCompleters: async (lessonIds, until) => trackCompleters(conn, lessonIds, until),
    certificatesByTrack: async () => certificatesByTrack(conn),
  };
}
