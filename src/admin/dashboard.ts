import type { ReloadStatus } from "../curriculum/store.js";
import type { Curriculum, CurriculumProblem, Lesson, Step } from "../curriculum/types.js";
import { redactPii } from "../qa/pii.js";
import type { Db } from "../store/db.js";
import { DAY_MS, dayShort, fmtInt, fmtPct, VN_OFFSET_MS, vnDateDmy, vnDateTime, vnDayNumber } from "./format.js";
import { computeHeavy, computeHeavyOffThread, type Figures, type Heavy, type HeavyRequest, type OverTime } from "./heavy.js";
import { esc, page } from "./html.js";
import * as q from "./queries.js";
import { barChart, funnelChart, lineChart, progressChart } from "./svg.js";
import type { TargetsResult } from "./targets.js";

// The dashboard page: everything a programme manager asks about, on one server-rendered page.

export const CHANNEL_NAMES: Record<string, string> = { telegram: "Telegram", zalo: "Zalo", web: "Trang web", cli: "Dòng lệnh" };
export const channelName = (c: string) => CHANNEL_NAMES[c] ?? c;

const STEP_KIND: Record<Step["kind"], string> = { instruction: "Bước", checkpoint: "Kiểm tra", quiz: "Câu hỏi" };
export const stepLabel = (s: Step) => `${s.index}. ${STEP_KIND[s.kind]}: ${s.title}`;

export interface DashboardInput {
  db: Db;
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
  /** Compute the big figures on a worker thread; default: when the database is large. */
  offThread?: boolean;
}

/** End of a YYYY-MM-DD day in Vietnam time, as a timestamp. */
export function endOfVnDay(iso: string): number {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) + DAY_MS - VN_OFFSET_MS - 1;
}

const th = (label: string, num = false) => `<th scope="col"${num ? ' class="num"' : ""}>${esc(label)}</th>`;
const td = (value: string | number, num = false) =>
  `<td${num ? ' class="num"' : ""}>${typeof value === "number" ? esc(fmtInt(value)) : value}</td>`;
const table = (head: string[], rows: string[], numericFrom = 99) =>
  `<div class="table-wrap"><table><thead><tr>${head.map((h, i) => th(h, i >= numericFrom)).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`;

function csrfField(token: string | undefined): string {
  return token ? `<input type="hidden" name="csrf" value="${esc(token)}">` : "";
}

function lessonTitle(c: Curriculum, id: string): string {
  return c.lessons.get(id)?.title ?? id;
}

function overview(channels: q.ChannelStats[], lessons: Map<string, q.LessonAggregate>, certs: number): string {
  const sum = (k: keyof q.ChannelStats) => channels.reduce((a, c) => a + (c[k] as number), 0);
  const completions = [...lessons.values()].reduce((a, l) => a + l.completed, 0);
  const kpi = (value: number, label: string) => `<div class="kpi"><b>${esc(fmtInt(value))}</b><span>${esc(label)}</span></div>`;
  return `<section class="card" id="tong-quan"><h2>Tổng quan</h2><div class="kpis">
${kpi(sum("total"), "người học")}${kpi(sum("new7"), "người mới trong 7 ngày")}${kpi(sum("active7"), "hoạt động trong 7 ngày")}${kpi(sum("active30"), "hoạt động trong 30 ngày")}${kpi(completions, "lượt học xong bài")}${kpi(certs, "chứng nhận đã cấp")}
</div></section>`;
}

function channelsSection(channels: q.ChannelStats[]): string {
  const chart = barChart({
    id: "chart-channels",
    title: "Người học theo kênh",
    desc: channels.length
      ? channels.map((c) => `${channelName(c.channel)}: ${c.total} người, ${c.active7} hoạt động trong 7 ngày`).join("; ")
      : "Chưa có người học.",
    bars: channels.map((c) => ({ label: channelName(c.channel), value: c.total, note: fmtInt(c.total) })),
    emptyText: "Chưa có người học nào.",
  });
  const rows = channels.map(
    (c) =>
      `<tr>${td(esc(channelName(c.channel)))}${td(c.total, true)}${td(c.new7, true)}${td(c.active7, true)}${td(c.active30, true)}${td(c.consented, true)}</tr>`,
  );
  return `<section class="card" id="kenh"><h2>Người học theo kênh</h2>${chart}${
    channels.length
      ? table(["Kênh", "Tổng", "Mới (7 ngày)", "Hoạt động (7 ngày)", "Hoạt động (30 ngày)", "Đồng ý lưu tiến độ"], rows, 1)
      : ""
  }</section>`;
}

