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
 * (threads already at or above it are left alone). Returns how many threads were lowered.
 */
export function lowerHelperThreads(nice = HELPER_NICE): number {
  if (process.platform !== "linux") return 0;
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return 0;
  }
  let lowered = 0;
  for (const entry of tids) {
    const tid = Number(entry);
    if (!Number.isInteger(tid) || tid === process.pid) continue;
    try {
      if (getPriority(tid) >= nice) continue;
      setPriority(tid, nice);
      lowered++;
    } catch {
      // the thread ended meanwhile, or the system does not allow it: leave it as it is
    }
  }
  return lowered;
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
 * pool on first use, a dashboard worker per computation). Returns a function that stops it.
 */
export function keepHelperThreadsLow(everyMs = 5000, nice = HELPER_NICE): () => void {
  lowerHelperThreads(nice);
  const timer = setInterval(() => lowerHelperThreads(nice), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
