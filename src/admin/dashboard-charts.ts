import type { Lesson, Step } from "../curriculum/types.js";
import type { DashboardInput } from "./dashboard.js";
import { channelName, dayShort, endOfVnDay, fmtInt, fmtPct, vnDateDmy, vnDayNumber } from "./format.js";
import { funnelCounts, mostCommonStop } from "./heavy.js";
import { esc, table, td } from "./html.js";
import type { ChannelStats, DayCount, Figures, LessonAggregate, OverTime } from "./ports.js";
import { barChart, funnelChart, lineChart, progressChart } from "./svg.js";

// The dashboard's sections drawn from its big figures (heavy.ts): the overview, learners by channel and over time,
// the programme's targets, completions, funnels and the hardest quiz questions. Pure: figures in, HTML out.

const STEP_KIND: Record<Step["kind"], string> = { instruction: "Bước", checkpoint: "Kiểm tra", quiz: "Câu hỏi" };
export const stepLabel = (s: Step) => `${s.index}. ${STEP_KIND[s.kind]}: ${s.title}`;

export function overview(channels: ChannelStats[], lessons: Map<string, LessonAggregate>, certs: number): string {
  const sum = (k: keyof ChannelStats) => channels.reduce((a, c) => a + (c[k] as number), 0);
  const completions = [...lessons.values()].reduce((a, l) => a + l.completed, 0);
  const kpi = (value: number, label: string) => `<div class="kpi"><b>${esc(fmtInt(value))}</b><span>${esc(label)}</span></div>`;
  return `<section class="card" id="tong-quan"><h2>Tổng quan</h2><div class="kpis">
${kpi(sum("total"), "người học")}${kpi(sum("new7"), "người mới trong 7 ngày")}${kpi(sum("active7"), "hoạt động trong 7 ngày")}${kpi(sum("active30"), "hoạt động trong 30 ngày")}${kpi(completions, "lượt học xong bài")}${kpi(certs, "chứng nhận đã cấp")}
</div></section>`;
}

export function channelsSection(channels: ChannelStats[]): string {
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

export function overTimeSection(input: DashboardInput, overTime: OverTime): string {
  const today = vnDayNumber(input.now);
  const first = today - input.days + 1;
  const fill = (rows: DayCount[]) => {
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

export function targetsSection(input: DashboardInput, figures: Figures): string {
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

export function completionsSection(input: DashboardInput, figures: Figures): string {
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

export function funnelsSection(input: DashboardInput, lessons: Map<string, LessonAggregate>): string {
  const active = [...input.curriculum.lessons.values()]
    .map((l) => ({ l, a: lessons.get(l.id) }))
    .filter((x): x is { l: Lesson; a: LessonAggregate } => (x.a?.started ?? 0) > 0)
    .sort((x, y) => y.a.started - x.a.started || x.l.id.localeCompare(y.l.id));
  if (active.length === 0)
    return `<section class="card" id="pheu"><h2>Người học dừng ở đâu</h2><p class="muted">Chưa có ai bắt đầu bài nào.</p></section>`;
  const blocks = active.map(({ l, a }, i) => {
    const counts = funnelCounts(a, l.steps.length);
    const stop = mostCommonStop(a);
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

export function quizSection(input: DashboardInput, figures: Figures): string {
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
