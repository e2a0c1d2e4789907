import { z } from "zod";
import type { InboundRecord } from "../conversation/ports.js";
import { staffKey } from "../conversation/types.js";
import type { updateSchema } from "./telegram.js";

// The staff desk on Telegram (the hand-off to a person): a group of the community digital team, where the bot posts
// tickets and relays learners' messages. Only the configured group — and, if a list is set, only its listed
// members — is heard; each accepted message becomes one of the desk's commands (handoff/commands.ts):
//   "/tl <số> nội dung" and "/dong <số>" as typed;
//   a reply to one of the bot's messages about a ticket ("Phiếu #12 …") → "/tl 12 <the reply>";
//   the ticket's button → "/dong 12".
// Anything else in the group (staff talking among themselves) is not recorded at all.

export interface TelegramStaff {
  chatId: string;
  /** Only these members are staff; absent: every member of the group. */
  userIds?: ReadonlySet<string>;
}

const TICKET = /Phiếu #(\d{1,12})/u;
const COMMAND = /^\/(tl|dong|đóng)(@\w+)?(\s|$)/iu;

const botMessage = z.looseObject({ from: z.looseObject({ is_bot: z.literal(true) }), text: z.string() });

/** A staff group's update → the desk's command, or undefined (not the staff group, not a member, not a command). */
export function normalizeStaffUpdate(update: z.infer<typeof updateSchema>, staff: TelegramStaff): InboundRecord | undefined {
  const isStaff = (chatId: number, userId: number) =>
    String(chatId) === staff.chatId && (!staff.userIds || staff.userIds.has(String(userId)));
  const base = {
    channel: "telegram" as const,
    userKey: staffKey(staff.chatId),
    chatId: staff.chatId,
    messageKey: String(update.update_id),
  };
  const m = update.message;
  if (m) {
    if (!m.from || !isStaff(m.chat.id, m.from.id) || typeof m.text !== "string") return undefined;
    if (COMMAND.test(m.text.trim())) return { ...base, text: m.text };
    const replied = botMessage.safeParse(m.reply_to_message);
    const ticket = replied.success ? TICKET.exec(replied.data.text)?.[1] : undefined;
    return ticket ? { ...base, text: `/tl ${ticket} ${m.text}` } : undefined;
  }
  const cq = update.callback_query;
  if (cq?.message && isStaff(cq.message.chat.id, cq.from.id)) {
    const ticket = TICKET.exec(String(cq.message.text ?? ""))?.[1];
    // Answered in any case (the button stops spinning); a button of another message closes nothing.
    return { ...base, text: ticket && cq.data === "1" ? `/dong ${ticket}` : "", callbackId: cq.id };
  }
  return undefined;
}
