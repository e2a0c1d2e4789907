import { afterAll, beforeAll, expect, it } from "vitest";
import { computeHeavy } from "../../../src/admin/heavy.js";
import type { AdminStore, HeavyRequest, ProgressRow } from "../../../src/admin/ports.js";
import { sqliteAdminStore } from "../../../src/store/admin.js";
import { closeDatabase, type Db, openDatabase } from "../../../src/store/db.js";
import { postgresAdminStore } from "../../../src/store/postgres/admin.js";
import { closePostgres, openPostgres, type PgDb } from "../../../src/store/postgres/db.js";
import { vnDayNumber } from "../../../src/time.js";
import { tempDir } from "../../helpers/app.js";
import { describePostgres, dropSchema, POSTGRES_URL, schemaName } from "../../helpers/postgres.js";

// The admin figures on both engines from the same rows: every figure the dashboard and the reports read must come out
// the same on SQLite and on PostgreSQL (Vietnam days at midnight, first answers, medians, byte order of lesson ids,
// booleans), and be the right one.

const NOW = Date.UTC(2026, 10, 22, 5, 0); // noon in Vietnam, 22/11/2026
const DAY = 86_400_000;
const MIN = 60_000;
const TODAY = vnDayNumber(NOW);
/** 23:59:59.999 and 00:00 in Vietnam, either side of midnight before TODAY. */
const LAST_MS_OF_YESTERDAY = Date.UTC(2026, 10, 21, 16, 59, 59, 999);
const FIRST_MS_OF_TODAY = Date.UTC(2026, 10, 21, 17, 0);

type Run = (sql: string, ...params: unknown[]) => Promise<void>;

