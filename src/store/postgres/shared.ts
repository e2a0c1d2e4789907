import type pg from "pg";
import type { Queued } from "../../channels/types.js";
import type {
  InboundRecord,
  InboxRow,
  LearnerRow,
  LearnerStore,
  QueuedReplies,
  SharedStore,
  SharedTurn,
  TicketRow,
} from "../../conversation/ports.js";
import { emptyLearning, type LearningView, type LearningWrites } from "../../learning/types.js";
import { vnDayNumber } from "../../time.js";
import type { LessonProgressView, TutorEvent } from "../../tutor/engine.js";
import type { PgDb } from "./db.js";
import type { Sealer } from "./sealed.js";
import { clean, isGuardFailure, NOW, raw, sql } from "./sql.js";

// The conversation's store on PostgreSQL, shared by several instances. An update is recorded once (its channel and
// message key are unique); a learner's updates are worked by the instance holding the learner's lease, oldest first.
// A turn costs two round trips: one reads the learner's next update and rows, one applies the writes — a batch of
// statements that starts with its guard (the update is still there and is removed, the lease is still this
// instance's), so an update is applied exactly once whichever instance works it, even when one is killed.

/** A learner's lease key back into its channel and id (channels have no ':'). */
function splitKey(key: string): [string, string] {
  const i = key.indexOf(":");
  return [key.slice(0, i), key.slice(i + 1)];
}

export const insertReplies = (q: QueuedReplies, forget: boolean): string =>
  q.items.length === 0
    ? ""
    : `insert into outbox (channel, chat_id, learner_id, method, params, status, attempts, next_attempt_at, created_at, forget) values ${q.items
        .map(
          (i) =>
            sql`(${q.channel}, ${q.chatId}, ${q.learnerId}, ${i.method}, ${JSON.stringify(i.params)}, 'pending', 0, ${q.at}, ${q.at}, ${forget})`,
        )
        .join(", ")}`;

/** The learner's rows a turn reads, as one JSON value (null for someone new); $1 is the channel, $2 the learner. */
const SNAPSHOT = `(
  select json_build_object(
    'id', l.id, 'channel', l.channel, 'channelUserId', l.channel_user_id, 'chatId', l.chat_id, 'consent', l.consent,
    'reminders', l.reminders, 'lastActiveAt', l.last_active_at,
    'state', (select state from conversation_states s where s.learner_id = l.id),
    'progress', (select coalesce(json_agg(json_build_array(p.lesson_id, p.status, p.step_reached)), '[]'::json)
                 from lesson_progress p where p.learner_id = l.id),
    'tracks', (select coalesce(json_agg(c.track_id), '[]'::json) from certificates c where c.learner_id = l.id),
    'cards', (select coalesce(json_agg(json_build_array(r.lesson_id, r.step_title, r.step_index, r.due, r.stability, r.difficulty,
                r.reps, r.lapses, r.state, r.last_review, r.scheduled_days, r.learning_steps)), '[]'::json)
              from review_cards r where r.learner_id = l.id),
    'mastery', (select coalesce(json_agg(json_build_array(m.lesson_id, m.p_known)), '[]'::json) from lesson_mastery m where m.learner_id = l.id),
    'testFails', (select coalesce(json_agg(json_build_array(f.track_id, f.at)), '[]'::json)
                  from (select track_id, max(at) as at from track_tests where learner_id = l.id and not passed group by track_id) f),
    'tickets', (select coalesce(json_agg(json_build_array(t.id, t.opened_at, t.closed_at is null) order by t.id desc), '[]'::json)
                from (select id, opened_at, closed_at from tickets where learner_id = l.id order by id desc limit 10) t))
  from learners l where l.channel = $1 and l.channel_user_id = $2)`;

// The statements every turn runs are prepared once per connection (named): PostgreSQL then plans them once, not on
// every turn — planning these took longer than running them.

