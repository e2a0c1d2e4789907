import pg from "pg";

// Statements with their values written in (escaped as PostgreSQL's own client does), so that a turn's writes go to
// the server as one batch — one round trip, one implicit transaction — instead of one round trip each.

/** SQL to be written in as it is (a known expression, never a value from outside). */
export class Raw {
  constructor(readonly sql: string) {}
}
export const raw = (sql: string) => new Raw(sql);

/** The database's clock in epoch ms: every instance's leases are measured on the same clock. */
export const NOW = raw("(extract(epoch from clock_timestamp()) * 1000)::bigint");

/** PostgreSQL text cannot hold NUL characters: a payload with one would fail its whole batch forever. */
export const clean = (s: string) => (s.includes("\u0000") ? s.replaceAll("\u0000", "") : s);

export function literal(v: unknown): string {
  if (v instanceof Raw) return v.sql;
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error("not a finite number");
    return String(v);
  }
  if (v instanceof Date) return String(v.getTime());
  if (typeof v === "string") return pg.escapeLiteral(clean(v));
  throw new Error(`cannot write a ${typeof v} into SQL`);
}

/** A statement with its values written in: sql`update t set a = ${x} where id = ${id}`. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += literal(values[i]) + (strings[i + 1] ?? "");
  return out;
}

/** The error the guard raises (migrations-pg/0001_guard.sql). */
export const isGuardFailure = (err: unknown) => (err as { code?: string }).code === "BD001";