/** The same rows in either engine (`?` placeholders; booleans as 0/1, which PostgreSQL reads as false/true). */
async function seed(run: Run): Promise<void> {
  const learner = (id: number, channel: string, consent: number | null, created: number, active: number) =>
    run(
      "insert into learners (id, channel, channel_user_id, chat_id, consent, created_at, last_active_at) values (?, ?, ?, ?, ?, ?, ?)",
      id,
      channel,
      `u${id}`,
      `c${id}`,
      consent,
      created,
      active,
    );
  await learner(1, "telegram", 1, NOW - 3 * DAY, NOW - DAY);
  await learner(2, "zalo", 1, NOW - 20 * DAY, NOW - 10 * DAY);
  await learner(3, "web", 0, NOW - 100 * DAY, NOW - 2 * DAY);
  await learner(4, "telegram", null, NOW - 400 * DAY, NOW - 400 * DAY);
  await learner(5, "web", 1, LAST_MS_OF_YESTERDAY, LAST_MS_OF_YESTERDAY);
  await learner(6, "web", 1, FIRST_MS_OF_TODAY, FIRST_MS_OF_TODAY);

  for (const [day, id] of [
    [TODAY, 1],
    [TODAY, 3],
    [TODAY - 1, 1],
    [TODAY - 10, 2],
  ])
    await run("insert into learner_days (day, learner_id) values (?, ?)", day, id);

  const progress = (id: number, lesson: string, status: string, step: number, started: number, completed: number | null) =>
    run(
      "insert into lesson_progress (learner_id, lesson_id, status, step_reached, started_at, completed_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)",
      id,
      lesson,
      status,
      step,
      started,
      completed,
      completed ?? started,
    );
  await progress(1, "b-lesson", "completed", 3, NOW - 3 * DAY, NOW - 3 * DAY + 10 * MIN);
  await progress(1, "a-lesson", "in_progress", 2, NOW - 3 * DAY, null);
  await progress(2, "b-lesson", "completed", 3, NOW - 20 * DAY, NOW - 20 * DAY + 20 * MIN);
  await progress(2, "Z-upper", "in_progress", 1, NOW - 20 * DAY, null);
  await progress(3, "b-lesson", "completed", 3, NOW - 2 * DAY, NOW - 2 * DAY + 40 * MIN);
  await progress(3, "a-lesson", "completed", 2, NOW - 2 * DAY, NOW - 2 * DAY + 5 * MIN);
  await progress(4, "a-lesson", "in_progress", 2, NOW - 400 * DAY, null);
  await progress(5, "a-lesson", "in_progress", 1, LAST_MS_OF_YESTERDAY, null);

  // Learner 1 answers step 3 wrong then right, and right on a second pass: their first answer stays the wrong one.
  for (const [id, learnerId, step, attempt, correct] of [
    [1, 1, 3, 1, 0],
    [2, 1, 3, 2, 1],
    [3, 2, 3, 1, 1],
    [4, 3, 3, 1, 1],
    [5, 1, 3, 1, 1],
    [6, 1, 2, 1, 1],
  ])
    await run(
      "insert into quiz_attempts (id, learner_id, lesson_id, step_index, attempt, option_index, correct, at) values (?, ?, 'b-lesson', ?, ?, 0, ?, ?)",
      id,
      learnerId,
      step,
      attempt,
      correct,
      NOW - DAY,
    );

  // Questions asked again: 1 day after the first answer (right), 8 days after (one wrong, one right), the same day
  // (not counted), and one whose first answer was not kept (not counted).
  for (const [learnerId, correct, firstAt, at] of [
    [1, 1, NOW - 10 * DAY, NOW - 9 * DAY],
    [1, 0, NOW - 10 * DAY, NOW - 2 * DAY],
    [2, 1, NOW - 10 * DAY, NOW - 2 * DAY],
    [2, 1, NOW - 10 * DAY, NOW - 10 * DAY + 3600_000],
    [3, 0, null, NOW - DAY],
  ])
    await run(
      "insert into review_answers (learner_id, lesson_id, step_index, kind, correct, first_at, at) values (?, 'b-lesson', 3, 'review', ?, ?, ?)",
      learnerId,
      correct,
      firstAt,
      at,
    );
  for (const [learnerId, p] of [
    [1, 0.97],
    [2, 0.5],
    [3, 0.96],
  ])
    await run("insert into lesson_mastery (learner_id, lesson_id, p_known, updated_at) values (?, 'b-lesson', ?, ?)", learnerId, p, NOW);

  const question = (
    learnerId: number | null,
    text: string,
    lesson: string | null,
    grounded: number,
    feedback: number | null,
    flagged: number,
    at: number,
  ) =>
    run(
      "insert into qa_questions (learner_id, channel, question, action, rule, lesson_id, source, grounded, feedback, flagged, created_at) values (?, 'telegram', ?, 'answer', 'none', ?, 'lessons', ?, ?, ?, ?)",
      learnerId,
      text,
      lesson,
      grounded,
      feedback,
      flagged,
      at,
    );
  await question(null, "Q một", null, 0, null, 0, NOW - 1 * 3600_000);
  await question(1, "Q một", "a-lesson", 1, -1, 0, NOW - 2 * 3600_000);
  await question(2, "Q hai", "b-lesson", 1, -1, 0, NOW - 3 * 3600_000);
  await question(2, "Q ba", null, 1, 1, 0, NOW - 3600_000);
  await question(3, "tự hại", null, 0, null, 1, NOW - 3600_000);
  await question(1, "Q cũ", null, 0, null, 0, NOW - 40 * DAY);

  for (const [code, learnerId, track, title] of [
    ["CODE0001", 1, "an-toan", "An toàn trên mạng"],
    ["CODE0002", 2, "an-toan", "An toàn trên mạng"],
    ["CODE0003", 3, "ai", "Dùng AI"],
  ])
    await run(
      "insert into certificates (code, learner_id, track_id, track_title, first_name, issued_at) values (?, ?, ?, ?, null, ?)",
      code,
      learnerId,
      track,
      title,
      NOW,
    );

  for (let i = 1; i <= 6; i++)
    await run(
      "insert into announcements (text, recipients, created_at) values (?, ?, ?)",
      `Thông báo ${i}`,
      i * 10,
      NOW - (6 - i) * 3600_000,
    );

  const outbox = (status: string, lastError: string | null, created: number) =>
    run(
      "insert into outbox (channel, chat_id, method, params, status, attempts, next_attempt_at, last_error, created_at) values ('telegram', 'c1', 'reply', '{}', ?, 0, ?, ?, ?)",
      status,
      created,
      lastError,
      created,
    );
  await outbox("pending", null, NOW - 30_000);
  await outbox("pending", null, NOW - 10_000);
  await outbox("failed", "blocked", NOW - DAY);
  await outbox("cancelled", "blocked", NOW - DAY);
  await outbox("failed", null, NOW - DAY);
  await outbox("sent", null, NOW - DAY);
  await run(
    "insert into inbox (channel, message_key, user_key, chat_id, text, received_at) values ('telegram', 'm1', 'u1', 'c1', 'x', ?)",
    NOW,
  );

  // Hand-off tickets: an old closed one (out of the period), an old one still open, a recent one answered and closed.
  const ticket = (id: number, learnerId: number, lesson: string | null, step: number | null, reason: string, times: Array<number | null>) =>
    run(
      "insert into tickets (id, learner_id, reason, lesson_id, step, opened_at, answered_at, closed_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
      id,
      learnerId,
      reason,
      lesson,
      step,
      ...times,
    );
  await ticket(1, 1, "a-lesson", 2, "asked", [NOW - 40 * DAY, NOW - 40 * DAY + 5 * MIN, NOW - 40 * DAY + 30 * MIN]);
  await ticket(2, 2, null, null, "scam", [NOW - 50 * DAY, null, null]);
  await ticket(3, 3, "b-lesson", 1, "no_lesson", [NOW - DAY, NOW - DAY + 12 * MIN, NOW - DAY + 40 * MIN]);
}

