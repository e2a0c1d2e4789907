import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import * as schema from "./schema.js";

// PostgreSQL for several instances (DATABASE_URL). One pool per process; migrations applied at start under an
// advisory lock, so instances starting together apply them once.

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), "../../../migrations-pg");

/** Numbers stay numbers: ids and epoch-millisecond times are bigint columns, well inside 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Serialises migrations across instances (any constant: it names the lock). */
const MIGRATION_LOCK = 4_104_310_025;

export interface PgOptions {
  /** A schema of its own (tests): created if missing, and used for the tables and the migrations' journal. */
  schema?: string;
  /** Connections in the pool (default 16). */
  max?: number;
}

/**
 * The work's connections commit without waiting for the disk (synchronous_commit off): a turn removes its update in
 * the same transaction that applies it, so a turn lost in a database crash is simply done again from its update (its
 * replies may then go twice). Recording an update, before the webhook answers 200, always waits for the disk.
 */
export type Durability = "flush" | "recorded-elsewhere";

/** A pool of connections to the database (each with the schema, if one is named). */
export function openPool(url: string, opts: PgOptions = {}, durability: Durability = "flush"): pg.Pool {
  if (opts.schema && !/^[a-z_][a-z0-9_]*$/.test(opts.schema)) throw new Error(`invalid schema name: ${opts.schema}`);
  const settings = [
    ...(opts.schema ? [`-c search_path=${opts.schema}`] : []),
    ...(durability === "recorded-elsewhere" ? ["-c synchronous_commit=off"] : []),
  ];
  const pool = new pg.Pool({
    connectionString: withOptions(url, settings),
    max: opts.max ?? 16,
    types,
    application_name: "binh-dan-hoc-ai",
  });
  // An idle connection dropped by the server must not crash the process: the pool replaces it.
  pool.on("error", () => undefined);
  return pool;
}

/** The URL with these server settings added to any it names already (`?options=-c …`: the operator's come first). */
function withOptions(url: string, settings: string[]): string {
  if (settings.length === 0) return url;
  const u = new URL(url);
  u.searchParams.set("options", [u.searchParams.get("options"), ...settings].filter(Boolean).join(" "));
  return u.toString();
}

/** The work's pool (see Durability), with the migrations applied. */
export async function openPostgres(url: string, opts: PgOptions = {}): Promise<PgDb> {
  const pool = openPool(url, opts, "recorded-elsewhere");
  const db = drizzle(pool, { schema }) as PgDb;
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      if (opts.schema) await client.query(`create schema if not exists ${opts.schema}`);
      // The tables go where the connection's search_path says (public by default), and the migrations' journal
      // beside them, so that several tutors can share one database in schemas of their own.
      const where = (await client.query<{ s: string | null }>("select current_schema() as s")).rows[0]?.s;
      if (!where) throw new Error("DATABASE_URL: the schema named by its search_path does not exist; create it first");
      await migrate(drizzle(client, { schema }), { migrationsFolder, migrationsSchema: where });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } catch (err) {
    client.release();
    await pool.end();
    throw err;
  }
  client.release();
  return db;
}

export async function closePostgres(db: PgDb): Promise<void> {
  if (!db.$client.ended) await db.$client.end();
}

export async function isPostgresUp(db: PgDb): Promise<boolean> {
  try {
    await db.$client.query("select 1");
    return true;
  } catch {
    return false;
  }
}

/** Runs `fn` in one transaction on one connection of the pool (rolled back if it throws). */
export async function inTransaction<T>(db: PgDb, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await db.$client.connect();
  try {
    await c.query("begin");
    const r = await fn(c);
    await c.query("commit");
    return r;
  } catch (err) {
    await c.query("rollback").catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}
