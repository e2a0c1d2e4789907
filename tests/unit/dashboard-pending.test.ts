import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DashboardInput, renderDashboard } from "../../src/admin/dashboard.js";
import { pseudonymizer } from "../../src/admin/pseudonym.js";
import { readTargets } from "../../src/admin/targets.js";
import { loadCurriculum } from "../../src/curriculum/load.js";
import { sqliteAdminStore } from "../../src/store/admin.js";
import { type Db, openDatabase } from "../../src/store/db.js";
import { FIXTURE_CURRICULUM, startApp, tempDir, webChat } from "../helpers/app.js";

// The first view of a large installation must not wait for the big figures: past waitMs it shows
// what is quick and says the totals are being computed; a later view has them.

let dir: ReturnType<typeof tempDir>;
let db: Db;
beforeEach(() => {
  dir = tempDir();
  db = openDatabase(`${dir.path}/d.db`);
});
afterEach(() => {
  db.$client.close();
  dir.cleanup();
});

async function input(waitMs: number, extra: Partial<DashboardInput> = {}): Promise<DashboardInput> {
  const { curriculum } = await loadCurriculum(FIXTURE_CURRICULUM);
  if (!curriculum) throw new Error("fixture curriculum did not load");
  const store = sqliteAdminStore(db);
  return {
    store,
    curriculum,
    status: { at: new Date(), ok: true, problems: [], servedAt: new Date() },
    targets: readTargets(`${dir.path}/no-targets.yaml`, new Set(curriculum.tracks.map((t) => t.id))),
    now: Date.now(),
    days: 30,
    pseudonym: await pseudonymizer(store),
    waitMs,
    ...extra,
  };
}

describe("dashboard while its big figures are being computed", () => {
  it("serves the quick parts with a notice and a self-refresh, then the full page", async () => {
    const first = await renderDashboard(await input(0));
    expect(first).toContain("đang được tính");
    expect(first).toContain('<meta http-equiv="refresh" content="5">');
    expect(first).toContain("Gửi thông báo"); // the quick sections are there
    // The computation started by the first view finishes; the next view has every figure.
    await new Promise((r) => setTimeout(r, 200));
    const later = await renderDashboard(await input(800));
    expect(later).not.toContain("đang được tính");
    expect(later).not.toContain('http-equiv="refresh"');
    expect(later).toContain("Tổng quan");
  });

  it("computes the same figures on a worker thread (used for large databases) as on the main thread", async () => {
    const app = await startApp({ dbPath: `${dir.path}/d.db` });
    try {
      for (const user of ["learner-a1", "learner-b2", "learner-c3"]) {
        const say = webChat(() => app, user);
        for (const text of ["xin chào", "1", "1", "1", "tiếp", "tiếp", "1", "2"]) await say(text);
      }
    } finally {
      await app.close();
    }
    const now = Date.now();
    const onMain = await renderDashboard(await input(5000, { offThread: false, now }));
    const onWorker = await renderDashboard(await input(5000, { offThread: true, now }));
    expect(onMain).toContain("Tổng quan");
    expect(onMain).not.toContain("đang được tính");
    expect(onWorker).toBe(onMain);
    // Real figures, not empty ones: three learners on the web chat.
    expect(onMain).toMatch(/Trang web[\s\S]*?>3</);
  });

  it("counts learners over time for any period from one year of figures, on either thread", async () => {
    const now = Date.UTC(2026, 10, 22, 5, 0); // noon in Vietnam
    const day = 86_400_000;
    const insert = db.$client.prepare(
      "insert into learners (channel, channel_user_id, chat_id, created_at, last_active_at) values ('web', ?, ?, ?, ?)",
    );
    const startedDaysAgo = [3, 3, 20, 100, 100, 100, 100, 400];
    for (const [i, ago] of startedDaysAgo.entries()) insert.run(`u${i}`, `u${i}`, now - ago * day, now - ago * day);
    const expected: Array<[number, number, number]> = [
      [7, 2, 6],
      [30, 3, 5],
      [365, 7, 1],
    ];
    for (const [days, fresh, before] of expected) {
      for (const offThread of [false, true]) {
        const html = await renderDashboard(await input(5000, { now, days, offThread }));
        expect(html).toContain(`${fresh} người mới trong ${days} ngày (trước đó đã có ${before} người)`);
      }
    }
  });
});