async function allRows(store: AdminStore, pageRows?: number): Promise<{ pages: number; rows: ProgressRow[] }> {
  let pages = 0;
  const rows: ProgressRow[] = [];
  for await (const page of store.progressRows(pageRows)) {
    pages++;
    rows.push(...page);
  }
  return { pages, rows };
}

describePostgres("the admin figures, the same on SQLite and PostgreSQL", () => {
  const dir = tempDir("bdhai-admin-engines-");
  const schema = schemaName();
  let sqlite: Db;
  let pg: PgDb;
  let lite: AdminStore;
  let post: AdminStore;

  beforeAll(async () => {
    sqlite = openDatabase(`${dir.path}/a.db`);
    pg = await openPostgres(POSTGRES_URL, { schema, max: 4 });
    await seed(async (sql, ...params) => {
      sqlite.$client.prepare(sql).run(...params);
    });
    await seed(async (sql, ...params) => {
      let n = 0;
      await pg.$client.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      );
    });
    lite = sqliteAdminStore(sqlite);
    post = postgresAdminStore(pg);
  });
  afterAll(async () => {
    if (sqlite) await closeDatabase(sqlite);
    if (pg) await closePostgres(pg);
    await dropSchema(schema);
    dir.cleanup();
  });

  /** The figure from both engines: equal, and returned for its own checks. */
  async function both<T>(read: (s: AdminStore) => Promise<T>): Promise<T> {
    const onSqlite = await read(lite);
    expect(await read(post)).toEqual(onSqlite);
    return onSqlite;
  }

  it("learners by channel, new per Vietnam day (either side of midnight), before, and active per day", async () => {
    expect(await both((s) => s.learnersByChannel(NOW))).toEqual([
      { channel: "web", total: 3, new7: 2, new30: 2, active7: 3, active30: 3, consented: 2 },
      { channel: "telegram", total: 2, new7: 1, new30: 1, active7: 1, active30: 1, consented: 1 },
      { channel: "zalo", total: 1, new7: 0, new30: 1, active7: 0, active30: 1, consented: 1 },
    ]);
    expect(await both((s) => s.newLearnersByDay(NOW - 30 * DAY))).toEqual([
      { day: vnDayNumber(NOW - 20 * DAY), n: 1 },
      { day: vnDayNumber(NOW - 3 * DAY), n: 1 },
      { day: TODAY - 1, n: 1 },
      { day: TODAY, n: 1 },
    ]);
    expect(await both((s) => s.learnersBefore(NOW - 30 * DAY))).toBe(2);
    expect(await both((s) => s.activeLearnersByDay(NOW - 30 * DAY))).toEqual([
      { day: TODAY - 10, n: 1 },
      { day: TODAY - 1, n: 1 },
      { day: TODAY, n: 2 },
    ]);
  });

  it("lessons: ids in byte order, starts and stops, first answers only, medians, track completers", async () => {
    expect(await both((s) => s.lessonIdsWithProgress())).toEqual(["Z-upper", "a-lesson", "b-lesson"]);
    expect(await both((s) => s.lessonAggregate("a-lesson"))).toEqual({
      lessonId: "a-lesson",
      started: 4,
      completed: 1,
      stopped: new Map([
        [1, 1],
        [2, 2],
      ]),
    });
    expect(await both((s) => s.lessonAggregate("none"))).toEqual({ lessonId: "none", started: 0, completed: 0, stopped: new Map() });
    expect(await both((s) => s.quizFirstAnswers("b-lesson"))).toEqual([
      { lessonId: "b-lesson", stepIndex: 2, answered: 1, right: 1 },
      { lessonId: "b-lesson", stepIndex: 3, answered: 3, right: 2 },
    ]);
    // 10, 20 and 40 minutes: the middle one; of the first two, their mean.
    expect(await both((s) => s.medianMinutes("b-lesson", 3))).toBe(20);
    expect(await both((s) => s.medianMinutes("b-lesson", 2))).toBe(15);
    expect(await both((s) => s.medianMinutes("b-lesson", 0))).toBeUndefined();
    expect(await both((s) => s.trackCompleters(["a-lesson", "b-lesson"], NOW))).toEqual({ people: 0, web: 1 });
    expect(await both((s) => s.trackCompleters(["b-lesson"], NOW))).toEqual({ people: 2, web: 1 });
    expect(await both((s) => s.trackCompleters(["b-lesson"], NOW - 3 * DAY))).toEqual({ people: 1, web: 0 });
    expect(await both((s) => s.trackCompleters([], NOW))).toEqual({ people: 0, web: 0 });
    expect(await both((s) => s.certificatesByTrack())).toEqual([
      { trackId: "an-toan", trackTitle: "An toàn trên mạng", n: 2 },
      { trackId: "ai", trackTitle: "Dùng AI", n: 1 },
    ]);
  });

  it("what learners kept: answers asked again ≥ 1 and ≥ 7 Vietnam days after the first, and learners past mastery", async () => {
    expect(await both((s) => s.lessonRetention("b-lesson", 0.95))).toEqual({
      lessonId: "b-lesson",
      after1: { answered: 3, right: 2 },
      after7: { answered: 2, right: 1 },
      learners: 3,
      mastered: 2,
    });
    expect(await both((s) => s.lessonRetention("a-lesson", 0.95))).toEqual({
      lessonId: "a-lesson",
      after1: { answered: 0, right: 0 },
      after7: { answered: 0, right: 0 },
      learners: 0,
      mastered: 0,
    });
  });

  it("hand-off tickets: those still open and those opened in the period, newest first, with their learner's channel", async () => {
    expect(await both((s) => s.tickets(NOW - 30 * DAY, 10))).toEqual([
      {
        id: 3,
        learnerId: 3,
        channel: "web",
        lessonId: "b-lesson",
        step: 1,
        reason: "no_lesson",
        openedAt: NOW - DAY,
        answeredAt: NOW - DAY + 12 * MIN,
        closedAt: NOW - DAY + 40 * MIN,
      },
      {
        id: 2,
        learnerId: 2,
        channel: "zalo",
        lessonId: null,
        step: null,
        reason: "scam",
        openedAt: NOW - 50 * DAY,
        answeredAt: null,
        closedAt: null,
      },
    ]);
    expect((await both((s) => s.tickets(0, 10))).map((t) => t.id)).toEqual([3, 2, 1]);
  });

  it("questions without a good answer, recent learners, announcements and the queues", async () => {
    expect(await both((s) => s.questionTotals(NOW - 30 * DAY))).toEqual({ asked: 5, gaps: 3, flagged: 1 });
    expect(await both((s) => s.contentGaps(NOW - 30 * DAY, 50))).toEqual([
      { question: "Q một", asked: 2, thumbsDown: 1, unanswered: 1, lastAt: NOW - 3600_000, lessonId: "a-lesson" },
      { question: "Q hai", asked: 1, thumbsDown: 1, unanswered: 0, lastAt: NOW - 3 * 3600_000, lessonId: "b-lesson" },
    ]);
    expect(await both((s) => s.recentLearners(3))).toEqual([
      { id: 6, channel: "web", createdAt: FIRST_MS_OF_TODAY, lastActiveAt: FIRST_MS_OF_TODAY, completed: 0, inProgress: 0 },
      { id: 5, channel: "web", createdAt: LAST_MS_OF_YESTERDAY, lastActiveAt: LAST_MS_OF_YESTERDAY, completed: 0, inProgress: 1 },
      { id: 1, channel: "telegram", createdAt: NOW - 3 * DAY, lastActiveAt: NOW - DAY, completed: 1, inProgress: 1 },
    ]);
    expect((await both((s) => s.recentAnnouncements(5))).map((a) => [a.text, a.recipients])).toEqual([
      ["Thông báo 6", 60],
      ["Thông báo 5", 50],
      ["Thông báo 4", 40],
      ["Thông báo 3", 30],
      ["Thông báo 2", 20],
    ]);
    // With a two-day reply window on Telegram and Zalo: learner 4 (400 days quiet) and the Zalo learner (10) are past it.
    expect(await both((s) => s.queues(NOW, { telegram: 2 * DAY, zalo: 2 * DAY }))).toEqual({
      inbox: 1,
      pending: 2,
      oldestPendingAt: NOW - 30_000,
      failed: [
        { reason: "blocked", n: 2 },
        { reason: "không rõ", n: 1 },
      ],
      windows: [
        { channel: "telegram", learners: 2, outside: 1 },
        { channel: "zalo", learners: 1, outside: 1 },
      ],
    });
  });

  it("the progress report's rows, in pages of any size, by learner then lesson, with first-answer scores", async () => {
    const whole = await both(async (s) => (await allRows(s)).rows);
    expect(whole.map((r) => `${r.learnerId} ${r.lessonId}`)).toEqual([
      "1 a-lesson",
      "1 b-lesson",
      "2 Z-upper",
      "2 b-lesson",
      "3 a-lesson",
      "3 b-lesson",
      "4 a-lesson",
      "5 a-lesson",
    ]);
    expect(whole[1]).toEqual({
      learnerId: 1,
      channel: "telegram",
      lessonId: "b-lesson",
      status: "completed",
      stepReached: 3,
      startedAt: NOW - 3 * DAY,
      completedAt: NOW - 3 * DAY + 10 * MIN,
      answered: 2,
      right: 1,
    });
    expect(whole[0]).toMatchObject({ status: "in_progress", completedAt: null, answered: 0, right: 0 });
    for (const store of [lite, post]) {
      const paged = await allRows(store, 2);
      expect(paged.rows).toEqual(whole);
      expect(paged.pages).toBeGreaterThan(2);
    }
    // A reader that stops early (a client gone) can start again.
    for await (const _ of post.progressRows(2)) break;
    for await (const _ of lite.progressRows(2)) break;
    expect((await allRows(post)).rows).toHaveLength(8);
  });

  it("the whole computation of the big figures: on a SQLite worker thread and on PostgreSQL alike", async () => {
    const req: HeavyRequest = {
      lessonIds: ["a-lesson", "b-lesson", "c-lesson"],
      tracks: [
        { id: "t1", lessonIds: ["a-lesson", "b-lesson"] },
        { id: "t2", lessonIds: ["c-lesson"] },
      ],
      targets: [{ track: "t1", until: NOW }],
      now: NOW,
    };
    expect(lite.offThread).toBeDefined();
    expect(post.offThread).toBeUndefined();
    const onWorker = await lite.offThread?.compute(req);
    const onPostgres = await computeHeavy(post, req, async () => undefined);
    expect(onPostgres).toEqual(onWorker);
    expect(onPostgres).toEqual(await computeHeavy(lite, req, async () => undefined));
    expect([...onPostgres.figures.lessons.keys()]).toEqual(["a-lesson", "b-lesson", "c-lesson", "Z-upper"]);
    expect(onPostgres.figures.trackFinishers).toEqual(
      new Map([
        ["t1", 1],
        ["t2", 0],
      ]),
    );
    expect(onPostgres.figures.targetWeb).toEqual([1]);
    expect(onPostgres.overTime.before).toBe(1);
  });

  it("keeps one install secret per name, the same from every connection", async () => {
    const salt = await both((s) => s.installSecret("pseudonym_salt").then((v) => v.length));
    expect(salt).toBe(64);
    const first = await post.installSecret("x");
    const other = await openPostgres(POSTGRES_URL, { schema, max: 1 });
    try {
      expect(await postgresAdminStore(other).installSecret("x")).toBe(first);
    } finally {
      await closePostgres(other);
    }
    expect(await post.installSecret("y")).not.toBe(first);
  });
});
