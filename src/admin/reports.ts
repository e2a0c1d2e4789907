import { Readable } from "node:stream";
import type { Curriculum, Lesson } from "../curriculum/types.js";
import { type HandoffReason, REASONS } from "../handoff/texts.vi.js";
import { MASTERED } from "../learning/mastery.js";
import { csvPct, vnDateTime } from "./format.js";
import { breathe, mostCommonStop } from "./heavy.js";
import type { AdminStore } from "./ports.js";
import { pseudonymizer } from "./pseudonym.js";
import { lessonFigures, type Retention, sumFigures } from "./retention.js";

// CSV reports for spreadsheets: UTF-8 with a byte-order mark (Excel then reads Vietnamese right),
// CRLF line ends and RFC 4180 quoting. Rows are produced from the store's pages, in chunks, as the
// client reads them, so a million rows never sit in memory.

const BOM = "\uFEFF";
const CHUNK_CHARS = 64 * 1024;

/** One RFC 4180 field; text that a spreadsheet would run as a formula is defused with a quote mark. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let s = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (fields: Array<string | number | null | undefined>) => `${fields.map(csvField).join(",")}\r\n`;

/** Joins lines into chunks of about 64 KB (one stream write per row would be slow), letting other requests run between two. */
async function* chunked(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let buf = "";
  for await (const line of lines) {
    buf += line;
    if (buf.length >= CHUNK_CHARS) {
      yield buf;
      buf = "";
      await breathe(); // whatever reads the stream, other requests get their turn
    }
  }
  if (buf) yield buf;
}

const STATUS: Record<string, string> = { in_progress: "Đang học", completed: "Đã xong" };

export const PROGRESS_HEADER = [
  "Mã người học (ẩn danh)",
  "Kênh",
  "Chủ đề",
  "Mã bài",
  "Tên bài",
  "Trạng thái",
  "Bước đã tới",
  "Số bước",
  "Bắt đầu",
  "Học xong",
  "Số câu hỏi đã trả lời",
  "Số câu đúng ngay lần đầu",
  "Điểm kiểm tra (%)",
];

/**
 * /admin/reports/progress.csv: one row per learner and lesson, learners named by pseudonym only. The salt is read
 * (or made) before the stream starts; the rows are read as the client takes them, and stop being read if it goes away.
 */
export async function progressCsv(store: AdminStore, curriculum: Curriculum, channelName: (c: string) => string): Promise<Readable> {
  const pseudo = await pseudonymizer(store);
  const trackTitle = new Map(curriculum.tracks.map((t) => [t.id, t.title]));
  async function* lines(): AsyncGenerator<string> {
    yield BOM + csvLine(PROGRESS_HEADER);
    let lastId = -1;
    let lastName = "";
    for await (const page of store.progressRows()) {
      for (const r of page) {
        if (r.learnerId !== lastId) {
          lastId = r.learnerId;
          lastName = pseudo(r.learnerId);
        }
        const lesson = curriculum.lessons.get(r.lessonId);
        yield csvLine([
          lastName,
          channelName(r.channel),
          lesson ? (trackTitle.get(lesson.trackId) ?? lesson.trackId) : "",
          r.lessonId,
          lesson?.title ?? "",
          STATUS[r.status] ?? r.status,
          r.stepReached,
          lesson?.steps.length ?? "",
          vnDateTime(r.startedAt),
          vnDateTime(r.completedAt),
          r.answered,
          r.right,
          csvPct(r.right, r.answered),
        ]);
      }
    }
  }
  return Readable.from(chunked(lines()), { objectMode: false });
}

export const LESSONS_HEADER = [
  "Chủ đề",
  "Mã bài",
  "Tên bài",
  "Số bước",
  "Số người bắt đầu",
  "Số người học xong",
  "Tỉ lệ học xong (%)",
  "Thời gian trung vị (phút)",
  "Bước dừng nhiều nhất",
  "Tên bước dừng nhiều nhất",
  "Số người dừng ở bước đó",
  "Đúng ngay lần đầu (%)",
  "Số câu hỏi lại sau ≥ 1 ngày",
  "Đúng khi hỏi lại sau ≥ 1 ngày (%)",
  "Số câu hỏi lại sau ≥ 7 ngày",
  "Đúng khi hỏi lại sau ≥ 7 ngày (%)",
  "Số người học có mức vững",
  "Số người học đã vững",
];

