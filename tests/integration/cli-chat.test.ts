import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FIXTURE_CURRICULUM, tempDir } from "../helpers/app.js";

const root = resolve(import.meta.dirname, "../..");
let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

function chat(input: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ["--import", "tsx", "src/cli/chat.ts", "--user", "tester"], {
    cwd: root,
    input,
    encoding: "utf8",
    env: { ...process.env, DATABASE_PATH: `${dir.path}/t.db`, CURRICULUM_DIR: FIXTURE_CURRICULUM, ...env },
    timeout: 60_000,
  });
}

describe("npm run chat", { timeout: 90_000 }, () => {
  it("walks into a lesson from scripted stdin, with numbered options", () => {
    const out = chat("Xin chào\n1\n1\ntiếp\nnhac lai\ntiep\n");
    expect(out.status).toBe(0);
    expect(out.stdout).toContain("> Xin chào");
    expect(out.stdout).toContain("1. Đồng ý");
    expect(out.stdout).toContain("Bước 1/4: Hiểu mã OTP");
    expect(out.stdout).toContain("Kiểm tra (2/4)");
    expect(out.stdout).toContain("1. Đã thấy");
    expect(out.stdout).not.toContain("**");
  });

  it("remembers the learner between runs (same database)", () => {
    chat("hi\n1\n1\n1\ntiếp\n");
    const again = chat("/start\n");
    expect(again.stdout).toContain("Chào mừng bác quay lại");
    expect(again.stdout).toContain("bước 2/4");
  });

  it("says clearly what is wrong with the configuration", () => {
    const out = chat("hi\n", { PORT: "not-a-port" });
    expect(out.status).toBe(1);
    expect(out.stderr).toContain("PORT");
  });
});
