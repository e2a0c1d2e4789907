import { type ParseArgsConfig, parseArgs } from "node:util";

// Every command: `--help` prints its usage, a wrong flag gets one plain line and the usage (exit 2, no stack
// trace), and a closed pipe (`… | head`) ends the command quietly.

type Options = NonNullable<ParseArgsConfig["options"]>;

export function cliArgs<O extends Options>(usage: string, options: O, allowPositionals = false) {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  try {
    const parsed = parseArgs({ options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals, strict: true });
    if ((parsed.values as { help?: boolean }).help) {
      console.log(usage.trim());
      process.exit(0);
    }
    return parsed as unknown as { values: { [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : string }; positionals: string[] };
  } catch (err) {
    const message = (err as Error).message;
    const option = /option '([^']+)'/.exec(message)?.[1];
    console.error(`${option ? `Không có tùy chọn ${option} (unknown option).` : (message.split("\n")[0] ?? message)}\n\n${usage.trim()}`);
    process.exit(2);
  }
}
