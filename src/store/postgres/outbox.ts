import type { DirectReplies, OutboxRow, RemindersStore, SharedOutboxStore } from "../../conversation/ports.js";
import type { Reply } from "../../tutor/replies.js";
import { type DueLearner, lessonOf } from "../reminders-common.js";
import { reportOutside, splitByWindow } from "../reply-window.js";
import { inTransaction, type PgDb } from "./db.js";
import { NOW as NOW_SQL } from "./sql.js";

const NOW = NOW_SQL.sql;

// The outbox on PostgreSQL, shared by several instances. A dispatcher leases each chat's oldest pending row, so a
// chat's replies leave in order and one at a time whichever instance sends them; a killed instance's leases run out
// and the rows are sent by another (at least once: a reply sent just before the kill may go twice). The send rate
// per bot is one bucket in the database, reserved a send at a time.

export function postgresOutboxStore(db: PgDb): SharedOutboxStore & RemindersStore & DirectReplies {
  const pool = db.$client;
  return {
    async waiting(channel, userKey, messageKey) {
      const r = await pool.query("select 1 from inbox where channel = $1 and user_key = $2 and message_key = $3", [
        channel,
        userKey,
        messageKey,
      ]);
      return (r.rowCount ?? 0) > 0;
    },
    async take(channel, chatId) {
      const r = await pool.query<{ id: number; params: string }>(
        `delete from outbox where id in (
           select id from outbox where channel = $1 and chat_id = $2 and status = 'pending' for update
         ) returning id, params`,
        [channel, chatId],
      );
      return r.rows.sort((a, b) => a.id - b.id).map((x) => JSON.parse(x.params) as Reply);
    },
    async claim(owner, limit, leaseMs, now, collected) {
      if (limit <= 0) return [];
      // The oldest pending rows that head their chat (no older pending row of the same chat), are due and not held
      // by an instance: walked in id order, so a claim reads about as many rows as it takes, however long the queue.
      // Not a named (prepared) statement: PostgreSQL would keep the plan it made while the queue was nearly empty (two
      // sequential scans and a hash anti-join, chosen for a few rows) once the queue holds thousands; replies then
      // stalled for minutes in flooded benchmark runs. Planned at each claim, it walks the partial indexes (0.3 ms on
      // 12,000 pending rows, against 21 ms and more with the cached plan).
      const r = await pool.query<OutboxRow>({
        text: `update outbox o set lease_owner = $1, lease_until = ${NOW} + $2
         from (
           select c.id from outbox c
           where c.status = 'pending' and not (c.channel = any($5::text[])) and c.next_attempt_at <= $4
             and (c.lease_until is null or c.lease_until < ${NOW})
             and not exists (
               select 1 from outbox p where p.status = 'pending' and p.channel = c.channel and p.chat_id = c.chat_id and p.id < c.id
             )
           order by c.id limit $3
           for update skip locked
         ) pick
         where o.id = pick.id
         returning o.id, o.channel, o.chat_id as "chatId", o.learner_id as "learnerId", o.method, o.params,
                   o.parts_sent as "partsSent", o.attempts, o.forget`,
        values: [owner, leaseMs, limit, now, collected],
      });
      return r.rows.sort((x, y) => x.id - y.id);
    },
    async reserveSends(bucket, perSecond, n) {
      // A token bucket without a burst that may go into debt: the reservation always succeeds, and says how long
      // each send waits so that no second carries more than the rate, across instances.
      const r = await pool.query<{ tokens: number }>(
        `insert into send_rate as r (bucket, tokens, at) values ($1, 1 - $3, ${NOW})
         on conflict (bucket) do update set tokens = least(1, r.tokens + (excluded.at - r.at) * $2 / 1000.0) - $3, at = excluded.at
         returning tokens`,
        [bucket, perSecond, n],
      );
      const before = (r.rows[0]?.tokens ?? 1 - n) + n;
      return Array.from({ length: n }, (_, i) => Math.max(0, Math.ceil(((i + 1 - before) * 1000) / perSecond)));
    },
    async partSent(id, partsSent) {
      await pool.query("update outbox set parts_sent = $2, attempts = 0, last_error = null where id = $1", [id, partsSent]);
    },
    async sent(items) {
      if (items.length === 0) return;
      const keep = items.filter((i) => !i.row.forget);
      await pool.query(
        `with gone as (delete from outbox where id = any($4::bigint[]))
         update outbox o set status = 'sent', sent_at = v.at, attempts = v.attempts, last_error = null, lease_owner = null, lease_until = null
         from unnest($1::bigint[], $2::int[], $3::bigint[]) as v(id, attempts, at) where o.id = v.id`,
        [
          keep.map((i) => i.row.id),
          keep.map((i) => i.attempts),
          keep.map((i) => i.at),
          items.filter((i) => i.row.forget).map((i) => i.row.id),
        ],
      );
    },
    async retry(id, attempts, code, at) {
      await pool.query(
        "update outbox set attempts = $2, last_error = $3, next_attempt_at = $4, lease_owner = null, lease_until = null where id = $1",
        [id, attempts, code, at],
      );
    },
    async fail(id, attempts, code) {
      await pool.query(
        "update outbox set status = 'failed', attempts = $2, last_error = $3, lease_owner = null, lease_until = null where id = $1",
        [id, attempts, code],
      );
    },
    async blocked(row, code, at) {
      await inTransaction(db, async (c) => {
        await c.query(
          "update outbox set status = 'cancelled', last_error = $3 where channel = $1 and chat_id = $2 and status = 'pending'",
          [row.channel, row.chatId, code],
        );
        if (row.learnerId !== null) await c.query("update learners set unreachable_at = $2 where id = $1", [row.learnerId, at]);
      });
    },
    async pendingCount() {
      const r = await pool.query<{ n: number }>("select count(*)::int as n from outbox where status = 'pending'");
      return r.rows[0]?.n ?? 0;
    },
    async purge(sentBefore) {
      return (await pool.query("delete from outbox where status = 'sent' and sent_at < $1", [sentBefore])).rowCount ?? 0;
    },
    async queueReminders({ at, cutoff, dayStart, dayEnd, channels, text, rule }) {
      const { inside, outside } = await inTransaction(db, async (c) => {
        // One instance at a time; the others wait, then find these learners reminded already.
        await c.query("select pg_advisory_xact_lock(4104310026)");
        const due = await c.query<DueLearner>(
          `select l.id, l.channel, l.chat_id as "chatId", l.last_active_at as "lastActiveAt", s.state,
             (select count(*)::int from review_cards r where r.learner_id = l.id and r.due < $4) as "dueReviews"
           from learners l
           left join conversation_states s on s.learner_id = l.id
           where l.reminders and l.consent and l.unreachable_at is null and l.channel = any($1::text[])
             and (l.reminded_at is null or l.reminded_at < l.last_active_at)
             and (l.last_active_at < $2
                  or (l.last_active_at < $3 and exists (select 1 from review_cards r where r.learner_id = l.id and r.due < $4)))
           limit 1000`,
          [channels, cutoff, dayStart, dayEnd],
        );
        // Past their channel's reply window (Zalo OA: 48 hours): not written to, but marked reminded too, so that each
        // stretch of silence is counted once rather than at every pass.
        const { inside, outside } = splitByWindow(due.rows, (l) => l.lastActiveAt, at, rule);
        if (outside.length > 0)
          await c.query("update learners set reminded_at = $2 where id = any($1::bigint[])", [outside.map((l) => l.id), at]);
        for (const l of inside) {
          const lessonId = lessonOf(l.state);
          await c.query(
            `insert into outbox (channel, chat_id, learner_id, method, params, status, attempts, next_attempt_at, created_at)
             values ($1, $2, $3, 'reply', $4, 'pending', 0, $5, $5)`,
            [
              l.channel,
              l.chatId,
              l.id,
              JSON.stringify({ text: text({ ...(lessonId ? { lessonId } : {}), dueReviews: l.dueReviews }) }),
              at,
            ],
          );
          await c.query("update learners set reminded_at = $2 where id = $1", [l.id, at]);
        }
        return { inside, outside };
      });
      reportOutside(rule, outside);
      return inside.length;
    },
    async announce(text, message, channels, at, rule) {
      // Channels with a reply window (Zalo OA: 48 hours): whoever last wrote before `since` is left out, and counted.
      const windows = Object.entries(rule?.windows ?? {});
      const w = [windows.map(([channel]) => channel), windows.map(([, ms]) => at - ms)];
      const { n, outside } = await inTransaction(db, async (c) => {
        const r = await c.query(
          `insert into outbox (channel, chat_id, learner_id, method, params, status, attempts, next_attempt_at, created_at)
           select l.channel, l.chat_id, l.id, 'reply', $2, 'pending', 0, $3, $3 from learners l
           left join unnest($4::text[], $5::bigint[]) as w(channel, since) on w.channel = l.channel
           where l.reminders and l.consent and l.unreachable_at is null and l.channel = any($1::text[])
             and (w.since is null or l.last_active_at >= w.since)
           order by l.id`,
          [channels, JSON.stringify({ text: message }), at, ...w],
        );
        const n = r.rowCount ?? 0;
        const outside =
          windows.length === 0
            ? { rows: [] }
            : await c.query<{ channel: string; n: number }>(
                `select l.channel, count(*)::int as n from learners l
                 join unnest($2::text[], $3::bigint[]) as w(channel, since) on w.channel = l.channel
                 where l.reminders and l.consent and l.unreachable_at is null and l.channel = any($1::text[])
                   and l.last_active_at < w.since
                 group by l.channel`,
                [channels, ...w],
              );
        await c.query("insert into announcements (text, recipients, created_at) values ($1, $2, $3)", [text, n, at]);
        return { n, outside };
      });
      for (const o of outside.rows) rule?.outside?.(o.channel, o.n);
      return n;
    },
  };
}
