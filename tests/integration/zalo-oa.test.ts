import { resolve } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { createLogger } from "../../src/logger.js";
import { vnHour } from "../../src/time.js";
import { vi } from "../../src/tutor/texts.vi.js";
import { eventually, startApp, tempDir } from "../helpers/app.js";
import {
  type FakeZaloOa,
  OA_ACCESS_TOKEN,
  OA_APP_ID,
  OA_APP_SECRET,
  OA_REFRESH_TOKEN,
  OA_SECRET_KEY,
  oaEvent,
  signEvent,
  startFakeZaloOa,
} from "../helpers/fake-zalo-oa.js";
import { describePostgres, dropSchema, POSTGRES_URL, schemaName } from "../helpers/postgres.js";

// The Zalo Official Account channel through the real app: a stand-in OA API and OAuth server on loopback, events
// signed as Zalo signs them, a real SQLite file, the real curriculum fixtures.

const ADMIN = "admin-token-for-oa-tests-0001";
const LAN = "8474315217411042001"; // Zalo user ids for this OA
const BA = "8474315217411042002";

let dir: ReturnType<typeof tempDir>;
let fake: FakeZaloOa;
let app: App | undefined;

beforeEach(async () => {
  dir = tempDir();
  fake = await startFakeZaloOa();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await fake.close();
  dir.cleanup();
});

const env = (extra: Record<string, string> = {}) => ({
  ZALO_OA_APP_ID: OA_APP_ID,
  ZALO_OA_SECRET_KEY: OA_SECRET_KEY,
  ZALO_OA_APP_SECRET: OA_APP_SECRET,
  ZALO_OA_ACCESS_TOKEN: OA_ACCESS_TOKEN,
  ZALO_OA_REFRESH_TOKEN: OA_REFRESH_TOKEN,
  ZALO_OA_API_ROOT: fake.url,
  ZALO_OA_OAUTH_ROOT: fake.url,
  ADMIN_TOKEN: ADMIN,
  ...extra,
});

async function start(opts: Partial<Parameters<typeof startApp>[0]> = {}): Promise<App> {
  app = await startApp({ dbPath: `${dir.path}/tutor.db`, ...opts, env: { ...env(), ...opts.env } });
  return app;
}

/** Posts raw bytes to the webhook with the given signature header (none when null). */
async function postRaw(body: string, signature: string | null) {
  if (!app) throw new Error("no app");
  return app.server.inject({
    method: "POST",
    url: "/webhooks/zalo-oa",
    headers: { "content-type": "application/json", ...(signature === null ? {} : { "x-zevent-signature": signature }) },
    payload: body,
  });
}

/** Posts an event as Zalo would: signed with the OA secret key. */
async function post(event: Record<string, unknown>) {
  const { body, signature } = signEvent(event);
  const res = await postRaw(body, signature);
  expect(res.statusCode).toBe(200);
  return res;
}

/**
 * Waits until every recorded event was worked on and everything queued was sent (or given up on). Read from the
 * database: an update leaves the inbox in the transaction that queues its replies. (inbox.idle() does not resolve
 * after a turn that waited on the question pipeline.)
 */
async function settle(): Promise<void> {
  await eventually(() => {
    expect(count("select count(*) as n from inbox")).toBe(0);
    expect(count("select count(*) as n from outbox where status = 'pending'")).toBe(0);
  });
}

/** Posts an event and returns the texts that reached the learner because of it. */
async function exchange(user: string, event: Record<string, unknown>): Promise<string> {
  const before = fake.messagesTo(user).length;
  await post(event);
  await settle();
  return fake.messagesTo(user).slice(before).join("\n---\n");
}
const say = (user: string, text: string) => exchange(user, oaEvent.text(user, text));

/** Taps the button whose title matches: Zalo sends its payload back as a visible text message. */
function tap(user: string, label: RegExp): Promise<string> {
  const found = fake.lastButtons(user).find(([title]) => label.test(title));
  if (!found) throw new Error(`no button ${label} in ${JSON.stringify(fake.lastButtons(user))}`);
  return say(user, found[1]);
}

