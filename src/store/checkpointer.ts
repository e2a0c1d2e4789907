import { Worker } from "node:worker_threads";

// WAL checkpoints write pages back to the database file and fsync it: run inside a commit on the
// main thread, they stall the event loop (and every webhook) for tens of milliseconds. The main
// connection turns automatic checkpoints off; this worker thread, with its own connection,
// checkpoints in the background instead (PASSIVE: it never blocks readers or writers), and every 30 s (or when
// a learner's data was erased) truncates the WAL so no copy of handled text stays in it.

const code = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 5000");
let stopped = false;
const timer = setInterval(() => {
  if (stopped) return;
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {}
}, workerData.everyMs);
// The WAL file keeps old frames (a handled message, an erased learner) past the point a checkpoint reuses it from:
// now and then, and when asked, everything is copied into the database and the WAL cut to nothing. Busy readers
// make it wait for the next turn.
const scrub = () => {
  if (stopped) return;
  try { db.pragma("wal_checkpoint(TRUNCATE)"); } catch {}
};
const scrubber = setInterval(scrub, workerData.scrubEveryMs);
parentPort.on("message", (m) => {
  if (m === "scrub") scrub();
  if (m === "stop") {
    clearInterval(scrubber);
    stopped = true;
    clearInterval(timer);
    try { db.pragma("wal_checkpoint(TRUNCATE)"); } catch {}
    db.close();
    parentPort.postMessage("stopped");
  }
});
`;

export interface Checkpointer {
  /** Copies the WAL into the database and truncates it, soon (within the worker's next turn). */
  scrub(): void;
  stop(): Promise<void>;
}

export function startCheckpointer(path: string, modulePath: string, everyMs = 1000, scrubEveryMs = 30_000): Checkpointer {
  const worker = new Worker(code, { eval: true, workerData: { path, module: modulePath, everyMs, scrubEveryMs } });
  worker.unref();
  return {
    scrub: () => worker.postMessage("scrub"),
    stop: () =>
      new Promise<void>((resolve) => {
        const done = setTimeout(() => void worker.terminate().then(() => resolve()), 3000);
        worker.once("message", () => {
          clearTimeout(done);
          void worker.terminate().then(() => resolve());
        });
        worker.postMessage("stop");
      }),
  };
}