function overTimeSection(input: DashboardInput, overTime: OverTime): string {
  const today = vnDayNumber(input.now);
  const first = today - input.days + 1;
  const fill = (rows: q.DayCount[]) => {
    const byDay = new Map(rows.map((r) => [r.day, r.n]));
    return Array.from({ length: input.days }, (_, i) => byDay.get(first + i) ?? 0);
  };
  const fresh = fill(overTime.newByDay);
  const active = fill(overTime.activeByDay);
  const labels = Array.from({ length: input.days }, (_, i) => dayShort(first + i));
  const totalNew = fresh.reduce((a, b) => a + b, 0);
  const peak = Math.max(0, ...active);
  const chart = lineChart({
    id: "chart-time",
    title: `Người học theo ngày (${input.days} ngày gần đây)`,
    desc: `${totalNew} người học mới trong ${input.days} ngày; ngày đông nhất có ${peak} người học bài.`,
    labels,
    series: [
      { name: "Người học mới", values: fresh, area: true },
      { name: "Người học bài trong ngày", values: active },
    ],
  });
  const before = overTime.newByDay.reduce((n, r) => (r.day < first ? n + r.n : n), overTime.before);
  const periods = [7, 30, 90, 365]
    .map((d) => (d === input.days ? `<b>${d} ngày</b>` : `<a href="?days=${d}#theo-thoi-gian">${d} ngày</a>`))
    .join(" · ");
  return `<section class="card" id="theo-thoi-gian"><h2>Người học theo thời gian</h2><p class="muted">Khoảng thời gian: ${periods}</p>${chart}
<p>${esc(fmtInt(totalNew))} người mới trong ${input.days} ngày (trước đó đã có ${esc(fmtInt(before))} người). “Người học bài” là người đi tiếp ít nhất một bước trong ngày (chỉ tính người đồng ý lưu tiến độ).</p></section>`;
}

