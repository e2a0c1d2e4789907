import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import type { WebReply } from "../../src/channels/web.js";
import { DAY_MS, vnDateDmy, vnHour } from "../../src/time.js";
import { FIXTURE_RIGHT, FIXTURE_WRONG, joined, optionNumber, startApp, tempDir, webChat } from "../helpers/app.js";
import { describePostgres, dropSchema, POSTGRES_URL, schemaName } from "../helpers/postgres.js";

// Scripted learners through the real app (web chat → inbox → worker → store), on a clock the test moves: a missed
// question comes back the next day with its options in a new order, and the track's test stands before the
// certificate. On SQLite and on PostgreSQL alike.

const TOKEN = "admin-token-for-review-tests-0123";

/** 10:00 in Vietnam on a day not later than today (the clock then moves forward from it). */
function morning(): number {
  let t = Date.now() - DAY_MS;
  while (vnHour(t) !== 10) t -= 3600_000;
  return t;
}

function scenarios(engine: "sqlite" | "postgres") {
  let dir: ReturnType<typeof tempDir>;
  let app: App | undefined;
  let schema: string | undefined;
  let clock = morning();

  beforeEach(async () => {
    dir = tempDir();
    clock = morning();
    schema = engine === "postgres" ? schemaName() : undefined;
    app = await startApp({
      dbPath: `${dir.path}/t.db`,
      env: { ADMIN_TOKEN: TOKEN, ...(engine === "postgres" ? { DATABASE_URL: POSTGRES_URL } : {}) },
      options: { now: () => clock, ...(schema ? { postgres: { schema } } : {}) },
    });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    if (schema) await dropSchema(schema);
    dir.cleanup();
  });

  async function rows<T>(sql: string): Promise<T[]> {
    if (app?.store.kind === "local") return app.db.$client.prepare(sql).all() as T[];
    if (app?.store.kind === "shared") return (await app.store.pg.$client.query(sql)).rows as T[];
    return [];
  }
  const labels = (r: WebReply[]) => r.findLast((x) => x.options?.length)?.options?.map((o) => o.label) ?? [];

  /** Agrees, opens the OTP lesson and reaches its quiz ("Người xưng công an", "Không ai cả", in that order). */
  async function toOtpQuiz(say: (t: string) => Promise<WebReply[]>): Promise<WebReply[]> {
    for (const t of ["xin chào", "1", "1", "1", "tiếp", "đã thấy"]) await say(t);
    const quiz = await say("tiếp");
    expect(labels(quiz)).toEqual(["Người xưng công an", "Không ai cả"]);
    return quiz;
  }

  it("a question answered wrongly twice comes back the next day on “ôn tập”, its options in a new order", async () => {
    const say = webChat(() => app, "learner-review-1");
    await toOtpQuiz(say);
    expect(joined(await say("1"))).toContain("Chưa đúng");
    const done = joined(await say("1"));
    expect(done).toContain("Đáp án đúng là: **Không ai cả**");
    expect(done).toContain("Chúc mừng bác đã học xong bài “Giữ kín mã OTP”");

    // Not due yet today: the learner is told when.
    expect(joined(await say("ôn tập"))).toContain(`Câu ôn tập tiếp theo vào ngày ${vnDateDmy(clock + DAY_MS)}`);

    clock += DAY_MS;
    const review = await say("on tap");
    expect(joined(review)).toContain("Ôn tập (1/1): Ai được hỏi mã OTP của bác?");
    // What the learner notices: the right answer is no longer where it was in the lesson.
    expect(labels(review)).toEqual(["Không ai cả", "Người xưng công an"]);
    expect(labels(await say("nhắc lại"))).toEqual(["Không ai cả", "Người xưng công an"]);
    const answered = joined(await say("1"));
    expect(answered).toContain("Không ai được hỏi mã OTP của bác.");
    expect(answered).toContain("Bác đã ôn xong: đúng 1/1 câu.");

    const [card] = await rows<{ lesson_id: string; step_title: string; due: number | string }>(
      "select lesson_id, step_title, due from review_cards",
    );
    expect(card).toMatchObject({ lesson_id: "ma-otp", step_title: "Ai được hỏi mã OTP của bác?" });
    expect(Number(card?.due)).toBeGreaterThan(clock + DAY_MS);
    const answers = await rows<{ kind: string; correct: number | boolean; first_at: number | string; at: number | string }>(
      "select kind, correct, first_at, at from review_answers",
    );
    expect(answers).toHaveLength(1);
    expect(answers[0]?.kind).toBe("review");
    expect(Number(answers[0]?.at) - Number(answers[0]?.first_at)).toBe(DAY_MS);

    // The dashboard and lessons.csv show it: asked again a day later, answered right.
    const headers = { authorization: `Bearer ${TOKEN}` };
    const html = (await app!.server.inject({ url: "/admin", headers })).body;
    const section = /<section class="card" id="nho-lau">[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
    const otpRow = /<tr><td>&nbsp;&nbsp;Giữ kín mã OTP<\/td>[\s\S]*?<\/tr>/.exec(section)?.[0] ?? "";
    expect(otpRow).toContain('0% <span class="muted">(0/1)</span>'); // first try: wrong
    expect(otpRow).toContain('100% <span class="muted">(1/1)</span>'); // a day later: right
    const csv = (await app!.server.inject({ url: "/admin/reports/lessons.csv", headers })).body.replace(/^\uFEFF/, "").split("\r\n");
    const header = csv[0]?.split(",") ?? [];
    const otp = Object.fromEntries((csv[1]?.split(",") ?? []).map((v, i) => [header[i], v]));
    expect(otp).toMatchObject({
      "Mã bài": "ma-otp",
      "Đúng ngay lần đầu (%)": "0",
      "Số câu hỏi lại sau ≥ 1 ngày": "1",
      "Đúng khi hỏi lại sau ≥ 1 ngày (%)": "100",
      "Số câu hỏi lại sau ≥ 7 ngày": "0",
    });
  });

  it("finishing every lesson but failing the test gives no certificate and says what to review; passing the next day gives it", async () => {
    const say = webChat(() => app, "learner-review-2");
    await toOtpQuiz(say);
    await say("2"); // right at once
    for (const t of ["tiếp", "tiếp"]) await say(t);
    const offer = await say("1"); // the link quiz, right
    expect(joined(offer)).toContain("bài kiểm tra ngắn: 2 câu, cần đúng ít nhất 2 câu");

    let q = await say("1");
    q = await say(optionNumber(q, FIXTURE_WRONG));
    const failed = joined(await say(optionNumber(q, FIXTURE_RIGHT)));
    expect(failed).toContain("Bác đúng 1/2 câu");
    expect(failed).toMatch(/Bác nên ôn lại: “(Giữ kín mã OTP|Nhận biết đường link giả)”/);
    expect(failed).toContain(`Từ ngày ${vnDateDmy(clock + DAY_MS)}`);
    expect(await rows("select * from certificates")).toEqual([]);
    // The same day, the test waits; the day after, it is taken again and passed.
    expect(joined(await say("kiểm tra"))).toContain(`Từ ngày ${vnDateDmy(clock + DAY_MS)}, bác làm lại được`);

    clock += DAY_MS;
    // The question missed in the test is due for review now.
    expect(joined(await say("ôn tập"))).toContain("Ôn tập (1/1)");
    q = await say("menu");
    q = await say("kiểm tra");
    for (let i = 0; i < 2; i++) q = await say(optionNumber(q, FIXTURE_RIGHT));
    expect(joined(q)).toContain("Bác đúng 2/2 câu. Bác đã qua bài kiểm tra!");
    expect(joined(await say("Lan"))).toContain("Người học: Lan");
    expect(await rows("select track_id from certificates")).toEqual([{ track_id: "an-toan" }]);
    const tests = await rows<{ passed: number | boolean }>("select passed from track_tests order by id");
    expect(tests.map((t) => Boolean(t.passed))).toEqual([false, true]);
  });
}

describe("reviews and the track test on SQLite", () => scenarios("sqlite"));
describePostgres("reviews and the track test on PostgreSQL", () => scenarios("postgres"));
