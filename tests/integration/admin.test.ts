import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AdminDeps, pseudonym, registerAdmin, registerVerify } from "../../src/admin/index.js";
import type { AdminStore } from "../../src/admin/ports.js";
import { pseudonymizer } from "../../src/admin/pseudonym.js";
import { csvField } from "../../src/admin/reports.js";
import { barChart, funnelChart, lineChart, wrap } from "../../src/admin/svg.js";
import { readTargets } from "../../src/admin/targets.js";
import type { App } from "../../src/app.js";
import { loadCurriculum } from "../../src/curriculum/load.js";
import { sqliteAdminStore } from "../../src/store/admin.js";
import { closeDatabase, openDatabase } from "../../src/store/db.js";
import { postgresAdminStore } from "../../src/store/postgres/admin.js";
import { closePostgres, openPostgres } from "../../src/store/postgres/db.js";
import { certificateByCode } from "../../src/store/repo.js";
import { eventually, FIXTURE_CURRICULUM, startApp, tempDir } from "../helpers/app.js";
import { startFakeTelegram, tgText } from "../helpers/fake-telegram.js";
import { describePostgres, dropSchema, POSTGRES_URL, schemaName } from "../helpers/postgres.js";

const TOKEN = "admin-token-for-tests-0123456789";
const SECRET = "tg_secret_for_tests";
// Distinctive raw ids, so "never in an admin response" cannot pass by accident.
const TG_DONE = 918273645;
const TG_HALF = 918273646;
const WEB_USER = "webuser-raw-7f3a9c2d";
const RAW_IDS = [String(TG_DONE), String(TG_HALF), WEB_USER];
const BEARER = { authorization: `Bearer ${TOKEN}` };

/** RFC 4180 reader for the reports (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

function csvOf(res: LightMyRequestResponse): { raw: Buffer; header: string[]; rows: Record<string, string>[] } {
  const raw = res.rawPayload;
  const text = raw.toString("utf8").replace(/^\uFEFF/, "");
  const [header = [], ...rest] = parseCsv(text);
  return { raw, header, rows: rest.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""]))) };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A chart row: its label, its bar(s), then its figure. */
const chartRow = (label: string, figure: string) =>
  new RegExp(`>${escapeRe(label)}</tspan></text>(?:<rect[^>]*/>)+<text class="val"[^>]*>${escapeRe(figure)}</text>`);

const noRawIds = (body: string) => {
  for (const id of RAW_IDS) expect(body).not.toContain(id);
};

/** A statement on whichever store the app runs (`?` placeholders): to set up and check what an admin sees. */
async function rows<T = Record<string, unknown>>(app: App, text: string, ...params: unknown[]): Promise<T[]> {
  if (app.store.kind === "local") {
    const stmt = app.db.$client.prepare(text);
    if (stmt.reader) return stmt.all(...params) as T[];
    stmt.run(...params);
    return [];
  }
  let n = 0;
  return (
    await app.store.pg.$client.query(
      text.replace(/\?/g, () => `$${++n}`),
      params,
    )
  ).rows as T[];
}

