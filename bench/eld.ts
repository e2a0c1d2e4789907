import { renameSync, writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

// Preloaded into every benchmarked server (node --import): records event-loop delay and peak RSS
// and writes them to BENCH_STATS_FILE every half second, so the runner can read them after a kill.

const file = process.env.BENCH_STATS_FILE;
if (file) {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  let peakRss = 0;
  const write = () => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    // Written aside and renamed: the runner may read the file at any moment.
    writeFileSync(
      `${file}.tmp`,
      JSON.stringify({
        eldP50Ms: h.percentile(50) / 1e6,
        eldP99Ms: h.percentile(99) / 1e6,
        eldMaxMs: h.max / 1e6,
        peakRssMb: peakRss / 1048576,
      }),
    );
    renameSync(`${file}.tmp`, file);
  };
  setInterval(write, 500).unref();
  process.on("SIGUSR2", () => h.reset());
}
