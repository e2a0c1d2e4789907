import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { eventually, joined, startApp, tempDir, webChat } from "../helpers/app.js";
import {
  plainText,
  postTelegram,
  startFakeTelegram,
  TG_SECRET,
  telegramEnv,
  tgButton,
  tgGroupButton,
  tgGroupText,
  tgText,
} from "../helpers/fake-telegram.js";
import { describePostgres, dropSchema, POSTGRES_URL, schemaName } from "../helpers/postgres.js";

// The hand-off to a person, end to end on Telegram: a learner asks, agrees, the staff group gets a redacted ticket,
// a staff member's reply reaches the learner, the learner's messages reach the group, the ticket is closed and the
// lesson goes on. The stand-in Bot API receives what the bot sends to the group and to the learner.

const GROUP = -1001234567890;
const STAFF = 501;
const LEARNER = 7001;
/** Monday 7 December 2026, 09:00 in Vietnam: staff hours. */
const MONDAY_9 = Date.UTC(2026, 11, 7, 2, 0);
/** Saturday 5 December 2026, 10:00 in Vietnam: outside staff hours. */
const SATURDAY_10 = Date.UTC(2026, 11, 5, 3, 0);

let dir: ReturnType<typeof tempDir>;
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let app: App | undefined;
let clock = MONDAY_9;
/** PostgreSQL: the test's own schema. */
let schema: string | undefined;

beforeEach(async () => {
  dir = tempDir();
  fake = await startFakeTelegram();
  clock = MONDAY_9;
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await fake.close();
  if (schema) await dropSchema(schema);
  schema = undefined;
  dir.cleanup();
});

const start = (env: Record<string, string> = {}) =>
  startApp({
    dbPath: `${dir.path}/t.db`,
    env: {
      ...telegramEnv(fake.url),
      STAFF_TELEGRAM_CHAT_ID: String(GROUP),
      ...(schema ? { DATABASE_URL: POSTGRES_URL } : {}),
      ...env,
    },
    options: { now: () => clock, ...(schema ? { postgres: { schema } } : {}) },
  });

/** A count from the store, on either engine. */
async function count(query: string): Promise<number> {
  const a = app as App;
  if (a.store.kind === "local") return (a.db.$client.prepare(query).get() as { n: number }).n;
  return Number((await a.store.pg.$client.query<{ n: number }>(query)).rows[0]?.n);
}

const post = async (update: unknown) => expect((await postTelegram(app!, update, TG_SECRET)).statusCode).toBe(200);

/** Sends an update and waits until `chat` has received `more` further messages; returns them as a client shows them. */
async function exchange(chat: number, update: unknown, more = 1): Promise<string[]> {
  const before = fake.texts(chat).length;
  await post(update);
  return eventually(() => {
    const texts = fake.texts(chat);
    expect(texts.length).toBeGreaterThanOrEqual(before + more);
    return texts.slice(before).map(plainText);
  });
}

/** Posts the update and waits for a reply to the chat that matches `expected` (a reply may also come late or twice). */
async function exchangeFor(chat: number, update: unknown, expected: RegExp): Promise<string[]> {
  const before = fake.texts(chat).length;
  await post(update);
  return eventually(() => {
    const texts = fake.texts(chat).slice(before).map(plainText);
    expect(texts.join("\n")).toMatch(expected);
    return texts;
  });
}

const group = () => fake.texts(GROUP).map(plainText);

/** The first ticket's message in the staff group, once it has arrived (as a staff member's client shows it). */
const ticketMessage = () =>
  eventually(() => {
    const t = group().find((x) => x.startsWith("🎫 Phiếu #1 "));
    expect(t).toBeDefined();
    return t as string;
  });

/** A new learner agrees to storage and opens the first lesson (step 1 of 4). */
async function intoLesson(u: number): Promise<void> {
  await exchange(u, tgText(u, "/start"), 2);
  await exchange(u, tgText(u, "1"), 2);
  await exchange(u, tgText(u, "1"));
  const lesson = await exchange(u, tgText(u, "1"), 2);
  expect(lesson.at(-1)).toContain("Bước 1/4: Hiểu mã OTP");
}

/** The learner asks for a person and agrees; returns what they were told. */
async function openTicket(u: number): Promise<string[]> {
  const ask = await exchange(u, tgText(u, "gặp cán bộ"));
  expect(ask[0]).toContain("Những gì bác viết sau đây sẽ được gửi tới cán bộ");
  expect(fake.lastButtons(u).map(([t]) => t)).toEqual(["1. Đồng ý, gặp cán bộ", "2. Không, cảm ơn"]);
  return exchange(u, tgButton(u, "1"));
}

