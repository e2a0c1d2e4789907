// npm start — builds dist/ when it is missing or older than src/, then runs the server in this same process:
// no shell and no second process in between, so the signals npm forwards (SIGTERM, SIGINT) reach the server,
// which stops cleanly, and stopping npm never leaves it running.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const main = join(root, "dist", "main.js");

/** The latest change under a folder. */
function newest(dir) {
  let latest = statSync(dir).mtimeMs;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    latest = Math.max(latest, e.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

if (!existsSync(main) || newest(join(root, "src")) > statSync(main).mtimeMs) await import("./build.mjs");
await import(main);