/** The same admin scenarios on both stores: what an admin sees must not depend on where the data lives. */
function scenarios(engine: "sqlite" | "postgres") {
  const dir = tempDir("bdhai-admin-");
  const dbPath = `${dir.path}/admin.db`;
  const schema = engine === "postgres" ? schemaName() : undefined;
  let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
  let app: App;
  let admin: FastifyInstance;
  let wired = false;
  let ids: { done: number; half: number; web: number };
  /** Learners' pseudonyms, as the admin pages and reports name them. */
  let pseudo: (learnerId: number) => string;
  const announced: string[] = [];

  const post = (update: unknown) =>
    app.server.inject({
      method: "POST",
      url: "/webhooks/telegram",
      payload: JSON.stringify(update),
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    });
  const tg = async (user: number, texts: string[]) => {
    for (const t of texts) expect((await post(tgText(user, t))).statusCode).toBe(200);
  };
  const web = async (texts: string[]) => {
    let n = 0;
    for (const text of texts) {
      const res = await app.server.inject({ method: "POST", url: "/api/chat", payload: { userId: WEB_USER, messageId: `m${++n}`, text } });
      expect(res.statusCode).toBe(200);
    }
  };
  const idOf = async (key: string) =>
    (await rows<{ id: number }>(app, "select id from learners where channel_user_id = ?", key))[0]?.id ?? -1;
  const progress = async (key: string) =>
    (
      await rows<{ status: string; step: number }>(
        app,
        "select p.status, p.step_reached as step from lesson_progress p join learners l on l.id = p.learner_id where l.channel_user_id = ?",
        key,
      )
    )[0];

  beforeAll(async () => {
    fake = await startFakeTelegram();
    app = await startApp({
      dbPath,
      env: {
        TELEGRAM_BOT_TOKEN: "123456:TEST-token",
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_ROOT: fake.url,
        ADMIN_TOKEN: TOKEN,
        ...(engine === "postgres" ? { DATABASE_URL: POSTGRES_URL } : {}),
      },
      ...(schema ? { options: { postgres: { schema } } } : {}),
    });
    expect(app.store.kind).toBe(engine === "postgres" ? "shared" : "local");
    await app.server.ready();
    wired = app.server.hasRoute({ method: "GET", url: "/admin" });
    if (wired) admin = app.server;
    else {
      // Until the server registers the admin routes itself: the same plugin on the same database.
      admin = Fastify();
      registerAdmin(admin, {
        store: app.store.admin,
        adminToken: TOKEN,
        targetsFile: `${dir.path}/targets.yaml`,
        curriculum: () => app.curriculum.current(),
        curriculumStatus: () => app.curriculum.lastReload,
        announce: async (text) => {
          announced.push(text);
          return 2;
        },
      });
      registerVerify(admin, { certificates: app.store.certificates });
      await admin.ready();
    }

    // One learner finishes "Giữ kín mã OTP" on Telegram (wrong, then right quiz answer)…
    await tg(TG_DONE, ["/start", "1", "1", "1", "1", "1", "tiếp", "1", "2"]);
    // …another stops halfway, at the checkpoint (step 2 of 4)…
    await tg(TG_HALF, ["/start", "1", "1", "1", "1"]);
    // …and one finishes it on the web chat, right at the first try.
    await web(["/start", "1", "1", "1", "1", "1", "xong", "2"]);
    await eventually(async () => {
      expect(await progress(String(TG_DONE))).toEqual({ status: "completed", step: 4 });
      expect(await progress(String(TG_HALF))).toEqual({ status: "in_progress", step: 2 });
      expect(await rows(app, "select count(*) as n from inbox")).toEqual([{ n: 0 }]);
    }, 15_000);
    expect(await progress(WEB_USER)).toEqual({ status: "completed", step: 4 });
    ids = { done: await idOf(String(TG_DONE)), half: await idOf(String(TG_HALF)), web: await idOf(WEB_USER) };
    pseudo = await pseudonymizer(app.store.admin);

    // Questions the lessons could not answer (stored redacted by the question pipeline).
    const question = (...values: unknown[]) =>
      rows(
        app,
        "insert into qa_questions (learner_id, channel, question, action, rule, source, grounded, feedback, created_at) values (?, 'telegram', ?, 'answer', 'none', ?, ?, ?, ?)",
        ...values,
      );
    await question(null, "Đổi số điện thoại [số điện thoại] trên VNeID thế nào?", "fixed", 0, null, Date.now());
    await question(ids.half, "Mã QR của điện lực có thật không?", "lessons", 1, -1, Date.now());
  }, 60_000);

  afterAll(async () => {
    if (!wired) await admin?.close();
    await app?.close();
    await fake?.close();
    if (schema) await dropSchema(schema);
    dir.cleanup();
  });

  it("answers 401 without credentials and 403 with a wrong token, on the dashboard and the reports", async () => {
    for (const url of ["/admin", "/admin/reports/progress.csv", "/admin/reports/lessons.csv"]) {
      const none = await admin.inject({ url });
      expect(none.statusCode).toBe(401);
      expect(none.json()).toMatchObject({ error: "unauthorized" });
      noRawIds(none.body);
      const wrong = await admin.inject({ url, headers: { authorization: `Bearer ${TOKEN}x` }, remoteAddress: "10.1.0.1" });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.body).not.toContain("Giữ kín");
    }
    // A browser gets the login form (still 401), not JSON.
    const page = await admin.inject({ url: "/admin", headers: { accept: "text/html,application/xhtml+xml" } });
    expect(page.statusCode).toBe(401);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain('action="/admin/login"');
    expect(page.body).not.toContain("Giữ kín");
    expect(page.headers["content-security-policy"]).toContain("default-src 'none'");
  });

  it("with the token, the dashboard shows the learners and lessons that really happened, charts included", async () => {
    const res = await admin.inject({ url: "/admin", headers: BEARER });
    expect(res.statusCode).toBe(200);
    const html = res.body;
    noRawIds(html);
    expect(html).toContain("Giữ kín mã OTP");
    for (const id of Object.values(ids)) expect(html).toContain(pseudo(id));
    expect((html.match(/<svg class="chart"/g) ?? []).length).toBeGreaterThanOrEqual(5);
    expect(html).toMatch(/<title id="chart-channels-t">Người học theo kênh<\/title>/);
    expect(html).toContain("Telegram: 2 người");
    expect(html).toContain("Trang web: 1 người");
    // The funnel of the lesson: 3 started, 3 reached the checkpoint, 2 went on and finished.
    const funnel = /<svg class="chart" id="chart-funnel-ma-otp"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? "";
    expect(funnel).toContain("3 người bắt đầu, 2 người học xong");
    expect(funnel).toMatch(chartRow("Bắt đầu bài", "3 · 100%"));
    expect(funnel).toMatch(chartRow("1. Bước: Hiểu mã OTP", "3 · 100%"));
    expect(funnel).toMatch(chartRow("2. Kiểm tra: Bác đã thấy tin nhắn có mã OTP chưa?", "3 · 100%"));
    expect(funnel).toMatch(chartRow("3. Bước: Không đọc mã cho ai", "2 · 66,7%"));
    expect(funnel).toMatch(chartRow("4. Câu hỏi: Ai được hỏi mã OTP của bác?", "2 · 66,7%"));
    expect(funnel).toMatch(chartRow("Học xong", "2 · 66,7%"));
    // First answers: one wrong (Telegram), one right (web).
    expect(html).toMatch(chartRow("Giữ kín mã OTP — Ai được hỏi mã OTP của bác?", "50% · 1/2"));
    // Content gaps, redacted.
    expect(html).toContain("Đổi số điện thoại [số điện thoại] trên VNeID thế nào?");
    expect(html).toContain("Mã QR của điện lực có thật không?");
    // The curriculum's health.
    expect(html).toContain("Tình trạng nội dung bài học");
    expect(html).toContain('<span class="pill ok">Tốt</span>');
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(res.headers["content-security-policy"]).not.toContain("unsafe-inline");
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("progress.csv: UTF-8 with BOM, CRLF, Vietnamese headers, pseudonymous ids and quiz scores", async () => {
    const res = await admin.inject({ url: "/admin/reports/progress.csv", headers: BEARER });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="tien-do-nguoi-hoc-\d{4}-\d{2}-\d{2}\.csv"$/);
    const { raw, header, rows } = csvOf(res);
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(raw.toString("utf8")).toContain("\r\n");
    expect(raw.toString("utf8").replace(/\r\n/g, "")).not.toContain("\n");
    noRawIds(raw.toString("utf8"));
    expect(header[0]).toBe("Mã người học (ẩn danh)");
    expect(header).toContain("Điểm kiểm tra (%)");
    const byLearner = (id: number) => rows.filter((r) => r["Mã người học (ẩn danh)"] === pseudo(id));
    const done = byLearner(ids.done);
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({
      Kênh: "Telegram",
      "Chủ đề": "An toàn trên mạng",
      "Mã bài": "ma-otp",
      "Tên bài": "Giữ kín mã OTP",
      "Trạng thái": "Đã xong",
      "Bước đã tới": "4",
      "Số câu hỏi đã trả lời": "1",
      "Số câu đúng ngay lần đầu": "0",
      "Điểm kiểm tra (%)": "0",
    });
    expect(done[0]?.["Bắt đầu"]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(done[0]?.["Học xong"]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(byLearner(ids.half)[0]).toMatchObject({ "Trạng thái": "Đang học", "Bước đã tới": "2", "Học xong": "", "Điểm kiểm tra (%)": "" });
    expect(byLearner(ids.web)[0]).toMatchObject({ Kênh: "Trang web", "Trạng thái": "Đã xong", "Điểm kiểm tra (%)": "100" });
    for (const r of rows) expect(r["Mã người học (ẩn danh)"]).toMatch(/^L[0-9a-f]{10}$/);
  });

  it("lessons.csv: starts, completions, rate, median minutes, the step where most stop, first-try accuracy", async () => {
    const res = await admin.inject({ url: "/admin/reports/lessons.csv", headers: BEARER });
    expect(res.statusCode).toBe(200);
    const { raw, rows } = csvOf(res);
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    noRawIds(raw.toString("utf8"));
    expect(rows.map((r) => r["Mã bài"])).toEqual(["ma-otp", "link-gia", ""]);
    expect(rows[0]).toMatchObject({
      "Chủ đề": "An toàn trên mạng",
      "Tên bài": "Giữ kín mã OTP",
      "Số bước": "4",
      "Số người bắt đầu": "3",
      "Số người học xong": "2",
      "Tỉ lệ học xong (%)": "66.7",
      "Bước dừng nhiều nhất": "2",
      "Tên bước dừng nhiều nhất": "Bác đã thấy tin nhắn có mã OTP chưa?",
      "Số người dừng ở bước đó": "1",
      "Đúng ngay lần đầu (%)": "50",
    });
    expect(Number(rows[0]?.["Thời gian trung vị (phút)"])).toBeGreaterThanOrEqual(0);
    expect(rows[1]).toMatchObject({ "Số người bắt đầu": "0", "Tỉ lệ học xong (%)": "", "Bước dừng nhiều nhất": "" });
    // Both who answered the quiz have a mastery estimate; nobody was asked again yet. The track's row adds them up.
    expect(rows[0]).toMatchObject({ "Số câu hỏi lại sau ≥ 1 ngày": "0", "Số người học có mức vững": "2", "Số người học đã vững": "0" });
    expect(rows[2]).toMatchObject({
      "Chủ đề": "An toàn trên mạng",
      "Tên bài": "(cả chủ đề)",
      "Số người bắt đầu": "",
      "Đúng ngay lần đầu (%)": "50",
      "Đúng khi hỏi lại sau ≥ 1 ngày (%)": "",
      "Số người học có mức vững": "2",
    });
  });

  /** The admin port through a connection of its own: to this test's database ("same"), or to a new, empty one ("fresh"). */
  async function otherConnection(which: "same" | "fresh"): Promise<{ store: AdminStore; close(): Promise<void> }> {
    if (!schema) {
      const db = openDatabase(which === "same" ? dbPath : `${dir.path}/fresh.db`);
      return { store: sqliteAdminStore(db), close: () => closeDatabase(db) };
    }
    const other = which === "same" ? schema : schemaName();
    const pg = await openPostgres(POSTGRES_URL, { schema: other, max: 2 });
    return {
      store: postgresAdminStore(pg),
      close: async () => {
        await closePostgres(pg);
        if (other !== schema) await dropSchema(other);
      },
    };
  }

  it("names each learner by the install's pseudonym: the same through another connection (a restart, another instance), another elsewhere", async () => {
    const listed = csvOf(await admin.inject({ url: "/admin/reports/progress.csv", headers: BEARER })).rows.map(
      (r) => r["Mã người học (ẩn danh)"],
    );
    expect(listed.sort()).toEqual([pseudo(ids.done), pseudo(ids.half), pseudo(ids.web)].sort());
    expect(new Set(listed).size).toBe(3);
    const [salt] = await rows<{ value: string }>(app, "select value from app_meta where key = 'pseudonym_salt'");
    expect(salt?.value).toMatch(/^[0-9a-f]{64}$/);
    // Another connection to the same database reads the same salt…
    const again = await otherConnection("same");
    try {
      for (const id of Object.values(ids)) expect(await pseudonym(again.store, id)).toBe(pseudo(id));
    } finally {
      await again.close();
    }
    // …and another install has a salt of its own.
    const fresh = await otherConnection("fresh");
    try {
      expect(await pseudonym(fresh.store, ids.done)).not.toBe(pseudo(ids.done));
    } finally {
      await fresh.close();
    }
  });

  it("logs in with the form (HttpOnly, SameSite=Strict cookie), needs the form token to post, and logs out", async () => {
    const wrong = await admin.inject({
      method: "POST",
      url: "/admin/login",
      payload: "token=not-the-token",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
      remoteAddress: "10.2.0.1",
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).toContain("Mã quản trị không đúng");
    expect(wrong.headers["set-cookie"]).toBeUndefined();

    const login = await admin.inject({
      method: "POST",
      url: "/admin/login",
      payload: `token=${encodeURIComponent(TOKEN)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe("/admin");
    const setCookie = String(login.headers["set-cookie"]);
    expect(setCookie).toMatch(/^bdhai_admin=[\w-]+\.[\w-]+;/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/admin");
    expect(setCookie).toContain("Max-Age=43200");
    expect(setCookie).not.toContain("Secure"); // plain http here
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(";")[0] as string;

    const dash = await admin.inject({ url: "/admin", headers: { cookie } });
    expect(dash.statusCode).toBe(200);
    expect(dash.body).toContain("Đăng xuất");
    const csrf = /name="csrf" value="([^"]+)"/.exec(dash.body)?.[1];
    expect(csrf).toBeTruthy();
    expect((await admin.inject({ url: "/admin/reports/lessons.csv", headers: { cookie } })).statusCode).toBe(200);
    expect((await admin.inject({ url: "/admin", headers: { cookie: "bdhai_admin=forged.value" } })).statusCode).toBe(401);

    const form = { "content-type": "application/x-www-form-urlencoded", cookie };
    expect((await admin.inject({ method: "POST", url: "/admin/logout", payload: "", headers: form })).statusCode).toBe(403);
    expect((await admin.inject({ method: "POST", url: "/admin/logout", payload: "csrf=forged", headers: form })).statusCode).toBe(403);
    const logout = await admin.inject({ method: "POST", url: "/admin/logout", payload: `csrf=${csrf}`, headers: form });
    expect(logout.statusCode).toBe(303);
    expect(logout.headers.location).toBe("/admin/login");
    expect(String(logout.headers["set-cookie"])).toContain("Max-Age=0");
    expect((await admin.inject({ url: "/admin", headers: { cookie } })).statusCode).toBe(401);
  });

  it("slows down guessing: after 10 failures a minute from one address, 429; the right token still gets in", async () => {
    const guess = (token: string) =>
      admin.inject({
        method: "POST",
        url: "/admin/login",
        payload: `token=${token}`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        remoteAddress: "10.3.0.1",
      });
    for (let i = 0; i < 10; i++) expect((await guess(`guess-${i}`)).statusCode).toBe(403);
    const blocked = await guess("guess-10");
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    const wrongBearer = await admin.inject({ url: "/admin", headers: { authorization: "Bearer guess-11" }, remoteAddress: "10.3.0.1" });
    expect(wrongBearer.statusCode).toBe(429);
    // Someone else's guesses from a shared address never lock out the admin who has the token.
    expect((await guess(encodeURIComponent(TOKEN))).statusCode).toBe(303);
    expect((await admin.inject({ url: "/admin", headers: BEARER, remoteAddress: "10.3.0.1" })).statusCode).toBe(200);
    // Other addresses are not affected.
    expect((await admin.inject({ url: "/admin", headers: BEARER, remoteAddress: "10.3.0.2" })).statusCode).toBe(200);
  });

  it("sends an announcement from the dashboard", async () => {
    const res = await admin.inject({
      method: "POST",
      url: "/admin/announce",
      payload: { text: "Lớp học VNeID tại nhà văn hóa xã, 8 giờ sáng thứ Bảy." },
      headers: BEARER,
    });
    expect(res.statusCode).toBe(200);
    expect(typeof res.json().sent).toBe("number");
    if (!wired) expect(announced).toEqual(["Lớp học VNeID tại nhà văn hóa xã, 8 giờ sáng thứ Bảy."]);
  });

  it("/verify/<code> shows only the track, the date and the first name; unknown codes are 404", async () => {
    await rows(
      app,
      "insert into certificates (code, learner_id, track_id, track_title, first_name, issued_at) values (?, ?, ?, ?, ?, ?)",
      ...["TESTCODE2345", ids.done, "an-toan", "An toàn trên mạng", "Lan", Date.UTC(2026, 0, 15, 20, 0)], // 16/01 in Vietnam
    );
    const res = await admin.inject({ url: "/verify/TESTCODE2345" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
    const main = /<main>([\s\S]*)<\/main>/.exec(res.body)?.[1] ?? "";
    expect(main).toContain("Chứng nhận hợp lệ");
    expect(main).toContain("An toàn trên mạng");
    expect(main).toContain("16/01/2026");
    expect(main).toContain("Lan");
    noRawIds(res.body);
    expect(res.body).not.toContain(pseudo(ids.done));
    expect(res.body).not.toContain("an-toan");
    for (const code of ["UNKNOWN2345", "testcode2345", "SHORT", "A".repeat(17), "TESTCODE2345%27--"]) {
      const miss = await admin.inject({ url: `/verify/${code}` });
      expect(miss.statusCode, code).toBe(404);
      expect(miss.body).toContain("Không tìm thấy chứng nhận");
    }
  });

  it("a learner who deletes their data disappears from the reports, the funnel and the dashboard", async () => {
    const gone = pseudo(ids.half);
    // The learner sends /xoa on Telegram and confirms.
    await tg(TG_HALF, ["/xoa", "1"]);
    await eventually(async () => expect(await rows(app, "select count(*) as n from learners where id = ?", ids.half)).toEqual([{ n: 0 }]));

    const progressCsv = csvOf(await admin.inject({ url: "/admin/reports/progress.csv", headers: BEARER }));
    expect(progressCsv.rows.map((r) => r["Mã người học (ẩn danh)"]).sort()).toEqual([pseudo(ids.done), pseudo(ids.web)].sort());
    expect(progressCsv.raw.toString("utf8")).not.toContain(gone);

    const lessons = csvOf(await admin.inject({ url: "/admin/reports/lessons.csv", headers: BEARER }));
    expect(lessons.rows[0]).toMatchObject({
      "Số người bắt đầu": "2",
      "Số người học xong": "2",
      "Tỉ lệ học xong (%)": "100",
      "Bước dừng nhiều nhất": "",
    });

    const html = (await admin.inject({ url: "/admin", headers: BEARER })).body;
    expect(html).not.toContain(gone);
    expect(html).not.toContain("Mã QR của điện lực có thật không?"); // their question went with them
    expect(html).toContain("Đổi số điện thoại [số điện thoại] trên VNeID"); // the anonymous one stays
    const funnel = /<svg class="chart" id="chart-funnel-ma-otp"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? "";
    expect(funnel).toContain("2 người bắt đầu, 2 người học xong");
    expect(funnel).toMatch(chartRow("2. Kiểm tra: Bác đã thấy tin nhắn có mã OTP chưa?", "2 · 100%"));
    expect(funnel).toMatch(chartRow("Học xong", "2 · 100%"));
    expect(html).toContain("Telegram: 1 người");
  });
}

describe("admin dashboard and reports, through the real app, on SQLite", () => scenarios("sqlite"));
describePostgres("admin dashboard and reports, through the real app, on PostgreSQL", () => scenarios("postgres"));

describe("no ADMIN_TOKEN, no admin", () => {
  it("has no admin routes at all (404)", async () => {
    const dir = tempDir("bdhai-noadmin-");
    const app = await startApp({ dbPath: `${dir.path}/t.db` });
    try {
      for (const url of ["/admin", "/admin/login", "/admin/reports/progress.csv", "/admin/reports/lessons.csv"]) {
        expect((await app.server.inject({ url, headers: BEARER })).statusCode, url).toBe(404);
      }
      expect((await app.server.inject({ method: "POST", url: "/admin/login", payload: { token: TOKEN } })).statusCode).toBe(404);
    } finally {
      await app.close();
      dir.cleanup();
    }
    const iso = await isolatedDeps();
    const bare = Fastify();
    registerAdmin(bare, { ...iso.deps, adminToken: "" });
    expect((await bare.inject({ url: "/admin", headers: BEARER })).statusCode).toBe(404);
    await bare.close();
    iso.cleanup();
  });
});

/** registerAdmin on a tiny Fastify instance with the real database and the fixture curriculum. */
async function isolatedDeps(targetsFile = "/nonexistent/targets.yaml") {
  const dir = tempDir("bdhai-admin-iso-");
  const db = openDatabase(`${dir.path}/t.db`);
  const { curriculum, problems } = await loadCurriculum(FIXTURE_CURRICULUM);
  if (!curriculum) throw new Error(JSON.stringify(problems));
  const calls: string[] = [];
  const store = sqliteAdminStore(db);
  const deps: AdminDeps = {
    store,
    adminToken: TOKEN,
    targetsFile,
    curriculum: () => curriculum,
    curriculumStatus: () => ({ at: new Date(), ok: true, problems: [], servedAt: new Date() }),
    announce: async (text) => {
      calls.push(text);
      return 3;
    },
  };
  return {
    deps,
    db,
    store,
    calls,
    dir,
    cleanup: () => {
      db.$client.close();
      dir.cleanup();
    },
  };
}

describe("announcements (registerAdmin on its own)", () => {
  it("the dashboard's form calls announce and shows how many learners it went to", async () => {
    const iso = await isolatedDeps();
    const app = Fastify();
    registerAdmin(app, iso.deps);
    try {
      const login = await app.inject({
        method: "POST",
        url: "/admin/login",
        payload: `token=${TOKEN}`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      const cookie = String(login.headers["set-cookie"]).split(";")[0] as string;
      const dash = await app.inject({ url: "/admin", headers: { cookie } });
      expect(dash.body).toContain('action="/admin/announce"');
      const csrf = /name="csrf" value="([^"]+)"/.exec(dash.body)?.[1] as string;
      const form = { "content-type": "application/x-www-form-urlencoded", cookie, accept: "text/html" };
      const send = (payload: string) => app.inject({ method: "POST", url: "/admin/announce", payload, headers: form });

      expect((await send(`text=${encodeURIComponent("Xin chào")}`)).statusCode).toBe(403); // no form token
      expect((await send(`csrf=${csrf}&text=${encodeURIComponent("   ")}`)).statusCode).toBe(400);
      expect((await send(`csrf=${csrf}&text=${"a".repeat(1001)}`)).statusCode).toBe(400);
      expect((await send(`csrf=${csrf}`)).statusCode).toBe(400);
      expect(iso.calls).toEqual([]);

      const ok = await send(
        `csrf=${csrf}&confirm=1&text=${encodeURIComponent("Lớp học VNeID lúc 8 giờ thứ Bảy.\r\nMang theo điện thoại.")}`,
      );
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain("Đã gửi tới 3 người học");
      expect(iso.calls).toEqual(["Lớp học VNeID lúc 8 giờ thứ Bảy.\nMang theo điện thoại."]);
      expect((await send(`csrf=${csrf}&text=${"b".repeat(1000)}`)).statusCode).toBe(200);

      const api = await app.inject({ method: "POST", url: "/admin/announce", payload: { text: "Qua API" }, headers: BEARER });
      expect(api.json()).toEqual({ sent: 3 });
      expect((await app.inject({ method: "POST", url: "/admin/announce", payload: { text: "x" } })).statusCode).toBe(401);
    } finally {
      await app.close();
      iso.cleanup();
    }
  });
});

describe("targets.yaml", () => {
  it("the example file in the repository is valid for the real curriculum", async () => {
    const { curriculum } = await loadCurriculum(resolve(import.meta.dirname, "../../curriculum"));
    const tracks = new Set(curriculum?.tracks.map((t) => t.id));
    const result = readTargets(resolve(import.meta.dirname, "../../targets.yaml"), tracks);
    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => t.track)).toEqual(["an-toan", "phong-chong-lua-dao"]);
  });

  it("a missing file is no targets; a broken one is reported with file:line, never a crash", async () => {
    const iso = await isolatedDeps();
    try {
      expect(readTargets(`${iso.dir.path}/none.yaml`)).toEqual({ found: false, targets: [], problems: [] });
      const file = `${iso.dir.path}/targets.yaml`;
      writeFileSync(
        file,
        "targets:\n  - label: Xã A\n    track: an-toan\n    learners: nhiều\n    by: 2026-02-30\n  - label: Xã B\n    track: khong-co\n    learners: 5\n    by: 2026-12-31\n",
      );
      const bad = readTargets(file, new Set(["an-toan"]));
      expect(bad.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
        "4: số người học (learners) phải là một số, ví dụ 200",
        "5: hạn (by) không phải là một ngày có thật",
      ]);
      writeFileSync(file, "targets:\n  - label: Xã B\n    track: khong-co\n    learners: 5\n    by: 2026-12-31\n    extra: 1\n");
      expect(readTargets(file).problems.map((p) => p.line)).toEqual([6]);
      writeFileSync(file, "targets:\n  - label: Xã B\n    track: khong-co\n    learners: 5\n    by: 2026-12-31\n");
      expect(readTargets(file, new Set(["an-toan"])).problems).toMatchObject([{ line: 3, message: expect.stringContaining("khong-co") }]);
      writeFileSync(file, "targets:\n  - label: [oops\n");
      const yamlError = readTargets(file);
      expect(yamlError.problems[0]?.message).toMatch(/^YAML không hợp lệ/);

      // On the dashboard: the error with its file:line, and the rest of the page still there.
      writeFileSync(file, "targets:\n  - label: Xã A\n    track: an-toan\n    learners: -3\n    by: 2026-12-31\n");
      const app = Fastify();
      registerAdmin(app, { ...iso.deps, targetsFile: file });
      const html = (await app.inject({ url: "/admin", headers: BEARER })).body;
      expect(html).toMatch(/targets\.yaml:4: số người học \(learners\) phải lớn hơn 0/);
      expect(html).toContain("số người học (learners) phải lớn hơn 0");
      expect(html).toContain("Người học gần đây");
      writeFileSync(file, "targets:\n  - label: Xã A\n    track: an-toan\n    learners: 40\n    by: 2099-12-31\n");
      const ok = (await app.inject({ url: "/admin", headers: BEARER })).body;
      expect(ok).toContain('id="chart-targets"');
      expect(ok).toContain("0/40 · 0%");
      await app.close();
    } finally {
      iso.cleanup();
    }
  });
});

describe("pieces", () => {
  it("pseudonyms are stable, salted per install, and shaped L + 10 hex", async () => {
    const a = await isolatedDeps();
    const b = await isolatedDeps();
    try {
      expect(await pseudonym(a.store, 42)).toMatch(/^L[0-9a-f]{10}$/);
      expect(await pseudonym(a.store, 42)).toBe(await pseudonym(a.store, 42));
      expect(await pseudonym(a.store, 42)).not.toBe(await pseudonym(a.store, 43));
      expect(await pseudonym(a.store, 42)).not.toBe(await pseudonym(b.store, 42));
      const salt = a.db.$client.prepare("select value from app_meta where key = 'pseudonym_salt'").get() as { value: string };
      expect(salt.value).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });

  it("/verify refuses anything that is not a code before touching the database", async () => {
    const iso = await isolatedDeps();
    const app = Fastify();
    registerVerify(app, { certificates: certificateByCode(iso.db) });
    iso.db.$client.close(); // any query now throws
    try {
      for (const code of ["abc", "lowercase123", "TOO-LONG-AND-DASHED", "%3Cscript%3E", "A".repeat(100)]) {
        expect((await app.inject({ url: `/verify/${code}` })).statusCode, code).toBe(404);
      }
      expect((await app.inject({ url: "/verify/WELLFORMED23" })).statusCode).toBe(500); // it did try the database
    } finally {
      await app.close();
      iso.dir.cleanup();
    }
  });

  it("the session cookie is Secure when the request came over https", async () => {
    const iso = await isolatedDeps();
    const app = Fastify({ trustProxy: true });
    registerAdmin(app, iso.deps);
    try {
      const res = await app.inject({
        method: "POST",
        url: "/admin/login",
        payload: `token=${TOKEN}`,
        headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-proto": "https" },
      });
      expect(res.statusCode).toBe(303);
      expect(String(res.headers["set-cookie"])).toMatch(/; Secure$/);
    } finally {
      await app.close();
      iso.cleanup();
    }
  });

  it("CSV fields follow RFC 4180 and cannot smuggle formulas", () => {
    expect(csvField('Bài "OTP", phần 1')).toBe('"Bài ""OTP"", phần 1"');
    expect(csvField("hai\ndòng")).toBe('"hai\ndòng"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField(-3)).toBe("-3");
    expect(csvField(null)).toBe("");
  });

  it("charts escape their text and carry a title and a description", () => {
    const svg = barChart({ id: "x", title: "<T>", desc: 'a "b" & c', bars: [{ label: "<script>alert(1)</script>", value: 3 }] });
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;script&gt;");
    expect(svg).toContain('<title id="x-t">&lt;T&gt;</title>');
    expect(svg).toContain('<desc id="x-d">a &quot;b&quot; &amp; c</desc>');
    expect(svg).toContain('aria-labelledby="x-t x-d"');
    expect(funnelChart({ id: "f", title: "t", desc: "d", stages: [] })).toContain("Chưa có dữ liệu");
    expect(lineChart({ id: "l", title: "t", desc: "d", labels: ["01/01"], series: [{ name: "n", values: [2] }] })).toContain("<polyline");
    expect(wrap("một hai ba bốn năm sáu bảy tám chín mười", 10).lines).toEqual(["một hai ba", "bốn năm…"]);
  });
});
