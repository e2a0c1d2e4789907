import { z } from "zod";

export type Channel = "web" | "cli" | "telegram" | "zalo" | "zalo-oa";

/**
 * The inbox key of a staff group's messages (the hand-off desk): no learner's key has a colon (Telegram's are numbers),
 * so staff and learners never share one.
 */
export const staffKey = (chatId: string) => `staff:${chatId}`;

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
  /** A voice note (media "voice"): where to fetch its audio, fetched and transcribed when the update is worked. */
  voice?: VoiceRef;
}

/**
 * What a channel needs to fetch a voice note's audio: Telegram's file_id, the Zalo URL. Only this is kept until the
 * update is worked, never the audio.
 */
export interface VoiceRef {
  ref: string;
  /** As the platform reports it (Telegram), when it does. */
  durationSec?: number;
}

const voiceRefSchema = z.object({ ref: z.string().min(1).max(4096), durationSec: z.number().nonnegative().optional() });

/**
 * The inbox keeps a voice note's reference in the message's text column (it has no text of its own): on PostgreSQL
 * that column is sealed at rest, and a Zalo voice URL opens the learner's recording to whoever holds it.
 */
export function inboxText(msg: Pick<InboundMessage, "text" | "voice">): string {
  return msg.voice
    ? JSON.stringify({ ref: msg.voice.ref, ...(msg.voice.durationSec !== undefined ? { durationSec: msg.voice.durationSec } : {}) })
    : msg.text;
}

/** The reference back from an inbox row of media "voice"; undefined when there is none (an older row, or unreadable). */
export function voiceFromInbox(text: string): VoiceRef | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    const parsed = voiceRefSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as VoiceRef) : undefined;
  } catch {
    return undefined;
  }
}

export const MEDIA_KINDS = ["image", "sticker", "voice", "video", "file", "location", "unsupported"] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];