function scenarios(engine: "sqlite" | "postgres") {
  beforeEach(() => {
    schema = engine === "postgres" ? schemaName() : undefined;
  });
  it("a whole hand-off: ticket, staff reply, learner messages relayed, closing, and the lesson goes on", async () => {
    app = await start();
    await intoLesson(LEARNER);
    // A question first (kept redacted, the learner agreed to storage): the ticket shows it, without the phone number.
    await exchange(LEARNER, tgText(LEARNER, "hỏi tôi muốn đổi số điện thoại 0912 345 678 trên VNeID thì làm thế nào?"), 2);
    const opened = await openTicket(LEARNER);
    expect(opened[0]).toContain("Tôi đã gửi phiếu số 1 tới cán bộ");
    expect(opened[0]).toContain("Cán bộ sẽ trả lời bác sớm.");

    const ticket = await ticketMessage();
    expect(ticket).toContain("Telegram");
    expect(ticket).toContain("Bài: Giữ kín mã OTP (bước 1)");
    expect(ticket).not.toContain(String(LEARNER));
    expect(ticket).toContain("Tin nhắn gần đây (đã che thông tin cá nhân):\n• tôi muốn đổi số điện thoại");
    expect(ticket).not.toMatch(/0912|345 678/);
    expect(fake.lastButtons(GROUP)).toEqual([["1. Đóng phiếu #1", "1"]]);

    // The learner writes; a phone number they type never reaches the group.
    await exchange(LEARNER, tgText(LEARNER, "Cháu ơi tôi không nhận được mã, số tôi là 0912 345 678"));
    const relayed = await eventually(() => {
      const r = group().filter((x) => x.startsWith("💬 Phiếu #1"));
      expect(r).toHaveLength(1);
      return r[0] as string;
    });
    expect(relayed).toContain("không nhận được mã");
    expect(relayed).not.toMatch(/0912|345 678/);

    // A staff member replies to the ticket message: the learner gets it, marked as from a person.
    const answer = await exchange(LEARNER, tgGroupText(GROUP, STAFF, "Bác mở mục Tin nhắn, xem tin mới nhất nhé.", ticket));
    expect(answer).toEqual(["👤 Cán bộ hỗ trợ: Bác mở mục Tin nhắn, xem tin mới nhất nhé."]);

    // Two more messages, both reach the group, and the tutor does not answer them as a lesson.
    const ack = await exchange(LEARNER, tgText(LEARNER, "Tôi thấy rồi, có 6 số"));
    expect(ack).toEqual(["📨 Tôi đã chuyển lời bác tới cán bộ (phiếu số 1)."]);
    await exchange(LEARNER, tgText(LEARNER, "Cảm ơn cán bộ nhiều"));
    await eventually(() => expect(group().filter((x) => x.startsWith("💬 Phiếu #1"))).toHaveLength(3));
    expect(
      group()
        .filter((x) => x.startsWith("💬 Phiếu #1"))
        .slice(1),
    ).toEqual(["💬 Phiếu #1: Tôi thấy rồi, có 6 số", "💬 Phiếu #1: Cảm ơn cán bộ nhiều"]);

    // The staff answers with the command too, then closes with the button.
    expect(await exchange(LEARNER, tgGroupText(GROUP, STAFF, "/tl 1 Bác đừng đọc mã cho ai nhé."))).toEqual([
      "👤 Cán bộ hỗ trợ: Bác đừng đọc mã cho ai nhé.",
    ]);
    const closing = await exchange(LEARNER, tgGroupButton(GROUP, STAFF, "1", ticket));
    expect(closing[0]).toContain("Cán bộ đã kết thúc hỗ trợ (phiếu số 1)");
    await eventually(() => expect(group().at(-1)).toBe("✅ Đã đóng phiếu #1."));
    expect(fake.calls.some((c) => c.method === "answerCallbackQuery" && String(c.body.callback_query_id).startsWith("cq"))).toBe(true);

    // The tutor takes over again: "tiếp" shows the step the learner was on; later text is no longer relayed.
    expect((await exchange(LEARNER, tgText(LEARNER, "tiếp"))).at(-1)).toContain("Bước 1/4: Hiểu mã OTP");
    const relays = group().length;
    await exchange(LEARNER, tgText(LEARNER, "xong"));
    expect(group()).toHaveLength(relays);

    // After the close, a late staff answer is refused in the group and reaches nobody.
    const toLearner = fake.texts(LEARNER).length;
    await exchange(GROUP, tgGroupText(GROUP, STAFF, "/tl 1 còn gì nữa không bác?"));
    expect(group().at(-1)).toContain("Phiếu #1 đã đóng");
    expect(fake.texts(LEARNER)).toHaveLength(toLearner);
  });

  it("a scam story: the warning offers a person; the ticket carries the story with the phone number hidden", async () => {
    app = await start();
    await intoLesson(LEARNER);
    const warned = await exchange(LEARNER, tgText(LEARNER, "Có người gọi tự xưng công an, bảo tôi đọc mã OTP, số họ là 0987 654 321"), 2);
    expect(warned.join("\n")).toContain("lừa đảo");
    const offer = fake.lastButtons(LEARNER).find(([t]) => t.includes("Gặp cán bộ hỗ trợ"));
    expect(offer).toBeDefined();
    await exchange(LEARNER, tgButton(LEARNER, offer?.[1] ?? ""));
    const opened = await exchange(LEARNER, tgText(LEARNER, "đồng ý"));
    expect(opened[0]).toContain("phiếu số 1");
    const ticket = await ticketMessage();
    expect(ticket).toContain("Lý do: người học kể chuyện có dấu hiệu lừa đảo");
    expect(ticket).toContain("tự xưng công an");
    expect(ticket).not.toMatch(/0987|654 321/);
  });

  it("outside staff hours the learner is told when someone will answer", async () => {
    clock = SATURDAY_10;
    app = await start();
    await exchange(LEARNER, tgText(LEARNER, "/start"), 2);
    await exchange(LEARNER, tgText(LEARNER, "1"), 2);
    const opened = await openTicket(LEARNER);
    expect(opened[0]).toContain("Bây giờ là ngoài giờ làm việc. Cán bộ sẽ trả lời bác từ 7 giờ 30 sáng thứ Hai (7/12).");
    const ticket = await ticketMessage();
    expect(ticket).toContain("Bài: (lúc này không học bài nào)");
    expect(ticket).toContain("Lý do: người học xin gặp cán bộ");
  });

  it("an unanswered ticket is reminded in the group once, after 30 minutes of staff hours", async () => {
    app = await start();
    await exchange(LEARNER, tgText(LEARNER, "/start"), 2);
    await exchange(LEARNER, tgText(LEARNER, "1"), 2);
    await openTicket(LEARNER);
    await eventually(() => expect(group()).toHaveLength(1));
    clock += 29 * 60_000;
    expect(await app.ticketReminders?.runOnce()).toBe(0);
    clock += 2 * 60_000;
    expect(await app.ticketReminders?.runOnce()).toBe(1);
    await eventually(() => expect(group().at(-1)).toBe("⏰ Phiếu #1 đã chờ hơn 30 phút mà chưa có ai trả lời."));
    clock += 60 * 60_000;
    expect(await app.ticketReminders?.runOnce()).toBe(0);
    // Outside staff hours nothing is reminded, however long a ticket waits.
    await exchange(LEARNER, tgGroupText(GROUP, STAFF, "/dong 1"));
    await exchange(LEARNER, tgText(LEARNER, "gặp cán bộ"));
    await exchange(LEARNER, tgText(LEARNER, "1"));
    clock = SATURDAY_10 + 7 * 86_400_000;
    expect(await app.ticketReminders?.runOnce()).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(group().filter((x) => x.startsWith("⏰"))).toHaveLength(1);
  });

  it("nobody outside the staff group (or not a listed member) can act as staff", async () => {
    app = await start({ STAFF_TELEGRAM_USER_IDS: `${STAFF}, 502` });
    await exchange(LEARNER, tgText(LEARNER, "/start"), 2);
    await exchange(LEARNER, tgText(LEARNER, "1"), 2);
    await openTicket(LEARNER);
    const ticket = await ticketMessage();
    const seen = { learner: fake.texts(LEARNER).length, group: group().length };
    // Another learner, in a private chat, types the staff's commands: handled as their own text, nothing relayed.
    const other = 7002;
    await exchange(other, tgText(other, "/start"), 2);
    await exchange(other, tgText(other, "1"), 2);
    await exchange(other, tgText(other, "/tl 1 xin chào"));
    await exchange(other, tgText(other, "/dong 1"));
    // A group member not on the list, and the same command from another group.
    await post(tgGroupText(GROUP, 999, "Tôi là cán bộ đây", ticket));
    await post(tgGroupText(GROUP, 999, "/dong 1"));
    await post(tgGroupText(-100999, STAFF, "/tl 1 xin chào"));
    await post(tgGroupButton(GROUP, 999, "1", ticket));
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.texts(LEARNER)).toHaveLength(seen.learner);
    expect(group()).toHaveLength(seen.group);
    expect(fake.texts(-100999)).toEqual([]);
    // The ticket is still open: the listed staff member's answer goes through.
    expect(await exchange(LEARNER, tgGroupText(GROUP, 502, "/tl 1 Chào bác ạ"))).toEqual(["👤 Cán bộ hỗ trợ: Chào bác ạ"]);
  });

  it("erasing the learner erases their tickets and the messages waiting for the group", async () => {
    app = await start();
    await intoLesson(LEARNER);
    await openTicket(LEARNER);
    await eventually(() => expect(group()).toHaveLength(1));
    // The group's chat cannot take messages for now: the relayed message waits in the outbox.
    fake.failNext(
      "sendMessage",
      Array.from({ length: 50 }, () => ({ status: 500 })),
    );
    // The learner is told their words went to the staff before they go on (else that reply is read as the next one's).
    expect((await exchange(LEARNER, tgText(LEARNER, "Tôi cần giúp đổi mật khẩu"))).join("\n")).toContain("chuyển lời");
    const toGroup = `select count(*) as n from outbox where chat_id = '${GROUP}' and status = 'pending'`;
    await eventually(async () => expect(await count(toGroup)).toBe(1));
    expect(await count("select count(*) as n from tickets")).toBe(1);
    // A reply may arrive late or twice (delivery is at least once, README "Delivery guarantees"): each step waits for its own.
    await exchangeFor(LEARNER, tgText(LEARNER, "xóa dữ liệu"), /có chắc muốn/);
    await exchangeFor(LEARNER, tgText(LEARNER, "1"), /Tôi đã xóa toàn bộ dữ liệu của bác/);
    expect(await count("select count(*) as n from tickets")).toBe(0);
    fake.clearScripts();
    // What stays queued for the group is only the notice, which names the ticket and nothing of the learner.
    expect(await count(`select count(*) as n from outbox where chat_id = '${GROUP}' and learner_id is not null`)).toBe(0);
    await eventually(() =>
      expect(group().at(-1)).toBe("🗑️ Phiếu #1 đã đóng: người học vừa xóa dữ liệu của mình. Tin trả lời sẽ không tới được người học."),
    );
    // The relayed message that had not got through yet never does.
    const delivered = fake
      .sent(GROUP)
      .filter((c) => c.ok)
      .map((c) => String(c.body.text));
    expect(delivered.join("\n")).not.toContain("đổi mật khẩu");
    await post(tgGroupText(GROUP, STAFF, "/tl 1 Bác còn đó không?"));
    await eventually(() => expect(group().at(-1)).toBe("Không tìm thấy phiếu #1."));
  });

  it("the dashboard lists open and closed tickets with their waiting times by lesson; the report and /metrics count them", async () => {
    const TOKEN = "admin-token-for-tests-0123";
    app = await start({ ADMIN_TOKEN: TOKEN });
    const get = async (url: string) => {
      const res = await (app as App).server.inject({ method: "GET", url, headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.statusCode).toBe(200);
      return res.body;
    };
    await intoLesson(LEARNER);
    await openTicket(LEARNER);
    let page = await get("/admin");
    expect(page).toContain("Gặp cán bộ (phiếu hỗ trợ)");
    expect(page).toContain("Đang mở: 1 phiếu.");
    expect(page).toContain("Giữ kín mã OTP (bước 1)");
    expect(page).toContain("chưa trả lời");
    clock += 12 * 60_000;
    await exchange(LEARNER, tgGroupText(GROUP, STAFF, "/tl 1 Chào bác"));
    clock += 20 * 60_000;
    await exchange(LEARNER, tgGroupText(GROUP, STAFF, "/dong 1"));
    page = await get("/admin");
    expect(page).toContain("1 phiếu, 1 phiếu đã được trả lời, thời gian chờ trung vị 12 phút. Đang mở: 0 phiếu.");
    expect(page).toContain("Đã đóng");
    expect(page).toContain("Theo bài");
    const csv = await get("/admin/reports/tickets.csv");
    const rows = csv
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(
      /^1,Telegram,L[0-9a-f]{10},ma-otp,Giữ kín mã OTP,1,người học xin gặp cán bộ,2026-12-07 09:00,2026-12-07 09:12,2026-12-07 09:32,12$/,
    );
    expect(rows[1]).not.toContain(String(LEARNER));
    const metrics = await get("/metrics");
    for (const event of ["opened", "answered", "closed"]) expect(metrics).toContain(`bdhai_handoff_tickets_total{event="${event}"} 1`);
  });

  it("one open ticket at a time, and at most STAFF_TICKETS_PER_DAY a day", async () => {
    // A week earlier: the next day is in the past too, so what is queued then is due at once.
    clock = MONDAY_9 - 7 * 86_400_000;
    app = await start({ STAFF_TICKETS_PER_DAY: "2" });
    await exchange(LEARNER, tgText(LEARNER, "/start"), 2);
    await exchange(LEARNER, tgText(LEARNER, "1"), 2);
    await openTicket(LEARNER);
    expect(await exchange(LEARNER, tgText(LEARNER, "cần người giúp"))).toEqual([
      "Phiếu số 1 của bác đang mở. Bác cứ viết, cán bộ sẽ đọc và trả lời bác.",
    ]);
    await exchange(LEARNER, tgGroupText(GROUP, STAFF, "/dong 1"));
    await openTicket(LEARNER);
    await exchange(LEARNER, tgGroupText(GROUP, STAFF, "/dong 2"));
    const refused = await exchange(LEARNER, tgText(LEARNER, "gap can bo"));
    expect(refused[0]).toContain("Hôm nay bác đã gửi nhiều phiếu rồi");
    // The next day (Vietnam time) the learner may ask again.
    clock += 86_400_000;
    expect((await exchange(LEARNER, tgText(LEARNER, "gap can bo")))[0]).toContain("Gặp cán bộ hỗ trợ");
  });
}

