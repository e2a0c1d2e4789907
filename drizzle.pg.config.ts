import { defineConfig } from "drizzle-kit";

// PostgreSQL (DATABASE_URL): its own schema and migrations folder; `npm run db:generate:pg` after changing the schema.
// Generated files name tables without a schema ("public". removed by the script), so a database can keep the
// tutor's tables in any schema (tests each use their own).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/postgres/schema.ts",
  out: "./migrations-pg",
});