function targetsSection(input: DashboardInput, figures: Figures): string {
  const { targets } = input;
  const problems = targets.problems.length
    ? `<div class="alert"><b>Tệp mục tiêu có lỗi</b> — sửa rồi tải lại trang:<ul class="problems">${targets.problems
        .map((p) => `<li class="mono">${esc(`${p.file}:${p.line}`)}: ${esc(p.message)}</li>`)
        .join("")}</ul></div>`
    : "";
  if (!targets.found)
    return `<section class="card" id="muc-tieu"><h2>Mục tiêu chương trình</h2><p class="muted">Chưa đặt mục tiêu nào (chưa có tệp targets.yaml).</p></section>`;
  const today = vnDayNumber(input.now);
  const rows = targets.targets.map((t, i) => {
    const track = input.curriculum.tracks.find((x) => x.id === t.track);
    const deadline = endOfVnDay(t.by);
    const done = figures.targetDone[i] ?? 0;
    const web = figures.targetWeb?.[i] ?? 0;
    const daysLeft = vnDayNumber(deadline) - today;
    const state =
      done >= t.learners ? "đã đạt" : daysLeft < 0 ? "đã quá hạn" : daysLeft === 0 ? "hết hạn hôm nay" : `còn ${fmtInt(daysLeft)} ngày`;
    return { t, track, done, web, state, deadline };
  });
  const chart = progressChart({
    id: "chart-targets",
    title: "Tiến độ so với mục tiêu",
    desc:
      rows.map((r) => `${r.t.label}: ${r.done} trên ${r.t.learners} người, hạn ${r.t.by}, ${r.state}`).join("; ") || "Chưa có mục tiêu.",
    perRow: true,
    rows: rows.map((r) => ({
      label: r.t.label,
      done: r.done,
      total: r.t.learners,
      note: `${fmtInt(r.done)}/${fmtInt(r.t.learners)} · ${fmtPct(r.done, r.t.learners)}`,
    })),
    emptyText: "Chưa có mục tiêu nào trong tệp.",
  });
  const tableRows = rows.map(
    (r) =>
      `<tr>${td(esc(r.t.label))}${td(esc(r.track?.title ?? r.t.track))}${td(r.done, true)}${td(r.t.learners, true)}${td(esc(fmtPct(r.done, r.t.learners)), true)}${td(esc(vnDateDmy(r.deadline)))}${td(`<span class="${r.state === "đã đạt" ? "ok" : r.state === "đã quá hạn" ? "bad" : ""}">${esc(r.state)}</span>`)}</tr>`,
  );
  const webTotal = rows.reduce((a, r) => a + r.web, 0);
  const webNote = webTotal
    ? `<p class="muted">Mục tiêu chỉ tính người học qua Zalo và Telegram (mỗi tài khoản gắn với một số điện thoại). Ngoài ra có ${esc(fmtInt(webTotal))} lượt học xong qua trang web, không tính vào mục tiêu vì ai cũng tạo được mã người học trên web.</p>`
    : "";
  return `<section class="card" id="muc-tieu"><h2>Mục tiêu chương trình</h2>${problems}${webNote}${chart}${
    rows.length ? table(["Mục tiêu", "Chủ đề", "Đã học xong chủ đề", "Cần đạt", "Tỉ lệ", "Hạn", "Tình trạng"], tableRows, 2) : ""
  }<p class="muted">Tính người học xong mọi bài của chủ đề, bài cuối xong trước hết ngày hạn.</p></section>`;
}

function completionsSection(input: DashboardInput, figures: Figures): string {
  const { lessons } = figures;
  const parts: string[] = [];
  for (const track of input.curriculum.tracks) {
    const started = track.lessons.reduce((a, l) => a + (lessons.get(l.id)?.started ?? 0), 0);
    const heading = `<h3>${esc(track.title)}</h3>`;
    if (started === 0) {
      parts.push(
        `<div>${heading}<p class="muted">Chưa ai bắt đầu bài nào của chủ đề này (${esc(fmtInt(track.lessons.length))} bài).</p></div>`,
      );
      continue;
    }
    const finishers = figures.trackFinishers.get(track.id) ?? 0;
    const chart = progressChart({
      id: `chart-track-${track.id}`,
      title: `Học xong từng bài — ${track.title}`,
      desc: track.lessons
        .map((l) => {
          const a = lessons.get(l.id);
          return `${l.title}: ${a?.completed ?? 0} học xong trên ${a?.started ?? 0} bắt đầu`;
        })
        .join("; "),
      rows: track.lessons.map((l) => {
        const a = lessons.get(l.id);
        const started = a?.started ?? 0;
        const completed = a?.completed ?? 0;
        return {
          label: l.title,
          done: completed,
          total: started,
          note: `${fmtInt(completed)}/${fmtInt(started)} · ${fmtPct(completed, started)}`,
        };
      }),
    });
    parts.push(`<div>${heading}<p class="muted">${esc(fmtInt(finishers))} người đã học xong cả chủ đề.</p>${chart}</div>`);
  }
  const orphans = [...lessons.values()].filter((a) => !input.curriculum.lessons.has(a.lessonId));
  if (orphans.length) {
    parts.push(
      `<div><h3>Bài không còn trong nội dung</h3>${table(
        ["Mã bài", "Bắt đầu", "Học xong"],
        orphans.map((a) => `<tr>${td(`<span class="mono">${esc(a.lessonId)}</span>`)}${td(a.started, true)}${td(a.completed, true)}</tr>`),
        1,
      )}</div>`,
    );
  }
  return `<section class="card" id="hoan-thanh"><h2>Học xong theo chủ đề và bài</h2><p class="muted"><span class="swatch sw-2"></span>học xong <span class="swatch sw-bg"></span>đã bắt đầu</p><div class="grid">${parts.join("")}</div></section>`;
}

