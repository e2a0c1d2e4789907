export type Channel = "web" | "cli" | "telegram" | "zalo" | "zalo-oa";

/** Channels whose learner waits for the replies in the same request: collected by it, never sent by a dispatcher. */
export const DIRECT_CHANNELS: readonly Channel[] = ["web", "cli"];

/** What every channel adapter turns its payload into; the conversation service takes nothing else. */
export interface InboundMessage {
  channel: Channel;
  /** The learner's id on that channel (Telegram from.id, Zalo from.id, Zalo OA sender.id, a browser's random id…). */
  userKey: string;
  /** Where replies go (Telegram/Zalo chat id). */
  chatId: string;
  /** Deduplication key: Telegram update_id, Zalo message_id, Zalo OA msg_id, a client-made id for web/CLI. */
  messageKey: string;
  text: string;
  /** A message without text the tutor cannot read (it replies kindly and keeps the learner's place). */
  media?: MediaKind;
}

export const MEDIA_KINDS = ["image", "sticker", "voice", "video", "file", "location", "unsupported"] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];
