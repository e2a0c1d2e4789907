import type { ReloadStatus } from "../curriculum/store.js";
import type { Curriculum } from "../curriculum/types.js";
import {
  channelsSection,
  completionsSection,
  funnelsSection,
  overTimeSection,
  overview,
  quizSection,
  targetsSection,
} from "./dashboard-charts.js";
import {
  announceSection,
  certificatesNote,
  gapsSection,
  healthSection,
  type Lists,
  learnersSection,
  queuesSection,
  readLists,
  reportsSection,
} from "./dashboard-lists.js";
import { ticketsSection } from "./dashboard-tickets.js";
import { vnDateTime } from "./format.js";
import { csrfField, esc, page } from "./html.js";
import type { AdminStore } from "./ports.js";
import { retentionSection } from "./retention.js";
import { heavyFigures } from "./snapshot.js";
import type { TargetsResult } from "./targets.js";

// The dashboard page: everything a programme manager asks about, on one server-rendered page. Its sections are in
// dashboard-charts.ts (from the big figures, snapshot.ts) and dashboard-lists.ts (read on every view).

export { CHANNEL_NAMES, channelName } from "./format.js";

export interface DashboardInput {
  store: AdminStore;
  curriculum: Curriculum;
  status: ReloadStatus;
  targets: TargetsResult;
  now: number;
  /** Period of the charts over time and of the questions listed, in days. */
  days: number;
  pseudonym: (learnerId: number) => string;
  /** Set for a browser session: forms carry it (CSRF). Undefined for Bearer clients. */
  formToken?: string;
  publicBaseUrl?: string;
  /**
   * How long a view waits for the big figures when no snapshot of them exists yet (the first
   * view after a start, a curriculum change or a targets edit on a large installation) before it
   * shows the rest of the page and says the totals are still being computed. Default 300 ms.
   */
  waitMs?: number;
  /** Compute the big figures off the event loop (where the store can); default: when the database is large. */
  offThread?: boolean;
  /** The reply window of each channel that has one (ms): the queues section counts who is past it. */
  replyWindows?: Readonly<Record<string, number>>;
  /** Channels that cannot send now (Zalo OA: its token could not be refreshed). */
  channelProblems?: readonly string[];
}

/** The page while the big figures are being computed: everything that is quick, and a notice. */
function pendingPage(input: DashboardInput, lists: Lists, header: string): string {
  const body = `<p class="notice" role="status">Các số liệu tổng hợp (người học, người học theo ngày, học xong, phễu, câu hỏi kiểm tra, mục tiêu) đang được tính vì dữ liệu lớn. Trang sẽ tự tải lại sau vài giây.</p>
${healthSection(input)}
${ticketsSection(input, lists.tickets)}
${gapsSection(input, lists)}
${learnersSection(input, lists)}
<div class="grid">${announceSection(input, lists)}${reportsSection()}</div>`;
  return page({ title: "Bảng điều khiển — Bình dân học AI", header, body, refreshSeconds: 5 });
}

export async function renderDashboard(input: DashboardInput): Promise<string> {
  const logout = input.formToken
    ? `<form class="inline" method="post" action="/admin/logout">${csrfField(input.formToken)}<button class="link" type="submit">Đăng xuất</button></form>`
    : "";
  const header = `<header class="top"><h1>Bình dân học AI — Bảng điều khiển</h1><div>${logout}</div></header>\n`;
  const heavyResult = await heavyFigures(input);
  const lists = await readLists(input);
  if (!heavyResult) return pendingPage(input, lists, header);
  const { value: heavy, asOf } = heavyResult;
  const { figures, channels, certs } = heavy;
  const lessons = figures.lessons;
  const totalCerts = certs.reduce((a, c) => a + c.n, 0);
  const toc = [
    ["tong-quan", "Tổng quan"],
    ["muc-tieu", "Mục tiêu"],
    ["hoan-thanh", "Học xong"],
    ["pheu", "Dừng ở đâu"],
    ["cau-hoi-kiem-tra", "Câu hỏi khó"],
    ["nho-lau", "Nhớ lâu"],
    ["gap-can-bo", "Gặp cán bộ"],
    ["lo-hong", "Thiếu nội dung"],
    ["nguoi-hoc", "Người học"],
    ["noi-dung", "Nội dung bài"],
    ["thong-bao", "Gửi thông báo"],
    ["bao-cao", "Báo cáo CSV"],
  ]
    .map(([id, label]) => `<a href="#${id}">${esc(label)}</a>`)
    .join("");
  const body = `<nav class="toc" aria-label="Mục lục">${toc}</nav>
<p class="muted">Số liệu lúc ${esc(vnDateTime(asOf))} (giờ Việt Nam).</p>
${overview(channels, lessons, totalCerts)}
<div class="grid">${channelsSection(channels)}${overTimeSection(input, heavy.overTime)}</div>
${targetsSection(input, figures)}
${completionsSection(input, figures)}
${funnelsSection(input, lessons)}
<div class="grid">${quizSection(input, figures)}${healthSection(input)}</div>
${retentionSection(input, figures)}
${queuesSection(input, lists)}
${ticketsSection(input, lists.tickets)}
${gapsSection(input, lists)}
${learnersSection(input, lists)}
${certificatesNote(input, certs)}
<div class="grid">${announceSection(input, lists)}${reportsSection()}</div>
<p class="muted">Tiến độ, phễu và câu hỏi kiểm tra chỉ tính người học đã đồng ý lưu tiến độ; người đã xóa dữ liệu không còn trong số liệu.</p>`;
  return page({ title: "Bảng điều khiển — Bình dân học AI", header, body });
}
