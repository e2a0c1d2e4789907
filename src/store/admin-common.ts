import type { LessonAggregate } from "../admin/ports.js";

// What the admin figures of both engines share once the rows are read.

/** A lesson's figures from its (status, highest step, learners) groups. */
export function aggregate(lessonId: string, rows: Array<{ status: string; step: number; n: number }>): LessonAggregate {
  const agg: LessonAggregate = { lessonId, started: 0, completed: 0, stopped: new Map() };
  for (const r of rows) {
    agg.started += r.n;
    if (r.status === "completed") agg.completed += r.n;
    else agg.stopped.set(r.step, (agg.stopped.get(r.step) ?? 0) + r.n);
  }
  return agg;
}

/**
 * The median, in minutes, of a lesson's `completed` completion times from its middle row(s): the (at most two) rows
 * from offset floor((completed - 1) / 2) in ascending order of duration in ms.
 */
export function medianOf(rows: Array<{ d: number }>, completed: number): number | undefined {
  const [a, b] = rows;
  if (!a) return undefined;
  const ms = completed % 2 === 1 || !b ? a.d : (a.d + b.d) / 2;
  return Math.max(0, ms) / 60_000;
}

/** The middle row(s) of `completed` completions start at this offset. */
export const medianOffset = (completed: number) => Math.floor((completed - 1) / 2);

/** Rows of the progress report per page. */
export const PROGRESS_PAGE_ROWS = 500;
