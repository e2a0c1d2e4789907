import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LearnerStore } from "../../../src/conversation/ports.js";
import { schedule } from "../../../src/learning/scheduler.js";
import { emptyLearning } from "../../../src/learning/types.js";
import { openDatabase } from "../../../src/store/db.js";
import { closePostgres, openPostgres, type PgDb } from "../../../src/store/postgres/db.js";
import { sealer } from "../../../src/store/postgres/sealed.js";
import { postgresSharedStore } from "../../../src/store/postgres/shared.js";
import { learnerStore } from "../../../src/store/repo.js";
import { tempDir } from "../../helpers/app.js";
import { describePostgres, dropSchema, POSTGRES_URL, schemaName } from "../../helpers/postgres.js";

// One contract, two stores: what the conversation writes through LearnerStore in one turn is what it reads in the
// next — on SQLite (the database itself) and on PostgreSQL (a turn's rows loaded, its writes applied by commit).

/** Runs one turn of a learner against the store and returns what `fn` returned, once its writes are committed. */
type Turn = <T>(
  learner: [channel: string, userKey: string],
  fn: (s: LearnerStore) => T,
  need?: { question?: boolean; ticket?: boolean; ticketId?: number },
) => Promise<T>;

function contract(open: () => Promise<{ turn: Turn; count(table: string, where?: string): Promise<number>; close(): Promise<void> }>) {
  let turn: Turn;
  let count: (table: string, where?: string) => Promise<number>;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ turn, count, close } = await open());
  });
  afterEach(async () => close());

  const at = new Date(Date.UTC(2026, 11, 7, 3));
  const T42: [string, string] = ["telegram", "42"];
  const U1: [string, string] = ["zalo", "u1"];
  const W1: [string, string] = ["web", "w1"];

  it("a learner created in one turn is found in the next, with state, consent and reminders", async () => {
    const id = await turn(T42, (s) => {
      expect(s.findLearner("telegram", "42")).toBeUndefined();
      const l = s.upsertLearner("telegram", "42", "42", at);
      s.setConsent(l.id, true, at);
      s.setReminders(l.id, true);
      s.saveState(l.id, { v: 1, consent: true, screen: { kind: "menu" } }, at);
      return l.id;
    });
    await turn(T42, (s) => {
      const l = s.findLearner("telegram", "42");
      expect(l).toMatchObject({ id, channel: "telegram", channelUserId: "42", chatId: "42", consent: true, reminders: true });
      expect(s.loadState(id)).toEqual({ v: 1, consent: true, screen: { kind: "menu" } });
      // The same learner again: the same row, its chat updated.
      expect(s.upsertLearner("telegram", "42", "43", at).id).toBe(id);
    });
    await turn(T42, (s) => expect(s.findLearner("telegram", "42")?.chatId).toBe("43"));
  });

  it("progress keeps the furthest step and the first completion; certificates are issued once", async () => {
    const id = await turn(U1, (s) => s.upsertLearner("zalo", "u1", "u1", at).id);
    await turn(U1, (s) => {
      s.recordEvents(
        id,
        [
          { type: "lesson_started", lessonId: "otp" },
          { type: "step_reached", lessonId: "otp", stepIndex: 3 },
        ],
        at,
      );
      s.issueCertificate({ learnerId: id, trackId: "an-toan", trackTitle: "An toàn", code: "ABCDEFGHJK", firstName: "Lan", at });
    });
    await turn(U1, (s) => {
      s.recordEvents(
        id,
        [
          { type: "step_reached", lessonId: "otp", stepIndex: 2 },
          { type: "lesson_completed", lessonId: "otp" },
        ],
        at,
      );
      s.issueCertificate({ learnerId: id, trackId: "an-toan", trackTitle: "An toàn", code: "ZZZZZZZZZZ", firstName: null, at });
    });
    await turn(U1, (s) => {
      expect(s.loadProgress(id).get("otp")).toEqual({ status: "completed", stepReached: 3 });
      expect([...s.certifiedTracks(id)]).toEqual(["an-toan"]);
    });
  });

  it("review cards, mastery and track tests written in one turn are read in the next, and go with the learner", async () => {
    const id = await turn(T42, (s) => s.upsertLearner("telegram", "42", "42", at).id);
    const card = schedule(undefined, { lessonId: "otp", stepTitle: "Ai được hỏi mã OTP?", stepIndex: 4 }, "forgot", at.getTime());
    await turn(T42, (s) => {
      expect(s.loadLearning(id)).toEqual(emptyLearning());
      s.recordEvents(id, [{ type: "quiz_answered", lessonId: "otp", stepIndex: 4, optionIndex: 1, correct: false, attempt: 1 }], at);
      s.saveLearning(
        id,
        {
          cards: [card],
          mastery: [{ lessonId: "otp", p: 0.149 }],
          answers: [],
          tests: [{ trackId: "an-toan", right: 1, total: 2, passed: false }],
        },
        at,
      );
    });
    const later = new Date(at.getTime() + 86_400_000);
    const reviewed = schedule(card, card, "good", later.getTime());
    await turn(T42, (s) => {
      const view = s.loadLearning(id);
      expect(view.cards).toEqual([card]);
      expect([...view.mastery]).toEqual([["otp", 0.149]]);
      expect([...view.testFailedAt]).toEqual([["an-toan", at.getTime()]]);
      s.saveLearning(
        id,
        {
          cards: [reviewed],
          mastery: [{ lessonId: "otp", p: 0.5 }],
          answers: [{ kind: "review", lessonId: "otp", stepIndex: 4, correct: true }],
          tests: [{ trackId: "an-toan", right: 2, total: 2, passed: true }],
        },
        later,
      );
    });
    await turn(T42, (s) => {
      const view = s.loadLearning(id);
      expect(view.cards).toEqual([reviewed]);
      expect(view.mastery.get("otp")).toBe(0.5);
      // A delayed answer knows when the question was first answered (the quiz attempt of the first turn).
      expect(view.cards).toHaveLength(1);
      // The last failed attempt still counts (a pass leads to the certificate, which ends the tests).
      expect(view.testFailedAt.get("an-toan")).toBe(at.getTime());
    });
    expect(await count("review_answers", `first_at = ${at.getTime()} and at = ${later.getTime()}`)).toBe(1);
    await turn(T42, (s) => s.deleteLearner({ id, channel: "telegram", chatId: "42", userKey: "42" }));
    await turn(T42, (s) => expect(s.loadLearning(id)).toEqual(emptyLearning()));
    expect(await count("review_cards")).toBe(0);
    expect(await count("review_answers")).toBe(0);
    expect(await count("lesson_mastery")).toBe(0);
    expect(await count("track_tests")).toBe(0);
  });

  it("a question gets an id its feedback refers to; deleting the learner leaves nothing of theirs", async () => {
    const id = await turn(W1, (s) => s.upsertLearner("web", "w1", "w1", at).id);
    const q = await turn(
      W1,
      (s) =>
        s.insertQuestion({
          learnerId: id,
          channel: "web",
          question: "OTP là gì",
          action: "answer",
          rule: "qa.lessons",
          lessonId: "otp",
          source: "lessons",
          grounded: true,
          flagged: false,
          at,
        }),
      { question: true },
    );
    expect(q).toBeGreaterThan(0);
    await turn(W1, (s) => s.setFeedback(q, id, true));
    await turn(W1, (s) => {
      s.deleteLearner({ id, channel: "web", chatId: "w1", userKey: "w1" });
      s.enqueue({ channel: "web", chatId: "w1", learnerId: null, items: [{ method: "reply", params: { text: "Đã xóa" } }], at });
    });
    await turn(W1, (s) => {
      expect(s.findLearner("web", "w1")).toBeUndefined();
      expect(s.loadState(id)).toBeUndefined();
    });
  });

  it("a hand-off ticket: opened once, seen by the learner's next turns, answered and closed by a staff turn, erased with the learner", async () => {
    const id = await turn(T42, (s) => s.upsertLearner("telegram", "42", "42", at).id);
    expect(await turn(T42, (s) => s.tickets(id))).toEqual({ recentOpenedAt: [] });
    // The learner's latest kept questions (at most three, oldest first), loaded with the ticket's id.
    for (const [i, question] of ["một", "hai", "ba", "bốn"].entries())
      await turn(
        T42,
        (s) =>
          s.insertQuestion({
            learnerId: id,
            channel: "telegram",
            question,
            action: "answer",
            rule: "r",
            lessonId: null,
            source: "lessons",
            grounded: true,
            flagged: false,
            at: new Date(at.getTime() - (4 - i) * 60_000),
          }),
        { question: true },
      );
    expect(await turn(T42, (s) => s.recentQuestions(id, new Date(at.getTime() - 3 * 60_000)), { ticket: true })).toEqual([
      "hai",
      "ba",
      "bốn",
    ]);
    expect(await turn(T42, (s) => s.recentQuestions(id, new Date(at.getTime() - 90_000)), { ticket: true })).toEqual(["bốn"]);
    const n = await turn(T42, (s) => s.openTicket({ learnerId: id, reason: "asked", lessonId: "otp", step: 2, at }), { ticket: true });
    expect(n).toBeGreaterThan(0);
    expect(await turn(T42, (s) => s.tickets(id))).toEqual({ open: { id: n, openedAt: at.getTime() }, recentOpenedAt: [at.getTime()] });
    // A staff member's turn (the desk's own key) reads the ticket it names and answers it.
    const STAFF: [string, string] = ["telegram", "staff:-100"];
    const later = new Date(at.getTime() + 60_000);
    const seen = await turn(
      STAFF,
      (s) => {
        const t = s.ticket(n);
        s.ticketAnswered(n, later);
        s.ticketAnswered(n, new Date(later.getTime() + 60_000));
        return t;
      },
      { ticketId: n },
    );
    expect(seen).toEqual({ id: n, learnerId: id, channel: "telegram", userKey: "42", chatId: "42", closed: false });
    await turn(STAFF, (s) => s.closeTicket(n, later), { ticketId: n });
    expect(await turn(STAFF, (s) => s.ticket(n), { ticketId: n })).toMatchObject({ closed: true });
    expect(await turn(T42, (s) => s.tickets(id))).toEqual({ recentOpenedAt: [at.getTime()] });
    // A second ticket after the first was closed; then the learner is erased, and their tickets with them.
    const n2 = await turn(T42, (s) => s.openTicket({ learnerId: id, reason: "scam", lessonId: null, step: null, at: later }), {
      ticket: true,
    });
    expect(await turn(T42, (s) => s.tickets(id))).toEqual({
      open: { id: n2, openedAt: later.getTime() },
      recentOpenedAt: [later.getTime(), at.getTime()],
    });
    await turn(T42, (s) => s.deleteLearner({ id, channel: "telegram", chatId: "42", userKey: "42" }));
    expect(await turn(STAFF, (s) => s.ticket(n2), { ticketId: n2 })).toBeUndefined();
    expect(await turn(STAFF, (s) => s.ticket(n), { ticketId: n })).toBeUndefined();
  });
}

