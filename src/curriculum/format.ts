// One problem per line, `path:line: [lỗi] message`, so an editor or terminal can jump to it.

import { isAbsolute, relative, resolve } from "node:path";
import type { CurriculumProblem } from "./types.js";

const SEVERITY_LABEL: Record<CurriculumProblem["severity"], string> = {
  error: "lỗi",
  warning: "cảnh báo",
};

/**
 * `curriculumDir` is the folder the problem paths are relative to; with it the path is shown
 * relative to the current directory (clickable in a terminal), or absolute when it lies outside.
 */
export function formatProblem(problem: CurriculumProblem, curriculumDir?: string, cwd = process.cwd()): string {
  return `${displayPath(problem.file, curriculumDir, cwd)}:${problem.line}: [${SEVERITY_LABEL[problem.severity]}] ${problem.message}`;
}

export function displayPath(file: string, curriculumDir: string | undefined, cwd = process.cwd()): string {
  if (curriculumDir === undefined && !isAbsolute(file)) return file;
  const absolute = resolve(cwd, curriculumDir ?? "", file);
  const fromCwd = relative(cwd, absolute);
  if (fromCwd === "") return ".";
  return fromCwd.startsWith("..") || isAbsolute(fromCwd) ? absolute : fromCwd;
}
