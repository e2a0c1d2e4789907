// Times, numbers and names as Vietnamese programme staff read them.

import { DAY_MS, VN_OFFSET_MS } from "../time.js";

export { DAY_MS, VN_OFFSET_MS, vnDateDmy, vnDayNumber } from "../time.js";

export const CHANNEL_NAMES: Record<string, string> = {
  telegram: "Telegram",
  zalo: "Zalo",
  web: "Trang web",
  cli: "Dòng lệnh",
  "zalo-oa": "Zalo OA",
};
export const channelName = (c: string) => CHANNEL_NAMES[c] ?? c;

/** End of a YYYY-MM-DD day in Vietnam time, as a timestamp. */
export function endOfVnDay(iso: string): number {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) + DAY_MS - VN_OFFSET_MS - 1;
}

/** `YYYY-MM-DD HH:mm` in Vietnam time (reports). */
export function vnDateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "";
  const iso = new Date(ms + VN_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** `YYYY-MM-DD` of a Vietnam day number (days since 1970-01-01 in Vietnam time). */
export function dayIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `dd/mm` of a day number, for chart axes. */
export function dayShort(day: number): string {
  const iso = dayIso(day);
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}`;
}

const intFormat = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 1 });

export function fmtInt(n: number): string {
  return intFormat.format(n);
}

/** "45%"; an empty share (0 of 0) is "–". */
export function fmtPct(part: number, whole: number): string {
  if (whole <= 0) return "–";
  return `${oneDecimal.format((100 * part) / whole)}%`;
}

/** Percentage for CSV cells: plain number, dot decimal, one digit; empty when undefined. */
export function csvPct(part: number, whole: number): string {
  if (whole <= 0) return "";
  return (Math.round((1000 * part) / whole) / 10).toString();
}
