import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe } from "vitest";

// PostgreSQL for tests: a real server (this project's machines run one at 127.0.0.1:5432, trust authentication).
// Each test gets a schema of its own, dropped afterwards. Where no server answers, the PostgreSQL tests are skipped
// with one line — unless REQUIRE_POSTGRES=1 (set by .ci/run), where that is a failure.

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function reachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    return undefined;
  } catch (err) {
    return (err as Error).message || (err as { code?: string }).code || "unreachable";
  } finally {
    await client.end().catch(() => undefined);
  }
}

const why = await reachable();
export const postgresUp = why === undefined;
const required = process.env.REQUIRE_POSTGRES === "1";
if (!postgresUp && !required) console.warn(`PostgreSQL tests skipped: no server at ${POSTGRES_URL.replace(/\/\/[^@]*@/, "//")} (${why})`);

/** A describe block that runs where PostgreSQL answers, is skipped where it does not, and fails in CI without it. */
export function describePostgres(name: string, fn: () => void): void {
  if (postgresUp) describe(name, fn);
  else if (required)
    describe(name, () => {
      throw new Error(`PostgreSQL is required (REQUIRE_POSTGRES=1) but ${POSTGRES_URL} did not answer: ${why}`);
    });
  else describe.skip(name, fn);
}

/** A fresh schema's name; drop it with dropSchema. */
export function schemaName(): string {
  return `t_${randomBytes(6).toString("hex")}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}
