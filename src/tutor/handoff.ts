// The hand-off to a person, the tutor's part: asking the learner to agree (with the privacy notice), and the event
// that lets the caller open the ticket. Offered after an honest "no lesson", a scam story, or "không hiểu" twice on
// a step; asked for by name from any screen. Where no staff desk is set up, a kind pointer to people nearby.

import { type HandoffReason, handoffVi } from "../handoff/texts.vi.js";
import type { Intent } from "./intents.js";
import { outOfRange, pickOption } from "./menus.js";
import { withOptions } from "./replies.js";
import type { Turn } from "./state.js";
import { vi } from "./texts.vi.js";

/** Whether a person may be offered now (set up, no ticket open, today's limit not reached). */
export const canOffer = (t: Turn) => t.ctx.handoff !== undefined && t.ctx.handoff.open === undefined && !t.ctx.handoff.full;

/** The learner asked for a person, or picked the offer: ask them to agree, or say why not. */
export function askHandoff(t: Turn, reason: HandoffReason, recent: readonly string[] = []): void {
  const h = t.ctx.handoff;
  const refusal = !h
    ? handoffVi.unavailable
    : h.open !== undefined
      ? handoffVi.alreadyOpen(h.open)
      : h.full
        ? handoffVi.dailyLimit
        : undefined;
  if (refusal) {
    t.say(refusal);
    return;
  }
  const screen = t.state.screen;
  const prev = screen.kind === "answered" || screen.kind === "handoff_consent" ? screen.prev : screen;
  t.go({ kind: "handoff_consent", prev, reason, ...(recent.length > 0 ? { recent: [...recent] } : {}) });
  t.say(withOptions(handoffVi.consentAsk, handoffVi.consentOptions));
}

/** The answer to the consent question; anything else drops the question and is handled where the learner was. */
export function onHandoffConsent(t: Turn, intent: Intent, raw: string): boolean {
  const screen = t.state.screen;
  if (screen.kind !== "handoff_consent") return false;
  const pick = pickOption(intent, raw, handoffVi.consentOptions);
  if (pick === "out-of-range") return outOfRange(t, handoffVi.consentOptions.length);
  if (intent.kind === "repeat") {
    t.say(withOptions(handoffVi.consentAsk, handoffVi.consentOptions));
    return true;
  }
  const yes = pick === 0 || (pick === undefined && intent.kind === "yes");
  const no = pick === 1 || (pick === undefined && intent.kind === "no");
  // In a lesson, the learner comes back to the step they were on ("tiếp" shows it again).
  t.go(t.state.lesson && (yes || no) ? { kind: "paused" } : screen.prev);
  if (no) {
    t.say(`${handoffVi.declined}\n${t.state.lesson ? vi.progressResumeHint : vi.hintGeneral}`);
    return true;
  }
  if (!yes) return false;
  const pos = t.state.lesson;
  t.events.push({
    type: "handoff",
    reason: screen.reason,
    recent: screen.recent ?? [],
    ...(pos ? { lessonId: pos.lessonId, step: pos.stepIndex + 1 } : {}),
  });
  return true;
}