describe("LearnerStore on SQLite", () =>
  contract(async () => {
    const dir = tempDir();
    const db = openDatabase(`${dir.path}/t.db`);
    const store = learnerStore(db);
    return {
      turn: async (_learner, fn) => fn(store),
      count: async (table, where = "1 = 1") =>
        (db.$client.prepare(`select count(*) as n from ${table} where ${where}`).get() as { n: number }).n,
      async close() {
        db.$client.close();
        dir.cleanup();
      },
    };
  }));

describePostgres("LearnerStore on PostgreSQL", () =>
  contract(async () => {
    const schema = schemaName();
    const db: PgDb = await openPostgres(POSTGRES_URL, { schema, max: 4 });
    const shared = postgresSharedStore(db, sealer("k".repeat(64)));
    let n = 0;
    return {
      // Each turn as the worker runs one: an update recorded, the learner claimed, the update and rows loaded, the
      // writes committed with the guard; then none is left and the learner is given back.
      async turn([channel, userKey], fn, need) {
        const key = `${channel}:${userKey}`;
        await shared.record([{ channel: channel as "web", userKey, chatId: userKey, messageKey: `m${++n}`, text: "" }], new Date());
        expect(await shared.claimLearners("me", 1, 10_000, new Set())).toEqual([key]);
        const next = await shared.openNext("me", key);
        if (!next) throw new Error("no update");
        await next.turn.reserve({
          question: need?.question === true,
          ...(need?.ticket ? { ticket: true } : {}),
          ...(need?.ticketId !== undefined ? { ticketId: need.ticketId } : {}),
        });
        const r = fn(next.turn.store);
        expect(await next.turn.commit({ inboxId: next.row.id })).toBe(true);
        expect(await shared.openNext("me", key)).toBeUndefined();
        return r;
      },
      count: async (table, where = "true") =>
        (await db.$client.query<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`)).rows[0]?.n ?? -1,
      async close() {
        await closePostgres(db);
        await dropSchema(schema);
      },
    };
  }),
);
