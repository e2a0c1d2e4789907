import { cpSync } from "node:fs";
import { resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import type { WebReply } from "../../src/channels/web.js";
import { joined, startApp, tempDir, webChat } from "../helpers/app.js";
import { startFakeLlm } from "../helpers/fake-llm.js";

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

const chatter = (userId = "learner-0001") => webChat(() => app, userId);

describe("web chat, end to end with a real database file", () => {
  it("serves the chat page", async () => {
    app = await startApp({ dbPath: `${dir.path}/t.db` });
    const res = await app.server.inject({ method: "GET", url: "/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
    expect(res.body).toContain("Chữ to");
    expect(res.body).toContain("api/chat");
  });

  it("a learner finishes a lesson (checkpoint help, wrong then right quiz answer), and it survives a restart", async () => {
    const dbPath = `${dir.path}/tutor.db`;
    app = await startApp({ dbPath });
    const say = chatter();
    expect(joined(await say("/start"))).toContain("Xin chào bác");
    const menu = await say("1");
    expect(menu.at(-1)?.options?.map((o) => o.label)).toEqual(["🛡️ An toàn trên mạng"]);
    await say("1");
    const first = await say("1");
    expect(joined(first)).toContain("Giữ kín mã OTP");
    expect(first.at(-1)?.text).toContain("**Bước 1/4: Hiểu mã OTP**");
    expect(first.at(-1)?.quick).toEqual(["repeat", "menu"]);
    expect(joined(await say("ko hieu"))).toContain("chìa khóa dùng một lần");
    expect(joined(await say("tiep"))).toContain("Kiểm tra (2/4)");
    expect(joined(await say("2"))).toContain("mở mục Tin nhắn");
    expect(joined(await say("1"))).toContain("Bước 3/4");
    expect(joined(await say("xong"))).toContain("Câu hỏi (4/4)");
    const wrong = await say("1");
    expect(joined(wrong)).toContain("Chưa đúng");
    const done = await say("2");
    expect(joined(done)).toContain("Đúng rồi");
    expect(joined(done)).toContain("Không ai được hỏi mã OTP");
    expect(joined(done)).toContain("Không đọc mã OTP cho ai."); // the summary
    expect(joined(done)).toContain("đã học xong bài “Giữ kín mã OTP”");
    expect(joined(done)).toContain("Bài nên học tiếp: “Nhận biết đường link giả”");

    // Asked once, after the first lesson: reminders.
    expect(done.at(-1)?.options?.map((o) => o.label)).toEqual(["Có, nhắc tôi", "Không cần"]);
    const after = await say("không cần");
    expect(joined(after)).toContain("không nhắc bác nữa");
    // The lesson was congratulated once; after the question, only what comes next.
    expect(joined(after)).not.toContain("đã học xong bài");
    expect(joined(after)).toContain("Bài nên học tiếp: “Nhận biết đường link giả”");
    expect(after.at(-1)?.options?.map((o) => o.label)).toEqual(["Học bài tiếp", "Về danh sách chủ đề"]);
    // Start the next lesson and stop halfway.
    await say("1");
    await app.close();

    app = await startApp({ dbPath });
    const say2 = chatter();
    const back = await say2("/start");
    expect(joined(back)).toContain("Chào mừng bác quay lại");
    expect(joined(back)).toContain("Nhận biết đường link giả");
    expect(joined(back)).toContain("bước 1/2");
    const progress = joined(await say2("tiến độ"));
    expect(progress).toContain("Đã xong (1): Giữ kín mã OTP");
    const resumed = await say2("1");
    expect(resumed.at(-1)?.text).toContain("Bước 1/2: Xem đuôi địa chỉ");

    const rows = app.db.$client.prepare("select lesson_id, status, step_reached from lesson_progress order by lesson_id").all();
    expect(rows).toEqual([
      { lesson_id: "link-gia", status: "in_progress", step_reached: 1 },
      { lesson_id: "ma-otp", status: "completed", step_reached: 4 },
    ]);
    const attempts = app.db.$client.prepare("select attempt, correct from quiz_attempts order by id").all();
    expect(attempts).toEqual([
      { attempt: 1, correct: 0 },
      { attempt: 2, correct: 1 },
    ]);
  });

  it("keeps no learning history when the learner declines, but still teaches", async () => {
    app = await startApp({ dbPath: `${dir.path}/t.db` });
    const say = chatter();
    await say("hi");
    expect(joined(await say("không đồng ý"))).toContain("không lưu kết quả học");
    await say("1");
    expect(joined(await say("1"))).toContain("Bước 1/4");
    const count = app.db.$client.prepare("select count(*) as n from lesson_progress").get() as { n: number };
    expect(count.n).toBe(0);
  });

  it("a message sent twice (same id) is handled once", async () => {
    app = await startApp({ dbPath: `${dir.path}/t.db` });
    const payload = { userId: "learner-dup1", messageId: "same", text: "hi" };
    const a = await app.server.inject({ method: "POST", url: "/api/chat", payload });
    const b = await app.server.inject({ method: "POST", url: "/api/chat", payload });
    expect(a.json().replies.length).toBeGreaterThan(0);
    expect(b.json()).toEqual({ duplicate: true, replies: [] });
  });

  it("rejects bad requests with a 4xx and a clear message, never a crash", async () => {
    app = await startApp({ dbPath: `${dir.path}/t.db` });
    const bad = [
      { payload: "not json", headers: { "content-type": "application/json" } },
      { payload: { userId: "x", messageId: "1", text: "hi" } },
      { payload: { userId: "learner-0001", messageId: "1", text: "a".repeat(2001) } },
      { payload: { userId: "learner-0001", messageId: "1" } },
    ];
    for (const b of bad) {
      const res = await app.server.inject({ method: "POST", url: "/api/chat", ...b });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toBeTruthy();
    }
    const big = await app.server.inject({
      method: "POST",
      url: "/api/chat",
      payload: JSON.stringify({ userId: "learner-0001", messageId: "1", text: "a".repeat(300_000) }),
      headers: { "content-type": "application/json" },
    });
    expect(big.statusCode).toBe(413);
    expect((await app.server.inject({ method: "GET", url: "/nope" })).statusCode).toBe(404);
  });

  it("answers health and readiness", async () => {
    app = await startApp({ dbPath: `${dir.path}/t.db` });
    expect((await app.server.inject({ method: "GET", url: "/health" })).json()).toEqual({ status: "ok" });
    const ready = await app.server.inject({ method: "GET", url: "/health/ready" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready", db: true, curriculum: true, version: app.curriculum.current().version });
    expect(ready.json().version).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe("one learner's messages on the web, sent without waiting", () => {
  it("are handled one after another in the order sent, even while a model is slow", async () => {
    const llm = await startFakeLlm();
    try {
      cpSync(resolve(import.meta.dirname, "../../prompts"), `${dir.path}/prompts`, { recursive: true });
      app = await startApp({
        dbPath: `${dir.path}/t.db`,
        env: { OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: "k", OPENAI_MODEL: "m", PROMPTS_DIR: `${dir.path}/prompts` },
        options: { qaDeadlineMs: 800 },
      });
      const say = chatter("learner-fast1");
      await say("xin chào");
      await say("1");
      llm.script("hang");
      const live = app;
      const done: string[] = [];
      const post = (n: number, text: string) =>
        live.server
          .inject({ method: "POST", url: "/api/chat", payload: { userId: "learner-fast1", messageId: `q${n}`, text } })
          .then((r) => {
            done.push(text);
            return r;
          });
      // A question the model is slow to answer, then a command typed right after it.
      const [question, menu] = await Promise.all([post(1, "mã otp là gì vậy cháu"), post(2, "menu")]);
      expect(question.statusCode).toBe(200);
      expect(menu.statusCode).toBe(200);
      expect(done).toEqual(["mã otp là gì vậy cháu", "menu"]);
      // The command was applied after the answer, on top of it: the learner sees the menu.
      expect(joined((menu.json() as { replies: WebReply[] }).replies)).toContain("chủ đề");
    } finally {
      await llm.close();
    }
  });
});
