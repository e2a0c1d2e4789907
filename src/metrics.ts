import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { CurriculumStore } from "./curriculum/store.js";
import type { Db } from "./store/db.js";

// What an operator watches, in Prometheus's text format at GET /metrics (admin token): the backlogs (updates
// waiting to be handled, replies waiting to be sent and the oldest one's age), sends that failed by reason,
// model calls and the answers that fell back to the lessons, and learners active. prom-client: the Prometheus
// client Node projects use; the backlogs are read from the database when scraped, so they are true after a restart.

export type Metrics = ReturnType<typeof createMetrics>;

/** A registry per app (tests run several in one process): the process's own figures, the counters, the gauges. */
export function createMetrics(db: Db, curriculum: Pick<CurriculumStore, "current" | "lastReload">, now: () => number = Date.now) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "bdhai_" });
  const modelCalls = new Counter({
    name: "bdhai_model_calls_total",
    help: "Calls made to the language model.",
    registers: [registry],
  });
  const modelFallbacks = new Counter({
    name: "bdhai_model_fallbacks_total",
    help: "Questions answered from the lessons instead of the model, by reason.",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const count = (sql: string, ...args: unknown[]) => (db.$client.prepare(sql).get(...args) as { n: number | null }).n ?? 0;
  const open = () => db.$client.open;
  new Gauge({
    name: "bdhai_inbox_backlog",
    help: "Updates received and recorded, not handled yet.",
    registers: [registry],
    collect() {
      if (open()) this.set(count("select count(*) as n from inbox"));
    },
  });
  new Gauge({
    name: "bdhai_outbox_pending",
    help: "Replies waiting to be sent.",
    registers: [registry],
    collect() {
      if (open()) this.set(count("select count(*) as n from outbox where status = 'pending'"));
    },
  });
  new Gauge({
    name: "bdhai_outbox_oldest_pending_seconds",
    help: "Age of the oldest reply waiting to be sent (0: none).",
    registers: [registry],
    collect() {
      if (!open()) return;
      const oldest = count("select min(created_at) as n from outbox where status = 'pending'");
      this.set(oldest ? Math.max(0, (now() - oldest) / 1000) : 0);
    },
  });
  new Gauge({
    name: "bdhai_outbox_failed",
    help: "Replies given up on, by the channel's error.",
    labelNames: ["reason"] as const,
    registers: [registry],
    collect() {
      if (!open()) return;
      this.reset();
      const rows = db.$client
        .prepare(
          "select coalesce(last_error, 'unknown') as reason, count(*) as n from outbox where status in ('failed', 'cancelled') group by 1",
        )
        .all() as Array<{ reason: string; n: number }>;
      for (const r of rows) this.set({ reason: r.reason }, r.n);
    },
  });
  new Gauge({
    name: "bdhai_learners_active",
    help: "Learners who wrote in the last day and in the last 7 days.",
    labelNames: ["window"] as const,
    registers: [registry],
    collect() {
      if (!open()) return;
      this.set({ window: "1d" }, count("select count(*) as n from learners where last_active_at >= ?", now() - 86_400_000));
      this.set({ window: "7d" }, count("select count(*) as n from learners where last_active_at >= ?", now() - 7 * 86_400_000));
    },
  });
  new Gauge({
    name: "bdhai_curriculum_lessons",
    help: "Lessons in the curriculum served now.",
    registers: [registry],
    collect() {
      this.set(curriculum.current().lessons.size);
    },
  });
  new Gauge({
    name: "bdhai_curriculum_loaded_timestamp_seconds",
    help: "When the curriculum served now was loaded (Unix time).",
    registers: [registry],
    collect() {
      this.set(curriculum.lastReload.servedAt.getTime() / 1000);
    },
  });
  new Gauge({
    name: "bdhai_curriculum_ok",
    help: "1 when the files on disk load without errors; 0 when the last load failed and an older version is served.",
    registers: [registry],
    collect() {
      this.set(curriculum.lastReload.ok && !curriculum.lastReload.fromKeptCopy ? 1 : 0);
    },
  });
  return { registry, modelCalls, modelFallbacks };
}