/** A learner's next update and rows; when none is left, the lease ($3 key, $4 owner) is given back in the same step. */
const OPEN_NEXT = {
  name: "bdhai_open_next",
  text: `with nxt as (
           select id, channel, message_key as "messageKey", user_key as "userKey", chat_id as "chatId", text, media,
                  callback_id as "callbackId"
           from inbox where channel = $1 and user_key = $2 order by id limit 1
         ), done as (
           delete from learner_leases where key = $3 and owner = $4 and not exists (select 1 from nxt)
         ), snap as (select ${SNAPSHOT} as learner)
         select (select row_to_json(nxt) from nxt) as next, snap.learner,
                case when snap.learner is null and exists (select 1 from nxt) then nextval('learners_id_seq') end as new_id
         from snap`,
};

interface Snapshot {
  id: number;
  channel: string;
  channelUserId: string;
  chatId: string;
  consent: boolean | null;
  reminders: boolean | null;
  lastActiveAt: number;
  state: string | null;
  progress: Array<[string, "in_progress" | "completed", number]>;
  tracks: string[];
  cards: Array<[string, string, number, number, number, number, number, number, number, number | null, number, number]>;
  mastery: Array<[string, number]>;
  testFails: Array<[string, number]>;
  /** The latest tickets, newest first: [id, opened at, open]. */
  tickets?: Array<[number, number, boolean]>;
}

function learningOf(row: Snapshot | null): LearningView {
  if (!row) return emptyLearning();
  return {
    cards: row.cards.map(
      ([lessonId, stepTitle, stepIndex, due, stability, difficulty, reps, lapses, state, lastReview, scheduledDays, learningSteps]) => ({
        lessonId,
        stepTitle,
        stepIndex,
        due,
        stability,
        difficulty,
        reps,
        lapses,
        state,
        lastReview,
        scheduledDays,
        learningSteps,
      }),
    ),
    mastery: new Map(row.mastery),
    testFailedAt: new Map(row.testFails),
  };
}

/**
 * `text`: seals what learners wrote while it waits in the inbox (sealed.ts). `front`: the connections that record
 * arriving updates, apart from those the work uses, so that a webhook is never answered late because every
 * connection is busy with turns (default: the same pool). `unreadable`: called for an update sealed under another key.
 */
