import { readFileSync, writeFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type CurriculumStore, createCurriculumStore } from "../../../src/curriculum/store.js";
import type { Curriculum } from "../../../src/curriculum/types.js";
import { copyFixture, edit, removeTempDirs, replaceOnce } from "./fixture.js";

const OTP = "an-toan/02-ma-otp.md";
const stores: CurriculumStore[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) store.close();
  await removeTempDirs();
});

/** A real pino logger writing JSON lines into memory. */
function memoryLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

function newStore(dir: string, debounceMs = 50) {
  const { logger, lines } = memoryLogger();
  const store = createCurriculumStore({ dir, logger, debounceMs });
  stores.push(store);
  return { store, lines };
}

const breakQuiz = (s: string) => replaceOnce(s, "- [ ] Nhân viên ngân hàng", "- [x] Nhân viên ngân hàng");
const quizTitle = (c: Curriculum) => c.lessons.get("an-toan-ma-otp")?.steps[1]?.title;

describe("createCurriculumStore", () => {
  it("serves the first load", async () => {
    const dir = await copyFixture();
    const { store } = newStore(dir);
    const first = await store.start();
    expect(store.current()).toBe(first);
    expect(store.lastReload).toMatchObject({ ok: true, problems: [], version: first.version });
  });

  it("a reload parses only the edited lesson: the others are the very same objects, what is built on them is kept", async () => {
    const dir = await copyFixture();
    const { store } = newStore(dir);
    const first = await store.start();
    await edit(dir, OTP, (s) => replaceOnce(s, "Nhân viên ngân hàng", "Nhân viên nhà mạng"));
    const status = await store.reload();
    const next = store.current();
    expect(status.ok).toBe(true);
    expect(next.version).not.toBe(first.version);
    const edited = "an-toan-ma-otp";
    expect(next.lessons.get(edited)).not.toBe(first.lessons.get(edited));
    expect(JSON.stringify(next.lessons.get(edited))).toContain("Nhân viên nhà mạng");
    const others = [...first.lessons.keys()].filter((id) => id !== edited);
    expect(others.length).toBeGreaterThan(0);
    for (const id of others) expect(next.lessons.get(id)).toBe(first.lessons.get(id));
  });

  it("refuses to start on a broken folder, listing the problems", async () => {
    const dir = await copyFixture();
    await edit(dir, OTP, breakQuiz);
    const { store } = newStore(dir);
    await expect(store.start()).rejects.toThrow(/02-ma-otp\.md:\d+: \[lỗi\] Câu hỏi có 2 đáp án đúng/);
    expect(() => store.current()).toThrow();
  });

  it("keeps the last good curriculum after a broken edit, then serves the fix", async () => {
    const dir = await copyFixture();
    const { store, lines } = newStore(dir);
    const first = await store.start();

    await edit(dir, OTP, breakQuiz);
    const failed = await store.reload();
    expect(failed.ok).toBe(false);
    expect(store.lastReload.ok).toBe(false);
    expect(store.lastReload.problems.some((p) => p.file === OTP && p.severity === "error")).toBe(true);
    expect(store.current()).toBe(first);
    expect(store.current().version).toBe(first.version);
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, file: OTP, problem: expect.stringContaining("2 đáp án đúng") }));

    await edit(dir, OTP, (s) =>
      replaceOnce(s, "- [x] Nhân viên ngân hàng", "- [ ] Nhân viên ngân hàng").replace("Ai được phép", "Ai được quyền"),
    );
    const fixed = await store.reload();
    expect(fixed.ok).toBe(true);
    expect(store.current().version).not.toBe(first.version);
    expect(quizTitle(store.current())).toBe("Ai được quyền hỏi mã OTP của bác?");
  });

  it("does not log the same problems again on an unrelated reload", async () => {
    const dir = await copyFixture();
    const { store, lines } = newStore(dir);
    await store.start();
    await edit(dir, OTP, breakQuiz);
    await store.reload();
    const count = lines.filter((l) => l.problem).length;
    await store.reload();
    expect(lines.filter((l) => l.problem)).toHaveLength(count);
  });

  it("reloads by itself when a file changes, and tells listeners", async () => {
    const dir = await copyFixture();
    const { store } = newStore(dir);
    const first = await store.start();
    const seen: string[] = [];
    store.onChange((c) => seen.push(c.version));
    store.watch();

    await edit(dir, OTP, breakQuiz);
    await vi.waitFor(() => expect(store.lastReload.ok).toBe(false), { timeout: 5000, interval: 50 });
    expect(store.current()).toBe(first);
    expect(seen).toEqual([]);

    await edit(dir, OTP, (s) => replaceOnce(s, "- [x] Nhân viên ngân hàng", "- [ ] Nhân viên ngân hàng"));
    await writeFile(join(dir, "media/moi.png"), Buffer.from([1, 2, 3]));
    await vi.waitFor(() => expect(store.lastReload.ok).toBe(true), { timeout: 5000, interval: 50 });
    await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 5000, interval: 50 });
    expect(store.current().version).toBe(seen[0]);
    expect(store.current().version).not.toBe(first.version);
  });

  it("sees a track folder added while it runs, and later edits inside it", async () => {
    const dir = await copyFixture();
    const { store } = newStore(dir);
    await store.start();
    store.watch();
    // A track folder renamed (as a copy made elsewhere and moved in would arrive): a new folder to watch.
    await rename(join(dir, "vneid"), join(dir, "dinh-danh"));
    await vi.waitFor(() => expect(store.current().tracks.map((t) => t.id)).toContain("dinh-danh"), { timeout: 5000, interval: 50 });
    const before = store.current().version;
    await edit(dir, "dinh-danh/01-cai-dat.md", (s) => s.replace("Mục tiêu:", "Mục tiêu (đã sửa):"));
    await vi.waitFor(() => expect(store.current().version).not.toBe(before), { timeout: 5000, interval: 50 });
  });

  it("survives a throwing listener", async () => {
    const dir = await copyFixture();
    const { store, lines } = newStore(dir);
    await store.start();
    store.onChange(() => {
      throw new Error("listener bug");
    });
    await edit(dir, OTP, (s) => s.replace("Ai được phép", "Ai được quyền"));
    await expect(store.reload()).resolves.toMatchObject({ ok: true });
    expect(lines.some((l) => l.level === 50)).toBe(true);
  });
});