/** The "Tên bài" of a track's summary row in lessons.csv (its "Mã bài" is empty). */
export const TRACK_ROW = "(cả chủ đề)";

const retentionCells = (r: Retention) => [
  r.after1.answered,
  csvPct(r.after1.right, r.after1.answered),
  r.after7.answered,
  csvPct(r.after7.right, r.after7.answered),
  r.learners,
  r.mastered,
];

/**
 * /admin/reports/lessons.csv: one row per lesson of the curriculum with each track's summary row after its lessons
 * (answers added up), then lessons found only in the data. Each row is a few index-range queries (no read stays open
 * between rows), and the event loop gets a turn between rows.
 */
export function lessonsCsv(store: AdminStore, curriculum: Curriculum): Readable {
  async function* rows(): AsyncGenerator<string> {
    yield BOM + csvLine(LESSONS_HEADER);
    const line = async (trackTitle: string, lessonId: string, lesson: Lesson | undefined): Promise<[string, Retention]> => {
      const a = await store.lessonAggregate(lessonId);
      const stop = mostCommonStop(a);
      const stopStep = stop ? lesson?.steps[stop.step - 1] : undefined;
      const median = await store.medianMinutes(lessonId, a.completed);
      const kept = lessonFigures(await store.quizFirstAnswers(lessonId), await store.lessonRetention(lessonId, MASTERED));
      const text = csvLine([
        trackTitle,
        lessonId,
        lesson?.title ?? "",
        lesson?.steps.length ?? "",
        a.started,
        a.completed,
        csvPct(a.completed, a.started),
        median === undefined ? "" : Math.round(median * 10) / 10,
        stop?.step ?? "",
        stopStep?.title ?? "",
        stop?.n ?? "",
        csvPct(kept.firstTry.right, kept.firstTry.answered),
        ...retentionCells(kept),
      ]);
      return [text, kept];
    };
    for (const track of curriculum.tracks) {
      const kept: Retention[] = [];
      for (const lesson of track.lessons) {
        const [text, figures] = await line(track.title, lesson.id, lesson);
        kept.push(figures);
        yield text;
        await breathe();
      }
      const total = sumFigures(kept);
      yield csvLine([
        track.title,
        "",
        TRACK_ROW,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        csvPct(total.firstTry.right, total.firstTry.answered),
        ...retentionCells(total),
      ]);
    }
    for (const id of (await store.lessonIdsWithProgress()).filter((id) => !curriculum.lessons.has(id))) {
      yield (await line("(không còn trong nội dung)", id, undefined))[0];
      await breathe();
    }
  }
  return Readable.from(rows(), { objectMode: false });
}

export const TICKETS_HEADER = [
  "Số phiếu",
  "Kênh",
  "Mã người học (ẩn danh)",
  "Mã bài",
  "Tên bài",
  "Bước",
  "Lý do",
  "Mở lúc",
  "Trả lời lúc",
  "Đóng lúc",
  "Chờ trả lời (phút)",
];

/** /admin/reports/tickets.csv: every hand-off ticket kept (open, and closed within six months), newest first. */
export async function ticketsCsv(store: AdminStore, curriculum: Curriculum, channelName: (c: string) => string): Promise<string> {
  const pseudo = await pseudonymizer(store);
  const rows = await store.tickets(0, 1_000_000);
  return (
    BOM +
    csvLine(TICKETS_HEADER) +
    rows
      .map((r) =>
        csvLine([
          r.id,
          channelName(r.channel),
          pseudo(r.learnerId),
          r.lessonId,
          r.lessonId ? (curriculum.lessons.get(r.lessonId)?.title ?? "") : "",
          r.step,
          REASONS[r.reason as HandoffReason] ?? r.reason,
          vnDateTime(r.openedAt),
          vnDateTime(r.answeredAt),
          vnDateTime(r.closedAt),
          r.answeredAt === null ? "" : Math.round((r.answeredAt - r.openedAt) / 60_000),
        ]),
      )
      .join("")
  );
}

export function csvFileName(kind: string, now: number): string {
  return `${kind}-${vnDateTime(now).slice(0, 10)}.csv`;
}
