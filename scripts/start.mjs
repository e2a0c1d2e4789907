// npm start — builds dist/ when it is missing or older than src/, then runs the server in this same process:
// no shell and no second process in between, so the signals npm forwards (SIGTERM, SIGINT) reach the server,
// which stops cleanly, and stopping npm never leaves it running.
import { join } from "node:path";
import { ensureBuilt } from "./fresh.mjs";

const main = join(new URL("..", import.meta.url).pathname, "dist", "main.js");
await ensureBuilt(main);
await import(main);