describe("hand-off to a person (Telegram staff group), on SQLite", () => scenarios("sqlite"));
describePostgres("hand-off to a person (Telegram staff group), on PostgreSQL", () => scenarios("postgres"));

describe("hand-off not set up", () => {
  it("a learner asking for a person is pointed kindly to the community digital team; no ticket is offered", async () => {
    app = await startApp({
      dbPath: `${dir.path}/t.db`,
      env: telegramEnv(fake.url),
    });
    await exchange(LEARNER, tgText(LEARNER, "/start"), 2);
    await exchange(LEARNER, tgText(LEARNER, "1"), 2);
    const answer = await exchange(LEARNER, tgText(LEARNER, "nói chuyện với người thật"));
    expect(answer[0]).toContain("Hỏi Tổ công nghệ số cộng đồng, hoặc cán bộ ở xã, phường");
    expect(fake.lastButtons(LEARNER)).toEqual([]);
    const scam = await exchange(LEARNER, tgText(LEARNER, "Có người gọi tự xưng công an, bảo tôi đọc mã OTP"));
    expect(scam.join("\n")).toContain("lừa đảo");
    expect(fake.lastButtons(LEARNER).some(([t]) => t.includes("cán bộ"))).toBe(false);
    expect(await count("select count(*) as n from tickets")).toBe(0);
  });
});

