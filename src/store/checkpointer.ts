import { Worker } from "node:worker_threads";

// WAL checkpoints write pages back to the database file and fsync it: run inside a commit on the
// main thread, they stall the event loop (and every webhook) for tens of milliseconds. The main
// connection turns automatic checkpoints off; this worker thread, with its own connection,
// checkpoints in the background instead (PASSIVE: it never blocks readers or writers).

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
parentPort.on("message", (m) => {
  if (m === "stop") {
    stopped = true;
    clearInterval(timer);
    try { db.pragma("wal_checkpoint(TRUNCATE)"); } catch {}
    db.close();
    parentPort.postMessage("stopped");
  }
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(path: string, modulePath: string, everyMs = 1000): Checkpointer {
  const worker = new Worker(code, { eval: true, workerData: { path, module: modulePath, everyMs } });
  worker.unref();
  return {
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