export function postgresSharedStore(
  db: PgDb,
  text: Sealer,
  front: pg.Pool = db.$client,
  unreadable: () => void = () => undefined,
): SharedStore {
  const pool = db.$client;

  async function record(items: readonly InboundRecord[], at: Date): Promise<boolean[]> {
    // The same key twice in one batch: the first is recorded, the second is a duplicate.
    const seen = new Set<string>();
    const firsts = items.filter((m) => {
      const k = `${m.channel}\u0000${m.messageKey}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const col = <K extends keyof InboundRecord>(k: K) => firsts.map((m) => (m[k] === undefined ? null : clean(String(m[k]))));
    const texts = firsts.map((m) => text.seal(m.text));
    const r = await front.query<{ channel: string; message_key: string }>({
      name: "bdhai_record",
      text: `with fresh as (
         insert into processed_messages (channel, message_key, at)
         select c, k, $3 from unnest($1::text[], $2::text[]) as u(c, k)
         on conflict do nothing
         returning channel, message_key
       )
       insert into inbox (channel, message_key, user_key, chat_id, text, media, callback_id, received_at)
       select u.c, u.k, u.usr, u.chat, u.txt, u.media, u.cb, $3
       from unnest($1::text[], $2::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
            with ordinality as u(c, k, usr, chat, txt, media, cb, n)
       join fresh on fresh.channel = u.c and fresh.message_key = u.k
       order by u.n
       returning channel, message_key`,
      values: [col("channel"), col("messageKey"), at.getTime(), col("userKey"), col("chatId"), texts, col("media"), col("callbackId")],
    });
    const recorded = new Set(r.rows.map((x) => `${x.channel}\u0000${x.message_key}`));
    const answered = new Set<string>();
    return items.map((m) => {
      const k = `${m.channel}\u0000${clean(m.messageKey)}`;
      if (!recorded.has(k) || answered.has(k)) return false;
      answered.add(k);
      return true;
    });
  }

  async function claimLearners(owner: string, limit: number, leaseMs: number, skip: ReadonlySet<string>): Promise<string[]> {
    // Learners' oldest updates (no older one of theirs recorded), in id order, passing over the learners this
    // instance works already and those another instance holds: a claim reads about as many rows as it takes.
    // Planned at each claim, not prepared, for the reason given at the outbox's claim (store/postgres/outbox.ts).
    const r = await pool.query<{ key: string }>({
      text: `with free as (
         select i.channel || ':' || i.user_key as key, i.id as first from inbox i
         where not exists (select 1 from inbox p where p.channel = i.channel and p.user_key = i.user_key and p.id < i.id)
           and not exists (select 1 from learner_leases l where l.key = i.channel || ':' || i.user_key and l.until >= ${NOW.sql})
           and not (i.channel || ':' || i.user_key = any($4::text[]))
         order by i.id limit $1
       )
       insert into learner_leases (key, owner, until)
       select key, $2, ${NOW.sql} + $3 from free order by first
       on conflict (key) do update set owner = excluded.owner, until = excluded.until
       where learner_leases.until < ${NOW.sql}
       returning key`,
      values: [limit, owner, leaseMs, [...skip]],
    });
    return r.rows.map((x) => x.key);
  }

  async function renew(owner: string, keys: readonly string[], leaseMs: number): Promise<void> {
    if (keys.length === 0) return;
    await pool.query(`update learner_leases set until = ${NOW.sql} + $3 where owner = $1 and key = any($2::text[])`, [
      owner,
      keys,
      leaseMs,
    ]);
  }

  async function release(owner: string, key: string): Promise<void> {
    await pool.query("delete from learner_leases where key = $1 and owner = $2", [key, owner]);
  }

  async function openNext(owner: string, key: string): Promise<{ row: InboxRow; turn: SharedTurn } | undefined> {
    const [channel, userKey] = splitKey(key);
    const r = await pool.query<{ next: InboxRow | null; learner: Snapshot | null; new_id: number | null }>({
      ...OPEN_NEXT,
      values: [channel, userKey, key, owner],
    });
    const got = r.rows[0];
    if (!got?.next) return undefined;
    const opened = text.open(got.next.text);
    // Sealed under another key (an instance configured with another LOG_PSEUDONYM_KEY): read as a message without
    // text, which the tutor answers kindly; the logs say why.
    const row = opened === undefined ? { ...got.next, text: "", media: got.next.media ?? "unsupported" } : { ...got.next, text: opened };
    if (opened === undefined) unreadable();
    return { row, turn: turnOn(owner, key, channel, userKey, got.learner, got.new_id ?? undefined) };
  }

  async function openTurn(owner: string, key: string, channel: string, userKey: string): Promise<SharedTurn> {
    const r = await pool.query<{ learner: Snapshot | null }>({
      name: "bdhai_open_turn",
      text: `select ${SNAPSHOT} as learner`,
      values: [channel, userKey],
    });
    return turnOn(owner, key, channel, userKey, r.rows[0]?.learner ?? null, undefined);
  }

  /** A turn over the learner's loaded rows: reads answer from them, writes are kept for commit(). */
  function turnOn(
    owner: string,
    key: string,
    channel: string,
    userKey: string,
    row: Snapshot | null,
    reservedId: number | undefined,
  ): SharedTurn {
    let learner: LearnerRow | undefined = row
      ? {
          id: row.id,
          channel: row.channel,
          channelUserId: row.channelUserId,
          chatId: row.chatId,
          consent: row.consent,
          reminders: row.reminders,
          lastActiveAt: new Date(row.lastActiveAt),
        }
      : undefined;
    let state: unknown;
    try {
      state = row?.state ? JSON.parse(row.state) : undefined;
    } catch {
      state = undefined;
    }
    const progress = new Map<string, LessonProgressView>(
      (row?.progress ?? []).map(([id, status, step]) => [id, { status, stepReached: step }]),
    );
    const tracks = new Set(row?.tracks ?? []);
    const learning = learningOf(row);
    const latestTickets = row?.tickets ?? [];
    const ops: string[] = [];
    let newLearnerId = reservedId;
    let questionId: number | undefined;
    let ticketId: number | undefined;
    let namedTicket: TicketRow | undefined;
    /** The learner's latest questions, [text, asked at], newest first (loaded with a ticket's id). */
    let questions: Array<[string, number]> = [];
    let erased = false;

    const store: LearnerStore = {
      findLearner: (ch, uk) => (ch === channel && uk === userKey ? learner : undefined),
      loadState: (id) => (learner?.id === id ? state : undefined),
      loadProgress: () => new Map(progress),
      certifiedTracks: () => new Set(tracks),
      upsertLearner(ch, uk, chatId, at) {
        if (learner) {
          ops.push(sql`update learners set last_active_at = ${at}, chat_id = ${chatId} where id = ${learner.id}`);
          learner = { ...learner, lastActiveAt: at, chatId };
          return learner;
        }
        if (newLearnerId === undefined) throw new Error("a new learner's id was not reserved (reserve)");
        ops.push(
          sql`insert into learners (id, channel, channel_user_id, chat_id, created_at, last_active_at) values (${newLearnerId}, ${ch}, ${uk}, ${chatId}, ${at}, ${at})`,
        );
        learner = { id: newLearnerId, channel: ch, channelUserId: uk, chatId, consent: null, reminders: null, lastActiveAt: at };
        return learner;
      },
      setConsent(id, granted, at) {
        ops.push(sql`update learners set consent = ${granted}, consent_at = ${at} where id = ${id}`);
        if (learner?.id === id) learner = { ...learner, consent: granted };
      },
      insertQuestion(q) {
        if (questionId === undefined) throw new Error("a question's id was not reserved (reserve)");
        ops.push(
          sql`insert into qa_questions (id, learner_id, channel, question, action, rule, lesson_id, source, grounded, flagged, created_at)
              values (${questionId}, ${q.learnerId}, ${q.channel}, ${q.question}, ${q.action}, ${q.rule}, ${q.lessonId}, ${q.source}, ${q.grounded}, ${q.flagged}, ${q.at})`,
        );
        return questionId;
      },
      setFeedback: (qid, lid, useful) =>
        ops.push(sql`update qa_questions set feedback = ${useful ? 1 : -1} where id = ${qid} and learner_id = ${lid}`),
      setReminders(id, on) {
        ops.push(sql`update learners set reminders = ${on} where id = ${id}`);
        if (learner?.id === id) learner = { ...learner, reminders: on };
      },
      issueCertificate: (c) =>
        ops.push(
          sql`insert into certificates (code, learner_id, track_id, track_title, first_name, issued_at)
              values (${c.code}, ${c.learnerId}, ${c.trackId}, ${c.trackTitle}, ${c.firstName}, ${c.at}) on conflict do nothing`,
        ),
      saveState: (id, s, at) =>
        ops.push(
          sql`insert into conversation_states (learner_id, state, updated_at) values (${id}, ${JSON.stringify(s)}, ${at})
              on conflict (learner_id) do update set state = excluded.state, updated_at = excluded.updated_at`,
        ),
      recordEvents: (id, events, at) => ops.push(...eventOps(id, events, at.getTime())),
      loadLearning: () => learning,
      saveLearning: (id, writes, at) => ops.push(...learningOps(id, writes, at.getTime())),
      deleteLearner(l) {
        ops.push(sql`delete from outbox where channel = ${l.channel} and chat_id = ${l.chatId}`);
        ops.push(sql`delete from processed_messages where channel = ${l.channel} and starts_with(message_key, ${`${l.userKey}:`})`);
        ops.push(sql`delete from learners where id = ${l.id}`);
        learner = undefined;
        erased = true;
      },
      clearUnreachable: (id) => ops.push(sql`update learners set unreachable_at = null where id = ${id} and unreachable_at is not null`),
      enqueue: (q) => {
        const s = insertReplies(q, erased);
        if (s) ops.push(s);
      },
      tickets() {
        const open = latestTickets.find(([, , isOpen]) => isOpen);
        return { ...(open ? { open: { id: open[0], openedAt: open[1] } } : {}), recentOpenedAt: latestTickets.map(([, at]) => at) };
      },
      openTicket(t) {
        if (ticketId === undefined) throw new Error("a ticket's id was not reserved (reserve)");
        ops.push(
          sql`insert into tickets (id, learner_id, reason, lesson_id, step, opened_at) values (${ticketId}, ${t.learnerId}, ${t.reason}, ${t.lessonId}, ${t.step}, ${t.at})`,
        );
        return ticketId;
      },
      recentQuestions: (id, since) =>
        learner?.id === id
          ? questions
              .filter(([, at]) => at >= since.getTime())
              .map(([q]) => q)
              .reverse()
          : [],
      ticket: (id) => (namedTicket?.id === id ? namedTicket : undefined),
      ticketAnswered: (id, at) => ops.push(sql`update tickets set answered_at = coalesce(answered_at, ${at}) where id = ${id}`),
      closeTicket: (id, at) => ops.push(sql`update tickets set closed_at = ${at} where id = ${id} and closed_at is null`),
    };

    return {
      store,
      async reserve(need) {
        const wantLearner = !learner && newLearnerId === undefined;
        if (!wantLearner && !need.question && !need.ticket && need.ticketId === undefined) return;
        const recent =
          need.ticket && learner
            ? sql`(select coalesce(json_agg(json_build_array(q.question, q.created_at) order by q.id desc), '[]'::json)
                   from (select id, question, created_at from qa_questions where learner_id = ${learner.id} order by id desc limit 3) q)`
            : "null";
        const r = await pool.query<{
          l: number | null;
          q: number | null;
          t: number | null;
          named: TicketRow | null;
          questions: Array<[string, number]> | null;
        }>(
          `select ${wantLearner ? "nextval('learners_id_seq')" : "null"} as l, ${need.question ? "nextval('qa_questions_id_seq')" : "null"} as q,
                  ${need.ticket ? "nextval('tickets_id_seq')" : "null"} as t, ${recent} as questions,
                  (select json_build_object('id', t.id, 'learnerId', t.learner_id, 'channel', l.channel, 'userKey', l.channel_user_id,
                                            'chatId', l.chat_id, 'closed', t.closed_at is not null)
                   from tickets t join learners l on l.id = t.learner_id where t.id = $1) as named`,
          [need.ticketId ?? null],
        );
        const ids = r.rows[0];
        if (ids?.l != null) newLearnerId = ids.l;
        if (ids?.q != null) questionId = ids.q;
        if (ids?.t != null) ticketId = ids.t;
        namedTicket = ids?.named ?? undefined;
        questions = ids?.questions ?? [];
      },
      async commit(guard) {
        const update = sql`delete from inbox where id = ${guard.inboxId} returning 1`;
        // One batch, one implicit transaction: the guard first; if it fails, nothing of the batch is kept.
        const batch = [
          sql`with u as (${raw(update)}),
               h as (update learner_leases set until = greatest(until, ${NOW} + 1000) where key = ${key} and owner = ${owner} returning 1)
              select bdhai_assert((select count(*) from h) = 1, 'lease') and bdhai_assert((select count(*) from u) = 1, 'update')`,
          ...ops,
        ].join(";\n");
        try {
          await pool.query(batch);
          return true;
        } catch (err) {
          if (isGuardFailure(err)) return false;
          throw err;
        }
      },
    };
  }

  async function dropUpdate(owner: string, key: string, row: InboxRow, items: readonly Queued[], at: Date): Promise<void> {
    const [channel, userKey] = splitKey(key);
    const turn = turnOn(owner, key, channel, userKey, null, undefined);
    const found = await pool.query<{ id: number }>("select id from learners where channel = $1 and channel_user_id = $2", [
      row.channel,
      row.userKey,
    ]);
    turn.store.enqueue({ channel: row.channel, chatId: row.chatId, learnerId: found.rows[0]?.id ?? null, items, at });
    await turn.commit({ inboxId: row.id });
  }

  return { record, claimLearners, renew, release, openNext, openTurn, dropUpdate };
}

/** The learning events' rows (as in the SQLite repository: progress, quiz attempts, the event log, active days). */
function eventOps(learnerId: number, events: TutorEvent[], t: number): string[] {
  const ops: string[] = [];
  if (events.some((e) => e.type === "lesson_started" || e.type === "step_reached" || e.type === "lesson_completed")) {
    ops.push(sql`insert into learner_days (day, learner_id) values (${vnDayNumber(t)}, ${learnerId}) on conflict do nothing`);
  }
  for (const e of events) {
    switch (e.type) {
      case "lesson_started":
        ops.push(
          sql`insert into lesson_progress (learner_id, lesson_id, status, step_reached, started_at, updated_at) values (${learnerId}, ${e.lessonId}, 'in_progress', 0, ${t}, ${t})
              on conflict (learner_id, lesson_id) do update set updated_at = excluded.updated_at`,
          sql`insert into progress_events (learner_id, type, lesson_id, step_index, at) values (${learnerId}, 'lesson_started', ${e.lessonId}, null, ${t})`,
        );
        break;
      case "step_reached":
        ops.push(
          sql`insert into lesson_progress (learner_id, lesson_id, status, step_reached, started_at, updated_at) values (${learnerId}, ${e.lessonId}, 'in_progress', ${e.stepIndex}, ${t}, ${t})
              on conflict (learner_id, lesson_id) do update
              set step_reached = greatest(lesson_progress.step_reached, excluded.step_reached), updated_at = excluded.updated_at`,
          sql`insert into progress_events (learner_id, type, lesson_id, step_index, at) values (${learnerId}, 'step_reached', ${e.lessonId}, ${e.stepIndex}, ${t})`,
        );
        break;
      case "quiz_answered":
        ops.push(
          sql`insert into quiz_attempts (learner_id, lesson_id, step_index, attempt, option_index, correct, at)
              values (${learnerId}, ${e.lessonId}, ${e.stepIndex}, ${e.attempt}, ${e.optionIndex}, ${e.correct}, ${t})`,
        );
        break;
      case "lesson_completed":
        ops.push(
          sql`update lesson_progress set status = 'completed', completed_at = coalesce(completed_at, ${t}), updated_at = ${t}
              where learner_id = ${learnerId} and lesson_id = ${e.lessonId}`,
          sql`insert into progress_events (learner_id, type, lesson_id, step_index, at) values (${learnerId}, 'lesson_completed', ${e.lessonId}, null, ${t})`,
        );
        break;
      default:
        break;
    }
  }
  return ops;
}

/** A turn's learning writes (as in the SQLite repository, src/store/learning.ts). */
function learningOps(learnerId: number, w: LearningWrites, t: number): string[] {
  return [
    ...w.cards.map(
      (c) =>
        sql`insert into review_cards (learner_id, lesson_id, step_title, step_index, due, stability, difficulty, reps, lapses, state,
              last_review, scheduled_days, learning_steps, updated_at)
            values (${learnerId}, ${c.lessonId}, ${c.stepTitle}, ${c.stepIndex}, ${c.due}, ${c.stability}, ${c.difficulty}, ${c.reps},
              ${c.lapses}, ${c.state}, ${c.lastReview}, ${c.scheduledDays}, ${c.learningSteps}, ${t})
            on conflict (learner_id, lesson_id, step_title) do update set step_index = excluded.step_index, due = excluded.due,
              stability = excluded.stability, difficulty = excluded.difficulty, reps = excluded.reps, lapses = excluded.lapses,
              state = excluded.state, last_review = excluded.last_review, scheduled_days = excluded.scheduled_days,
              learning_steps = excluded.learning_steps, updated_at = excluded.updated_at`,
    ),
    ...w.mastery.map(
      (m) =>
        sql`insert into lesson_mastery (learner_id, lesson_id, p_known, updated_at) values (${learnerId}, ${m.lessonId}, ${m.p}, ${t})
            on conflict (learner_id, lesson_id) do update set p_known = excluded.p_known, updated_at = excluded.updated_at`,
    ),
    ...w.answers.map(
      (a) =>
        sql`insert into review_answers (learner_id, lesson_id, step_index, kind, correct, first_at, at)
            values (${learnerId}, ${a.lessonId}, ${a.stepIndex}, ${a.kind}, ${a.correct},
              (select min(at) from quiz_attempts where learner_id = ${learnerId} and lesson_id = ${a.lessonId} and step_index = ${a.stepIndex}), ${t})`,
    ),
    ...w.tests.map(
      (x) =>
        sql`insert into track_tests (learner_id, track_id, score, total, passed, at) values (${learnerId}, ${x.trackId}, ${x.right}, ${x.total}, ${x.passed}, ${t})`,
    ),
  ];
}
