// A thread of the parse pool (parse-pool.ts): lessons' bytes in, their parse out as one JSON text, which the loader
// reads back into strings of their own (see `received` in parse-pool.ts), and, when asked, each lesson's body packed
// (packed.ts), handed over without a copy.

import { parentPort } from "node:worker_threads";
import { type ParseBatch, type ParsedBatch, parseBatch } from "./parse-pool.js";

parentPort?.on("message", (batch: ParseBatch) => {
  const { results, bodies } = parseBatch(batch);
  const answer: ParsedBatch = { json: JSON.stringify(results), ...(bodies ? { bodies } : {}) };
  parentPort?.postMessage(
    answer,
    (bodies ?? []).flatMap((b) => (b ? [b.buffer as ArrayBuffer] : [])),
  );
});
