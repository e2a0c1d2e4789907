import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOaClient } from "../../../src/channels/zalo-oa/client.js";
import { createOaTokens, seedOf } from "../../../src/channels/zalo-oa/tokens.js";
import type { RemindersStore, WindowRule, ZaloOaStore } from "../../../src/conversation/ports.js";
import { openDatabase } from "../../../src/store/db.js";
import { closePostgres, openPostgres, type PgDb } from "../../../src/store/postgres/db.js";
import { postgresOutboxStore } from "../../../src/store/postgres/outbox.js";
import { postgresZaloOaStore } from "../../../src/store/postgres/zalo-oa.js";
import { remindersStore } from "../../../src/store/reminders.js";
import { sqliteZaloOaStore } from "../../../src/store/zalo-oa.js";
import { tempDir } from "../../helpers/app.js";
import {
  type FakeZaloOa,
  OA_ACCESS_TOKEN,
  OA_APP_ID,
  OA_APP_SECRET,
  OA_REFRESH_TOKEN,
  startFakeZaloOa,
} from "../../helpers/fake-zalo-oa.js";
import { describePostgres, dropSchema, POSTGRES_URL, schemaName } from "../../helpers/postgres.js";

// The Zalo OA's tokens and the 48-hour window, on both stores: what one instance stores, the next one (or a restart)
// goes on with; several instances refused at once refresh once; reminders and announcements skip and count the
// learners past their window. The OAuth server is the stand-in on loopback, reached through the real client.

const log = pino({ level: "silent" });
const DAY = 86_400_000;

interface Engine {
  /** A store as one instance sees it (a new one each call: another instance, or a restart). */
  oa(): ZaloOaStore;
  reminders: RemindersStore;
  learner(channel: string, id: string, lastActive: number): Promise<void>;
  /** A review card of the learner, due at `due`. */
  card(id: string, due: number): Promise<void>;
  queued(): Promise<string[]>;
  /** The texts queued, in order. */
  texts(): Promise<string[]>;
  remindedAt(id: string): Promise<number | null>;
  close(): Promise<void>;
}

