import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { computeHeavy } from "../admin/heavy.js";
import type { HeavyRequest } from "../admin/ports.js";
import { lowerThisThread } from "../priority.js";
import { figuresOn } from "./admin-queries.js";

// Worker thread: computes the dashboard's big figures (admin/heavy.ts) from a read-only connection (see admin.ts).

const port = parentPort;
if (!port) throw new Error("admin-worker runs as a worker thread");
// Background work: the main thread (webhooks, learners' turns) goes first on a busy core.
lowerThisThread();
port.once("message", async (req: HeavyRequest) => {
  let db: Database.Database | undefined;
  try {
    db = new Database((workerData as { path: string }).path, { readonly: true, fileMustExist: true });
    db.pragma("busy_timeout = 5000");
    const value = await computeHeavy(figuresOn(db), req, async () => undefined);
    port.postMessage({ ok: true, value });
  } catch (err) {
    port.postMessage({ ok: false, message: (err as Error).message });
  } finally {
    db?.close();
  }
});
