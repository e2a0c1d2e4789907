import type { ChannelSender, OutboundCall } from "../channels/types.js";
import type { Reply } from "../tutor/replies.js";

// What both dispatchers (one process: outbox.ts; several instances: shared-outbox.ts) share about sending.

/** The dispatchers' defaults (each option is documented on OutboxOptions in outbox.ts). */
export const OUTBOX_DEFAULTS = {
  globalPerSecond: 25,
  perChatPerSecond: 1,
  perChatBurst: 3,
  maxAttempts: 8,
  baseBackoffMs: 500,
  maxBackoffMs: 60_000,
  pollMs: 500,
  concurrency: 8,
  random: Math.random,
};

/** Token bucket: `rate` tokens per second, at most `burst` saved up. */
export class Bucket {
  private tokens: number;
  private at: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }
  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
  }
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
  full(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }
  /** Milliseconds until a token is available. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }
}

// What is not a chat message does not count against a chat's message rate: an acknowledgement (and, in rows
// queued before replies were rendered at send time, Telegram's names for it and for "typing…").
export const NOT_A_MESSAGE = new Set(["ack", "answerCallbackQuery", "sendChatAction"]);

/** The calls that deliver a queued row, rendered now by the channel's adapter. */
export function callsOf(sender: ChannelSender, row: { chatId: string; method: string; params: string }): OutboundCall[] {
  const params = JSON.parse(row.params) as unknown;
  if (row.method === "reply") return sender.render(row.chatId, params as Reply);
  if (row.method === "ack") {
    const call = sender.acknowledge?.((params as { id: string }).id);
    return call ? [call] : [];
  }
  // Queued by a version before migration 0009: the call itself.
  return [{ method: row.method, params: params as Record<string, unknown> }];
}