const sqlite = () => {
  if (!app) throw new Error("no app");
  return app.db.$client;
};
const count = (sql: string) => (sqlite().prepare(sql).get() as { n: number }).n;

async function metrics(): Promise<string> {
  if (!app) throw new Error("no app");
  const res = await app.server.inject({ url: "/metrics", headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.statusCode).toBe(200);
  return res.body;
}
/** The admin dashboard as an admin sees it (its text, without the markup). */
async function dashboard(): Promise<string> {
  if (!app) throw new Error("no app");
  const res = await app.server.inject({ url: "/admin", headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.statusCode).toBe(200);
  return res.body.replace(/<[^>]+>/g, "").replace(/\s+/g, " ");
}
const metric = (text: string, line: string) => Number(new RegExp(`^${line.replace(/[{}"]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);

/** Follows the OA and agrees to storing progress (by tapping). */
async function followAndConsent(user: string): Promise<void> {
  await exchange(user, oaEvent.follow(user));
  await tap(user, /Đồng ý/);
}

describe("Zalo OA webhook, end to end", () => {
  it("a follower is greeted, does a whole lesson by typing digits and tapping buttons, and asks a question", async () => {
    await start();
    const hello = await exchange(LAN, oaEvent.follow(LAN));
    expect(hello).toContain("Xin chào bác");
    expect(hello).toContain("1. Đồng ý\n2. Không đồng ý");
    expect(hello).not.toContain("**");
    // The same choices as buttons: a tap sends the digit back as text.
    expect(fake.lastButtons(LAN)).toEqual([
      ["1. Đồng ý", "1"],
      ["2. Không đồng ý", "2"],
    ]);

    expect(await tap(LAN, /Đồng ý/)).toContain("1. 🛡️ An toàn trên mạng");
    expect(await say(LAN, "1")).toMatch(/1\. .*Giữ kín mã OTP/);
    const step1 = await tap(LAN, /Giữ kín mã OTP/);
    expect(step1).toContain("Bước 1/4: Hiểu mã OTP");
    expect(step1).toContain("1. Xong, tiếp tục\n2. Giải thích thêm");
    expect(fake.lastButtons(LAN)).toEqual([
      ["1. Xong, tiếp tục", "1"],
      ["2. Giải thích thêm", "2"],
    ]);
    expect(await say(LAN, "1")).toContain("Kiểm tra (2/4)");
    expect(await tap(LAN, /Chưa thấy/)).toContain("mở mục Tin nhắn");
    expect(await say(LAN, "1")).toContain("Bước 3/4");
    const quiz = await tap(LAN, /Xong/);
    expect(quiz).toContain("Câu hỏi (4/4)");
    expect(await tap(LAN, /công an/)).toContain("Chưa đúng");
    const done = await say(LAN, "2");
    expect(done).toContain("Đúng rồi");
    expect(done).toContain("đã học xong bài “Giữ kín mã OTP”");

    const answer = await say(LAN, "mã OTP là gì vậy cháu");
    expect(answer).toContain("Theo bài “Giữ kín mã OTP”");
    expect(answer).toContain("Nguồn: bài “Giữ kín mã OTP”");

    // Everything went as consultation messages with the token, within Zalo's limits, no markup.
    const sent = fake.deliveredTo(LAN);
    expect(sent.every((c) => c.path === "/v3.0/oa/message/cs" && c.accessToken === OA_ACCESS_TOKEN)).toBe(true);
    for (const t of fake.messagesTo(LAN)) {
      expect(t.length).toBeGreaterThan(0);
      expect(t.length).toBeLessThanOrEqual(2000);
      expect(t).not.toContain("**");
    }
    expect(fake.calls.filter((c) => c.error !== 0)).toEqual([]);
    expect(fake.refreshes).toBe(0);
    expect(sqlite().prepare("select lesson_id, status from lesson_progress").all()).toEqual([{ lesson_id: "ma-otp", status: "completed" }]);
  });

  it("a wrong or missing signature gets 401 before anything else: nothing recorded, nothing sent", async () => {
    await start();
    const event = oaEvent.text(LAN, "Xin chào");
    const { body, signature } = signEvent(event);
    const wrongKey = signEvent(event, "another-oa-secret-key");
    const otherApp = signEvent(event, OA_SECRET_KEY, "1111111111");
    const flipped = `mac=${signature.slice(4, -1)}${signature.endsWith("0") ? "1" : "0"}`;
    const attempts: Array<[string, string | null]> = [
      [body, null],
      [body, ""],
      [body, "mac="],
      [body, "not-a-signature"],
      [body, wrongKey.signature],
      [body, otherApp.signature],
      [body, flipped],
      // The signature of one body does not carry another (a changed text, a re-serialised body).
      [body.replace("Xin chào", "Xin chao"), signature],
      [JSON.stringify(JSON.parse(body), null, 1), signature],
      ["{ not json", signature],
    ];
    for (const [payload, sig] of attempts) {
      const res = await postRaw(payload, sig);
      expect(res.statusCode, `${sig} ${payload.slice(0, 40)}`).toBe(401);
      expect(res.json()).toEqual({ error: "unauthorized" });
    }
    // The right signature on the bytes as sent passes (uppercase hex too).
    expect((await postRaw(body, signature.toUpperCase().replace("MAC=", "mac="))).statusCode).toBe(200);
    await settle();
    expect(count("select count(*) as n from processed_messages")).toBe(1);
    expect(fake.messagesTo(LAN)).toHaveLength(2);

    const big = signEvent(oaEvent.text(BA, "a".repeat(100 * 1024)));
    expect((await postRaw(big.body, big.signature)).statusCode).toBe(413);
    await settle();
    expect(fake.calls.filter((c) => c.userId === BA)).toEqual([]);
  });

  it("the same event delivered three times gets one set of replies", async () => {
    await start();
    const follow = oaEvent.follow(LAN);
    const hello = oaEvent.text(LAN, "1");
    for (let i = 0; i < 3; i++) await post(follow);
    await settle();
    for (let i = 0; i < 3; i++) await post(hello);
    await settle();
    const texts = fake.messagesTo(LAN);
    expect(texts.filter((t) => t.includes("Xin chào bác"))).toHaveLength(1);
    expect(texts.filter((t) => t.includes("An toàn trên mạng"))).toHaveLength(1);
    expect(count("select count(*) as n from processed_messages")).toBe(2);
  });

  it("our own echoes, receipts and unknown events are answered 200 and otherwise ignored", async () => {
    await start();
    await post(oaEvent.echo(LAN, "Xin chào bác"));
    await post(oaEvent.base("user_seen_message", { sender: { id: LAN }, message: { msg_ids: ["x"] } }));
    await post(oaEvent.base("unfollow", { follower: { id: LAN } }));
    await post(oaEvent.base("something_new_from_zalo", { sender: { id: LAN } }));
    await post(oaEvent.base("user_send_text", { sender: { id: LAN } })); // signed, but no message: nothing to do
    await settle();
    expect(count("select count(*) as n from processed_messages")).toBe(0);
    expect(count("select count(*) as n from outbox")).toBe(0);
    expect(fake.calls).toEqual([]);
  });

  it("pictures, stickers, files, locations and voice get a kind reply, and the learner keeps their place", async () => {
    await start();
    await followAndConsent(LAN);
    for (const t of ["1", "1"]) await say(LAN, t);
    const stateBefore = JSON.parse((sqlite().prepare("select state from conversation_states").get() as { state: string }).state);
    expect(stateBefore.lesson).toMatchObject({ lessonId: "ma-otp", stepIndex: 0 });
    const kinds = [
      ["user_send_image", "image", [{ type: "image", payload: { url: "https://zalo.example/cccd.jpg" } }]],
      ["user_send_sticker", "sticker", [{ type: "sticker", payload: { id: "s1" } }]],
      ["user_send_file", "file", [{ type: "file", payload: { url: "https://zalo.example/a.pdf", name: "hồ sơ.pdf" } }]],
      ["user_send_location", "location", [{ type: "location", payload: { coordinates: { latitude: "21.0", longitude: "105.8" } } }]],
      ["user_send_audio", "voice", [{ type: "audio", payload: { url: "https://zalo.example/v.m4a" } }]],
    ] as const;
    for (const [name, kind, attachments] of kinds) {
      const got = await exchange(LAN, oaEvent.media(LAN, name, [...attachments]));
      expect(got).toContain(vi.mediaReceived(kind));
    }
    const stateAfter = JSON.parse((sqlite().prepare("select state from conversation_states").get() as { state: string }).state);
    expect(stateAfter).toEqual(stateBefore);
    expect(await say(LAN, "1")).toContain("Kiểm tra (2/4)");
  });

  it("the access token expires mid-lesson (-216): it is refreshed once, the new pair is kept, and learners never notice", async () => {
    await start();
    for (const u of [LAN, BA]) {
      await followAndConsent(u);
      await say(u, "1");
      await say(u, "1");
    }
    fake.expireAccessTokens();
    // Both learners answer at the same moment: both sends are refused, one refresh serves them.
    const before = { lan: fake.messagesTo(LAN).length, ba: fake.messagesTo(BA).length };
    await Promise.all([post(oaEvent.text(LAN, "1")), post(oaEvent.text(BA, "1"))]);
    await settle();
    for (const [u, n] of [
      [LAN, before.lan],
      [BA, before.ba],
    ] as const) {
      const got = fake.messagesTo(u).slice(n);
      expect(got).toHaveLength(1);
      expect(got[0]).toContain("Kiểm tra (2/4)");
    }
    expect(fake.refreshes).toBe(1);
    const refused = fake.calls.filter((c) => c.error === -216);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.every((c) => c.accessToken === OA_ACCESS_TOKEN)).toBe(true);
    // Nothing failed for good, nothing twice.
    expect(count("select count(*) as n from outbox where status <> 'sent'")).toBe(0);
    expect(metric(await metrics(), "bdhai_zalo_oa_token_ok")).toBe(1);

    // The new pair is in the database, the old single-use refresh token forgotten: after a restart (the environment
    // still holds the old, now dead, tokens) the lesson goes on with the stored pair, without a refresh.
    const stored = (sqlite().prepare("select value from app_meta where key = 'zalo_oa_tokens'").get() as { value: string }).value;
    expect(stored).toContain(fake.refreshToken);
    expect(stored).not.toContain(OA_REFRESH_TOKEN);
    await app?.close();
    app = undefined;
    await start();
    expect(await say(LAN, "2")).toContain("mở mục Tin nhắn");
    expect(fake.refreshes).toBe(1);
    expect(fake.deliveredTo(LAN).at(-1)?.accessToken).toBe(fake.accessToken);
  });

  it("a refresh that fails is logged and shows on /metrics; the replies wait instead of being lost", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    await start({ logger: createLogger("info", sink) });
    expect(metric(await metrics(), "bdhai_zalo_oa_token_ok")).toBe(1);
    fake.expireAccessTokens();
    fake.failNext("refresh", [{ error: -14014, message: "Refresh token is invalid" }]);
    await post(oaEvent.follow(LAN));
    await eventually(() => expect(count("select count(*) as n from outbox where last_error = 'oa_token'")).toBe(1));
    expect(fake.messagesTo(LAN)).toEqual([]);
    expect(metric(await metrics(), "bdhai_zalo_oa_token_ok")).toBe(0);
    expect(count("select count(*) as n from outbox where status = 'pending'")).toBe(2); // kept, to be retried
    const log = lines.join("");
    expect(log).toContain("token refresh failed");
    expect(log).toContain("-14014");
    expect(await dashboard()).toContain("Zalo OA: không gửi được tin vì chưa làm mới được quyền truy cập");
    for (const secret of [OA_ACCESS_TOKEN, OA_REFRESH_TOKEN, OA_APP_SECRET, OA_SECRET_KEY, fake.refreshToken])
      expect(log).not.toContain(secret);
  });

  it("-32 (rate limit) is retried; -230 (no interaction for 7 days) stops sending to that learner", async () => {
    await start();
    fake.failNext("send", [{ error: -32, message: "Rate limit" }]);
    const hello = await exchange(LAN, oaEvent.follow(LAN));
    expect(hello).toContain("Xin chào bác");
    expect(fake.calls.filter((c) => c.error === -32)).toHaveLength(1);

    fake.silence(BA);
    await post(oaEvent.follow(BA));
    await settle();
    expect(fake.messagesTo(BA)).toEqual([]);
    expect(fake.calls.filter((c) => c.userId === BA)).toHaveLength(1); // the next message was not even tried
    const ba = sqlite().prepare("select unreachable_at from learners where channel_user_id = ?").get(BA) as {
      unreachable_at: number | null;
    };
    expect(ba.unreachable_at).not.toBeNull();
    expect(sqlite().prepare("select distinct status, last_error from outbox where chat_id = ?").all(BA)).toEqual([
      { status: "cancelled", last_error: "oa_-230" },
    ]);
  });

  it("a lesson picture is uploaded once and sent by its attachment id, also after a restart", async () => {
    const curriculumDir = resolve(import.meta.dirname, "../fixtures/curriculum/valid");
    await start({ curriculumDir });
    const reply = { text: "Mở ứng dụng VNeID.", image: { file: "vneid-home.png", alt: "Màn hình chính VNeID" } };
    const sendAll = async (user: string) => {
      const oa = app?.channels.get("zalo-oa");
      if (!oa) throw new Error("no channel");
      for (const call of oa.sender.render(user, reply)) expect(await oa.sender.send(user, call)).toEqual({ ok: true });
    };
    await sendAll(LAN);
    await sendAll(BA);
    expect(fake.uploads).toEqual([{ name: "vneid-home.png", size: expect.any(Number) }]);
    const media = fake.calls.filter((c) => c.kind === "media" && c.error === 0);
    const idOf = (c: (typeof media)[number]) =>
      (c.body.message as { attachment: { payload: { elements: Array<{ attachment_id: string }> } } }).attachment.payload.elements[0]
        ?.attachment_id;
    expect(media.map((c) => c.userId)).toEqual([LAN, BA]);
    expect(new Set(media.map(idOf))).toEqual(new Set(["att-1"]));
    expect(fake.messagesTo(BA)).toEqual(["Mở ứng dụng VNeID."]);

    await app?.close();
    app = undefined;
    const again = await start({ curriculumDir });
    await sendAll(LAN);
    expect(fake.uploads).toHaveLength(1);
    // A picture that is missing does not hold the text back.
    const oa = again.channels.get("zalo-oa");
    for (const call of oa?.sender.render(LAN, { text: "Bước tiếp.", image: { file: "khong-co.png", alt: "" } }) ?? [])
      expect(await oa?.sender.send(LAN, call)).toEqual({ ok: true });
    expect(fake.messagesTo(LAN).at(-1)).toBe("Bước tiếp.");
  });
});

describe("Zalo OA reply window (48 hours)", () => {
  const DAY = 86_400_000;
  /** A daytime moment in Vietnam no later than now (queued messages are due at once). */
  function daytime(): number {
    let t = Date.now();
    while (vnHour(t) < 8 || vnHour(t) >= 20) t -= 3600_000;
    return t;
  }

  it("reminders and announcements reach only learners who wrote within 48 hours; the others are counted", async () => {
    const t = daytime();
    await start({ env: { REMINDER_DAYS: "1" }, options: { now: () => t } });
    await followAndConsent(LAN);
    await followAndConsent(BA);
    // Both opted in to reminders; LAN has been silent for three days, BA for 30 hours.
    sqlite().prepare("update learners set reminders = 1").run();
    sqlite()
      .prepare("update learners set last_active_at = ? where channel_user_id = ?")
      .run(t - 3 * DAY, LAN);
    sqlite()
      .prepare("update learners set last_active_at = ? where channel_user_id = ?")
      .run(t - 30 * 3600_000, BA);
    const before = { lan: fake.messagesTo(LAN).length, ba: fake.messagesTo(BA).length };

    expect(await app?.reminders.runOnce()).toBe(1);
    await settle();
    expect(fake.messagesTo(LAN).slice(before.lan)).toEqual([]);
    const toBa = fake.messagesTo(BA).slice(before.ba);
    expect(toBa).toHaveLength(1);
    expect(toBa[0]).toContain("Mấy hôm nay bác chưa học tiếp");
    let m = await metrics();
    expect(metric(m, 'bdhai_zalo_oa_outside_window_total{kind="reminder"}')).toBe(1);
    // A second pass does not count the same silence again.
    expect(await app?.reminders.runOnce()).toBe(0);
    expect(metric(await metrics(), 'bdhai_zalo_oa_outside_window_total{kind="reminder"}')).toBe(1);

    expect(await app?.reminders.announce("Lớp học số tại nhà văn hóa thứ Bảy này.")).toBe(1);
    await settle();
    expect(fake.messagesTo(LAN).slice(before.lan)).toEqual([]);
    expect(fake.messagesTo(BA).at(-1)).toBe("📢 Lớp học số tại nhà văn hóa thứ Bảy này.");
    m = await metrics();
    expect(metric(m, 'bdhai_zalo_oa_outside_window_total{kind="announcement"}')).toBe(1);
    // The dashboard says who is out of reach, and the token is fine.
    const page = await dashboard();
    expect(page).toContain("Zalo OA: 2 người học, trong đó 1 ngoài khung 48 giờ");
    expect(page).not.toContain("chưa làm mới được quyền truy cập");

    // When LAN writes again, the window opens again: her reply comes at once.
    expect(await say(LAN, "menu")).toContain("An toàn trên mạng");
  });
});

describe("Zalo OA privacy", () => {
  it("logs no token, secret, message text or user id", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    await start({ logger: createLogger("trace", sink) });
    await followAndConsent(LAN);
    await say(LAN, "Số điện thoại của tôi là 0912345678");
    fake.expireAccessTokens();
    await say(LAN, "menu");
    fake.failNext("send", [{ error: -201, message: `invalid ${LAN}` }]);
    await say(LAN, "trợ giúp");
    const wrong = signEvent(oaEvent.text(LAN, "Xin chào"), "wrong-key");
    await postRaw(wrong.body, wrong.signature);
    await settle();
    const log = lines.join("");
    expect(log).toContain("zalo-oa");
    for (const secret of [
      OA_ACCESS_TOKEN,
      OA_REFRESH_TOKEN,
      fake.accessToken,
      fake.refreshToken,
      OA_APP_SECRET,
      OA_SECRET_KEY,
      LAN,
      "0912345678",
      "Số điện thoại",
    ])
      expect(log).not.toContain(secret);
  });
});

describePostgres("Zalo OA on PostgreSQL, two instances", () => {
  let schema: string;
  const apps: App[] = [];
  beforeEach(() => {
    schema = schemaName();
  });
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    await dropSchema(schema);
  });

  it("both instances answer; when the token expires, one refresh serves both", async () => {
    for (const owner of ["instance-a", "instance-b"]) {
      apps.push(
        await startApp({
          dbPath: `${dir.path}/${owner}.db`,
          env: { ...env(), DATABASE_URL: POSTGRES_URL },
          options: { postgres: { schema }, instance: { owner } },
        }),
      );
    }
    const [a, b] = apps as [App, App];
    const send = async (to: App, event: Record<string, unknown>) => {
      const { body, signature } = signEvent(event);
      const res = await to.server.inject({
        method: "POST",
        url: "/webhooks/zalo-oa",
        headers: { "content-type": "application/json", "x-zevent-signature": signature },
        payload: body,
      });
      expect(res.statusCode).toBe(200);
    };
    const until = (user: string, n: number) => eventually(() => expect(fake.messagesTo(user).length).toBeGreaterThanOrEqual(n));
    await send(a, oaEvent.follow(LAN));
    await send(b, oaEvent.follow(BA));
    await until(LAN, 2);
    await until(BA, 2);
    fake.expireAccessTokens();
    await Promise.all([send(a, oaEvent.text(LAN, "1")), send(b, oaEvent.text(BA, "1"))]);
    await until(LAN, 4);
    await until(BA, 4);
    for (const u of [LAN, BA]) expect(fake.messagesTo(u).join("\n")).toContain("An toàn trên mạng");
    expect(fake.refreshes).toBe(1);
    if (a.store.kind !== "shared") throw new Error("not on PostgreSQL");
    const stored = await a.store.pg.$client.query<{ value: string }>("select value from app_meta where key = 'zalo_oa_tokens'");
    expect(stored.rows[0]?.value).toContain(fake.refreshToken);
  });
});
