import type { WindowRule } from "../conversation/ports.js";

// Reminders and announcements on channels with a reply window (Zalo OA: 48 hours after the learner's last message):
// a learner past it is left out and counted, on either engine.

/** Whether the learner's channel's window had closed at `at`. */
export function windowClosed(rule: WindowRule | undefined, channel: string, lastActiveAt: number, at: number): boolean {
  const ms = rule?.windows[channel];
  return ms !== undefined && lastActiveAt < at - ms;
}

/** Splits learners into those the channel may still write to and those past their window, and reports the latter. */
export function splitByWindow<T extends { channel: string }>(
  rows: readonly T[],
  lastActive: (row: T) => number,
  at: number,
  rule: WindowRule | undefined,
): { inside: T[]; outside: T[] } {
  const inside: T[] = [];
  const outside: T[] = [];
  for (const r of rows) (windowClosed(rule, r.channel, lastActive(r), at) ? outside : inside).push(r);
  return { inside, outside };
}

/** Tells the rule how many learners each channel left out. */
export function reportOutside(rule: WindowRule | undefined, outside: ReadonlyArray<{ channel: string }>): void {
  if (!rule?.outside || outside.length === 0) return;
  const by = new Map<string, number>();
  for (const o of outside) by.set(o.channel, (by.get(o.channel) ?? 0) + 1);
  for (const [channel, n] of by) rule.outside(channel, n);
}
