import { cp } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { loadCurriculum } from "../../../src/curriculum/load.js";
import { bodyShelf } from "../../../src/curriculum/packed.js";
import type { Lesson } from "../../../src/curriculum/types.js";
import { copyFixture, edit, removeTempDirs, replaceOnce } from "./fixture.js";

// The parse pool runs compiled code in threads (dist/, built before the tests): a large curriculum is parsed there,
// and must come out exactly as it does in the loader's own thread — lessons, versions and every problem.

afterEach(removeTempDirs);

const CURRICULUM = fileURLToPath(new URL("../../../curriculum", import.meta.url));
const compiled = (await import(
  new URL("../../../dist/curriculum/load.js", import.meta.url).href
)) as typeof import("../../../src/curriculum/load.js");
const compiledPacked = (await import(
  new URL("../../../dist/curriculum/packed.js", import.meta.url).href
)) as typeof import("../../../src/curriculum/packed.js");
// Today, as curriculum:check reads the real lessons: a fixed date failed these tests the day a source was checked
// after it ("checked in the future"). Both parses of a test share it.
const NOW = new Date();

/** Every field of `like` as `lesson` reads it (a packed lesson's body fields are read through getters). */
const asRead = (lesson: Lesson | undefined, like: Lesson) =>
  Object.fromEntries(Object.keys(like).map((k) => [k, lesson?.[k as keyof Lesson]]));

describe("lessons parsed on every core", () => {
  it("gives the real curriculum exactly as one thread does", async () => {
    const alone = await loadCurriculum(CURRICULUM, { now: NOW });
    const pooled = await compiled.loadCurriculum(CURRICULUM, { now: NOW, parallelFrom: 0 });
    expect(alone.curriculum?.lessons.size).toBeGreaterThan(30);
    expect(pooled.curriculum?.version).toBe(alone.curriculum?.version);
    expect(pooled.problems).toEqual(alone.problems);
    expect(pooled.curriculum?.tracks).toEqual(alone.curriculum?.tracks);
  });

  it("keeps the server's lessons packed and reads every field back exactly, in threads and in this one", async () => {
    const plain = await loadCurriculum(CURRICULUM, { now: NOW });
    // Two lessons unpacked at a time: reading them all twice unpacks each again.
    const pooled = await compiled.loadCurriculum(CURRICULUM, { now: NOW, parallelFrom: 0, shelf: compiledPacked.bodyShelf(2) });
    const here = await loadCurriculum(CURRICULUM, { now: NOW, shelf: bodyShelf(2) });
    const lessons = [...(plain.curriculum?.lessons.values() ?? [])];
    expect(lessons.length).toBeGreaterThan(30);
    for (let round = 0; round < 2; round++)
      for (const lesson of lessons) {
        expect(asRead(pooled.curriculum?.lessons.get(lesson.id), lesson)).toEqual(lesson);
        expect(asRead(here.curriculum?.lessons.get(lesson.id), lesson)).toEqual(lesson);
      }
    expect(pooled.curriculum?.version).toBe(plain.curriculum?.version);
    expect(pooled.problems).toEqual(plain.problems);
  });

  it("reports a broken lesson at the same file and line, and serves nothing", async () => {
    const dir = await copyFixture();
    await edit(dir, "an-toan/02-ma-otp.md", (s) => replaceOnce(s, "id: an-toan-ma-otp", "id: [an-toan-ma-otp"));
    const alone = await loadCurriculum(dir, { now: NOW });
    const pooled = await compiled.loadCurriculum(dir, { now: NOW, parallelFrom: 0 });
    expect(alone.problems.some((p) => p.file === "an-toan/02-ma-otp.md" && p.severity === "error")).toBe(true);
    expect(pooled.problems).toEqual(alone.problems);
    expect(pooled.curriculum).toBeUndefined();
  });

  it("parses a lesson too large for a thread's heap in the loader's thread, with the same problems", async () => {
    const dir = await copyFixture();
    // Some 4 MB of steps: more than a parse thread may keep (THREAD_HEAP_MB), and far more steps than a lesson may have.
    const steps = Array.from({ length: 30_000 }, (_, i) => `## Bước ${i + 2}: Mở mục số ${i}\n\nBác chạm vào mục số ${i}.\n`);
    await edit(dir, "vneid/01-cai-dat.md", (s) => s.replace("## Kiểm tra", `${steps.join("\n")}\n## Kiểm tra`));
    const alone = await loadCurriculum(dir, { now: NOW });
    const pooled = await compiled.loadCurriculum(dir, { now: NOW, parallelFrom: 0 });
    expect(alone.problems.some((p) => p.file === "vneid/01-cai-dat.md" && /30002 bước/.test(p.message))).toBe(true);
    expect(pooled.problems).toEqual(alone.problems);
  });

  it("loads more tracks than it reads at once, every lesson as one thread does, a broken one at its line", async () => {
    const dir = await copyFixture();
    // Forty copies of the fixture's VNeID track, their lesson ids renamed; the last copy's first lesson broken below.
    for (let k = 0; k < 40; k++) {
      await cp(join(dir, "vneid"), join(dir, `ban-sao-${k}`), { recursive: true });
      await edit(dir, `ban-sao-${k}/track.yaml`, (s) => replaceOnce(s, "order: 2", `order: ${100 + k}`));
      for (const name of ["01-cai-dat.md", "02-kich-hoat.md"])
        await edit(dir, `ban-sao-${k}/${name}`, (s) => s.replace(/vneid-(cai-dat|kich-hoat)\b/g, `vneid-$1-${k}`));
    }
    const alone = await loadCurriculum(dir, { now: NOW });
    const pooled = await compiled.loadCurriculum(dir, { now: NOW, parallelFrom: 60 });
    expect(alone.curriculum?.tracks.length).toBeGreaterThan(40);
    expect(pooled.curriculum?.version).toBe(alone.curriculum?.version);
    expect(pooled.curriculum?.tracks).toEqual(alone.curriculum?.tracks);
    expect(pooled.problems).toEqual(alone.problems);

    await edit(dir, "ban-sao-39/01-cai-dat.md", (s) => s.replace(/^id: (.*)$/m, "id: [$1"));
    const broken = await compiled.loadCurriculum(dir, { now: NOW, parallelFrom: 60 });
    expect(broken.curriculum).toBeUndefined();
    expect(broken.problems.filter((p) => p.severity === "error").map((p) => p.file)).toEqual([
      "ban-sao-39/01-cai-dat.md",
      // It requires the broken lesson.
      "ban-sao-39/02-kich-hoat.md",
    ]);
    expect(broken.problems).toEqual((await loadCurriculum(dir, { now: NOW })).problems);
  });

  it("reloads with a cache: only the edited lesson is parsed again, and the others stay the same objects", async () => {
    const dir = await copyFixture();
    const cache = new Map();
    const first = await compiled.loadCurriculum(dir, { now: NOW, parallelFrom: 0, cache });
    await edit(dir, "vneid/01-cai-dat.md", (s) => s.replace("Bác mở **CH Play**", "Bác mở **Google Play**"));
    const second = await compiled.loadCurriculum(dir, { now: NOW, parallelFrom: 0, cache });
    expect(second.curriculum?.version).not.toBe(first.curriculum?.version);
    expect(second.curriculum?.lessons.get("an-toan-ma-otp")).toBe(first.curriculum?.lessons.get("an-toan-ma-otp"));
    expect(JSON.stringify(second.curriculum?.lessons.get("vneid-cai-dat"))).toContain("Google Play");
  });
});