function suite(open: () => Promise<Engine>) {
  let e: Engine;
  let fake: FakeZaloOa;
  beforeEach(async () => {
    e = await open();
    fake = await startFakeZaloOa();
  });
  afterEach(async () => {
    await e.close();
    await fake.close();
  });

  const client = () => createOaClient({ apiRoot: fake.url, oauthRoot: fake.url, appId: OA_APP_ID, appSecret: OA_APP_SECRET });
  const manager = (store: ZaloOaStore, initial = { accessToken: OA_ACCESS_TOKEN, refreshToken: OA_REFRESH_TOKEN }) => {
    const c = client();
    return createOaTokens({ store, refresh: (rt) => c.refresh(rt), initial, log });
  };

  it("tokens start from the environment, are kept, and replaced only by a new authorisation", async () => {
    const first = manager(e.oa());
    expect(await first.current()).toBe(OA_ACCESS_TOKEN);
    expect(fake.refreshes).toBe(0);
    // Refused: refreshed once, and the new pair stored before it is used.
    expect(await first.afterRejection(OA_ACCESS_TOKEN)).toBe(fake.accessToken);
    const stored = await e.oa().tokens();
    expect(stored).toMatchObject({ accessToken: fake.accessToken, refreshToken: fake.refreshToken });
    expect(stored?.seeds).toEqual([seedOf(OA_REFRESH_TOKEN)]);

    // A restart with the same (now dead) environment goes on with the stored pair.
    expect(await manager(e.oa()).current()).toBe(fake.accessToken);
    expect(fake.refreshes).toBe(1);

    // An admin re-authorises: a refresh token never seen before replaces the pair…
    const fresh = { accessToken: "access-from-new-authorisation", refreshToken: "refresh-from-new-authorisation" };
    expect(await manager(e.oa(), fresh).current()).toBe(fresh.accessToken);
    expect((await e.oa().tokens())?.refreshToken).toBe(fresh.refreshToken);
    // …and an instance still started with the old environment does not put the old pair back.
    expect(await manager(e.oa()).current()).toBe(fresh.accessToken);
    expect((await e.oa().tokens())?.refreshToken).toBe(fresh.refreshToken);
  });

  it("several instances refused at once refresh once and all go on with the new token", async () => {
    const instances = [manager(e.oa()), manager(e.oa()), manager(e.oa())];
    for (const m of instances) expect(await m.current()).toBe(OA_ACCESS_TOKEN);
    fake.expireAccessTokens();
    const got = await Promise.all(instances.map((m) => m.afterRejection(OA_ACCESS_TOKEN)));
    expect(fake.refreshes).toBe(1);
    expect(new Set(got)).toEqual(new Set([fake.accessToken]));
    expect(instances.every((m) => m.ok())).toBe(true);
  });

  it("a refused refresh leaves the stored pair alone and reports not ok", async () => {
    const m = manager(e.oa());
    await m.current();
    fake.failNext("refresh", [{ error: -14014 }]);
    await expect(m.afterRejection(OA_ACCESS_TOKEN)).rejects.toThrow(/refresh failed: -14014/);
    expect(m.ok()).toBe(false);
    expect((await e.oa().tokens())?.refreshToken).toBe(OA_REFRESH_TOKEN);
  });

  it("a learner not seen today with a review due gets one reminder that offers it; one seen today or with none due does not", async () => {
    const at = Date.UTC(2026, 10, 20, 3); // 10:00 in Vietnam
    const dayStart = at - 3 * 3600_000;
    await e.learner("telegram", "due-yesterday", at - 20 * 3600_000);
    await e.card("due-yesterday", at + 5 * 3600_000); // due this afternoon
    await e.card("due-yesterday", at - DAY);
    await e.learner("telegram", "seen-today", at - 3600_000);
    await e.card("seen-today", at - DAY);
    await e.learner("telegram", "due-tomorrow", at - 20 * 3600_000);
    await e.card("due-tomorrow", at + DAY);
    const pass = (t: number, day = 0) =>
      e.reminders.queueReminders({
        at: t,
        cutoff: t - 3 * DAY,
        dayStart: dayStart + day * DAY,
        dayEnd: dayStart + (day + 1) * DAY,
        channels: ["telegram"],
        text: ({ dueReviews }) => `${dueReviews} câu ôn tập`,
      });
    expect(await pass(at)).toBe(1);
    expect(await e.queued()).toEqual(["due-yesterday"]);
    expect(await e.texts()).toEqual(["2 câu ôn tập"]);
    // Never more than one message a day, nor a second one for the same silence.
    expect(await pass(at + 2 * 3600_000)).toBe(0);
    // The next day, the two others have not come by and have a review due: each gets theirs.
    expect(await pass(at + DAY, 1)).toBe(2);
    expect((await e.queued()).slice(1).sort()).toEqual(["due-tomorrow", "seen-today"]);
  });

  it("attachment ids are shared by every instance and can be forgotten", async () => {
    await e.oa().saveAttachment("a.png:abc", "att-9");
    expect(await e.oa().attachment("a.png:abc")).toBe("att-9");
    await e.oa().forgetAttachment("a.png:abc");
    expect(await e.oa().attachment("a.png:abc")).toBeUndefined();
  });

  it("reminders and announcements skip (and count) OA learners past 48 hours, and no one else", async () => {
    const at = Date.UTC(2026, 10, 20, 3); // 10:00 in Vietnam
    await e.learner("zalo-oa", "oa-silent-3d", at - 3 * DAY);
    await e.learner("zalo-oa", "oa-30h", at - 30 * 3600_000);
    await e.learner("telegram", "tg-silent-3d", at - 3 * DAY);
    const counted: Array<[string, number]> = [];
    const rule: WindowRule = { windows: { "zalo-oa": 48 * 3600_000 }, outside: (channel, n) => counted.push([channel, n]) };
    const channels = ["zalo-oa", "telegram"];
    const pass = (t: number) =>
      e.reminders.queueReminders({
        at: t,
        cutoff: at - DAY,
        dayStart: at - 3 * 3600_000,
        dayEnd: at + 21 * 3600_000,
        channels,
        text: () => "Nhắc học",
        rule,
      });
    expect(await pass(at)).toBe(2);
    expect((await e.queued()).sort()).toEqual(["oa-30h", "tg-silent-3d"]);
    expect(counted).toEqual([["zalo-oa", 1]]);
    // Marked, so the next pass neither reminds nor counts the same silence again.
    expect(await e.remindedAt("oa-silent-3d")).toBe(at);
    expect(await pass(at + 600_000)).toBe(0);
    expect(counted).toHaveLength(1);

    counted.length = 0;
    expect(await e.reminders.announce("Thông báo", "📢 Thông báo", channels, at, rule)).toBe(2);
    expect(counted).toEqual([["zalo-oa", 1]]);
    expect((await e.queued()).filter((c) => c === "oa-silent-3d")).toEqual([]);
    // Without a rule, nothing is skipped (other channels have no window).
    expect(await e.reminders.announce("Thông báo", "📢 Thông báo", channels, at)).toBe(3);
  });
}

