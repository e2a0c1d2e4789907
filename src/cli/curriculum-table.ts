import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfigFromProcess } from "../config.js";
import { formatProblem } from "../curriculum/format.js";
import { loadCurriculum } from "../curriculum/load.js";
import { lessonsTable, withTable } from "../curriculum/table.js";
import { cliArgs } from "./args.js";

// npm run curriculum:table          rewrites the lesson table in curriculum/README.md
// npm run curriculum:table -- --check   exits 1 if the table is not current (CI)

async function main(): Promise<number> {
  const dir = loadConfigFromProcess().curriculumDir;
  const check =
    cliArgs(
      `npm run curriculum:table [-- --check]

  Viết lại bảng danh sách bài học trong curriculum/README.md.
  --check  chỉ kiểm tra bảng đã cập nhật chưa (mã thoát 1 nếu chưa), dùng trong CI`,
      { check: { type: "boolean" } },
    ).values.check === true;
  const loaded = await loadCurriculum(dir);
  if (!loaded.curriculum) {
    for (const p of loaded.problems.filter((x) => x.severity === "error")) console.error(formatProblem(p));
    console.error("Bài học còn lỗi: chạy npm run curriculum:check và sửa trước.");
    return 1;
  }
  const path = join(dir, "README.md");
  const before = readFileSync(path, "utf8");
  const after = withTable(before, lessonsTable(loaded.curriculum));
  if (check) {
    if (after !== before) {
      console.error(`${path}: bảng danh sách bài học chưa cập nhật. Chạy: npm run curriculum:table`);
      return 1;
    }
    console.log("Bảng danh sách bài học đã cập nhật.");
    return 0;
  }
  if (after !== before) writeFileSync(path, after);
  console.log(after !== before ? `Đã cập nhật bảng trong ${path}.` : "Bảng đã cập nhật sẵn.");
  return 0;
}

main().then((code) => process.exit(code));
