import { DAY_MS, VN_OFFSET_MS, vnDayNumber } from "../time.js";

// When the community digital team answers: opening and closing minutes of the day and the weekdays, in Vietnam
// time. Pure; the caller passes the clock.

export interface StaffHours {
  /** Minutes after midnight (Vietnam) when staff start answering, and when they stop. */
  open: number;
  close: number;
  /** ISO weekdays staff work: 1 = Monday … 7 = Sunday. */
  days: ReadonlySet<number>;
}

/** "07:30-17:00" → minutes; undefined when it is not a valid span of one day. */
export function parseHours(spec: string): { open: number; close: number } | undefined {
  const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(spec);
  if (!m) return undefined;
  const [open, close] = [Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])];
  if (Number(m[2]) > 59 || Number(m[4]) > 59 || open >= close || close > 24 * 60) return undefined;
  return { open, close };
}

/** "1-5", "1,3,5" or "1-5,7" → ISO weekdays; undefined when a part is not a day from 1 to 7. */
export function parseDays(spec: string): Set<number> | undefined {
  const days = new Set<number>();
  for (const part of spec.split(",")) {
    const m = /^\s*([1-7])\s*(?:-\s*([1-7])\s*)?$/.exec(part);
    if (!m) return undefined;
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (from > to) return undefined;
    for (let d = from; d <= to; d++) days.add(d);
  }
  return days.size > 0 ? days : undefined;
}

/** The ISO weekday (1 = Monday … 7 = Sunday) of a Vietnam day number (day 0, 1970-01-01, was a Thursday). */
export const isoWeekday = (day: number) => ((day + 3) % 7) + 1;

const minuteOfDay = (t: number) => Math.floor(((t + VN_OFFSET_MS) % DAY_MS) / 60_000);
const dayStart = (day: number) => day * DAY_MS - VN_OFFSET_MS;

export function inHours(h: StaffHours, t: number): boolean {
  const m = minuteOfDay(t);
  return h.days.has(isoWeekday(vnDayNumber(t))) && m >= h.open && m < h.close;
}

/** When the current opening began (t is in hours), or the next opening starts (t is outside them). */
export function openingAt(h: StaffHours, t: number): number {
  const today = vnDayNumber(t);
  if (inHours(h, t)) return dayStart(today) + h.open * 60_000;
  for (let day = today; day <= today + 7; day++) {
    const start = dayStart(day) + h.open * 60_000;
    if (h.days.has(isoWeekday(day)) && start > t) return start;
  }
  return t; // no working day at all: cannot happen with a parsed spec
}