describe("Zalo OA store and window on SQLite", () =>
  suite(async () => {
    const dir = tempDir();
    const db = openDatabase(`${dir.path}/t.db`);
    // One process: one store object (its lock is in memory), as the app has.
    const oa = sqliteZaloOaStore(db);
    const conn = db.$client;
    return {
      oa: () => oa,
      reminders: remindersStore(db),
      async learner(channel, id, lastActive) {
        conn
          .prepare(
            "insert into learners (channel, channel_user_id, chat_id, consent, reminders, created_at, last_active_at) values (?, ?, ?, 1, 1, ?, ?)",
          )
          .run(channel, id, id, lastActive, lastActive);
      },
      async card(id, due) {
        conn
          .prepare(
            `insert into review_cards (learner_id, lesson_id, step_title, step_index, due, stability, difficulty, reps, lapses, state,
               scheduled_days, learning_steps, updated_at)
             select id, 'otp', ?, 4, ?, 1, 5, 1, 0, 2, 1, 0, ? from learners where channel_user_id = ?`,
          )
          .run(`q${due}`, due, due, id);
      },
      async queued() {
        return (conn.prepare("select chat_id from outbox order by id").all() as Array<{ chat_id: string }>).map((r) => r.chat_id);
      },
      async texts() {
        return (conn.prepare("select params from outbox order by id").all() as Array<{ params: string }>).map(
          (r) => (JSON.parse(r.params) as { text: string }).text,
        );
      },
      async remindedAt(id) {
        return (conn.prepare("select reminded_at from learners where channel_user_id = ?").get(id) as { reminded_at: number | null })
          .reminded_at;
      },
      async close() {
        conn.close();
        dir.cleanup();
      },
    };
  }));

describePostgres("Zalo OA store and window on PostgreSQL", () =>
  suite(async () => {
    const schema = schemaName();
    const pools: PgDb[] = [];
    const pool = async () => {
      const db = await openPostgres(POSTGRES_URL, { schema, max: 4 });
      pools.push(db);
      return db;
    };
    const main = await pool();
    // Each instance has its own pool (its own connections), as separate processes would.
    const others = [await pool(), await pool(), await pool()];
    let next = 0;
    return {
      oa: () => postgresZaloOaStore(others[next++ % others.length] ?? main),
      reminders: postgresOutboxStore(main),
      async learner(channel, id, lastActive) {
        await main.$client.query(
          "insert into learners (channel, channel_user_id, chat_id, consent, reminders, created_at, last_active_at) values ($1, $2, $2, true, true, $3, $3)",
          [channel, id, lastActive],
        );
      },
      async card(id, due) {
        await main.$client.query(
          `insert into review_cards (learner_id, lesson_id, step_title, step_index, due, stability, difficulty, reps, lapses, state,
             scheduled_days, learning_steps, updated_at)
           select id, 'otp', $1, 4, $2, 1, 5, 1, 0, 2, 1, 0, $2 from learners where channel_user_id = $3`,
          [`q${due}`, due, id],
        );
      },
      async queued() {
        return (await main.$client.query<{ chat_id: string }>("select chat_id from outbox order by id")).rows.map((r) => r.chat_id);
      },
      async texts() {
        return (await main.$client.query<{ params: string }>("select params from outbox order by id")).rows.map(
          (r) => (JSON.parse(r.params) as { text: string }).text,
        );
      },
      async remindedAt(id) {
        return (
          (await main.$client.query<{ reminded_at: number | null }>("select reminded_at from learners where channel_user_id = $1", [id]))
            .rows[0]?.reminded_at ?? null
        );
      },
      async close() {
        for (const p of pools) await closePostgres(p);
        await dropSchema(schema);
      },
    };
  }),
);
