import type { Channel } from "../conversation/types.js";
import type { Reply } from "../tutor/replies.js";

/** One API call to a messaging platform, as stored in the outbox (JSON-serialisable). */
export interface OutboundCall {
  method: string;
  params: Record<string, unknown>;
}

/** What a send attempt came to. Senders never throw: they classify. */
export type SendOutcome =
  | { ok: true }
  | {
      ok: false;
      /** Retry later: network error, 5xx, or 429 (with the wait the platform asked for). */
      retry?: { afterMs?: number };
      /** The learner blocked the bot or the chat is gone: stop sending to them. */
      blocked?: boolean;
      /** Short code for the outbox row (HTTP status or platform error code); never message text or tokens. */
      code: string;
    };

/**
 * What the conversation queues for a chat, the same for every channel: a reply, or an acknowledgement the channel
 * asked for when it delivered the update (opaque to everyone but the channel: Telegram's callback query id).
 */
export type Queued = { method: "reply"; params: Reply } | { method: "ack"; params: { id: string } };

/** The outbound half of a webhook channel: render what was queued into API calls when it is sent, then make them. */
export interface ChannelSender {
  readonly channel: Channel;
  /** Pure: one reply → the calls that deliver it, each within the platform's limits. */
  render(chatId: string, reply: Reply): OutboundCall[];
  /** The call that answers an acknowledgement the channel asked for (none where the channel has no such thing). */
  acknowledge?(id: string): OutboundCall;
  send(chatId: string, call: OutboundCall): Promise<SendOutcome>;
  /** Best effort "typing…" indicator while the bot works; never throws. */
  typing?(chatId: string): Promise<void>;
}

/** Splits text into pieces of at most `max` characters, at paragraph, then line, then word boundaries. */
export function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = window.lastIndexOf("\n\n");
    if (cut < max * 0.3) cut = window.lastIndexOf("\n");
    if (cut < max * 0.3) cut = window.lastIndexOf(" ");
    if (cut < max * 0.3) cut = max;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) out.push(rest);
  return out;
}
