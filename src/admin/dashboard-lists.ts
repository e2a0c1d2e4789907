import type { Curriculum, CurriculumProblem } from "../curriculum/types.js";
import { redactPii } from "../qa/pii.js";
import type { DashboardInput } from "./dashboard.js";
import { channelName, DAY_MS, fmtInt, vnDateTime } from "./format.js";
import { csrfField, esc, table, td } from "./html.js";
import type { Announcement, ContentGap, QuestionTotals, QueueFigures, RecentLearner, TicketListRow } from "./ports.js";

// The dashboard's quick sections: lists and counts read on every view (questions without a good answer, recent
// learners, the queues, announcements), the curriculum's health, the forms and links. Pure once `readLists` has
// read their figures.

/** What the quick sections show, read from the store on every view. */
export interface Lists {
  totals: QuestionTotals;
  gaps: ContentGap[];
  recent: RecentLearner[];
  queues: QueueFigures;
  announcements: Announcement[];
  /** Hand-off tickets open now and opened in the period. */
  tickets: TicketListRow[];
}

export async function readLists(input: DashboardInput): Promise<Lists> {
  const since = input.now - input.days * DAY_MS;
  const [totals, gaps, recent, queues, announcements, tickets] = await Promise.all([
    input.store.questionTotals(since),
    input.store.contentGaps(since, 50),
    input.store.recentLearners(50),
    input.store.queues(input.now, input.replyWindows ?? {}),
    input.store.recentAnnouncements(5),
    input.store.tickets(since, 1000),
  ]);
  return { totals, gaps, recent, queues, announcements, tickets };
}

function lessonTitle(c: Curriculum, id: string): string {
  return c.lessons.get(id)?.title ?? id;
}

export function gapsSection(input: DashboardInput, { totals, gaps }: Lists): string {
  const rows = gaps.map(
    (g) =>
      `<tr>${td(esc(redactPii(g.question).text))}${td(g.asked, true)}${td(g.thumbsDown, true)}${td(g.unanswered, true)}${td(esc(vnDateTime(g.lastAt)))}${td(
        g.lessonId ? esc(lessonTitle(input.curriculum, g.lessonId)) : '<span class="muted">–</span>',
      )}</tr>`,
  );
  const flagged = totals.flagged
    ? ` <span class="warn">${esc(fmtInt(totals.flagged))} câu cần người xem (lời nói muốn tự hại) không hiện ở đây.</span>`
    : "";
  return `<section class="card" id="lo-hong"><h2>Câu hỏi chưa được trả lời tốt (thiếu nội dung)</h2>
<p>Trong ${input.days} ngày: ${esc(fmtInt(totals.asked))} câu hỏi tự do, ${esc(fmtInt(totals.gaps))} câu bị chê (không hài lòng) hoặc chưa có bài nào trả lời được.${flagged}</p>
${
  gaps.length
    ? table(["Câu hỏi (đã che thông tin cá nhân)", "Số lần hỏi", "Bị chê", "Chưa có bài trả lời", "Lần gần nhất", "Bài liên quan"], rows, 1)
    : '<p class="muted">Không có câu hỏi nào bị chê hay chưa được trả lời.</p>'
}
<p class="muted">Gợi ý: câu được hỏi nhiều lần nên có một bài hoặc một bước trả lời.</p></section>`;
}

export function learnersSection(input: DashboardInput, { recent }: Lists): string {
  const rows = recent.map(
    (r) =>
      `<tr>${td(`<span class="mono">${esc(input.pseudonym(r.id))}</span>`)}${td(esc(channelName(r.channel)))}${td(esc(vnDateTime(r.createdAt)))}${td(
        esc(vnDateTime(r.lastActiveAt)),
      )}${td(r.completed, true)}${td(r.inProgress, true)}</tr>`,
  );
  return `<section class="card" id="nguoi-hoc"><h2>Người học gần đây</h2><p class="muted">Mã ẩn danh, không phải số điện thoại hay tài khoản; cùng một người luôn có cùng mã trong mọi báo cáo.</p>${
    recent.length
      ? table(["Mã người học", "Kênh", "Bắt đầu", "Hoạt động gần nhất", "Bài đã xong", "Bài đang học"], rows, 4)
      : '<p class="muted">Chưa có người học nào.</p>'
  }</section>`;
}

export function healthSection(input: DashboardInput): string {
  const s = input.status;
  const errors = s.problems.filter((p) => p.severity === "error");
  const warnings = s.problems.filter((p) => p.severity === "warning");
  const list = (items: CurriculumProblem[]) =>
    `<ul class="problems">${items
      .slice(0, 100)
      .map((p) => `<li><span class="mono">${esc(`${p.file}:${p.line}`)}</span>: ${esc(p.message)}</li>`)
      .join("")}</ul>${items.length > 100 ? `<p class="muted">… và ${items.length - 100} mục nữa.</p>` : ""}`;
  const lessonsCount = input.curriculum.lessons.size;
  return `<section class="card" id="noi-dung"><h2>Tình trạng nội dung bài học</h2>
<p>${s.ok ? '<span class="pill ok">Tốt</span>' : '<span class="pill bad">Có lỗi</span>'} Nạp lần cuối: ${esc(vnDateTime(s.at.getTime()))} · ${esc(
    fmtInt(input.curriculum.tracks.length),
  )} chủ đề, ${esc(fmtInt(lessonsCount))} bài · phiên bản <span class="mono">${esc(s.version ?? input.curriculum.version)}</span></p>
${s.ok ? "" : `<div class="alert">${s.fromKeptCopy ? "Máy chủ khởi động khi bài học đang có lỗi, nên đang dùng bản tốt gần nhất lưu trên đĩa." : "Lần sửa gần nhất có lỗi nên chưa được dùng; người học vẫn học bản tốt gần nhất."} Sửa các lỗi dưới đây (hoặc chạy <span class="mono">npm run curriculum:check</span>).</div>`}
${errors.length ? `<h3 class="bad">Lỗi (${errors.length})</h3>${list(errors)}` : ""}
${warnings.length ? `<h3 class="warn">Cảnh báo (${warnings.length})</h3>${list(warnings)}` : ""}
${errors.length + warnings.length === 0 ? '<p class="muted">Không có lỗi hay cảnh báo.</p>' : ""}</section>`;
}