describe("hand-off from the web chat", () => {
  it("a web learner's ticket reaches the staff group; the staff answer is shown with the reply to their next message", async () => {
    app = await start();
    const say = webChat(() => app, "web-learner-1");
    await say("xin chào");
    await say("1");
    expect(joined(await say("gặp cán bộ"))).toContain("Những gì bác viết sau đây sẽ được gửi tới cán bộ");
    expect(joined(await say("1"))).toContain("Tôi đã gửi phiếu số **1** tới cán bộ");
    const ticket = await ticketMessage();
    expect(ticket).toContain("Trang web");
    expect(ticket).toContain("câu trả lời hiện ra khi họ nhắn tiếp");
    await post(tgGroupText(GROUP, STAFF, "Chào bác, bác cần giúp gì ạ?", ticket));
    await eventually(async () => expect(await count("select count(*) as n from tickets where answered_at is not null")).toBe(1));
    const next = await say("Tôi muốn đổi mật khẩu VNeID");
    expect(next.map((r) => r.text)).toEqual([
      "👤 **Cán bộ hỗ trợ:** Chào bác, bác cần giúp gì ạ?",
      "📨 Tôi đã chuyển lời bác tới cán bộ (phiếu số 1).",
    ]);
    await eventually(() => expect(group().at(-1)).toBe("💬 Phiếu #1: Tôi muốn đổi mật khẩu VNeID"));
  });
});