describe("the last good curriculum kept on disk", () => {
  /** A store over `dir` that keeps its last good copy in `keepDir`, closed after the test. */
  const keeping = (dir: string, keepDir: string) => {
    const store = createCurriculumStore({ dir, logger: pino({ level: "silent" }), keepDir });
    stores.push(store);
    return store;
  };

  it("an edit made while the copy is written never reaches it: that version is not kept", async () => {
    const dir = await copyFixture();
    const keepDir = join(await copyFixture(), "kept");
    const store = keeping(dir, keepDir);
    // The admin saves a broken file right after the good version is served, before the copy is written.
    const path = join(dir, OTP);
    store.onChange(() => writeFileSync(path, breakQuiz(readFileSync(path, "utf8"))));
    await store.start();
    await store.kept();
    await expect(keeping(dir, keepDir).start()).rejects.toThrow(/Câu hỏi có 2 đáp án đúng/);
  });

  it("a restart with broken files serves the last good copy and says so; without a copy it refuses to start", async () => {
    const dir = await copyFixture();
    const keepDir = join(await copyFixture(), "kept");
    const first = keeping(dir, keepDir);
    const good = await first.start();
    // The copy is written in the background, checked file by file against what was loaded.
    await first.kept();
    await edit(dir, OTP, breakQuiz);

    const restarted = keeping(dir, keepDir);
    const served = await restarted.start();
    expect(served.version).toBe(good.version);
    expect(quizTitle(served)).toBe(quizTitle(good));
    expect(restarted.lastReload).toMatchObject({ ok: false, fromKeptCopy: true, version: good.version });
    expect(restarted.lastReload.problems.some((p) => p.severity === "error")).toBe(true);

    // Fixing the files serves them again, as a normal reload.
    await edit(dir, OTP, (s) => replaceOnce(s, "- [x] Nhân viên ngân hàng", "- [ ] Nhân viên ngân hàng"));
    expect(await restarted.reload()).toMatchObject({ ok: true });

    await edit(dir, OTP, breakQuiz);
    const { store: plain } = newStore(dir);
    await expect(plain.start()).rejects.toThrow();
  });

  it("after an edit, holds the edited lesson as saved and every other file as before", async () => {
    const dir = await copyFixture();
    const keepDir = join(await copyFixture(), "kept");
    const first = keeping(dir, keepDir);
    await first.start();
    await first.kept();
    await edit(dir, "vneid/01-cai-dat.md", (s) => s.replace("Bác mở **CH Play**", "Bác mở **Google Play**"));
    const edited = await first.reload();
    await first.kept();
    expect(readFileSync(join(keepDir, "vneid/01-cai-dat.md"), "utf8")).toBe(readFileSync(join(dir, "vneid/01-cai-dat.md"), "utf8"));
    expect(readFileSync(join(keepDir, OTP), "utf8")).toBe(readFileSync(join(dir, OTP), "utf8"));

    // Broken at the restart: the edited version is served from the copy.
    await edit(dir, OTP, breakQuiz);
    const served = await keeping(dir, keepDir).start();
    expect(served.version).toBe(edited.version);
    expect(JSON.stringify(served.lessons.get("vneid-cai-dat")?.steps)).toContain("Google Play");
  });
});

describe("reloading after an edit", () => {
  it("reads an edited track file again, though unchanged ones are reused", async () => {
    const dir = await copyFixture();
    const { store } = newStore(dir);
    await store.start();
    await edit(dir, "vneid/track.yaml", (s) => s.replace("title: Dùng VNeID", "title: Dùng VNeID trên điện thoại"));
    await expect(store.reload()).resolves.toMatchObject({ ok: true });
    expect(store.current().tracks.find((t) => t.id === "vneid")?.title).toBe("Dùng VNeID trên điện thoại");
    expect(store.current().tracks.find((t) => t.id === "an-toan")?.title).toBeTruthy();
  });
});
