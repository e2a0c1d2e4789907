import type Database from "better-sqlite3";
import type { Db } from "../store/db.js";
import { DAY_MS, VN_OFFSET_MS } from "./format.js";

// Every figure of the dashboard and the reports, as prepared SQL on the raw connection. Aggregates
// read index ranges one lesson at a time (see the notes at each query); the per-row report is
// streamed in primary-key order, so nothing is sorted in memory.

type Conn = Database.Database;
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

/** The app's database, or a raw connection (a read-only one for long reports). */
export type Source = Db | Conn;
const conn = (s: Source): Conn => ("$client" in s ? s.$client : s);

/** Lets webhooks through between two pieces of a long computation (better-sqlite3 is synchronous). */
export const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Vietnam calendar day number of a timestamp column, in SQL (integer division). */
const vnDay = (col: string) => `((${col} + ${VN_OFFSET_MS}) / ${DAY_MS})`;

export interface ChannelStats {
  channel: string;
  total: number;
  new7: number;
  new30: number;
  active7: number;
  active30: number;
  consented: number;
}

/** Learners per channel: everyone, new and active in the last 7 and 30 days. One pass over learners. */
export function learnersByChannel(db: Source, now: number): ChannelStats[] {
  return prep(
    conn(db),
    `select channel, count(*) as total,
       coalesce(sum(created_at >= @d7), 0) as new7, coalesce(sum(created_at >= @d30), 0) as new30,
       coalesce(sum(last_active_at >= @d7), 0) as active7, coalesce(sum(last_active_at >= @d30), 0) as active30,
       coalesce(sum(consent = 1), 0) as consented
     from learners group by channel order by total desc, channel`,
  ).all({ d7: now - 7 * DAY_MS, d30: now - 30 * DAY_MS }) as ChannelStats[];
}

/** Roughly how many progress events there are (the largest id: instant, no scan). */
export function progressEventsAbout(db: Source): number {
  return (prep(conn(db), "select coalesce(max(id), 0) as n from progress_events").get() as { n: number }).n;
}

export interface DayCount {
  /** Vietnam day number (days since 1970-01-01, Vietnam time). */
  day: number;
  n: number;
}

/** New learners per Vietnam day since `since`. (Fast with an index on learners.created_at.) */
export function newLearnersByDay(db: Source, since: number): DayCount[] {
  return prep(
    conn(db),
    `select ${vnDay("created_at")} as day, count(*) as n from learners where created_at >= ? group by day order by day`,
  ).all(since) as DayCount[];
}

export function learnersBefore(db: Source, before: number): number {
  return (prep(conn(db), "select count(*) as n from learners where created_at < ?").get(before) as { n: number }).n;
}

/** Learners who moved forward in a lesson, per Vietnam day. (Fast with an index on progress_events(at, learner_id).) */
export function activeLearnersByDay(db: Source, since: number): DayCount[] {
  return prep(
    conn(db),
    // One row per learner and active day (written with each progress event): no scan of all events.
    "select day, count(*) as n from learner_days where day >= ? group by day order by day",
  ).all(Math.floor((since + VN_OFFSET_MS) / DAY_MS)) as DayCount[];
}

export interface LessonAggregate {
  lessonId: string;
  started: number;
  completed: number;
  /** Learners who started and did not finish, by the highest step they reached. */
  stopped: Map<number, number>;
}

/**
 * Starts, completions and step counts of one lesson: a range of the lesson_progress_lesson index.
 * (Index-only with lesson_progress(lesson_id, status, step_reached).) Callers go lesson by lesson
 * and let the event loop breathe in between, so a big table never blocks webhooks for long.
 */
