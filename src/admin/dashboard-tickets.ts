import type { Curriculum } from "../curriculum/types.js";
import { type HandoffReason, REASONS } from "../handoff/texts.vi.js";
import { channelName, DAY_MS, fmtInt, vnDateTime } from "./format.js";
import { esc, table, td } from "./html.js";
import type { TicketListRow } from "./ports.js";

// The hand-off to a person on the dashboard: tickets open now (how long each has waited), tickets closed in the
// period (waiting and answer times), and by topic (the lesson the learner was on). Pure, from the store's rows.

const minutes = (from: number, to: number) => Math.max(0, Math.round((to - from) / 60_000));

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : Math.round(((s[mid - 1] as number) + (s[mid] as number)) / 2);
}

const topic = (c: Curriculum, r: TicketListRow) =>
  r.lessonId ? `${c.lessons.get(r.lessonId)?.title ?? r.lessonId}${r.step ? ` (bước ${r.step})` : ""}` : "(ngoài bài học)";
const reason = (r: TicketListRow) => REASONS[r.reason as HandoffReason] ?? r.reason;
const dash = '<span class="muted">–</span>';

export function ticketsSection(
  input: { curriculum: Curriculum; now: number; days: number; pseudonym: (learnerId: number) => string },
  rows: readonly TicketListRow[],
): string {
  const since = input.now - input.days * DAY_MS;
  const open = rows.filter((r) => r.closedAt === null);
  const inPeriod = rows.filter((r) => r.openedAt >= since);
  const closed = inPeriod.filter((r) => r.closedAt !== null);
  const waits = inPeriod.flatMap((r) => (r.answeredAt === null ? [] : [minutes(r.openedAt, r.answeredAt)]));
  const medianWait = median(waits);
  const who = (r: TicketListRow) => `<span class="mono">${esc(input.pseudonym(r.learnerId))}</span>`;
  const openRows = open.map(
    (r) =>
      `<tr>${td(`#${r.id}`)}${td(esc(channelName(r.channel)))}${td(who(r))}${td(esc(topic(input.curriculum, r)))}${td(esc(reason(r)))}${td(
        esc(vnDateTime(r.openedAt)),
      )}${r.answeredAt === null ? td(`<span class="warn">chưa trả lời, chờ ${esc(fmtInt(minutes(r.openedAt, input.now)))} phút</span>`) : td(`trả lời sau ${esc(fmtInt(minutes(r.openedAt, r.answeredAt)))} phút`)}</tr>`,
  );
  const closedRows = closed
    .slice(0, 20)
    .map(
      (r) =>
        `<tr>${td(`#${r.id}`)}${td(esc(channelName(r.channel)))}${td(esc(topic(input.curriculum, r)))}${td(esc(vnDateTime(r.openedAt)))}${
          r.answeredAt === null ? td(dash) : td(minutes(r.openedAt, r.answeredAt), true)
        }${td(minutes(r.openedAt, r.closedAt as number), true)}</tr>`,
    );
  const byTopic = new Map<string, TicketListRow[]>();
  for (const r of inPeriod) byTopic.set(r.lessonId ?? "", [...(byTopic.get(r.lessonId ?? "") ?? []), r]);
  const topicRows = [...byTopic.values()]
    .sort((a, b) => b.length - a.length)
    .map((rs) => {
      const m = median(rs.flatMap((r) => (r.answeredAt === null ? [] : [minutes(r.openedAt, r.answeredAt)])));
      const first = rs[0] as TicketListRow;
      const title = first.lessonId ? (input.curriculum.lessons.get(first.lessonId)?.title ?? first.lessonId) : "(ngoài bài học)";
      return `<tr>${td(esc(title))}${td(rs.length, true)}${td(rs.filter((r) => r.answeredAt !== null).length, true)}${m === undefined ? td(dash) : td(m, true)}</tr>`;
    });
  return `<section class="card" id="gap-can-bo"><h2>Gặp cán bộ (phiếu hỗ trợ)</h2>
<p>Trong ${input.days} ngày: ${esc(fmtInt(inPeriod.length))} phiếu, ${esc(fmtInt(waits.length))} phiếu đã được trả lời${
    medianWait === undefined ? "" : `, thời gian chờ trung vị ${esc(fmtInt(medianWait))} phút`
  }. Đang mở: ${esc(fmtInt(open.length))} phiếu.</p>
${open.length ? `<h3>Đang mở</h3>${table(["Số phiếu", "Kênh", "Người học (ẩn danh)", "Bài", "Lý do", "Mở lúc", "Trả lời"], openRows)}` : ""}
${closed.length ? `<h3>Đã đóng</h3>${table(["Số phiếu", "Kênh", "Bài", "Mở lúc", "Chờ trả lời (phút)", "Thời gian hỗ trợ (phút)"], closedRows, 4)}` : ""}
${topicRows.length ? `<h3>Theo bài</h3>${table(["Bài", "Số phiếu", "Đã trả lời", "Chờ trung vị (phút)"], topicRows, 1)}` : '<p class="muted">Chưa có phiếu nào.</p>'}</section>`;
}
