import { readdirSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

// On a small machine the server's own helper threads — V8's garbage-collection and compiler
// threads, libuv's thread pool, the WAL checkpointer, the dashboard's worker — share the core with
// the main thread, which acknowledges webhooks and runs the tutor. When one of them wakes up, the
// kernel shares the core fairly, and an acknowledgement waits several milliseconds for a
// background job. Measured at 300 updates/s on one pinned core: p99 11–18 ms with equal priority,
// 6–9 ms with the helpers at nice 10, where they still get about a tenth of the core when the main
// thread is saturated (checkpoints keep up, the dashboard still computes) and all of the idle time.
//
// Linux only (the nice value is a per-thread attribute there); elsewhere nothing changes.

/** The nice value helper threads get (0 is the default; higher runs later). */
export const HELPER_NICE = 10;

/**
 * Lowers the CPU priority of every thread of this process except the main thread, to `nice`
 * (threads already at or above it are left alone).
 */
function lowerHelperThreads(nice: number): void {
  if (process.platform !== "linux") return;
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return;
  }
  for (const entry of tids) {
    const tid = Number(entry);
    if (!Number.isInteger(tid) || tid === process.pid) continue;
    try {
      if (getPriority(tid) < nice) setPriority(tid, nice);
    } catch {
      // the thread ended meanwhile, or the system does not allow it: leave it as it is
    }
  }
}

/**
 * Lowers the calling thread's own priority (a worker thread doing background work, such as the
 * dashboard's figures, at its start). Returns whether it was lowered.
 */
export function lowerThisThread(nice = HELPER_NICE): boolean {
  if (process.platform !== "linux") return false;
  try {
    // Linux: with pid 0 this acts on the calling thread only, not on the whole process.
    if (getPriority(0) >= nice) return false;
    setPriority(0, nice);
    return true;
  } catch {
    return false;
  }
}

/**
 * Lowers the helper threads now and again every `everyMs`, since threads start later too (libuv's
 * pool on first use). For the life of the process: main.ts calls it once.
 */
export function keepHelperThreadsLow(everyMs = 5000, nice = HELPER_NICE): void {
  lowerHelperThreads(nice);
  setInterval(() => lowerHelperThreads(nice), everyMs).unref();
}
