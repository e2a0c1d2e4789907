// npm run <command> for operators and admins (curriculum:check, backup, webhook, chat…): runs the compiled
// command from dist/cli/, built first (in a source checkout) when missing or older than src/. A production
// install (npm ci --omit=dev, dist/ built beforehand) needs neither the compiler nor TypeScript.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ensureBuilt } from "./fresh.mjs";

const [, , name, ...rest] = process.argv;
const command = join(new URL("..", import.meta.url).pathname, "dist", "cli", `${name}.js`);
await ensureBuilt(command);
if (!existsSync(command)) {
  console.error(`No such command: ${name}.`);
  process.exit(2);
}
// The command sees itself as the script being run (it checks process.argv[1]) and its own arguments.
process.argv = [process.argv[0], command, ...rest];
await import(command);
