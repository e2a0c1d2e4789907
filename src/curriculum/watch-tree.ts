import { type Dirent, type FSWatcher, readdirSync, watch } from "node:fs";
import { join } from "node:path";

// Watches a folder and every folder under it, one watcher per folder. A folder's watcher also reports changes to
// the files in it, so a curriculum of 3,000 lessons in 600 folders needs 600 watchers, not the 4,000 (one per file,
// each with its last stat kept) that Node's recursive watch opens on Linux. A folder added later is watched from the
// first change seen in its parent; one removed is let go.

export interface TreeWatcher {
  close(): void;
}

export function watchTree(root: string, onChange: () => void, onError: (err: Error) => void): TreeWatcher {
  const watchers = new Map<string, FSWatcher>();
  let closed = false;

  const forget = (dir: string) => {
    for (const [d, w] of watchers)
      if (d === dir || d.startsWith(`${dir}/`)) {
        w.close();
        watchers.delete(d);
      }
  };

  /** Watches `dir` and the folders under it that are not watched yet; called again on every change in `dir`. */
  const add = (dir: string) => {
    if (closed) return;
    if (!watchers.has(dir)) {
      const w = watch(dir, () => {
        add(dir);
        onChange();
      });
      w.on("error", (err) => {
        if (dir === root) onError(err);
        else forget(dir);
      });
      watchers.set(dir, w);
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      // Removed (or renamed away): let it go; the change in its parent reloads the curriculum.
      forget(dir);
      return;
    }
    for (const e of entries) {
      const sub = join(dir, e.name);
      if (e.isDirectory() && !e.name.startsWith(".") && !watchers.has(sub)) add(sub);
    }
  };

  add(root);
  return {
    close() {
      closed = true;
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
