// A thread of the parse pool (parse-pool.ts): lessons' bytes in, their parse out as one JSON text, which the loader
// reads back into strings of their own (see `ownStrings` in parse-pool.ts).

import { parentPort } from "node:worker_threads";
import { parseLesson } from "./parse.js";
import { type ParseBatch, textOf } from "./parse-pool.js";

parentPort?.on("message", (batch: ParseBatch) => {
  const now = new Date(batch.now);
  const results = batch.jobs.map((job) => parseLesson(textOf(job.bytes), job.file, job.trackId, job.order, { now }));
  parentPort?.postMessage(JSON.stringify(results));
});
