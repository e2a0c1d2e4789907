import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createReminders } from "../../../src/conversation/reminders.js";
import { schedule } from "../../../src/learning/scheduler.js";
import { type Db, openDatabase } from "../../../src/store/db.js";
import { saveLearning } from "../../../src/store/learning.js";
import { remindersStore } from "../../../src/store/reminders.js";
import * as repo from "../../../src/store/repo.js";
import { tempDir } from "../../helpers/app.js";
import { buildCurriculum, sampleCurriculum } from "../../helpers/curriculum.js";

// The scheduler against a real database file.

let dir: ReturnType<typeof tempDir>;
let db: Db;
const DAY = 86_400_000;
// 2026-11-20 10:00 in Vietnam = 03:00 UTC.
const MORNING_VN = Date.UTC(2026, 10, 20, 3, 0);
const NIGHT_VN = Date.UTC(2026, 10, 20, 15, 0); // 22:00 in Vietnam

beforeEach(() => {
  dir = tempDir();
  db = openDatabase(`${dir.path}/r.db`);
});
afterEach(() => {
  db.$client.close();
  dir.cleanup();
});

function learner(id: string, opts: { lastActive: number; reminders: boolean | null; blocked?: boolean }) {
  const l = repo.upsertLearner(db, "telegram", id, id, new Date(opts.lastActive));
  db.$client
    .prepare("update learners set consent = 1, reminders = ?, unreachable_at = ? where id = ?")
    .run(opts.reminders === null ? null : opts.reminders ? 1 : 0, opts.blocked ? opts.lastActive : null, l.id);
  return l.id;
}
const queued = () =>
  db.$client.prepare("select chat_id, params from outbox order by id").all() as Array<{ chat_id: string; params: string }>;

describe("reminders", () => {
  it("reminds an inactive, opted-in learner once, in the daytime only, and never a blocked or opted-out one", async () => {
    let t = NIGHT_VN;
    const r = createReminders({
      store: remindersStore(db),
      channels: ["telegram"],
      curriculum: () => sampleCurriculum(),
      logger: pino({ level: "silent" }),
      inactiveDays: 3,
      now: () => t,
    });
    learner("inactive", { lastActive: MORNING_VN - 4 * DAY, reminders: true });
    learner("recent", { lastActive: MORNING_VN - 1 * DAY, reminders: true });
    learner("opted-out", { lastActive: MORNING_VN - 10 * DAY, reminders: false });
    learner("never-asked", { lastActive: MORNING_VN - 10 * DAY, reminders: null });
    learner("blocked", { lastActive: MORNING_VN - 10 * DAY, reminders: true, blocked: true });

    expect(await r.runOnce()).toBe(0); // 22:00 in Vietnam: nothing
    t = MORNING_VN;
    expect(await r.runOnce()).toBe(1);
    expect(queued().map((q) => q.chat_id)).toEqual(["inactive"]);
    expect(JSON.parse(queued()[0]?.params ?? "{}").text).toContain("dừng nhắc");
    t = MORNING_VN + 2 * 3600_000;
    expect(await r.runOnce()).toBe(0); // at most one per stretch of inactivity

    // The learner comes back, then goes quiet again: one more reminder after another 3 days.
    db.$client.prepare("update learners set last_active_at = ? where channel_user_id = 'inactive'").run(MORNING_VN + DAY);
    t = MORNING_VN + 5 * DAY;
    expect(await r.runOnce()).toBe(2); // "inactive" again, and "recent", now quiet for six days
    expect(
      queued()
        .map((q) => q.chat_id)
        .sort(),
    ).toEqual(["inactive", "inactive", "recent"]);
  });

  it("names the lesson the learner left unfinished", async () => {
    const c = sampleCurriculum();
    const r = createReminders({
      store: remindersStore(db),
      channels: ["telegram"],
      curriculum: () => c,
      logger: pino({ level: "silent" }),
      inactiveDays: 3,
      now: () => MORNING_VN,
    });
    const id = learner("mid-lesson", { lastActive: MORNING_VN - 5 * DAY, reminders: true });
    repo.saveState(
      db,
      id,
      { v: 1, consent: true, screen: { kind: "step" }, lesson: { lessonId: "otp", stepIndex: 1, stepTitle: "x", wrong: 0 } },
      new Date(),
    );
    await r.runOnce();
    expect(JSON.parse(queued()[0]?.params ?? "{}").text).toContain("Bài otp");
  });

  it("offers the reviews due to a learner who has not come by today, once; not after “dừng nhắc”", async () => {
    let t = MORNING_VN;
    const r = createReminders({
      store: remindersStore(db),
      channels: ["telegram"],
      curriculum: () => sampleCurriculum(),
      logger: pino({ level: "silent" }),
      inactiveDays: 3,
      now: () => t,
    });
    const id = learner("reviewer", { lastActive: MORNING_VN - DAY, reminders: true });
    const stopped = learner("stopped", { lastActive: MORNING_VN - DAY, reminders: false });
    const card = schedule(
      undefined,
      { lessonId: "otp", stepTitle: "Ai được hỏi mã OTP của bác?", stepIndex: 4 },
      "forgot",
      MORNING_VN - DAY,
    );
    const card2 = { ...card, stepTitle: "Trang nào là thật?", lessonId: "link", stepIndex: 2 };
    for (const l of [id, stopped]) saveLearning(db, l, { cards: [card, card2], mastery: [], answers: [], tests: [] }, new Date(MORNING_VN));
    expect(await r.runOnce()).toBe(1);
    expect(queued().map((q) => q.chat_id)).toEqual(["reviewer"]);
    expect(JSON.parse(queued()[0]?.params ?? "{}").text).toBe(
      "Chào bác! 😊 Bác có 2 câu ôn tập hôm nay. Gõ **ôn tập** để bắt đầu.\n(Gõ “dừng nhắc” nếu bác không muốn nhận nhắc nữa.)",
    );
    t = MORNING_VN + 3 * 3600_000;
    expect(await r.runOnce()).toBe(0);
  });

  it("sends announcements to opted-in, reachable learners only, through the outbox", async () => {
    const r = createReminders({
      store: remindersStore(db),
      channels: ["telegram"],
      curriculum: () => buildCurriculum([]),
      logger: pino({ level: "silent" }),
      inactiveDays: 3,
      now: () => MORNING_VN,
    });
    learner("a", { lastActive: MORNING_VN, reminders: true });
    learner("b", { lastActive: MORNING_VN, reminders: false });
    learner("c", { lastActive: MORNING_VN, reminders: true, blocked: true });
    expect(await r.announce("Lớp học số tại nhà văn hóa thứ Bảy này.")).toBe(1);
    expect(queued().map((q) => q.chat_id)).toEqual(["a"]);
    expect(db.$client.prepare("select recipients from announcements").get()).toEqual({ recipients: 1 });
  });
});