export function lessonAggregate(db: Source, lessonId: string): LessonAggregate {
  const rows = prep(
    conn(db),
    "select status, step_reached as step, count(*) as n from lesson_progress where lesson_id = ? group by status, step_reached",
  ).all(lessonId) as Array<{ status: string; step: number; n: number }>;
  const agg: LessonAggregate = { lessonId, started: 0, completed: 0, stopped: new Map() };
  for (const r of rows) {
    agg.started += r.n;
    if (r.status === "completed") agg.completed += r.n;
    else agg.stopped.set(r.step, (agg.stopped.get(r.step) ?? 0) + r.n);
  }
  return agg;
}

/** Every lesson id that has progress rows, by hopping through the index (one seek per lesson, no scan). */
export function lessonIdsWithProgress(db: Source): string[] {
  const next = prep(conn(db), "select min(lesson_id) as id from lesson_progress where lesson_id > ?");
  const ids: string[] = [];
  for (let last = ""; ; ) {
    const row = next.get(last) as { id: string | null };
    if (row.id === null) return ids;
    ids.push(row.id);
    last = row.id;
  }
}

/** The most common highest step among learners who stopped (ties: the earlier step). */
export function mostCommonStop(agg: LessonAggregate): { step: number; n: number } | undefined {
  let best: { step: number; n: number } | undefined;
  for (const [step, n] of [...agg.stopped].sort((a, b) => a[0] - b[0])) if (!best || n > best.n) best = { step, n };
  return best;
}

/** How many learners reached each step 1..steps (a completed lesson counts as every step reached). */
export function funnelCounts(agg: LessonAggregate | undefined, steps: number): number[] {
  const counts = new Array<number>(steps).fill(agg?.completed ?? 0);
  // A lesson edited since may have fewer steps than some learner reached.
  for (const [step, n] of agg?.stopped ?? []) for (let k = 1; k <= Math.min(step, steps); k++) counts[k - 1] = (counts[k - 1] ?? 0) + n;
  return counts;
}

/** Median minutes from start to first completion of one lesson: the middle row(s) of its completions. */
export function medianMinutes(db: Source, lessonId: string, completed: number): number | undefined {
  if (completed <= 0) return undefined;
  const rows = prep(
    conn(db),
    `select completed_at - started_at as d from lesson_progress
     where lesson_id = ? and status = 'completed' and completed_at is not null order by completed_at - started_at limit 2 offset ?`,
  ).all(lessonId, Math.floor((completed - 1) / 2)) as Array<{ d: number }>;
  const [a, b] = rows;
  if (!a) return undefined;
  const ms = completed % 2 === 1 || !b ? a.d : (a.d + b.d) / 2;
  return Math.max(0, ms) / 60_000;
}

export interface QuestionStats {
  lessonId: string;
  stepIndex: number;
  /** Learners who answered the question at least once. */
  answered: number;
  /** …whose very first answer was right. */
  right: number;
}

/**
 * One lesson's quiz questions by share of right first answers. A learner's first answer is their
 * earliest attempt-1 row for the question (SQLite gives the bare column of the min(id) row), so a
 * second pass through a lesson does not inflate the figure. A range of quiz_attempts_lesson;
 * index-only with quiz_attempts(lesson_id, step_index, learner_id, attempt, correct).
 */
export function quizFirstAnswers(db: Source, lessonId: string): QuestionStats[] {
  return prep(
    conn(db),
    `select ? as lessonId, step_index as stepIndex, count(*) as answered, coalesce(sum(correct), 0) as right from (
       select step_index, correct, min(id) from quiz_attempts where lesson_id = ? and attempt = 1 group by step_index, learner_id)
     group by step_index order by step_index`,
  ).all(lessonId, lessonId) as QuestionStats[];
}

export interface ContentGap {
  question: string;
  /** Times asked (identical redacted text) in the period. */
  asked: number;
  thumbsDown: number;
  unanswered: number;
  lastAt: number;
  lessonId: string | null;
}

/**
 * Questions that got a 👎 or no lesson to answer from (stored redacted by the question pipeline),
 * most asked first. Range scan on qa_questions_created. Self-harm questions (flagged) are counted
 * apart and never listed here.
 */
