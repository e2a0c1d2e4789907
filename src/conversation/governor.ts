import { type BackgroundBudget, DEFAULT_BACKGROUND } from "../config.js";

// Acknowledgements first. While webhooks keep arriving, background work — the tutor's turns and
// the outbox's sends — runs in short metered slices, so an arriving webhook never waits behind a
// long stretch of it. How much of the time each kind gets depends on how busy the event loop is:
// when it is saturated (a flood: no idle time left) a small share, so recording and acknowledging
// keep the rest (Telegram slows down and redelivers when a webhook is slow); when it still has
// idle time (steady traffic) a larger share, so work keeps up with what arrives. With no
// webhooks arriving, background work runs at full speed.
//
// Learners lose little: replies leave at the channels' rate limits (about 30 a second for a
// Telegram bot), far below what the tutor does even at its flood share. The shares come from the
// configuration (config.ts: DEFAULT_BACKGROUND, measured by the benchmark).

export interface GovernorOptions {
  /** The shares of the time for the tutor and the sends, and what a send costs: from the configuration. */
  budget?: BackgroundBudget;
  /** Webhooks within this window (ms) mean "traffic": background work is metered. */
  windowMs?: number;
  now?: () => number;
  /** The event loop's utilization (0–1) since the previous call; default from `performance.eventLoopUtilization`. */
  utilization?: () => number;
  /** The loop's saturation is judged at most this often (ms). */
  sampleMs?: number;
}

/** A flood starts when the loop is busier than this, and ends when it is less busy than LEAVE. */
const ENTER = 0.9;
const LEAVE = 0.7;

function loopUtilization(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const u = performance.eventLoopUtilization(last).utilization;
    last = performance.eventLoopUtilization();
    return u;
  };
}

/** One kind of background work's share of the time under a flood. */
export interface Meter {
  /** Work time (ms) allowed now. */
  allowance(): number;
  /** The work took this long (ms). */
  spend(ms: number): void;
  /** Milliseconds until `ms` of work is allowed. */
  waitFor(ms: number): number;
}

export interface Governor {
  /** Webhooks were just recorded. */
  webhooks(): void;
  /** Whether webhooks are arriving right now (background work is then metered). */
  busy(): boolean;
  /** Whether they flood in: arriving, and the event loop has no idle time left. */
  saturated(): boolean;
  /**
   * A meter for one kind of work: `share` of the time under a flood, `calmShare` (default three
   * times `share`) under steady traffic, at most `maxSliceMs` saved up.
   */
  meter(share: number, maxSliceMs: number, calmShare?: number): Meter;
  /** The configured shares and send cost. */
  readonly budget: BackgroundBudget;
}

export function createGovernor(opts: GovernorOptions = {}): Governor {
  const windowMs = opts.windowMs ?? 50;
  const sampleMs = opts.sampleMs ?? 50;
  const now = opts.now ?? (() => performance.now());
  const utilization = opts.utilization ?? loopUtilization();
  let lastWebhookAt = Number.NEGATIVE_INFINITY;
  let judgedAt = Number.NEGATIVE_INFINITY;
  let flooded = false;
  const starts: Array<() => void> = [];

  function saturated(): boolean {
    const t = now();
    if (t - lastWebhookAt >= windowMs) {
      flooded = false;
      return false;
    }
    if (t - judgedAt >= sampleMs) {
      judgedAt = t;
      const u = utilization();
      const next = flooded ? u > LEAVE : u > ENTER;
      // A flood starts: every meter begins with a full slice, earned from here on.
      if (next && !flooded) for (const s of starts) s();
      flooded = next;
    }
    return flooded;
  }

  return {
    webhooks() {
      const t = now();
      if (t - lastWebhookAt >= windowMs) {
        // Traffic starts after a quiet spell: judge the loop on what happens from now on.
        utilization();
        judgedAt = t;
      }
      lastWebhookAt = t;
    },
    busy: () => now() - lastWebhookAt < windowMs,
    budget: opts.budget ?? DEFAULT_BACKGROUND,
    saturated,
    meter(share, maxSliceMs, calmShare = Math.min(1, share * 3)) {
      let credit = maxSliceMs;
      let creditAt = now();
      starts.push(() => {
        credit = maxSliceMs;
        creditAt = now();
      });
      const earn = () => {
        const t = now();
        credit = Math.min(maxSliceMs, credit + (t - creditAt) * (saturated() ? share : calmShare));
        creditAt = t;
      };
      return {
        allowance() {
          earn();
          return credit;
        },
        spend(ms) {
          earn();
          credit -= ms;
        },
        waitFor(ms) {
          earn();
          return credit >= ms ? 0 : Math.ceil((ms - credit) / (saturated() ? share : calmShare));
        },
      };
    },
  };
}
