import { Readable } from "node:stream";
import Database from "better-sqlite3";
import type { Curriculum, Lesson } from "../curriculum/types.js";
import type { Db } from "../store/db.js";
import { csvPct, vnDateTime } from "./format.js";
import { pseudonymizer } from "./pseudonym.js";
import * as q from "./queries.js";

// CSV reports for spreadsheets: UTF-8 with a byte-order mark (Excel then reads Vietnamese right),
// CRLF line ends and RFC 4180 quoting. Rows are produced from a database iterator, in chunks, as the
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

/** Joins lines into chunks of about 64 KB: one stream write per row would be slow. */
function* chunked(lines: Iterable<string>): Generator<string> {
  let buf = "";
  for (const line of lines) {
    buf += line;
    if (buf.length >= CHUNK_CHARS) {
      yield buf;
      buf = "";
    }
  }
  if (buf) yield buf;
}

/**
 * A read-only connection for a long read. better-sqlite3 refuses every other statement on a
 * connection while one of its iterators is open, so a report streamed from the main connection
 * would make webhooks fail for as long as a slow client downloads; with WAL, a second connection
 * reads a consistent snapshot while the main one keeps writing. In-memory databases (tests) have
 * no second connection: the report is then built at once.
 */
function openReader(db: Db): Database.Database {
  const conn = new Database(db.$client.name, { readonly: true, fileMustExist: true });
  conn.pragma("busy_timeout = 5000");
  return conn;
}

/** Streams what `produce` reads through an iterator, from a connection of its own. */
function streamFrom(db: Db, produce: (conn: Database.Database) => Iterable<string>): Readable {
  if (db.$client.memory) return Readable.from([...chunked(produce(db.$client))], { objectMode: false });
  async function* run(): AsyncGenerator<string> {
    // Opened at the first read, so a stream dropped before it starts leaves nothing open.
    const conn = openReader(db);
    try {
      for (const chunk of chunked(produce(conn))) {
        yield chunk;
        await q.breathe(); // whatever reads the stream, other requests get their turn
      }
    } finally {
      // Runs at the end, and when the client goes away (the stream is destroyed).
      conn.close();
    }
  }
  return Readable.from(run(), { objectMode: false });
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

/** /admin/reports/progress.csv: one row per learner and lesson, learners named by pseudonym only. */
export function progressCsv(db: Db, curriculum: Curriculum, channelName: (c: string) => string): Readable {
  const pseudo = pseudonymizer(db); // before the stream: it may write the salt once
  const trackTitle = new Map(curriculum.tracks.map((t) => [t.id, t.title]));
  return streamFrom(db, function* (conn) {
    yield BOM + csvLine(PROGRESS_HEADER);
    let lastId = -1;
    let lastName = "";
    for (const r of q.iterateProgress(conn)) {
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
  });
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
];

/**
 * /admin/reports/lessons.csv: one row per lesson of the curriculum, then lessons found only in the
 * data. Each row is a few index-range queries on the main connection (no iterator stays open), and
 * the event loop gets a turn between rows.
 */
export function lessonsCsv(db: Db, curriculum: Curriculum): Readable {
  async function* rows(): AsyncGenerator<string> {
    yield BOM + csvLine(LESSONS_HEADER);
    const line = (trackTitle: string, lessonId: string, lesson: Lesson | undefined) => {
      const a = q.lessonAggregate(db, lessonId);
      const stop = q.mostCommonStop(a);
      const stopStep = stop ? lesson?.steps[stop.step - 1] : undefined;
      const median = q.medianMinutes(db, lessonId, a.completed);
      const quiz = q.quizFirstAnswers(db, lessonId).reduce((t, s) => ({ answered: t.answered + s.answered, right: t.right + s.right }), {
        answered: 0,
        right: 0,
      });
      return csvLine([
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
        csvPct(quiz.right, quiz.answered),
      ]);
    };
    for (const track of curriculum.tracks) {
      for (const lesson of track.lessons) {
        yield line(track.title, lesson.id, lesson);
        await q.breathe();
      }
    }
    for (const id of q.lessonIdsWithProgress(db).filter((id) => !curriculum.lessons.has(id))) {
      yield line("(không còn trong nội dung)", id, undefined);
      await q.breathe();
    }
  }
  return Readable.from(rows(), { objectMode: false });
}

export function csvFileName(kind: string, now: number): string {
  return `${kind}-${vnDateTime(now).slice(0, 10)}.csv`;
}
