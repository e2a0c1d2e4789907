import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { CurriculumStore } from "./curriculum/store.js";

// What an operator watches, in Prometheus's text format at GET /metrics (admin token): the backlogs (updates
// waiting to be handled, replies waiting to be sent and the oldest one's age), sends that failed by reason,
// model calls and the answers that fell back to the lessons, and learners active. prom-client: the Prometheus
// client Node projects use; the backlogs are read from the database when scraped, so they are true after a restart.

export type Metrics = ReturnType<typeof createMetrics>;

/** What the store reports when scraped (read fresh, so it is true after a restart and across instances). */
export interface Backlog {
  /** Updates recorded, not handled yet. */
  inbox: number;
  /** Replies waiting to be sent, and when the oldest was queued (epoch ms). */
  pending: number;
  oldestPendingAt: number | null;
  /** Replies given up on, by the channel's error. */
  failed: Array<{ reason: string; n: number }>;
  /** Learners who wrote since these times. */
  activeSince(t: number): Promise<number>;
}

/** The store's figures; undefined while it is closed. */
export type BacklogSource = () => Promise<Backlog | undefined>;

/** A registry per app (tests run several in one process): the process's own figures, the counters, the gauges. */
export function createMetrics(
  backlog: BacklogSource,
  curriculum: Pick<CurriculumStore, "current" | "lastReload">,
  now: () => number = Date.now,
) {
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
  const transcriptions = new Counter({
    name: "bdhai_transcriptions_total",
    help: "Voice notes transcribed (speech to text).",
    registers: [registry],
  });
  const transcriptionFailures = new Counter({
    name: "bdhai_transcription_failures_total",
    help: "Voice notes not transcribed, by reason (too_long, too_big, empty, no_source, download, stt, timeout, budget).",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const syntheses = new Counter({
    name: "bdhai_syntheses_total",
    help: "Texts read aloud by the speech endpoint (text to speech; cache misses).",
    registers: [registry],
  });
  const synthesisCacheHits = new Counter({
    name: "bdhai_synthesis_cache_hits_total",
    help: "Texts read aloud from the audio cache (no call to the speech endpoint).",
    registers: [registry],
  });
  const synthesisFailures = new Counter({
    name: "bdhai_synthesis_failures_total",
    help: "Texts not read aloud, by reason (tts, timeout, budget, empty).",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const tickets = new Counter({
    name: "bdhai_handoff_tickets_total",
    help: "Hand-off to a person: tickets opened, staff answers relayed, tickets closed, learner messages relayed to staff.",
    labelNames: ["event"] as const,
    registers: [registry],
  });
  // One read of the store per scrape, shared by the gauges below.
  let read: { at: number; value: Promise<Backlog | undefined> } | undefined;
  const current = () => {
    if (!read || now() - read.at > 1000) read = { at: now(), value: backlog().catch(() => undefined) };
    return read.value;
  };
  new Gauge({
    name: "bdhai_inbox_backlog",
    help: "Updates received and recorded, not handled yet.",
    registers: [registry],
    async collect() {
      const b = await current();
      if (b) this.set(b.inbox);
    },
  });
  new Gauge({
    name: "bdhai_outbox_pending",
    help: "Replies waiting to be sent.",
    registers: [registry],
    async collect() {
      const b = await current();
      if (b) this.set(b.pending);
    },
  });
  new Gauge({
    name: "bdhai_outbox_oldest_pending_seconds",
    help: "Age of the oldest reply waiting to be sent (0: none).",
    registers: [registry],
    async collect() {
      const b = await current();
      if (b) this.set(b.oldestPendingAt ? Math.max(0, (now() - b.oldestPendingAt) / 1000) : 0);
    },
  });
  new Gauge({
    name: "bdhai_outbox_failed",
    help: "Replies given up on, by the channel's error.",
    labelNames: ["reason"] as const,
    registers: [registry],
    async collect() {
      const b = await current();
      if (!b) return;
      this.reset();
      for (const r of b.failed) this.set({ reason: r.reason }, r.n);
    },
  });
  new Gauge({
    name: "bdhai_learners_active",
    help: "Learners who wrote in the last day and in the last 7 days.",
    labelNames: ["window"] as const,
    registers: [registry],
    async collect() {
      const b = await current();
      if (!b) return;
      this.set({ window: "1d" }, await b.activeSince(now() - 86_400_000));
      this.set({ window: "7d" }, await b.activeSince(now() - 7 * 86_400_000));
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
  return {
    registry,
    modelCalls,
    modelFallbacks,
    transcriptions,
    transcriptionFailures,
    syntheses,
    synthesisCacheHits,
    synthesisFailures,
    tickets,
  };
}

/**
 * The Zalo Official Account's figures, registered by its channel: whether its tokens work (0 after a refresh failed:
 * an admin must re-authorise, see README), and learners left out of reminders and announcements because their
 * 48-hour reply window had closed ("ngoài khung 48 giờ").
 */
export function createZaloOaMetrics(registry: Registry, tokenOk: () => boolean) {
  new Gauge({
    name: "bdhai_zalo_oa_token_ok",
    help: "1 while the Zalo OA's tokens work; 0 once a token refresh failed (re-authorise the app: README, Zalo Official Account).",
    registers: [registry],
    collect() {
      this.set(tokenOk() ? 1 : 0);
    },
  });
  const outsideWindow = new Counter({
    name: "bdhai_zalo_oa_outside_window_total",
    help: "Zalo OA learners a reminder or an announcement skipped: they last wrote more than 48 hours before (ngoài khung 48 giờ).",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  // Shown as 0 before anything was skipped, so an operator sees the series exists.
  outsideWindow.inc({ kind: "reminder" }, 0);
  outsideWindow.inc({ kind: "announcement" }, 0);
  return { outsideWindow };
}
