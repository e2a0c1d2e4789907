import { z } from "zod";
import type { InboundMessage, MediaKind } from "../../conversation/types.js";

// A Zalo OA webhook event (../shared/reference/zalo-oa-api.md) → what the tutor reads. Only ids, the event's name and
// a text message's text are taken; everything else (names, a submitted phone number or address, links) is dropped.

const id = z.union([z.string().trim().min(1).max(128), z.int().nonnegative().transform(String)]);

const eventSchema = z.looseObject({
  event_name: z.string().min(1).max(200),
  timestamp: z.union([z.string().trim().min(1).max(32), z.number()]).optional(),
  sender: z.looseObject({ id }).optional(),
  follower: z.looseObject({ id }).optional(),
  message: z.looseObject({ msg_id: id.optional(), text: z.string().optional(), attachments: z.unknown().optional() }).optional(),
});

/** An audio attachment's address [format unverified]: `attachments[0].payload.url`. Nothing else of it is kept. */
const audioAttachment = z
  .array(
    z.looseObject({
      payload: z.looseObject({
        url: z
          .string()
          .trim()
          .max(4096)
          .regex(/^https?:\/\//i),
      }),
    }),
  )
  .min(1);

/** Messages the tutor cannot read: each gets a kind reply, and the learner keeps their place. */
const MEDIA: Record<string, MediaKind> = {
  user_send_image: "image",
  user_send_gif: "image",
  user_send_sticker: "sticker",
  user_send_file: "file",
  user_send_location: "location",
  // A voice note: transcribed when a speech endpoint is configured (its URL is kept until then), else a kind reply.
  user_send_audio: "voice",
  // [unverified] not in the reference's list of events; handled like the others should it exist.
  user_send_video: "video",
  user_send_link: "unsupported",
  user_send_business_card: "unsupported",
  // A form the learner filled in for the OA (name, phone, address): nothing of it is kept.
  user_submit_info: "unsupported",
};

/** Events that are not a learner writing to us: delivery and reading receipts, reactions, "chat now" clicks, leaving. */
const NOT_FOR_TUTOR = new Set(["unfollow", "user_click_chatnow", "user_received_message", "user_seen_message", "user_reacted_message"]);

/** What the tutor is fed when someone follows the OA: the same as Telegram's /start (a greeting, then consent). */
export const FOLLOW_TEXT = "/start";

export type OaEvent =
  | { kind: "message"; event: string; msg: InboundMessage }
  | { kind: "ignored"; event: string; reason: "own_echo" | "not_for_tutor" | "anonymous" | "unknown_event" }
  | { kind: "invalid"; event?: string };

/** One parsed (and already authenticated) event → a message for the inbox, or why not. */
export function normaliseOaEvent(raw: unknown): OaEvent {
  const ev = eventSchema.safeParse(raw);
  if (!ev.success) return { kind: "invalid" };
  const name = ev.data.event_name;
  const event = name.slice(0, 64);
  // Our own messages come back as oa_send_*: never answer ourselves.
  if (name.startsWith("oa_send_")) return { kind: "ignored", event, reason: "own_echo" };
  // Visitors who do not follow the OA: we have no user id to answer [unverified: the reference lists them only].
  if (name.startsWith("anonymous_send_")) return { kind: "ignored", event, reason: "anonymous" };
  if (NOT_FOR_TUTOR.has(name)) return { kind: "ignored", event, reason: "not_for_tutor" };

  if (name === "follow") {
    const who = ev.data.follower?.id ?? ev.data.sender?.id;
    if (!who || ev.data.timestamp === undefined) return { kind: "invalid", event };
    // A follow has no msg_id: the follower and the moment make its key, so a redelivered follow greets once.
    const messageKey = `follow:${who}:${String(ev.data.timestamp)}`;
    return { kind: "message", event, msg: { channel: "zalo-oa", userKey: who, chatId: who, messageKey, text: FOLLOW_TEXT } };
  }

  const kind = name === "user_send_text" ? "text" : Object.hasOwn(MEDIA, name) ? MEDIA[name] : undefined;
  if (!kind) return { kind: "ignored", event, reason: "unknown_event" };
  const who = ev.data.sender?.id;
  const msgId = ev.data.message?.msg_id;
  if (!who || !msgId) return { kind: "invalid", event };
  const base = { channel: "zalo-oa" as const, userKey: who, chatId: who, messageKey: msgId };
  if (kind === "text") {
    const text = ev.data.message?.text;
    if (typeof text !== "string") return { kind: "invalid", event };
    return { kind: "message", event, msg: { ...base, text } };
  }
  if (kind === "voice") {
    const audio = audioAttachment.safeParse(ev.data.message?.attachments);
    if (audio.success && audio.data[0])
      return { kind: "message", event, msg: { ...base, text: "", media: kind, voice: { ref: audio.data[0].payload.url } } };
  }
  return { kind: "message", event, msg: { ...base, text: "", media: kind } };
}
