import { fmtInt, fmtPct } from "./format.js";
import { esc } from "./html.js";

// Tiny server-rendered SVG charts. Positions across are percentages and heights are pixels, so the
// charts fill a phone or a laptop screen while their text keeps its size (a scaled viewBox would
// shrink labels to unreadable on a phone). Each row prints its label and figure above its bar. Every chart has a <title> and <desc> for screen readers
// and prints its numbers as text labels; everything that comes from data is escaped.

export const PALETTE = ["#0b5cad", "#e8833a", "#1f7a4d", "#7b5ea7"] as const;
const TRACK_BG = "#cfe0f3";
/** Bars use the left part of the chart; the figure is printed, right-aligned, in the rest. */
const BAR_AREA = 70;
const LINE = 17;

export interface BarDatum {
  label: string;
  value: number;
  /** Printed at the right of the bar (keep it short: it must fit a phone); defaults to the value. */
  note?: string;
}

export interface ProgressDatum {
  label: string;
  done: number;
  total: number;
  note?: string;
}

interface ChartBase {
  /** Unique on the page: used for the ids aria-labelledby points to. */
  id: string;
  title: string;
  desc: string;
}

interface Row {
  label: string;
  note: string;
  /** x and width in percent of the bar area. */
  rects: Array<{ x: number; w: number; fill: string }>;
}

const pct = (n: number) => `${Math.max(0, Math.min(100, n)).toFixed(2)}%`;

