import { existsSync } from "node:fs";
import { resolve } from "node:path";
import Database from "better-sqlite3";
import { loadConfigFromProcess } from "../config.js";
import { backupInto } from "../store/db.js";
import { cliArgs } from "./args.js";

// npm run backup -- FILE     a consistent copy of the live database (DATABASE_PATH) into FILE, while the server runs
//
// The copy is one snapshot (SQLite's VACUUM INTO, inside a read transaction: learners keep writing meanwhile),
// checked and counted before the command says it is done. Restore: stop the server, put FILE at DATABASE_PATH
// (and remove the -wal and -shm files beside it), start the server.

const HELP = `npm run backup -- FILE

  Copies the live database (DATABASE_PATH, now ${process.env.DATABASE_PATH ?? "./data/tutor.db"}) into FILE,
  consistently, while the server keeps running. FILE must not exist yet.

  Restore: stop the server, copy FILE to DATABASE_PATH, delete the -wal and -shm files beside it, start.`;

function main(): number {
  const { positionals } = cliArgs(HELP, {}, true);
  if (positionals.length !== 1) {
    console.error(HELP);
    return 2;
  }
  const source = resolve(loadConfigFromProcess().databasePath);
  const target = resolve(positionals[0] as string);
  if (!existsSync(source)) {
    console.error(`No database at ${source} (DATABASE_PATH).`);
    return 1;
  }
  if (existsSync(target)) {
    console.error(`${target} exists already; choose a new file name.`);
    return 1;
  }
  const started = performance.now();
  const live = new Database(source, { readonly: true, fileMustExist: true });
  live.pragma("busy_timeout = 5000");
  try {
    backupInto(live, target);
  } finally {
    live.close();
  }
  const copy = new Database(target, { readonly: true, fileMustExist: true });
  try {
    const ok = copy.pragma("integrity_check", { simple: true });
    const learners = (copy.prepare("select count(*) as n from learners").get() as { n: number }).n;
    const events = (copy.prepare("select count(*) as n from progress_events").get() as { n: number }).n;
    if (ok !== "ok") {
      console.error(`The copy at ${target} failed SQLite's integrity check: ${String(ok)}`);
      return 1;
    }
    console.log(
      `Backed up ${source} to ${target} in ${((performance.now() - started) / 1000).toFixed(1)} s: ${learners} learners, ${events} progress events; integrity ok.`,
    );
    return 0;
  } finally {
    copy.close();
  }
}

process.exit(main());
