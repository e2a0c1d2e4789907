// Shared by start.mjs and run.mjs: builds dist/ when it is missing or older than src/ — in a source checkout with
// the build tools installed. A production install (npm ci --omit=dev) runs the dist/ it was given.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

/** The latest change under a folder. */
function newest(dir) {
  let latest = statSync(dir).mtimeMs;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    latest = Math.max(latest, e.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Makes sure `file` (inside dist/) is built from the current src/, if that can be done here. */
export async function ensureBuilt(file) {
  const src = join(root, "src");
  if (!existsSync(src) || (existsSync(file) && newest(src) <= statSync(file).mtimeMs)) return;
  try {
    await import("esbuild");
  } catch {
    if (existsSync(file)) {
      console.error("dist/ is older than src/, and the build tools are not installed (npm ci --omit=dev): running dist/ as it is.");
      return;
    }
    console.error("dist/ is missing and the build tools are not installed: run `npm install` then `npm run build`.");
    process.exit(1);
  }
  await import("./build.mjs");
}