function funnelsSection(input: DashboardInput, lessons: Map<string, q.LessonAggregate>): string {
  const active = [...input.curriculum.lessons.values()]
    .map((l) => ({ l, a: lessons.get(l.id) }))
    .filter((x): x is { l: Lesson; a: q.LessonAggregate } => (x.a?.started ?? 0) > 0)
    .sort((x, y) => y.a.started - x.a.started || x.l.id.localeCompare(y.l.id));
  if (active.length === 0)
    return `<section class="card" id="pheu"><h2>Người học dừng ở đâu</h2><p class="muted">Chưa có ai bắt đầu bài nào.</p></section>`;
  const blocks = active.map(({ l, a }, i) => {
    const counts = q.funnelCounts(a, l.steps.length);
    const stop = q.mostCommonStop(a);
    const stopStep = stop ? l.steps[stop.step - 1] : undefined;
    const stopText = stop
      ? `dừng nhiều nhất ở ${stopStep ? stepLabel(stopStep) : `bước ${stop.step}`} (${fmtInt(stop.n)} người)`
      : "chưa ai dừng giữa chừng";
    const chart = funnelChart({
      id: `chart-funnel-${l.id}`,
      title: `Phễu bài “${l.title}”`,
      desc: `${a.started} người bắt đầu, ${a.completed} người học xong; ${stopText}.`,
      stages: [
        { label: "Bắt đầu bài", value: a.started },
        ...l.steps.map((s, k) => ({ label: stepLabel(s), value: counts[k] ?? 0 })),
        { label: "Học xong", value: a.completed },
      ],
    });
    return `<details${i < 6 ? " open" : ""}><summary>${esc(l.title)} — ${esc(fmtInt(a.started))} bắt đầu, ${esc(fmtPct(a.completed, a.started))} học xong; ${esc(stopText)}</summary>${chart}</details>`;
  });
  return `<section class="card" id="pheu"><h2>Người học dừng ở đâu (phễu từng bài)</h2><p class="muted">Mỗi thanh là số người đã tới bước đó. Các bài có nhiều người học nhất ở trên.</p>${blocks.join("")}</section>`;
}

function quizSection(input: DashboardInput, figures: Figures): string {
  const stats = figures.quiz
    .filter((s) => s.answered > 0)
    .map((s) => {
      const lesson = input.curriculum.lessons.get(s.lessonId);
      const step = lesson?.steps[s.stepIndex - 1];
      const label = `${lesson?.title ?? s.lessonId} — ${step ? step.title : `câu hỏi ở bước ${s.stepIndex}`}`;
      return { ...s, label, share: s.right / s.answered };
    })
    .sort((a, b) => a.share - b.share || b.answered - a.answered)
    .slice(0, 40);
  const chart = barChart({
    id: "chart-quiz",
    title: "Câu hỏi kiểm tra: tỉ lệ trả lời đúng ngay lần đầu",
    desc: stats.length
      ? stats.map((s) => `${s.label}: ${fmtPct(s.right, s.answered)} đúng ngay (${s.right}/${s.answered})`).join("; ")
      : "Chưa có ai trả lời câu hỏi nào.",
    bars: stats.map((s) => ({
      label: s.label,
      value: Math.round(100 * s.share),
      note: `${fmtPct(s.right, s.answered)} · ${fmtInt(s.right)}/${fmtInt(s.answered)}`,
    })),
    max: 100,
    color: "#e8833a",
    emptyText: "Chưa có ai trả lời câu hỏi kiểm tra nào.",
  });
  return `<section class="card" id="cau-hoi-kiem-tra"><h2>Câu hỏi kiểm tra khó nhất</h2><p class="muted">Tỉ lệ người học chọn đúng ngay lần trả lời đầu tiên; câu thấp nhất ở trên — có thể câu hỏi hoặc bài giảng chưa rõ.</p>${chart}</section>`;
}

