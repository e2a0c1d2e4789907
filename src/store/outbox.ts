import type { LocalOutboxRow, LocalOutboxStore } from "../conversation/ports.js";
import { type Db, immediate } from "./db.js";

/** The one-process dispatcher's outbox on SQLite: prepared once, run inside the caller's turn of the event loop. */
export function localOutboxStore(db: Db): LocalOutboxStore {
  const c = db.$client;
  const newRows = c.prepare(
    "select id, channel, chat_id as chatId, method, next_attempt_at as due from outbox where id > ? and status = 'pending' order by id",
  );
  const row = c.prepare(
    `select id, channel, chat_id as chatId, learner_id as learnerId, method, params, parts_sent as partsSent, attempts, status
     from outbox where id = ?`,
  );
  const part = c.prepare("update outbox set parts_sent = ?, attempts = 0, last_error = null where id = ?");
  const sent = c.prepare("update outbox set status = 'sent', sent_at = ?, attempts = ?, last_error = null where id = ?");
  const forget = c.prepare("delete from outbox where id = ?");
  const fail = c.prepare("update outbox set status = 'failed', attempts = coalesce(?, attempts), last_error = ? where id = ?");
  const retry = c.prepare("update outbox set attempts = ?, last_error = ?, next_attempt_at = ? where id = ?");
  const cancelChat = c.prepare(
    "update outbox set status = 'cancelled', last_error = ? where channel = ? and chat_id = ? and status = 'pending'",
  );
  const unreachable = c.prepare("update learners set unreachable_at = ? where id = ?");
  const pending = c.prepare("select count(*) as n from outbox where status = 'pending'");
  const due = c.prepare("select count(*) as n from outbox where status = 'pending' and next_attempt_at <= ?");
  const purge = c.prepare("delete from outbox where status = 'sent' and sent_at < ?");
  return {
    isOpen: () => c.open,
    newRows: (afterId) => newRows.all(afterId) as ReturnType<LocalOutboxStore["newRows"]>,
    row: (id) => row.get(id) as LocalOutboxRow | undefined,
    partSent: (id, n) => void part.run(n, id),
    markSent(rows) {
      immediate(db, () => {
        for (const r of rows) {
          if (r.forget) forget.run(r.id);
          else sent.run(r.sentAt, r.attempts, r.id);
        }
      });
    },
    fail: (id, code, attempts) => void fail.run(attempts ?? null, code, id),
    retry: (id, attempts, code, at) => void retry.run(attempts, code, at, id),
    blocked(r, code, at) {
      immediate(db, () => {
        cancelChat.run(code, r.channel, r.chatId);
        if (r.learnerId !== null) unreachable.run(at, r.learnerId);
      });
    },
    pendingCount: () => (pending.get() as { n: number }).n,
    dueCount: (until) => (due.get(until) as { n: number }).n,
    purge: (sentBefore) => purge.run(sentBefore).changes,
  };
}