export function contentGaps(db: Source, since: number, limit: number): ContentGap[] {
  return prep(
    conn(db),
    `select question, count(*) as asked, coalesce(sum(feedback = -1), 0) as thumbsDown, coalesce(sum(grounded = 0), 0) as unanswered,
       max(created_at) as lastAt, max(lesson_id) as lessonId
     from qa_questions where created_at >= ? and flagged = 0 and (feedback = -1 or grounded = 0)
     group by question order by asked desc, lastAt desc limit ?`,
  ).all(since, limit) as ContentGap[];
}

export function questionTotals(db: Source, since: number): { asked: number; gaps: number; flagged: number } {
  return prep(
    conn(db),
    `select count(*) as asked, coalesce(sum(flagged = 0 and (feedback = -1 or grounded = 0)), 0) as gaps, coalesce(sum(flagged), 0) as flagged
     from qa_questions where created_at >= ?`,
  ).get(since) as { asked: number; gaps: number; flagged: number };
}

export interface RecentLearner {
  id: number;
  channel: string;
  createdAt: number;
  lastActiveAt: number;
  completed: number;
  inProgress: number;
}

/** The most recently active learners, with their lesson counts (primary-key lookups in lesson_progress). */
export function recentLearners(db: Source, limit: number): RecentLearner[] {
  return prep(
    conn(db),
    `select l.id, l.channel, l.created_at as createdAt, l.last_active_at as lastActiveAt,
       (select count(*) from lesson_progress p where p.learner_id = l.id and p.status = 'completed') as completed,
       (select count(*) from lesson_progress p where p.learner_id = l.id and p.status = 'in_progress') as inProgress
     from learners l order by l.last_active_at desc, l.id desc limit ?`,
  ).all(limit) as RecentLearner[];
}

/**
 * Learners who completed every one of `lessonIds` (a track), the last of them no later than `until`.
 * Range scans of the lesson_progress_lesson index, one per lesson.
 */
/**
 * Learners who completed every lesson of a track by `until`: `people` through Telegram and Zalo (an account is a
 * person's phone), `web` through the web chat, whose ids anyone can make up — counted apart, never toward a target.
 */
export function trackCompleters(db: Source, lessonIds: readonly string[], until: number): { people: number; web: number } {
  if (lessonIds.length === 0) return { people: 0, web: 0 };
  const row = prep(
    conn(db),
    `select coalesce(sum(l.channel <> 'web'), 0) as people, coalesce(sum(l.channel = 'web'), 0) as web from (
       select learner_id from lesson_progress
       where lesson_id in (select value from json_each(?)) and status = 'completed'
       group by learner_id having count(*) = ? and max(completed_at) <= ?) c
     join learners l on l.id = c.learner_id`,
  ).get(JSON.stringify(lessonIds), lessonIds.length, until) as { people: number; web: number };
  return row;
}

export function certificatesByTrack(db: Source): Array<{ trackId: string; trackTitle: string; n: number }> {
  return prep(
    conn(db),
    "select track_id as trackId, max(track_title) as trackTitle, count(*) as n from certificates group by track_id order by n desc",
  ).all() as Array<{ trackId: string; trackTitle: string; n: number }>;
}

export function recentAnnouncements(db: Source, limit: number): Array<{ text: string; recipients: number; createdAt: number }> {
  return prep(conn(db), "select text, recipients, created_at as createdAt from announcements order by id desc limit ?").all(
    limit,
  ) as Array<{
    text: string;
    recipients: number;
    createdAt: number;
  }>;
}

export interface ProgressRow {
  learnerId: number;
  channel: string;
  lessonId: string;
  status: "in_progress" | "completed";
  stepReached: number;
  startedAt: number;
  completedAt: number | null;
  /** Questions answered in this lesson (each counted once). */
  answered: number;
  /** …of which the first answer was right. */
  right: number;
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