/** The same backlogs and failures as GET /metrics, for an admin without Prometheus. */
export function queuesSection(input: DashboardInput, { queues }: Lists): string {
  const { inbox, pending, oldestPendingAt: oldest, failed, windows } = queues;
  const age = oldest ? Math.max(0, Math.round((input.now - oldest) / 1000)) : 0;
  const problems = (input.channelProblems ?? []).map(
    (c) =>
      `<div class="alert">${esc(channelName(c))}: không gửi được tin vì chưa làm mới được quyền truy cập. Người quản trị cần cấp quyền lại (xem hướng dẫn trong README).</div>`,
  );
  const outside = windows
    .filter((w) => w.learners > 0)
    .map((w) => {
      const hours = Math.round((input.replyWindows?.[w.channel] ?? 0) / 3600_000);
      return `<p>${esc(channelName(w.channel))}: ${esc(fmtInt(w.learners))} người học, trong đó <b>${esc(fmtInt(w.outside))}</b> ngoài khung ${esc(String(hours))} giờ (không nhận được nhắc nhở hay thông báo cho đến khi họ nhắn lại).</p>`;
    });
  return `<section class="card" id="hang-doi"><h2>Hàng đợi tin nhắn</h2>${problems.join("")}${outside.join("")}
<p>Tin nhận chưa xử lý: <b>${esc(fmtInt(inbox))}</b> · Tin trả lời chờ gửi: <b>${esc(fmtInt(pending))}</b>${pending ? ` (lâu nhất ${esc(fmtInt(age))} giây)` : ""}</p>
${
  failed.length
    ? `<h3>Không gửi được</h3><ul>${failed.map((f) => `<li><span class="mono">${esc(f.reason)}</span>: ${esc(fmtInt(f.n))}</li>`).join("")}</ul>`
    : '<p class="muted">Không có tin nào bị bỏ.</p>'
}</section>`;
}

export function announceSection(input: DashboardInput, { announcements: recent }: Lists): string {
  const list = recent.length
    ? `<h3>Đã gửi gần đây</h3><ul>${recent
        .map(
          (a) =>
            `<li>${esc(vnDateTime(a.createdAt))} — tới ${esc(fmtInt(a.recipients))} người: ${esc([...a.text].slice(0, 160).join(""))}</li>`,
        )
        .join("")}</ul>`
    : "";
  return `<section class="card" id="thong-bao"><h2>Gửi thông báo</h2>
<p class="muted">Gửi tới những người học đã đồng ý nhận nhắc nhở, qua kênh họ dùng (gửi dần theo giới hạn của từng kênh).</p>
<form method="post" action="/admin/announce">${csrfField(input.formToken)}
<label for="announce-text">Nội dung (tối đa 1000 ký tự)</label>
<textarea id="announce-text" name="text" maxlength="1000" required></textarea>
<label class="check"><input type="checkbox" name="confirm" value="1" required> <span>Tôi đã đọc lại nội dung; gửi tới tất cả người học đã đồng ý.</span></label>
<button type="submit">Gửi thông báo</button>
</form>${list}</section>`;
}

export function reportsSection(): string {
  return `<section class="card" id="bao-cao"><h2>Báo cáo (CSV, mở bằng Excel)</h2><ul>
<li><a href="/admin/reports/progress.csv" download>Tiến độ từng người học, từng bài</a> — mã ẩn danh, kênh, bài, trạng thái, thời gian, điểm kiểm tra.</li>
<li><a href="/admin/reports/lessons.csv" download>Tổng hợp từng bài</a> — số bắt đầu, học xong, tỉ lệ, thời gian trung vị, bước hay dừng, tỉ lệ đúng ngay lần đầu và khi hỏi lại sau ≥ 1 và ≥ 7 ngày, số người đã vững; mỗi chủ đề có thêm một dòng tổng.</li>
<li><a href="/admin/reports/tickets.csv" download>Phiếu gặp cán bộ</a> — số phiếu, kênh, mã ẩn danh, bài, lý do, giờ mở, giờ trả lời, giờ đóng, số phút chờ.</li>
</ul></section>`;
}

export function certificatesNote(input: DashboardInput, certs: Array<{ trackTitle: string; n: number }>): string {
  if (certs.length === 0) return "";
  const base = input.publicBaseUrl ?? "";
  return `<section class="card" id="chung-nhan"><h2>Chứng nhận đã cấp</h2>${table(
    ["Chủ đề", "Số chứng nhận"],
    certs.map((c) => `<tr>${td(esc(c.trackTitle))}${td(c.n, true)}</tr>`),
    1,
  )}<p class="muted">Ai cũng kiểm tra được một chứng nhận tại <span class="mono">${esc(base)}/verify/&lt;mã&gt;</span>.</p></section>`;
}
