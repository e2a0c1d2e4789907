import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { eventually, startApp, tempDir } from "../helpers/app.js";
import { plainText, postTelegram, startFakeTelegram, tgButton, tgGroupButton, tgGroupText, tgText } from "../helpers/fake-telegram.js";

// The hand-off to a person, end to end on Telegram: a learner asks, agrees, the staff group gets a redacted ticket,
// a staff member's reply reaches the learner, the learner's messages reach the group, the ticket is closed and the
// lesson goes on. The stand-in Bot API receives what the bot sends to the group and to the learner.

const SECRET = "tg_secret_for_tests";
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

beforeEach(async () => {
  dir = tempDir();
  fake = await startFakeTelegram();
  clock = MONDAY_9;
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await fake.close();
  dir.cleanup();
});

const start = (env: Record<string, string> = {}) =>
  startApp({
    dbPath: `${dir.path}/t.db`,
    env: {
      TELEGRAM_BOT_TOKEN: "123456:TEST-token",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      STAFF_TELEGRAM_CHAT_ID: String(GROUP),
      ...env,
    },
    options: { now: () => clock },
  });

const post = async (update: unknown) => expect((await postTelegram(app!, update, SECRET)).statusCode).toBe(200);

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

const group = () => fake.texts(GROUP).map(plainText);

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

describe("hand-off to a person (Telegram staff group)", () => {
  it("a whole hand-off: ticket, staff reply, learner messages relayed, closing, and the lesson goes on", async () => {
    app = await start();
    await intoLesson(LEARNER);
    const opened = await openTicket(LEARNER);
    expect(opened[0]).toContain("Tôi đã gửi phiếu số 1 tới cán bộ");
    expect(opened[0]).toContain("Cán bộ sẽ trả lời bác sớm.");

    const ticket = await eventually(() => {
      const t = group().find((x) => x.includes("Phiếu #1"));
      expect(t).toBeDefined();
      return t as string;
    });
    expect(ticket).toContain("Telegram");
    expect(ticket).toContain("Bài: Giữ kín mã OTP (bước 1)");
    expect(ticket).not.toContain(String(LEARNER));
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
});
