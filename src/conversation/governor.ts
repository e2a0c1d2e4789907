// Acknowledgements first. While webhooks keep arriving, background work — the tutor's turns and
// the outbox's sends — each get a bounded share of the time; the rest goes to recording and
// acknowledging updates, so a flood never makes the channel wait (Telegram slows down and
// redelivers when a webhook is slow). With no webhooks waiting, background work runs at full speed.
//
// Learners lose little: replies leave at the channels' rate limits (about 30 a second for a
// Telegram bot), far below what the tutor does even at its share.

export interface GovernorOptions {
  /** Webhooks within this window (ms) mean "under a flood". */
  windowMs?: number;
  now?: () => number;
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
  /** Whether webhooks are flooding in right now. */
  busy(): boolean;
  /** A meter for one kind of work: `share` of the time, at most `maxSliceMs` saved up. */
  meter(share: number, maxSliceMs: number): Meter;
}

export function createGovernor(opts: GovernorOptions = {}): Governor {
  const windowMs = opts.windowMs ?? 50;
  const now = opts.now ?? (() => performance.now());
  let lastWebhookAt = Number.NEGATIVE_INFINITY;
  const starts: Array<() => void> = [];

  return {
    webhooks() {
      const t = now();
      // A flood starts: every meter begins with a full slice, earned from here on.
      if (t - lastWebhookAt >= windowMs) for (const s of starts) s();
      lastWebhookAt = t;
    },
    busy: () => now() - lastWebhookAt < windowMs,
    meter(share, maxSliceMs) {
      let credit = maxSliceMs;
      let creditAt = now();
      starts.push(() => {
        credit = maxSliceMs;
        creditAt = now();
      });
      const earn = () => {
        const t = now();
        credit = Math.min(maxSliceMs, credit + (t - creditAt) * share);
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
          return credit >= ms ? 0 : Math.ceil((ms - credit) / share);
        },
      };
    },
  };
}
