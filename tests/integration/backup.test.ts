import { execFile } from "node:child_process";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { closeDatabase, openDatabase } from "../../src/store/db.js";
import { startApp, tempDir, webChat } from "../helpers/app.js";
import { ROOT } from "../helpers/server-process.js";

const run = promisify(execFile);
let dir: ReturnType<typeof tempDir>;
let app: App | undefined;
beforeEach(() => {
  dir = tempDir();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  dir.cleanup();
});

describe("npm run backup", () => {
  it("copies the live database while learners write; the copy opens, passes SQLite's check and has them", async () => {
    const dbPath = join(dir.path, "t.db");
    app = await startApp({ dbPath });
    const live = app;
    for (let i = 0; i < 20; i++) await webChat(() => live, `learner-bk${String(i).padStart(3, "0")}`)("xin chào");
    // Learners keep writing while the copy is taken.
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) await webChat(() => live, `learner-late${i}`)("xin chào");
    })();
    const target = join(dir.path, "copy.db");
    const { stdout } = await run(process.execPath, [resolve(ROOT, "node_modules/tsx/dist/cli.mjs"), "src/cli/backup.ts", target], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: dbPath },
    });
    writing = false;
    await writer;
    expect(stdout).toContain("integrity ok");
    const copy = new Database(target, { readonly: true });
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    const n = (copy.prepare("select count(*) as n from learners").get() as { n: number }).n;
    copy.close();
    expect(n).toBeGreaterThanOrEqual(20);
  });

  it("keeps a copy of the database as it was before migrations change its schema", async () => {
    // A database made by an older version: the first three migrations only.
    const older = join(dir.path, "migrations-old");
    cpSync(resolve(ROOT, "migrations"), older, { recursive: true });
    const journalPath = join(older, "meta", "_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: unknown[] };
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 3) }));
    const dbPath = join(dir.path, "t.db");
    await closeDatabase(openDatabase(dbPath, { migrationsDir: older }));
    // The current version opens it: the old file is kept beside it first.
    await closeDatabase(openDatabase(dbPath));
    const kept = readdirSync(dir.path).filter((f) => f.startsWith("t.db.before-migration-"));
    expect(kept).toHaveLength(1);
    const copy = new Database(join(dir.path, kept[0] as string), { readonly: true });
    expect((copy.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number }).n).toBe(3);
    copy.close();
    // Opening again changes nothing: no second copy.
    await closeDatabase(openDatabase(dbPath));
    expect(readdirSync(dir.path).filter((f) => f.startsWith("t.db.before-migration-"))).toHaveLength(1);
  });
});

describe("operator commands", () => {
  const tsx = (args: string[]) =>
    run(process.execPath, [resolve(ROOT, "node_modules/tsx/dist/cli.mjs"), ...args], { cwd: ROOT }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  it.each(["src/cli/backup.ts", "src/cli/curriculum-check.ts", "src/cli/webhook.ts", "src/cli/media-build.ts"])(
    "%s: --help prints the usage; a wrong flag gets one plain line and exit 2, no stack trace",
    async (cli) => {
      const help = await tsx([cli, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("npm run");
      const wrong = await tsx([cli, "--no-such-flag"]);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain("Không có tùy chọn --no-such-flag");
      expect(wrong.stderr).not.toMatch(/\n\s+at /);
    },
  );
});
