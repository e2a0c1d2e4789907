import { describe, expect, it } from "vitest";
import { updateSchema } from "../../../src/channels/telegram.js";
import { normalizeStaffUpdate } from "../../../src/channels/telegram-staff.js";
import { loadConfig } from "../../../src/config.js";
import { parseStaffCommand } from "../../../src/handoff/commands.js";
import { inHours, openingAt, parseDays, parseHours } from "../../../src/handoff/hours.js";
import { whenInWords } from "../../../src/handoff/texts.vi.js";
import { tgGroupButton, tgGroupText, tgText } from "../../helpers/fake-telegram.js";

const vn = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi);
const HOURS = { ...(parseHours("07:30-17:00") as { open: number; close: number }), days: parseDays("1-5") as Set<number> };

describe("staff hours", () => {
  it("parses hours and days, and refuses what is not", () => {
    expect(parseHours("07:30-17:00")).toEqual({ open: 450, close: 1020 });
    for (const bad of ["7-17", "17:00-07:30", "07:60-08:00", "25:00-26:00"]) expect(parseHours(bad), bad).toBeUndefined();
    expect([...(parseDays("1-5,7") ?? [])]).toEqual([1, 2, 3, 4, 5, 7]);
    for (const bad of ["0-5", "5-1", "1-8", "mon", ""]) expect(parseDays(bad), bad).toBeUndefined();
  });

  it("knows when staff answer, and the next opening in words (Vietnam time)", () => {
    expect(inHours(HOURS, vn(2026, 12, 7, 9))).toBe(true); // Monday
    expect(inHours(HOURS, vn(2026, 12, 7, 7, 29))).toBe(false);
    expect(inHours(HOURS, vn(2026, 12, 7, 17))).toBe(false);
    expect(inHours(HOURS, vn(2026, 12, 5, 10))).toBe(false); // Saturday
    const friday = vn(2026, 12, 11, 18);
    expect(openingAt(HOURS, friday)).toBe(vn(2026, 12, 14, 7, 30));
    expect(whenInWords(openingAt(HOURS, friday), friday)).toBe("7 giờ 30 sáng thứ Hai (14/12)");
    const early = vn(2026, 12, 8, 6);
    expect(whenInWords(openingAt(HOURS, early), early)).toBe("7 giờ 30 sáng hôm nay");
    const evening = vn(2026, 12, 8, 20);
    expect(whenInWords(openingAt(HOURS, evening), evening)).toBe("7 giờ 30 sáng mai (thứ Tư, 9/12)");
    expect(whenInWords(vn(2026, 12, 8, 13), vn(2026, 12, 8, 9))).toBe("1 giờ chiều hôm nay");
  });
});

describe("staff commands", () => {
  it("reads /tl and /dong with their ticket number, as typed in a group (with the bot's name too)", () => {
    expect(parseStaffCommand("/tl 12 Bác mở mục Cài đặt nhé")).toEqual({ kind: "answer", ticket: 12, text: "Bác mở mục Cài đặt nhé" });
    expect(parseStaffCommand("/tl@bdhai_bot #3 Dạ\nvâng")).toEqual({ kind: "answer", ticket: 3, text: "Dạ\nvâng" });
    expect(parseStaffCommand("/dong 12")).toEqual({ kind: "close", ticket: 12 });
    expect(parseStaffCommand("/đóng 7")).toEqual({ kind: "close", ticket: 7 });
    expect(parseStaffCommand("/tl 12")).toEqual({ kind: "usage" });
    expect(parseStaffCommand("/tl xin chào")).toEqual({ kind: "usage" });
    expect(parseStaffCommand("/dong")).toEqual({ kind: "usage" });
    expect(parseStaffCommand("chị ơi phiếu 12 ai trả lời?")).toBeUndefined();
    expect(parseStaffCommand("/tlx 1 a")).toBeUndefined();
  });
});

describe("the Telegram staff group", () => {
  const staff = { chatId: "-1001", userIds: new Set(["5"]) };
  const parse = (u: unknown) => normalizeStaffUpdate(updateSchema.parse(u), staff);

  it("a reply to a ticket's message becomes /tl; the ticket's button becomes /dong; commands pass as typed", () => {
    expect(parse(tgGroupText(-1001, 5, "Chào bác", "🎫 Phiếu #12 · Telegram · người học abc"))).toMatchObject({
      channel: "telegram",
      userKey: "staff:-1001",
      chatId: "-1001",
      text: "/tl 12 Chào bác",
    });
    expect(parse(tgGroupText(-1001, 5, "/dong 3"))?.text).toBe("/dong 3");
    expect(parse(tgGroupButton(-1001, 5, "1", "🎫 Phiếu #4 · Zalo"))).toMatchObject({ text: "/dong 4", callbackId: expect.any(String) });
  });

  it("hears nothing else: talk among staff, a member not listed, another group, a private chat", () => {
    expect(parse(tgGroupText(-1001, 5, "Ai trực chiều nay?"))).toBeUndefined();
    expect(parse(tgGroupText(-1001, 6, "/tl 1 xin chào"))).toBeUndefined();
    expect(parse(tgGroupText(-1002, 5, "/tl 1 xin chào"))).toBeUndefined();
    expect(parse(tgText(5, "/tl 1 xin chào"))).toBeUndefined();
    expect(parse(tgGroupButton(-1001, 6, "1", "🎫 Phiếu #4"))).toBeUndefined();
  });
});

describe("configuration of the hand-off", () => {
  const tg = { TELEGRAM_BOT_TOKEN: "1:x", TELEGRAM_WEBHOOK_SECRET: "s" };
  it("is off without a staff group, and read with its defaults when one is set", () => {
    expect(loadConfig(tg).handoff).toBeUndefined();
    const c = loadConfig({ ...tg, STAFF_TELEGRAM_CHAT_ID: "-1001234", STAFF_TELEGRAM_USER_IDS: "5, 6" });
    expect(c.handoff).toEqual({
      telegram: { chatId: "-1001234", userIds: ["5", "6"] },
      hours: { open: 450, close: 1020, days: new Set([1, 2, 3, 4, 5]) },
      remindMs: 30 * 60_000,
      perDay: 3,
    });
  });

  it("refuses what cannot work, naming the variable", () => {
    const bad = (env: Record<string, string>, name: string) => expect(() => loadConfig(env)).toThrow(name);
    bad({ STAFF_TELEGRAM_CHAT_ID: "-1001234" }, "TELEGRAM_BOT_TOKEN");
    bad({ ...tg, STAFF_TELEGRAM_CHAT_ID: "1234" }, "STAFF_TELEGRAM_CHAT_ID");
    bad({ ...tg, STAFF_TELEGRAM_USER_IDS: "5" }, "STAFF_TELEGRAM_CHAT_ID");
    bad({ ...tg, STAFF_TELEGRAM_CHAT_ID: "-1", STAFF_HOURS: "17:00-07:30" }, "STAFF_HOURS");
    bad({ ...tg, STAFF_TELEGRAM_CHAT_ID: "-1", STAFF_DAYS: "0-5" }, "STAFF_DAYS");
  });
});
