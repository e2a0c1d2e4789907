import { type Reply, renderPlain } from "../../tutor/replies.js";
import { vi } from "../../tutor/texts.vi.js";
import type { OutboundCall } from "../types.js";

// Reply → Zalo OA calls, at send time (pure). Each call is one message through /v3.0/oa/message/cs:
//   "image"   a lesson picture (the sender uploads it once and sends it by attachment id),
//   "message" the text, with the options as a numbered list, in pieces of at most 2,000 characters,
//   "buttons" the options again as oa.query.show buttons: a tap comes back as a text message carrying the digit,
//             just as if the learner had typed it. Typing always works, so this message is a convenience.

export const OA_TEXT_MAX = 2000;
/** [unverified] The number of buttons a message may carry is not documented: more options than this are typed only. */
export const OA_MAX_BUTTONS = 5;
export const OA_BUTTON_TITLE_MAX = 100;
/** A piece is never cut shorter than this share of the limit when looking for a boundary. */
const MIN_PIECE = 0.3;

export type OaMethod = "image" | "message" | "buttons";

/** The position just after the last sentence end (". ", "! ", "? ", "… ", closing quotes included) in `s`, or -1. */
function lastSentenceEnd(s: string): number {
  let end = -1;
  for (const m of s.matchAll(/[.!?…]+["”’)\]]*(?=\s)/g)) end = m.index + m[0].length;
  return end;
}

/** Splits text into pieces of at most `max` characters: at a paragraph, else a sentence, else a line, else a word. */
export function splitSentences(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text.trim();
  const min = Math.floor(max * MIN_PIECE);
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = window.lastIndexOf("\n\n");
    if (cut < min) cut = lastSentenceEnd(window);
    if (cut < min) cut = window.lastIndexOf("\n");
    if (cut < min) cut = window.lastIndexOf(" ");
    if (cut < min) {
      cut = max;
      // Never between the two halves of an emoji.
      const c = rest.charCodeAt(cut - 1);
      if (c >= 0xd800 && c <= 0xdbff) cut -= 1;
    }
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) out.push(rest);
  return out;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1).trimEnd()}…` : s);

export function renderOa(userId: string, reply: Reply): OutboundCall[] {
  const recipient = { user_id: userId };
  const calls: OutboundCall[] = [];
  if (reply.image) calls.push({ method: "image", params: { user_id: userId, file: reply.image.file } });
  for (const piece of splitSentences(renderPlain(reply, vi.quick, vi.quickHint), OA_TEXT_MAX)) {
    calls.push({ method: "message", params: { recipient, message: { text: piece } } });
  }
  const options = reply.options ?? [];
  if (options.length > 0 && options.length <= OA_MAX_BUTTONS) {
    const title = clip(vi.hintChoose(options.length).replace(/\*\*(.+?)\*\*/g, "$1"), OA_BUTTON_TITLE_MAX);
    const buttons = options.map((o) => ({
      title: clip(`${o.value}. ${o.label}`, OA_BUTTON_TITLE_MAX),
      type: "oa.query.show",
      payload: o.value,
    }));
    // [unverified] The list template's exact needs (is an element required? may it lack an image?) are not
    // documented; the shape follows the reference. Should Zalo refuse it, the sender lets it go: the text went.
    calls.push({
      method: "buttons",
      params: {
        recipient,
        message: { attachment: { type: "template", payload: { template_type: "list", elements: [{ title }], buttons } } },
      },
    });
  }
  return calls;
}

/** The message that shows an uploaded picture. */
export function mediaMessage(userId: string, attachmentId: string): Record<string, unknown> {
  return {
    recipient: { user_id: userId },
    message: {
      attachment: {
        type: "template",
        payload: { template_type: "media", elements: [{ media_type: "image", attachment_id: attachmentId }] },
      },
    },
  };
}

/** Free replies an OA may send for one learner message (reference: zalo-oa-api.md, the reply window). */
export const OA_FREE_REPLIES = 8;

/**
 * One turn's replies within the free allowance: while they would take more messages than it, two neighbouring replies
 * are joined into one — the first without choices, a picture or shortcuts, its text put before the second's (which keeps its
 * own choices and picture). The texts and their order stay; only the number of messages falls.
 */
export function fitAllowance(replies: Reply[], allowance = OA_FREE_REPLIES): Reply[] {
  const cost = (r: Reply) => renderOa("-", r).length;
  const out = [...replies];
  for (;;) {
    const total = out.reduce((n, r) => n + cost(r), 0);
    if (total <= allowance) return out;
    // The join that saves the most messages (a shorter join first when equal).
    let best = -1;
    let saved = 0;
    for (let i = 0; i + 1 < out.length; i++) {
      const a = out[i] as Reply;
      const b = out[i + 1] as Reply;
      if (a.options?.length || a.image || a.quick?.length) continue;
      const joined = { ...b, text: `${a.text}\n\n${b.text}` };
      const gain = cost(a) + cost(b) - cost(joined);
      if (gain > saved) {
        saved = gain;
        best = i;
      }
    }
    if (best < 0) return out; // nothing more can be joined: the rest goes as it is
    const a = out[best] as Reply;
    const b = out[best + 1] as Reply;
    out.splice(best, 2, { ...b, text: `${a.text}\n\n${b.text}` });
  }
}
