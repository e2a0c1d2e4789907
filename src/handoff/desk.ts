import { channelName } from "../admin/format.js";
import type { LearnerStore, StaffDesk } from "../conversation/ports.js";
import type { LearnerTag } from "../conversation/service.js";
import { type InboundMessage, staffKey } from "../conversation/types.js";
import type { Curriculum } from "../curriculum/types.js";
import { redactPii } from "../qa/pii.js";
import type { QaOutcome } from "../qa/service.js";
import { vnDayNumber } from "../time.js";
import { parseIntent } from "../tutor/intents.js";
import type { Reply } from "../tutor/replies.js";
import type { TutorEvent, TutorState } from "../tutor/state.js";
import { parseStaffCommand } from "./commands.js";
import { inHours, openingAt, type StaffHours } from "./hours.js";
import { handoffVi, whenInWords } from "./texts.vi.js";

// The hand-off to a person, the conversation's part: a learner's ticket opened and sent to the staff desk, their
// messages relayed there while it is open (redacted: only the redacted text is queued, and only until it is sent),
// and the staff's answers and closing relayed back through the learner's own channel. Runs inside the turn's unit of
// work, through LearnerStore: a ticket and its messages are written with the turn or not at all. Staff messages are
// never logged as text and never reach the tutor or a model.

export type TicketEvent = "opened" | "answered" | "closed" | "relayed";

export interface HandoffDeps {
  desk: StaffDesk;
  hours: StaffHours;
  /** Tickets a learner may open in one day (Vietnam time). */
  perDay: number;
  curriculum: () => Curriculum;
  learnerTag: LearnerTag;
  /** The service level's clock (staff hours, the daily limit). */
  now: () => number;
}

/** What a learner may still do with the tutor while a ticket is open; everything else they write goes to the staff. */
const TUTOR_KEEPS = new Set([
  "next",
  "menu",
  "repeat",
  "back",
  "help",
  "progress",
  "stop",
  "delete",
  "privacy",
  "remindersOff",
  "remindersOn",
  "number",
  "person",
]);

/** How far back a ticket's "last few messages" go. */
const RECENT_MS = 3600_000;

/** The longest relayed message (the rest is cut): a chat message, not a document. */
const RELAY_CHARS = 1000;

export type Relay = { ticket: number; text: string };

