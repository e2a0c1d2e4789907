// npm run build — compiles src/ to dist/ (same layout, so paths like ../../migrations still hold)
// and copies the files the code reads next to itself. Production runs plain Node on dist/:
// no TypeScript compiler in the process (tsx's loader thread cost about 40 MB of memory).
import { cpSync, readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const src = join(root, "src");
const out = join(root, "dist");

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const files = walk(src);
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")),
  outdir: out,
  outbase: src,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  // Stack traces name src/ files and lines; the maps need not carry the sources (kept in memory with --enable-source-maps).
  sourcesContent: false,
  logLevel: "warning",
});
// Assets read at run time (the web chat page).
for (const f of files.filter((f) => !f.endsWith(".ts"))) cpSync(f, join(out, relative(src, f)));
