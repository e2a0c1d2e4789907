// `npm run curriculum:check [folder]`: checks every lesson the way the server would load it and
// prints what an admin must fix. Exit code 1 when there is any error, so CI can block a bad edit.

import { pathToFileURL } from "node:url";
import { loadConfigFromProcess } from "../config.js";
import { formatProblem } from "../curriculum/format.js";
import { loadCurriculum } from "../curriculum/load.js";
import { cliArgs } from "./args.js";

export async function runCheck(dir: string, write: (line: string) => void = console.log): Promise<number> {
  const report = await loadCurriculum(dir);
  for (const problem of report.problems) write(formatProblem(problem, dir));
  const errors = report.problems.filter((p) => p.severity === "error").length;
  const warnings = report.problems.length - errors;
  write(`Đã kiểm tra ${report.stats.lessons} bài trong ${report.stats.tracks} chủ đề: ${errors} lỗi, ${warnings} cảnh báo.`);
  return errors > 0 ? 1 : 0;
}

const USAGE = `npm run curriculum:check [-- THƯ_MỤC]

  Kiểm tra mọi bài học như máy chủ sẽ nạp, in "đường-dẫn:dòng: lỗi" cho từng chỗ cần sửa.
  Mặc định kiểm tra thư mục CURRICULUM_DIR (./curriculum). Mã thoát 1 khi có lỗi.`;

async function main(): Promise<void> {
  const fromArgs = cliArgs(USAGE, {}, true).positionals[0];
  let dir = fromArgs;
  if (!dir) {
    try {
      dir = loadConfigFromProcess().curriculumDir;
    } catch (err) {
      console.error((err as Error).message);
      process.exitCode = 1;
      return;
    }
  }
  process.exitCode = await runCheck(dir);
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
