import type { FastifyInstance } from "fastify";
import type { ChannelSender } from "../channels/types.js";
import type { Inbox } from "./inbox.js";
import type { Channel } from "./types.js";

// What the conversation needs from the outside, as interfaces: a channel is anything that delivers updates to the
// inbox and sends the replies queued for its chats. Each channel's folder in channels/ implements it; the registry
// (channels/registry.ts) is the one list of them.

export interface ChannelAdapter {
  readonly channel: Channel;
  /** Renders a queued reply into the platform's calls and makes them, classifying errors (never throws). */
  readonly sender: ChannelSender;
  /** How updates arrive: a webhook route, or long polling (development, or a server nobody can reach). */
  readonly mode: "webhook" | "polling";
  /**
   * When to show "typing…": as soon as the bot works on an update (Zalo asks for it), or only before a model call
   * that may take seconds.
   */
  readonly typingWhen: "working" | "slow";
  /** Adds the webhook route(s): verify the secret, validate, record in the inbox, answer 200. */
  register(app: FastifyInstance, deps: { inbox: Inbox }): void;
  startPolling(inbox: Inbox): void;
  stopPolling(): Promise<void>;
}
