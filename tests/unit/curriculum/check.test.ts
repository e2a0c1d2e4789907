import { rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCheck } from "../../../src/cli/curriculum-check.js";
import { formatProblem } from "../../../src/curriculum/format.js";
import { copyFixture, edit, lineOf, removeTempDirs, replaceOnce } from "./fixture.js";

afterEach(removeTempDirs);

async function check(dir: string) {
  const lines: string[] = [];
  const code = await runCheck(dir, (line) => lines.push(line));
  return { code, lines };
}

describe("runCheck", () => {
  it("prints the summary and exits 0 on the valid fixture", async () => {
    const dir = await copyFixture();
    expect(await check(dir)).toEqual({ code: 0, lines: ["Đã kiểm tra 4 bài trong 2 chủ đề: 0 lỗi, 0 cảnh báo."] });
  });

  it("exits 0 with warnings only", async () => {
    const dir = await copyFixture();
    await edit(dir, "vneid/01-cai-dat.md", (s) => s.slice(0, s.indexOf("## Kiểm tra")));
    const { code, lines } = await check(dir);
    expect(code).toBe(0);
    expect(lines.at(-1)).toBe("Đã kiểm tra 4 bài trong 2 chủ đề: 0 lỗi, 1 cảnh báo.");
  });

  it("prints each problem as path:line and exits 1 on errors", async () => {
    const dir = await copyFixture();
    const content = await edit(dir, "an-toan/02-ma-otp.md", (s) =>
      replaceOnce(s, "- [ ] Nhân viên ngân hàng", "- [x] Nhân viên ngân hàng"),
    );
    await rm(join(dir, "vneid/track.yaml"));
    const { code, lines } = await check(dir);
    expect(code).toBe(1);
    const path = relative(process.cwd(), join(dir, "an-toan/02-ma-otp.md"));
    const shown = path.startsWith("..") ? join(dir, "an-toan/02-ma-otp.md") : path;
    expect(lines).toContain(
      `${shown}:${lineOf(content, "- [x] Không ai cả")}: [lỗi] Câu hỏi có 2 đáp án đúng ([x]); mỗi câu hỏi chỉ được có đúng một đáp án đúng.`,
    );
    expect(lines.at(-1)).toBe("Đã kiểm tra 4 bài trong 2 chủ đề: 2 lỗi, 0 cảnh báo.");
  });

  it("reports a missing folder", async () => {
    const { code, lines } = await check("/nonexistent/curriculum");
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/^\/nonexistent\/curriculum:1: \[lỗi\] Không tìm thấy thư mục nội dung/);
  });
});

describe("formatProblem", () => {
  const problem = { file: "vneid/01-cai-dat.md", line: 12, message: "Thông báo.", severity: "warning" as const };

  it("shows paths relative to the current directory when inside it", () => {
    expect(formatProblem(problem, "curriculum", "/srv/app")).toBe("curriculum/vneid/01-cai-dat.md:12: [cảnh báo] Thông báo.");
    expect(formatProblem(problem, "/srv/app/curriculum", "/srv/app")).toBe("curriculum/vneid/01-cai-dat.md:12: [cảnh báo] Thông báo.");
  });

  it("shows absolute paths when the folder is elsewhere, and the bare path without a folder", () => {
    expect(formatProblem({ ...problem, severity: "error" }, "/data/curriculum", "/srv/app")).toBe(
      "/data/curriculum/vneid/01-cai-dat.md:12: [lỗi] Thông báo.",
    );
    expect(formatProblem(problem)).toBe("vneid/01-cai-dat.md:12: [cảnh báo] Thông báo.");
  });
});

it("the fixture media folder holds the tiny png used by lessons", async () => {
  const dir = await copyFixture();
  await writeFile(join(dir, "media/extra.webp"), Buffer.from([1]));
  expect((await check(dir)).code).toBe(0);
});
