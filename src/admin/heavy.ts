import { Worker } from "node:worker_threads";
import { DAY_MS, VN_OFFSET_MS, vnDayNumber } from "./format.js";
import * as q from "./queries.js";

// The dashboard's big figures: the ones that scan the large tables (a province has a million
// learners and tens of millions of progress events). On a large database they are computed on a
// worker thread with its own read-only connection, so the event loop — webhooks, learners' turns —
// never waits for them (a single one of these scans took up to a second on the main thread).

export interface Figures {
  lessons: Map<string, q.LessonAggregate>;
  quiz: q.QuestionStats[];
  /** Learners who finished every lesson of a track, by track id. */
  trackFinishers: Map<string, number>;
  /** Learners counted for each target, in the file's order. */
  targetDone: number[];
  /** The same, through the web chat: shown apart, not counted toward the targets. */
  targetWeb: number[];
}

/** Learners over time, per Vietnam day, for the longest period the dashboard shows (any shorter one is a suffix). */
export interface OverTime {
  newByDay: q.DayCount[];
  activeByDay: q.DayCount[];
  /** Learners who started before the first of those days. */
  before: number;
}

/** The longest period of the charts over time, in days. */
export const MAX_DAYS = 365;

export interface Heavy {
  figures: Figures;
  channels: q.ChannelStats[];
  certs: Array<{ trackTitle: string; n: number }>;
  overTime: OverTime;
}

/** What to compute: plain data, so it can be posted to a worker. */
export interface HeavyRequest {
  lessonIds: string[];
  tracks: Array<{ id: string; lessonIds: string[] }>;
  /** Each target's track and the moment it is counted up to. */
  targets: Array<{ track: string; until: number }>;
  now: number;
}

/** Computes the big figures; `pause` lets other work run between two scans. */
export async function computeHeavy(db: q.Source, req: HeavyRequest, pause: () => Promise<void>): Promise<Heavy> {
  const lessons = new Map<string, q.LessonAggregate>();
  const quiz: q.QuestionStats[] = [];
  for (const id of new Set([...req.lessonIds, ...q.lessonIdsWithProgress(db)])) {
    lessons.set(id, q.lessonAggregate(db, id));
    quiz.push(...q.quizFirstAnswers(db, id));
    await pause();
  }
  const lessonIds = (trackId: string) => req.tracks.find((t) => t.id === trackId)?.lessonIds ?? [];
  const trackFinishers = new Map<string, number>();
  for (const track of req.tracks) {
    const started = track.lessonIds.some((l) => (lessons.get(l)?.started ?? 0) > 0);
    const done = started ? q.trackCompleters(db, track.lessonIds, req.now) : { people: 0, web: 0 };
    trackFinishers.set(track.id, done.people + done.web);
    await pause();
  }
  const targetDone: number[] = [];
  const targetWeb: number[] = [];
  for (const t of req.targets) {
    const done = q.trackCompleters(db, lessonIds(t.track), t.until);
    targetDone.push(done.people);
    targetWeb.push(done.web);
    await pause();
  }
  const channels = q.learnersByChannel(db, req.now);
  await pause();
  // A year of new and active learners per day (a third of a second at a million learners): each
  // view takes its period from it instead of scanning the learners itself.
  const firstDay = vnDayNumber(req.now) - MAX_DAYS + 1;
  const since = firstDay * DAY_MS - VN_OFFSET_MS;
  const newByDay = q.newLearnersByDay(db, since);
  await pause();
  const activeByDay = q.activeLearnersByDay(db, since);
  const overTime = { newByDay, activeByDay, before: q.learnersBefore(db, since) };
  await pause();
  return { figures: { lessons, quiz, trackFinishers, targetDone, targetWeb }, channels, certs: q.certificatesByTrack(db), overTime };
}

/**
 * The same computation on a worker thread, reading the database file through its own read-only
 * connection (WAL: it sees the last commit and never blocks the writer). One short-lived worker per
 * computation: they run at most about once a minute.
 */
export function computeHeavyOffThread(path: string, req: HeavyRequest): Promise<Heavy> {
  // dist/ holds heavy-worker.js; under tsx or vitest this file is TypeScript, and so is the worker
  // (which then registers tsx's loader itself before importing it).
  const ts = import.meta.url.endsWith(".ts");
  const url = new URL(`./heavy-worker.${ts ? "ts" : "js"}`, import.meta.url);
  const worker = ts
    ? new Worker(`import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`, {
        eval: true,
        workerData: { path },
      })
    : new Worker(url, { workerData: { path } });
  return new Promise<Heavy>((resolve, reject) => {
    worker.once("message", (m: { ok: true; value: Heavy } | { ok: false; message: string }) => {
      if (m.ok) resolve(m.value);
      else reject(new Error(m.message));
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`dashboard worker exited (${code})`)));
    worker.postMessage(req);
  });
}
