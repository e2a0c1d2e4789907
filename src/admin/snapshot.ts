import type { DashboardInput } from "./dashboard.js";
import { endOfVnDay } from "./format.js";
import { breathe, computeHeavy } from "./heavy.js";
import type { AdminStore, Heavy, HeavyRequest } from "./ports.js";

// The dashboard's big figures, computed at most once at a time per store, and kept as a snapshot once they are slow
// to compute (a province's worth of learners), so views never wait for the big scans twice.

/** A computation slower than this is served from a snapshot (refreshed in the background) next time. */
const SLOW_MS = 500;
const REFRESH_MS = 60_000;
const MAX_AGE_MS = 10 * 60_000;
const snapshots = new WeakMap<AdminStore, { key: string; at: number; took: number; value: Heavy; refreshing: boolean }>();
/** The computation under way, per store and key: views wait for it instead of starting another. */
const computing = new WeakMap<AdminStore, { key: string; done: Promise<Heavy> }>();

/** In place through the port (pausing between scans), or where the store computes them off the event loop. */
async function compute(input: DashboardInput, req: HeavyRequest): Promise<Heavy> {
  const elsewhere = input.store.offThread;
  if (elsewhere && (input.offThread ?? (await elsewhere.worthIt()))) return elsewhere.compute(req);
  return computeHeavy(input.store, req, breathe);
}

function computeFigures(input: DashboardInput, key: string): Promise<Heavy> {
  const { store } = input;
  const running = computing.get(store);
  if (running?.key === key) return running.done;
  const req: HeavyRequest = {
    lessonIds: [...input.curriculum.lessons.keys()],
    tracks: input.curriculum.tracks.map((t) => ({ id: t.id, lessonIds: t.lessons.map((l) => l.id) })),
    targets: input.targets.targets.map((t) => ({ track: t.track, until: Math.min(endOfVnDay(t.by), input.now) })),
    now: input.now,
  };
  const done = (async () => {
    const started = performance.now();
    const value = await compute(input, req);
    snapshots.set(store, { key, at: input.now, took: performance.now() - started, value, refreshing: false });
    return value;
  })();
  computing.set(store, { key, done });
  const clear = () => {
    if (computing.get(store)?.done === done) computing.delete(store);
  };
  done.then(clear, clear);
  return done;
}

/**
 * The figures that scan the big tables. On a small database they are computed for every view; once
 * they take longer than SLOW_MS (a province's worth of learners), views are served from the last
 * snapshot (its time is shown on the page) while a fresh one is computed in the background.
 */
export async function heavyFigures(input: DashboardInput): Promise<{ value: Heavy; asOf: number } | undefined> {
  const key = `${input.curriculum.version}|${JSON.stringify(input.targets.targets)}`;
  const snap = snapshots.get(input.store);
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
