import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { lowerThisThread } from "../priority.js";
import { computeHeavy, type HeavyRequest } from "./heavy.js";

// Worker thread: computes the dashboard's big figures from a read-only connection (see heavy.ts).

const port = parentPort;
if (!port) throw new Error("heavy-worker runs as a worker thread");
// Background work: the main thread (webhooks, learners' turns) goes first on a busy core.
lowerThisThread();
port.once("message", async (req: HeavyRequest) => {
  let db: Database.Database | undefined;
  try {
    db = new Database((workerData as { path: string }).path, { readonly: true, fileMustExist: true });
    db.pragma("busy_timeout = 5000");
    const value = await computeHeavy(db, req, async () => undefined);
    port.postMessage({ ok: true, value });
  } catch (err) {
    port.postMessage({ ok: false, message: (err as Error).message });
  } finally {
    db?.close();
  }
});
