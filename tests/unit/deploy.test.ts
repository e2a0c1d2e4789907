import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, startCommand } from "../helpers/server-process.js";

// The container and the systemd unit run the compiled server directly, not through npm: they must give Node the
// same flags and the same allocator setting as `npm start`, which the benchmarks and the crash drills measure.

const read = (file: string) => readFileSync(resolve(ROOT, file), "utf8");

describe("the deployment files", () => {
  const { env, flags } = startCommand();

  it("run the container with npm start's Node flags and environment", () => {
    const file = read("deploy/Containerfile");
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(file)?.[1] ?? "[]") as string[];
    expect(cmd).toEqual(["node", ...flags, "dist/main.js"]);
    for (const [k, v] of Object.entries(env)) expect(file).toMatch(new RegExp(`^ENV ${k}=${v}$`, "m"));
  });

  it("run the systemd service with npm start's Node flags and environment", () => {
    const file = read("deploy/binh-dan-hoc-ai.service");
    expect(/^ExecStart=(.*)$/m.exec(file)?.[1]).toBe(["/usr/bin/node", ...flags, "dist/main.js"].join(" "));
    for (const [k, v] of Object.entries(env)) expect(file).toMatch(new RegExp(`^Environment=${k}=${v}$`, "m"));
  });
});
