// Shared helpers for the curriculum tests: a real copy of the valid fixture in a temp dir, broken
// one edit at a time, and exact line lookups so assertions name the line an admin would see.

import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { CurriculumProblem } from "../../../src/curriculum/types.js";

export const VALID_FIXTURE = fileURLToPath(new URL("../../fixtures/curriculum/valid", import.meta.url));

/** Letters only Vietnamese uses: a message without any is almost certainly not Vietnamese. */
const VIETNAMESE = /[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/i;

const tempDirs: string[] = [];

export async function copyFixture(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "curriculum-test-"));
  tempDirs.push(dir);
  await cp(VALID_FIXTURE, dir, { recursive: true });
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export async function readText(dir: string, rel: string): Promise<string> {
  return readFile(join(dir, rel), "utf8");
}

/** Applies `change` to a file and returns the new content. */
export async function edit(dir: string, rel: string, change: (content: string) => string): Promise<string> {
  const next = change(await readText(dir, rel));
  await writeFile(join(dir, rel), next);
  return next;
}

/** Replaces exactly one occurrence, so a fixture change cannot silently make a test pass. */
export function replaceOnce(content: string, from: string, to: string): string {
  const at = content.indexOf(from);
  if (at < 0 || content.indexOf(from, at + 1) >= 0) throw new Error(`expected exactly one "${from}"`);
  return content.slice(0, at) + to + content.slice(at + from.length);
}

/** 1-based line of the first line containing `snippet` (from line `after` on). */
export function lineOf(content: string, snippet: string, after = 1): number {
  const lines = content.split("\n");
  for (let i = after - 1; i < lines.length; i++) if (lines[i]?.includes(snippet)) return i + 1;
  throw new Error(`"${snippet}" not found`);
}

export function expectProblem(
  problems: readonly CurriculumProblem[],
  expected: { file: string; line: number; severity?: CurriculumProblem["severity"]; message: RegExp | string },
): CurriculumProblem {
  const severity = expected.severity ?? "error";
  const found = problems.find(
    (p) =>
      p.file === expected.file &&
      p.line === expected.line &&
      p.severity === severity &&
      (typeof expected.message === "string" ? p.message.includes(expected.message) : expected.message.test(p.message)),
  );
  expect(
    found,
    `no ${severity} at ${expected.file}:${expected.line} matching ${expected.message}\n${JSON.stringify(problems, null, 2)}`,
  ).toBeDefined();
  expect(found?.message).toMatch(VIETNAMESE);
  return found as CurriculumProblem;
}
