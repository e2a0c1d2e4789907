import { MASTERED } from "../learning/mastery.js";
import { DAY_MS, VN_OFFSET_MS, vnDayNumber } from "./format.js";
import type { FiguresSource, Heavy, HeavyRequest, LessonAggregate, LessonRetention, QuestionStats } from "./ports.js";

// The dashboard's big figures: the ones that scan the large tables (a province has a million
// learners and tens of millions of progress events). Composed here from the store's figures; a store
// whose scans would block the event loop on a large database (SQLite) runs this same computation on a
// worker thread with its own read-only connection (AdminStore.offThread).

/** The longest period of the charts over time, in days. */
export const MAX_DAYS = 365;

/** Lets webhooks through between two pieces of a long computation (a synchronous store, SQLite, holds the event loop while it reads). */
export const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The most common highest step among learners who stopped (ties: the earlier step). */
export function mostCommonStop(agg: LessonAggregate): { step: number; n: number } | undefined {
  let best: { step: number; n: number } | undefined;
  for (const [step, n] of [...agg.stopped].sort((a, b) => a[0] - b[0])) if (!best || n > best.n) best = { step, n };
  return best;
}

/** How many learners reached each step 1..steps (a completed lesson counts as every step reached). */
export function funnelCounts(agg: LessonAggregate | undefined, steps: number): number[] {
  const counts = new Array<number>(steps).fill(agg?.completed ?? 0);
  // A lesson edited since may have fewer steps than some learner reached.
  for (const [step, n] of agg?.stopped ?? []) for (let k = 1; k <= Math.min(step, steps); k++) counts[k - 1] = (counts[k - 1] ?? 0) + n;
  return counts;
}

/** Computes the big figures; `pause` lets other work run between two scans. */
export async function computeHeavy(db: FiguresSource, req: HeavyRequest, pause: () => Promise<void>): Promise<Heavy> {
  const lessons = new Map<string, LessonAggregate>();
  const quiz: QuestionStats[] = [];
  const retention = new Map<string, LessonRetention>();
  for (const id of new Set([...req.lessonIds, ...(await db.lessonIdsWithProgress())])) {
    lessons.set(id, await db.lessonAggregate(id));
    quiz.push(...(await db.quizFirstAnswers(id)));
    retention.set(id, await db.lessonRetention(id, MASTERED));
    await pause();
  }
  const lessonIds = (trackId: string) => req.tracks.find((t) => t.id === trackId)?.lessonIds ?? [];
  const trackFinishers = new Map<string, number>();
  for (const track of req.tracks) {
    const started = track.lessonIds.some((l) => (lessons.get(l)?.started ?? 0) > 0);
    const done = started ? await db.trackCompleters(track.lessonIds, req.now) : { people: 0, web: 0 };
    trackFinishers.set(track.id, done.people + done.web);
    await pause();
  }
  const targetDone: number[] = [];
  const targetWeb: number[] = [];
  for (const t of req.targets) {
    const done = await db.trackCompleters(lessonIds(t.track), t.until);
    targetDone.push(done.people);
    targetWeb.push(done.web);
    await pause();
  }
  const channels = await db.learnersByChannel(req.now);
  await pause();
  // A year of new and active learners per day (a third of a second at a million learners): each
  // view takes its period from it instead of scanning the learners itself.
  const firstDay = vnDayNumber(req.now) - MAX_DAYS + 1;
  const since = firstDay * DAY_MS - VN_OFFSET_MS;
  const newByDay = await db.newLearnersByDay(since);
  await pause();
  const activeByDay = await db.activeLearnersByDay(since);
  const overTime = { newByDay, activeByDay, before: await db.learnersBefore(since) };
  await pause();
  const certs = await db.certificatesByTrack();
  return { figures: { lessons, quiz, retention, trackFinishers, targetDone, targetWeb }, channels, certs, overTime };
}
