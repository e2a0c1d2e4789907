import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import type { WebReply } from "../../src/channels/web.js";
import { FIXTURE_RIGHT, joined, optionNumber, startApp, tempDir, webChat } from "../helpers/app.js";

let dir: ReturnType<typeof tempDir>;
let app: App | undefined;
beforeEach(() => {
  dir = tempDir();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  dir.cleanup();
});

const chatter = (userId: string) => webChat(() => app, userId);
const count = (table: string) => (app!.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

/** Plays both fixture lessons (the whole track), passes its test, and gives the name for the certificate. */
async function finishTrack(say: (t: string) => Promise<WebReply[]>, name: string) {
  for (const t of ["xin chào", "1", "1", "1", "tiếp", "1", "tiếp", "2", "có", "1", "tiếp"]) await say(t);
  const lastQuiz = await say("1");
  expect(joined(lastQuiz)).toContain("bài kiểm tra ngắn");
  let question = await say("1");
  for (let i = 0; i < 2; i++) question = await say(optionNumber(question, FIXTURE_RIGHT));
  expect(joined(question)).toContain("Bác muốn ghi tên gọi nào trên giấy?");
  return say(name);
}

describe("learners' data rights, certificates, reminders", () => {
  it("shows the privacy notice", async () => {
    app = await startApp({ dbPath: `${dir.path}/t.db` });
    const say = chatter("learner-priv1");
    await say("xin chào");
    const text = joined(await say("/baomat"));
    for (const words of ["Tôi lưu gì về bác", "Để làm gì", "Bao lâu", "xóa dữ liệu", "91/2025/QH15"]) expect(text).toContain(words);
  });

  it("completing a track earns a certificate with a verification code and the chosen first name", async () => {
    app = await startApp({ dbPath: `${dir.path}/t.db`, env: { PUBLIC_BASE_URL: "https://hoc.example.gov.vn" } });
    const say = chatter("learner-cert1");
    const r = await finishTrack(say, "lan");
    const text = joined(r);
    expect(text).toContain("Giấy chứng nhận");
    expect(text).toContain("Người học: Lan");
    expect(text).toContain("Đã hoàn thành chủ đề: “An toàn trên mạng”");
    const row = app.db.$client.prepare("select code, first_name, track_id from certificates").get() as {
      code: string;
      first_name: string;
      track_id: string;
    };
    expect(row).toMatchObject({ first_name: "Lan", track_id: "an-toan" });
    expect(row.code).toMatch(/^[A-Z2-9]{10}$/);
    expect(text).toContain(`https://hoc.example.gov.vn/verify/${row.code}`);
    // One certificate per track, however often the lessons are redone.
    expect(count("certificates")).toBe(1);
  });

  it("xóa dữ liệu asks for confirmation, then deletes everything about the learner at once", async () => {
    app = await startApp({ dbPath: `${dir.path}/t.db` });
    const say = chatter("learner-del01");
    await finishTrack(say, "bỏ qua");
    await say("hỏi mã otp là gì vậy");
    await say("dừng nhắc");
    expect(count("lesson_progress")).toBeGreaterThan(0);
    expect(count("certificates")).toBe(1);
    expect(count("qa_questions")).toBe(1);
    // The track's test left its answers, the attempt and how well each lesson is known.
    expect(count("review_answers")).toBe(2);
    expect(count("track_tests")).toBe(1);
    expect(count("lesson_mastery")).toBe(2);

    const ask = await say("xoa du lieu");
    expect(joined(ask)).toContain("xóa toàn bộ dữ liệu");
    expect(joined(await say("2"))).toContain("vẫn được giữ nguyên");
    expect(count("learners")).toBe(1);

    await say("/xoa");
    expect(joined(await say("1"))).toContain("đã xóa toàn bộ dữ liệu");
    for (const table of [
      "learners",
      "conversation_states",
      "lesson_progress",
      "quiz_attempts",
      "progress_events",
      "qa_questions",
      "certificates",
      "review_cards",
      "review_answers",
      "lesson_mastery",
      "track_tests",
    ]) {
      expect(count(table), table).toBe(0);
    }
    // Coming back is a fresh start.
    expect(joined(await say("xin chào"))).toContain("Bác có đồng ý không?");
  });

  it("'dừng nhắc' and 'bật nhắc' switch reminders", async () => {
    app = await startApp({ dbPath: `${dir.path}/t.db` });
    const say = chatter("learner-rem01");
    await say("xin chào");
    await say("1");
    const reminders = () => (app!.db.$client.prepare("select reminders from learners").get() as { reminders: number | null }).reminders;
    expect(reminders()).toBeNull();
    expect(joined(await say("bật nhắc"))).toContain("tôi sẽ nhắc bác");
    expect(reminders()).toBe(1);
    expect(joined(await say("dung nhac"))).toContain("không nhắc bác nữa");
    expect(reminders()).toBe(0);
  });
});
