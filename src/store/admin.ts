import { randomBytes } from "node:crypto";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import type { AdminStore, Heavy, HeavyRequest, OffThread, ProgressRow } from "../admin/ports.js";
import { PROGRESS_PAGE_ROWS } from "./admin-common.js";
import * as q from "./admin-queries.js";
import type { Db } from "./db.js";

// The admin area's port on SQLite: the figures of admin-queries.ts on the app's connection; the progress report
// from a read-only connection of its own; the big figures of a large database on a worker thread.

/** Above this many progress events, the big figures are computed on a worker thread. */
const OFF_THREAD_EVENTS = 100_000;

const stores = new WeakMap<Db, AdminStore>();

/** The port on this database (one per database: the dashboard keeps its snapshot of the big figures per store). */
export function sqliteAdminStore(db: Db): AdminStore {
  const known = stores.get(db);
  if (known) return known;
  const conn = db.$client;
  const store: AdminStore = {
    ...q.figuresOn(conn),
    medianMinutes: async (lessonId, completed) => q.medianMinutes(conn, lessonId, completed),
    questionTotals: async (since) => q.questionTotals(conn, since),
    contentGaps: async (since, limit) => q.contentGaps(conn, since, limit),
    recentLearners: async (limit) => q.recentLearners(conn, limit),
    recentAnnouncements: async (limit) => q.recentAnnouncements(conn, limit),
    tickets: async (since, limit) => q.tickets(conn, since, limit),
    queues: async (now, windows) => q.queues(conn, now, windows),
    progressRows: (pageRows = PROGRESS_PAGE_ROWS) => progressPages(conn, pageRows),
    installSecret: async (name) => installSecret(conn, name),
    ...(inMemory(conn) ? {} : { offThread: workerFor(conn) }),
  };
  stores.set(db, store);
  return store;
}

/** No file a second connection could open. */
const inMemory = (conn: Database.Database) => conn.memory || conn.name === "";

/** A random secret of this install, kept in app_meta under `name` (created on first use). */
export function installSecret(conn: Database.Database, name: string): string {
  conn.prepare("insert into app_meta (key, value) values (?, ?) on conflict(key) do nothing").run(name, randomBytes(32).toString("hex"));
  return (conn.prepare("select value from app_meta where key = ?").get(name) as { value: string }).value;
}

/**
 * A read-only connection for a long read. better-sqlite3 refuses every other statement on a
 * connection while one of its iterators is open, so a report streamed from the main connection
 * would make webhooks fail for as long as a slow client downloads; with WAL, a second connection
 * reads a consistent snapshot while the main one keeps writing.
 */
function openReader(path: string): Database.Database {
  const conn = new Database(path, { readonly: true, fileMustExist: true });
  conn.pragma("busy_timeout = 5000");
  return conn;
}

/** The progress report's rows, in pages, from a connection of their own (in-memory databases: read at once). */
async function* progressPages(main: Database.Database, pageRows: number): AsyncGenerator<ProgressRow[]> {
  if (inMemory(main)) {
    const all = [...q.iterateProgress(main)];
    for (let i = 0; i < all.length; i += pageRows) yield all.slice(i, i + pageRows);
    return;
  }
  // Opened at the first read, so a report dropped before it starts leaves nothing open.
  const conn = openReader(main.name);
  try {
    let page: ProgressRow[] = [];
    for (const row of q.iterateProgress(conn)) {
      page.push(row);
      if (page.length >= pageRows) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  } finally {
    // Runs at the end, and when the reader stops early (the client went away).
    conn.close();
  }
}

function workerFor(conn: Database.Database): OffThread {
  return {
    worthIt: async () => q.progressEventsAbout(conn) > OFF_THREAD_EVENTS,
    compute: (req) => computeOffThread(conn.name, req),
  };
}

/**
 * The big figures on a worker thread, reading the database file through its own read-only
 * connection (WAL: it sees the last commit and never blocks the writer). One short-lived worker per
 * computation: they run at most about once a minute.
 */
function computeOffThread(path: string, req: HeavyRequest): Promise<Heavy> {
  // dist/ holds admin-worker.js; under tsx or vitest this file is TypeScript, and so is the worker
  // (which then registers tsx's loader itself before importing it).
  const ts = import.meta.url.endsWith(".ts");
  const url = new URL(`./admin-worker.${ts ? "ts" : "js"}`, import.meta.url);
  const worker = ts
    ? new Worker(`import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`, {
        eval: true,
        workerData: { path },
      })
    : new Worker(url, { workerData: { path } });
  return new Promise<Heavy>((resolve, reject) => {
    worker.once("message", (m: { ok: true; value: Heavy } | { ok: false; message: string }) => {
      if (m.ok) resolve(m.value);
      else reject(new Error(m.message));
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`dashboard worker exited (${code})`)));
    worker.postMessage(req);
  });
}