function gapsSection(input: DashboardInput): string {
  const since = input.now - input.days * DAY_MS;
  const totals = q.questionTotals(input.db, since);
  const gaps = q.contentGaps(input.db, since, 50);
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

function learnersSection(input: DashboardInput): string {
  const recent = q.recentLearners(input.db, 50);
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

function healthSection(input: DashboardInput): string {
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
function queuesSection(input: DashboardInput): string {
  const one = (sql: string, ...args: unknown[]) => (input.db.$client.prepare(sql).get(...args) as { n: number | null }).n ?? 0;
  const inbox = one("select count(*) as n from inbox");
  const pending = one("select count(*) as n from outbox where status = 'pending'");
  const oldest = one("select min(created_at) as n from outbox where status = 'pending'");
  const failed = input.db.$client
    .prepare(
      "select coalesce(last_error, 'không rõ') as reason, count(*) as n from outbox where status in ('failed', 'cancelled') group by 1 order by n desc limit 10",
    )
    .all() as Array<{ reason: string; n: number }>;
  const age = oldest ? Math.max(0, Math.round((input.now - oldest) / 1000)) : 0;
  return `<section class="card" id="hang-doi"><h2>Hàng đợi tin nhắn</h2>
<p>Tin nhận chưa xử lý: <b>${esc(fmtInt(inbox))}</b> · Tin trả lời chờ gửi: <b>${esc(fmtInt(pending))}</b>${pending ? ` (lâu nhất ${esc(fmtInt(age))} giây)` : ""}</p>
${
  failed.length
    ? `<h3>Không gửi được</h3><ul>${failed.map((f) => `<li><span class="mono">${esc(f.reason)}</span>: ${esc(fmtInt(f.n))}</li>`).join("")}</ul>`
    : '<p class="muted">Không có tin nào bị bỏ.</p>'
}</section>`;
}

function announceSection(input: DashboardInput): string {
  const recent = q.recentAnnouncements(input.db, 5);
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

function reportsSection(): string {
  return `<section class="card" id="bao-cao"><h2>Báo cáo (CSV, mở bằng Excel)</h2><ul>
<li><a href="/admin/reports/progress.csv" download>Tiến độ từng người học, từng bài</a> — mã ẩn danh, kênh, bài, trạng thái, thời gian, điểm kiểm tra.</li>
<li><a href="/admin/reports/lessons.csv" download>Tổng hợp từng bài</a> — số bắt đầu, học xong, tỉ lệ, thời gian trung vị, bước hay dừng, tỉ lệ đúng ngay lần đầu.</li>
</ul></section>`;
}

function certificatesNote(input: DashboardInput, certs: Array<{ trackTitle: string; n: number }>): string {
  if (certs.length === 0) return "";
  const base = input.publicBaseUrl ?? "";
  return `<section class="card" id="chung-nhan"><h2>Chứng nhận đã cấp</h2>${table(
    ["Chủ đề", "Số chứng nhận"],
    certs.map((c) => `<tr>${td(esc(c.trackTitle))}${td(c.n, true)}</tr>`),
    1,
  )}<p class="muted">Ai cũng kiểm tra được một chứng nhận tại <span class="mono">${esc(base)}/verify/&lt;mã&gt;</span>.</p></section>`;
}

/** A computation slower than this is served from a snapshot (refreshed in the background) next time. */
const SLOW_MS = 500;
const REFRESH_MS = 60_000;
const MAX_AGE_MS = 10 * 60_000;
const snapshots = new WeakMap<Db, { key: string; at: number; took: number; value: Heavy; refreshing: boolean }>();
/** The computation under way, per database and key: views wait for it instead of starting another. */
const computing = new WeakMap<Db, { key: string; done: Promise<Heavy> }>();

/** Above this many progress events, the big figures are computed on a worker thread. */
const OFF_THREAD_EVENTS = 100_000;

/** The database file to compute the big figures from on a worker thread, or undefined for in place. */
function workerPathFor(input: DashboardInput): string | undefined {
  const conn = input.db.$client;
  if (conn.memory || conn.name === "") return undefined;
  const big = input.offThread ?? q.progressEventsAbout(input.db) > OFF_THREAD_EVENTS;
  return big ? conn.name : undefined;
}

function computeFigures(input: DashboardInput, key: string): Promise<Heavy> {
  const running = computing.get(input.db);
  if (running?.key === key) return running.done;
  const req: HeavyRequest = {
    lessonIds: [...input.curriculum.lessons.keys()],
    tracks: input.curriculum.tracks.map((t) => ({ id: t.id, lessonIds: t.lessons.map((l) => l.id) })),
    targets: input.targets.targets.map((t) => ({ track: t.track, until: Math.min(endOfVnDay(t.by), input.now) })),
    now: input.now,
  };
  const done = (async () => {
    const started = performance.now();
    const path = workerPathFor(input);
    const value = path ? await computeHeavyOffThread(path, req) : await computeHeavy(input.db, req, q.breathe);
    snapshots.set(input.db, { key, at: input.now, took: performance.now() - started, value, refreshing: false });
    return value;
  })();
  computing.set(input.db, { key, done });
  const clear = () => {
    if (computing.get(input.db)?.done === done) computing.delete(input.db);
  };
  done.then(clear, clear);
  return done;
}

/**
 * The figures that scan the big tables. On a small database they are computed for every view; once
 * they take longer than SLOW_MS (a province's worth of learners), views are served from the last
 * snapshot (its time is shown on the page) while a fresh one is computed in the background.
 */
async function heavyFigures(input: DashboardInput): Promise<{ value: Heavy; asOf: number } | undefined> {
  const key = `${input.curriculum.version}|${JSON.stringify(input.targets.targets)}`;
  const snap = snapshots.get(input.db);
  if (snap && snap.key === key && snap.took >= SLOW_MS && input.now - snap.at < MAX_AGE_MS) {
    if (input.now - snap.at > REFRESH_MS && !snap.refreshing) {
      snap.refreshing = true;
      void computeFigures(input, key).catch(() => {
        snap.refreshing = false;
      });
    }
    return { value: snap.value, asOf: snap.at };
  }
  // No usable snapshot: wait a little for the figures (a small installation has them in
  // milliseconds); past that, the page is served without them (undefined).
  const done = computeFigures(input, key);
  const waitMs = input.waitMs ?? 300;
  if (waitMs <= 0) {
    void done.catch(() => undefined); // computed for the next view
    return undefined;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), waitMs);
  });
  try {
    const value = await Promise.race([done, late]);
    return value ? { value, asOf: input.now } : undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** The page while the big figures are being computed: everything that is quick, and a notice. */
function pendingPage(input: DashboardInput, header: string): string {
  const body = `<p class="notice" role="status">Các số liệu tổng hợp (người học, người học theo ngày, học xong, phễu, câu hỏi kiểm tra, mục tiêu) đang được tính vì dữ liệu lớn. Trang sẽ tự tải lại sau vài giây.</p>
${healthSection(input)}
${gapsSection(input)}
${learnersSection(input)}
<div class="grid">${announceSection(input)}${reportsSection()}</div>`;
  return page({ title: "Bảng điều khiển — Bình dân học AI", header, body, refreshSeconds: 5 });
}

export async function renderDashboard(input: DashboardInput): Promise<string> {
  const logout = input.formToken
    ? `<form class="inline" method="post" action="/admin/logout">${csrfField(input.formToken)}<button class="link" type="submit">Đăng xuất</button></form>`
    : "";
  const header = `<header class="top"><h1>Bình dân học AI — Bảng điều khiển</h1><div>${logout}</div></header>\n`;
  const heavyResult = await heavyFigures(input);
  if (!heavyResult) return pendingPage(input, header);
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
${queuesSection(input)}
${gapsSection(input)}
${learnersSection(input)}
${certificatesNote(input, certs)}
<div class="grid">${announceSection(input)}${reportsSection()}</div>
<p class="muted">Tiến độ, phễu và câu hỏi kiểm tra chỉ tính người học đã đồng ý lưu tiến độ; người đã xóa dữ liệu không còn trong số liệu.</p>`;
  return page({ title: "Bảng điều khiển — Bình dân học AI", header, body });
}