export function createHandoff(deps: HandoffDeps) {
  const { desk } = deps;
  const toDesk = (learnerId: number | null, replies: Reply[], at: Date) => ({
    channel: desk.channel,
    chatId: desk.chatId,
    learnerId,
    items: replies.map((r) => ({ method: "reply" as const, params: r })),
    at,
  });

  /** The tutor's view: the learner's open ticket, and whether today's limit is reached. */
  function context(store: LearnerStore, learnerId: number | undefined): { open?: number; full: boolean } {
    if (learnerId === undefined) return { full: false };
    const t = store.tickets(learnerId);
    const today = vnDayNumber(deps.now());
    const full = t.recentOpenedAt.filter((at) => vnDayNumber(at) === today).length >= deps.perDay;
    return { ...(t.open ? { open: t.open.id } : {}), full };
  }

  /** The learner's text goes to the staff when a ticket is open and it is not one of the tutor's commands. */
  function relayOf(open: number | undefined, state: TutorState, text: string): Relay | undefined {
    if (open === undefined || state.screen.kind === "confirm_delete") return undefined;
    if (TUTOR_KEEPS.has(parseIntent(text).kind)) return undefined;
    const redacted = redactPii(text.trim()).text.slice(0, RELAY_CHARS);
    return redacted ? { ticket: open, text: redacted } : undefined;
  }

  function relay(store: LearnerStore, learnerId: number, r: Relay, at: Date): Reply[] {
    store.enqueue(toDesk(learnerId, [{ text: handoffVi.relay(r.ticket, r.text) }], at));
    return [{ text: handoffVi.relayed(r.ticket) }];
  }

  /**
   * What the learner said lately, redacted: the question that led to the offer, and their questions of the last hour
   * that were kept (only with their consent to storage), at most three.
   */
  function recentOf(store: LearnerStore, learnerId: number, led: readonly string[], at: Date): string[] {
    const kept = store.recentQuestions(learnerId, new Date(at.getTime() - RECENT_MS));
    return [...new Set([...kept, ...led].map((r) => redactPii(r).text.slice(0, RELAY_CHARS)))].slice(-3);
  }

  /** The learner agreed: the ticket is opened and sent to the desk; what the learner is told. */
  function open(
    store: LearnerStore,
    learnerId: number,
    msg: InboundMessage,
    e: Extract<TutorEvent, { type: "handoff" }>,
    at: Date,
  ): Reply[] {
    const n = store.openTicket({ learnerId, reason: e.reason, lessonId: e.lessonId ?? null, step: e.step ?? null, at });
    const lesson = e.lessonId ? (deps.curriculum().lessons.get(e.lessonId)?.title ?? e.lessonId) : undefined;
    const ticket = handoffVi.ticket({
      n,
      channel: channelName(msg.channel),
      who: deps.learnerTag(msg.channel, msg.userKey),
      reason: e.reason,
      ...(lesson ? { lesson } : {}),
      ...(e.step ? { step: e.step } : {}),
      recent: recentOf(store, learnerId, e.recent, at),
    });
    const note = msg.channel === "web" ? `\n${handoffVi.webNote}` : "";
    store.enqueue(toDesk(learnerId, [{ text: ticket + note, options: [{ label: handoffVi.closeButton(n), value: "1" }] }], at));
    const t = deps.now();
    const when = inHours(deps.hours, t) ? handoffVi.soon : handoffVi.outsideHours(whenInWords(openingAt(deps.hours, t), t));
    return [{ text: `${handoffVi.opened(n)}\n${when}\n${handoffVi.meanwhile}` }];
  }

  /**
   * The learner is erasing their data: their open ticket goes with it (the store's cascade); the group is told, so that
   * nobody answers into the void. The notice names only the ticket number, and is not linked to the learner.
   */
  function erasing(store: LearnerStore, learnerId: number, at: Date): void {
    const open = store.tickets(learnerId).open;
    if (open) store.enqueue(toDesk(null, [{ text: handoffVi.erased(open.id) }], at));
  }

  /** A person is offered after an honest "no lesson" and after a scam story, with the question (redacted). */
  function offerFor(qa: QaOutcome): { reason: "no_lesson" | "scam"; recent: string[] } | undefined {
    const recent = [qa.redacted.slice(0, RELAY_CHARS)];
    if (qa.rule === "qa.no-lesson") return { reason: "no_lesson", recent };
    if (qa.action === "warn") return { reason: "scam", recent };
    return undefined;
  }

  const isStaff = (row: { channel: string; userKey: string }) => row.channel === desk.channel && row.userKey === staffKey(desk.chatId);

  /** The ticket a staff message names (loaded before the turn on a shared store). */
  function staffNeed(text: string): { ticketId?: number } {
    const c = parseStaffCommand(text);
    return c && c.kind !== "usage" ? { ticketId: c.ticket } : {};
  }

  /** A staff message: the answer relayed to the learner, or the ticket closed. Returns what the group is told. */
  function staffTurn(store: LearnerStore, text: string, at: Date): { replies: Reply[]; events: TicketEvent[] } {
    const c = parseStaffCommand(text);
    if (!c) return { replies: [], events: [] };
    if (c.kind === "usage") return { replies: [{ text: handoffVi.usage }], events: [] };
    const t = store.ticket(c.ticket);
    if (!t) return { replies: [{ text: handoffVi.notFound(c.ticket) }], events: [] };
    if (t.closed) return { replies: [{ text: handoffVi.alreadyClosed(c.ticket) }], events: [] };
    const toLearner = (r: Reply) =>
      store.enqueue({ channel: t.channel, chatId: t.chatId, learnerId: t.learnerId, items: [{ method: "reply", params: r }], at });
    if (c.kind === "answer") {
      store.ticketAnswered(t.id, at);
      toLearner({ text: handoffVi.staffAnswer(c.text) });
      return { replies: [], events: ["answered"] };
    }
    store.closeTicket(t.id, at);
    toLearner({ text: handoffVi.closed(t.id) });
    return { replies: [{ text: handoffVi.staffClosed(t.id) }], events: ["closed"] };
  }

  return { desk, context, relayOf, relay, open, erasing, offerFor, isStaff, staffNeed, staffTurn };
}

export type Handoff = ReturnType<typeof createHandoff>;
