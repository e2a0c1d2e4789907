import { execFileSync } from "node:child_process";
import { ROOT } from "./helpers/server-process.js";

// Build dist/ once per run: the tests that start the server in its own process run what ships.
export default function setup(): void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT, stdio: "inherit" });
}
