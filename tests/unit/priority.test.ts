import { getPriority } from "node:os";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { HELPER_NICE } from "../../src/priority.js";

// Background threads yield the core to the main thread (Linux: the nice value is per thread).

describe("thread priority", () => {
  it.runIf(process.platform === "linux")("a worker thread lowers its own priority and leaves the main thread's alone", async () => {
    const mainBefore = getPriority(0);
    const url = new URL("../../src/priority.ts", import.meta.url).href;
    // The worker loads the TypeScript module through tsx, as the dashboard's worker does under vitest.
    const worker = new Worker(
      `import("tsx/esm/api").then(async (tsx) => {
        tsx.register();
        const { lowerThisThread } = await import(${JSON.stringify(url)});
        const { getPriority } = await import("node:os");
        const { parentPort } = await import("node:worker_threads");
        const lowered = lowerThisThread();
        parentPort.postMessage({ lowered, nice: getPriority(0), again: lowerThisThread() });
      });`,
      { eval: true },
    );
    const seen = await new Promise<{ lowered: boolean; nice: number; again: boolean }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    expect(seen.nice).toBeGreaterThanOrEqual(Math.max(HELPER_NICE, mainBefore));
    expect(seen.lowered).toBe(mainBefore < HELPER_NICE);
    expect(seen.again).toBe(false); // already low: nothing to do
    expect(getPriority(0)).toBe(mainBefore);
  });
});