/** Splits a label into lines of about `width` characters at spaces; what does not fit ends in "…". */
export function wrap(label: string, width = 50, maxLines = 2): { lines: string[]; cut: boolean } {
  const len = (t: string) => [...t].length;
  const clip = (t: string) => `${[...t].slice(0, width - 1).join("")}…`;
  const lines: string[] = [];
  let line = "";
  for (const word of label.split(/\s+/).filter(Boolean)) {
    if (line && len(line) + 1 + len(word) > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  let cut = lines.length > maxLines;
  if (cut) {
    lines.length = maxLines;
    const last = lines[maxLines - 1] as string;
    lines[maxLines - 1] = len(last) >= width ? clip(last) : `${last}…`;
  }
  const out = lines.map((l) => {
    if (len(l) <= width) return l;
    cut = true;
    return clip(l);
  });
  return { lines: out, cut };
}

function open(c: ChartBase, height: number): string {
  const id = esc(c.id);
  return (
    `<svg class="chart" id="${id}" role="img" aria-labelledby="${id}-t ${id}-d" width="100%" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-t">${esc(c.title)}</title><desc id="${id}-d">${esc(c.desc)}</desc>`
  );
}

function empty(c: ChartBase, text = "Chưa có dữ liệu."): string {
  return `${open(c, 28)}<text x="0" y="18" class="axis">${esc(text)}</text></svg>`;
}

/** Rows of "label (wrapped) / bar … figure": fits a phone without shrinking the text. */
function rowsChart(c: ChartBase, rows: Row[]): string {
  let y = 0;
  const out: string[] = [];
  for (const r of rows) {
    const { lines, cut: wasCut } = wrap(r.label);
    const cut = wasCut ? `<title>${esc(r.label)}</title>` : "";
    const text = lines.map((l, i) => `<tspan x="0"${i ? ` dy="${LINE}"` : ""}>${esc(l)}</tspan>`).join("");
    const barY = y + LINE * (lines.length - 1) + 21;
    const rects = r.rects
      .map(
        (b) =>
          `<rect x="${pct((BAR_AREA * b.x) / 100)}" y="${barY}" width="${pct((BAR_AREA * b.w) / 100)}" height="14" rx="3" fill="${b.fill}"/>`,
      )
      .join("");
    out.push(
      `<g><text x="0" y="${y + 15}">${cut}${text}</text>${rects}<text class="val" x="100%" y="${barY + 12}" text-anchor="end">${esc(r.note)}</text></g>`,
    );
    y = barY + 14 + 10;
  }
  return `${open(c, y)}${out.join("")}</svg>`;
}

/** Horizontal bars, one per row, the label above its bar (long Vietnamese labels fit a phone). */
export function barChart(c: ChartBase & { bars: BarDatum[]; max?: number; color?: string; emptyText?: string }): string {
  if (c.bars.length === 0) return empty(c, c.emptyText);
  const max = c.max ?? Math.max(1, ...c.bars.map((b) => b.value));
  const fill = esc(c.color ?? PALETTE[0]);
  return rowsChart(
    c,
    c.bars.map((b) => ({
      label: b.label,
      note: b.note ?? fmtInt(b.value),
      rects: [{ x: 0, w: max > 0 ? (100 * b.value) / max : 0, fill }],
    })),
  );
}

/**
 * Bars showing a part of a whole: a light bar for the whole and a dark one for the part.
 * With `perRow`, each row is measured against its own whole (targets); otherwise all rows share the
 * scale of the largest whole (completions against starts).
 */
export function progressChart(c: ChartBase & { rows: ProgressDatum[]; perRow?: boolean; emptyText?: string }): string {
  if (c.rows.length === 0) return empty(c, c.emptyText);
  const max = Math.max(1, ...c.rows.map((r) => r.total));
  return rowsChart(
    c,
    c.rows.map((r) => {
      const scale = c.perRow ? Math.max(1, r.total) : max;
      const whole = c.perRow ? 100 : (100 * r.total) / scale;
      const part = Math.min(whole, (100 * r.done) / scale);
      return {
        label: r.label,
        note: r.note ?? `${fmtInt(r.done)}/${fmtInt(r.total)}`,
        rects: [
          { x: 0, w: whole, fill: TRACK_BG },
          { x: 0, w: part, fill: PALETTE[2] },
        ],
      };
    }),
  );
}

/** The drop-off funnel: centred bars, each stage's count and share of the first one printed beside it. */
export function funnelChart(c: ChartBase & { stages: BarDatum[]; emptyText?: string }): string {
  const base = c.stages[0]?.value ?? 0;
  if (c.stages.length === 0 || base <= 0) return empty(c, c.emptyText);
  return rowsChart(
    c,
    c.stages.map((s, i) => {
      const w = Math.max(0.5, (100 * s.value) / base);
      return {
        label: s.label,
        note: s.note ?? `${fmtInt(s.value)} · ${fmtPct(s.value, base)}`,
        rects: [{ x: (100 - w) / 2, w, fill: i === c.stages.length - 1 ? PALETTE[2] : PALETTE[0] }],
      };
    }),
  );
}

export interface Series {
  name: string;
  values: number[];
  /** Filled under the line. */
  area?: boolean;
}

function niceMax(v: number): number {
  if (v <= 4) return 4;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** Lines (and areas) over time; `labels` name each point (dates), a few of them are printed on the axis. */
export function lineChart(c: ChartBase & { labels: string[]; series: Series[]; emptyText?: string }): string {
  const n = c.labels.length;
  if (n === 0 || c.series.length === 0) return empty(c, c.emptyText);
  const top = 22;
  const plot = 170;
  const height = top + plot + 26;
  const max = niceMax(Math.max(0, ...c.series.flatMap((s) => s.values)));
  const span = Math.max(1, n - 1);
  const gridY = (v: number) => top + plot * (1 - v / max);
  const grid = [0, max / 2, max]
    .map(
      (v) =>
        `<line class="grid-line" x1="0" x2="100%" y1="${gridY(v).toFixed(1)}" y2="${gridY(v).toFixed(1)}"/>` +
        `<text class="axis" x="0" y="${(gridY(v) - 4).toFixed(1)}">${esc(fmtInt(v))}</text>`,
    )
    .join("");
  // The plot stretches with the screen (preserveAspectRatio none); strokes keep their width.
  const shapes = c.series
    .map((s, k) => {
      const color = PALETTE[k % PALETTE.length] as string;
      const vals = n === 1 ? [s.values[0] ?? 0, s.values[0] ?? 0] : s.values;
      const pts = vals.map((v, i) => `${i},${(max - v).toFixed(3)}`).join(" ");
      const area = s.area
        ? `<polygon points="0,${max} ${pts} ${vals.length - 1},${max}" fill="${color}" fill-opacity="0.18" stroke="none"/>`
        : "";
      return `${area}<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2.5" stroke-linejoin="round" vector-effect="non-scaling-stroke"/>`;
    })
    .join("");
  const ticks = [...new Set([0, Math.round(span / 4), Math.round(span / 2), Math.round((3 * span) / 4), span])].filter(
    (i) => i < n || n === 1,
  );
  const xLabels = ticks
    .map((i) => {
      const anchor = i === 0 ? "start" : i === span ? "end" : "middle";
      return `<text class="axis" x="${pct((100 * i) / span)}" y="${top + plot + 18}" text-anchor="${anchor}">${esc(c.labels[Math.min(i, n - 1)])}</text>`;
    })
    .join("");
  const legend = c.series.map((s, k) => `<span><span class="swatch sw-${k % PALETTE.length}"></span>${esc(s.name)}</span>`).join("");
  return (
    `${open(c, height)}${grid}` +
    `<svg x="0" y="${top}" width="100%" height="${plot}" viewBox="0 0 ${n === 1 ? 1 : span} ${max}" preserveAspectRatio="none">${shapes}</svg>` +
    `${xLabels}</svg><div class="legend" aria-hidden="true">${legend}</div>`
  );
}
