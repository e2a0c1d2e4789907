import { afterEach, describe, expect, it } from "vitest";
import { sqliteAdminStore } from "../../src/store/admin.js";
import { closeDatabase, type Db, openDatabase } from "../../src/store/db.js";

let db: Db | undefined;
afterEach(async () => {
  if (db) await closeDatabase(db);
  db = undefined;
});

describe("programme targets count people, not web ids", () => {
  it("learners who finished a track through the web chat are counted apart from Telegram and Zalo learners", async () => {
    db = openDatabase(":memory:");
    const learner = db.$client.prepare(
      "insert into learners (channel, channel_user_id, chat_id, created_at, last_active_at) values (?, ?, ?, 0, 0) returning id",
    );
    const done = db.$client.prepare(
      "insert into lesson_progress (learner_id, lesson_id, status, step_reached, started_at, completed_at, updated_at) values (?, ?, 'completed', 4, 0, 10, 10)",
    );
    const finish = (channel: string, key: string) => {
      const { id } = learner.get(channel, key, key) as { id: number };
      for (const lesson of ["a", "b"]) done.run(id, lesson);
    };
    finish("telegram", "t1");
    finish("zalo", "z1");
    for (let i = 0; i < 5; i++) finish("web", `made-up-${i}`);
    const admin = sqliteAdminStore(db);
    expect(await admin.trackCompleters(["a", "b"], 100)).toEqual({ people: 2, web: 5 });
    expect(await admin.trackCompleters(["a", "b"], 5)).toEqual({ people: 0, web: 0 });
  });
});
