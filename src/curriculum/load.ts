// Reads the whole curriculum folder: tracks, lessons, media. Per-file checks live in parse.ts;
// this module adds what needs the file system or more than one file (media, ids, requires).

import { createHash } from "node:crypto";
import { type Dirent, readdirSync, readFileSync, type Stats, statSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import pLimit from "p-limit";
import { vnIsoDate } from "../time.js";
import { editDistance, ID_PATTERN, suggest } from "./common.js";
import type { BodyShelf } from "./packed.js";
import { type LessonMeta, type ParseLessonResult, type ParseOptions, parseTrack } from "./parse.js";
import { type LessonParser, lessonParser } from "./parse-pool.js";
import type { Curriculum, CurriculumProblem, Lesson, LoadResult, Track } from "./types.js";

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** Above this a picture is slow on a cheap phone over 3G; `npm run media:build` keeps drawings below it. */
export const LIGHT_IMAGE_BYTES = 300 * 1024;
export const IMAGE_EXTENSIONS = ["png", "jpg", "jpeg", "webp"];
const MEDIA_DIR = "media";
const TRACK_FILE = "track.yaml";
const LESSON_FILE = /^(\d{2})-.+\.md$/i;
/**
 * Tracks read and parsed at once: enough to keep every parse thread busy with a batch and the next one waiting, few
 * enough that the files waiting for a thread take little memory. Reading every file first held a national curriculum's
 * ~30 MB of text at once and raised the server's peak while it started by ~30 MB.
 */
const TRACKS_AT_ONCE = 16;

export interface LoadReport extends LoadResult {
  /** What was looked at, for the checker's summary line. */
  stats: { tracks: number; lessons: number };
  /** Every file that makes this version, with its content's hash: what the server keeps as the last good copy. */
  files?: ReadonlyArray<HashedFile>;
}

export interface HashedFile {
  path: string;
  /** sha1 of the content, hex. */
  hash: string;
}

/**
 * Files already read, by path: a reload reads and parses again only those whose size or times changed on disk (a
 * national curriculum has thousands), and an unchanged lesson stays the same object, so what is built on it is kept.
 */
export type ParseCache = Map<
  string,
  { stamp: string; hash: string; day: string; result?: ParseLessonResult; track?: ReturnType<typeof parseTrack> }
>;

export interface LoadOptions extends ParseOptions {
  cache?: ParseCache;
  /** Lessons to parse in one load from which they are parsed on every core (tests lower it). */
  parallelFrom?: number;
  /** Where lessons' bodies are kept packed until read (the server); without it they are plain values. */
  shelf?: BodyShelf;
}

/** A lesson file as parsed, kept even when broken so cross-file checks can name it. */
interface LessonEntry {
  file: string;
  lesson?: Lesson;
  meta?: LessonMeta;
}

interface TrackEntry {
  id: string;
  file: string;
  track?: Omit<Track, "lessons">;
  lessons: LessonEntry[];
}

class Problems {
  readonly list: CurriculumProblem[] = [];
  error(file: string, line: number, message: string): void {
    this.list.push({ file, line, message, severity: "error" });
  }
  warn(file: string, line: number, message: string): void {
    this.list.push({ file, line, message, severity: "warning" });
  }
  add(problems: readonly CurriculumProblem[]): void {
    this.list.push(...problems);
  }
}

const isHidden = (name: string) => name.startsWith(".");
const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** How the loader reads the disk. */
interface Io {
  list(path: string): Promise<Dirent[]>;
  read(path: string): Promise<Buffer>;
  /** Undefined when there is nothing at `path`. */
  stat(path: string): Promise<Stats | undefined>;
}
const ASYNC_IO: Io = {
  list: (path) => readdir(path, { withFileTypes: true }),
  read: (path) => readFile(path),
  stat: (path) => stat(path).catch(() => undefined),
};
/**
 * A reload with a cache lists folders and reads only the changed files: in one synchronous pass that is a few
 * milliseconds, where thousands of round trips through the thread pool took hundreds while learners were served.
 */
const SYNC_IO: Io = {
  list: async (path) => readdirSync(path, { withFileTypes: true }),
  read: async (path) => readFileSync(path),
  stat: async (path) => statSync(path, { throwIfNoEntry: false }),
};
const ioOf = (options: LoadOptions) => (options.cache ? SYNC_IO : ASYNC_IO);

async function listDir(io: Io, path: string): Promise<Dirent[]> {
  const entries = await io.list(path);
  return entries.filter((e) => !isHidden(e.name)).sort(byName);
}

/** Every file under `dir` (relative, "/"-separated), skipping hidden ones; symbolic links are reported, not followed. */
async function walkFiles(io: Io, root: string, rel = "", problems?: Problems): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await listDir(io, join(root, rel))) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isSymbolicLink()) problems?.error(path, 1, linkMessage(path));
    else if (entry.isDirectory()) out.push(...(await walkFiles(io, root, path, problems)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Short hash of every path and content: a new version whenever anything changes. */
function versionOf(files: readonly HashedFile[]): string {
  const hash = createHash("sha256");
  for (const { path, hash: content } of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(path).update("\0").update(content).update("\0");
  }
  return hash.digest("hex").slice(0, 12);
}

/** A link could publish any file of the server (its .env, the database) as a lesson or a picture. */
const linkMessage = (file: string) =>
  `\`${file}\` là liên kết (symlink) tới một tệp khác; máy chủ không gửi tệp qua liên kết. Hãy chép chính tệp đó vào đây.`;

const outsideTrackMessage = (file: string) =>
  `Bài học nằm ngoài thư mục chủ đề: hãy chuyển \`${file}\` vào một thư mục chủ đề (ví dụ \`an-toan/\`), cạnh tệp track.yaml.`;

async function readTrack(
  dir: string,
  id: string,
  children: readonly Dirent[],
  problems: Problems,
  hashed: HashedFile[],
  options: LoadOptions,
  parser: LessonParser,
): Promise<TrackEntry> {
  const trackFile = `${id}/${TRACK_FILE}`;
  const entry: TrackEntry = { id, file: trackFile, lessons: [] };
  if (!ID_PATTERN.test(id)) {
    problems.error(
      `${id}/`,
      1,
      `Tên thư mục chủ đề \`${id}\` không hợp lệ: chỉ dùng chữ thường không dấu, số và dấu gạch ngang, ví dụ \`an-toan\`.`,
    );
  }
  const io = ioOf(options);
  const yamlFile = children.find((c) => c.isFile() && c.name === TRACK_FILE);
  if (yamlFile) {
    // Like lessons, a track file is read and parsed again only when it changed: 600 of them at a national scale.
    const file = await readCached(dir, trackFile, options, false);
    hashed.push({ path: trackFile, hash: file.hash });
    const cached = options.cache?.get(trackFile);
    const parsed = cached?.track ?? parseTrack((file.content ?? (await io.read(join(dir, trackFile)))).toString("utf8"), trackFile);
    if (cached) cached.track = parsed;
    problems.add(parsed.problems);
    if (parsed.track) entry.track = { id, ...parsed.track };
  } else {
    const near = children.find((c) => c.isFile() && /^track\.ya?ml$/i.test(c.name));
    problems.error(
      trackFile,
      1,
      near
        ? `Thư mục chủ đề \`${id}/\` có tệp \`${near.name}\`; hãy đổi tên thành \`track.yaml\` (chữ thường).`
        : `Thư mục chủ đề \`${id}/\` thiếu tệp track.yaml (tên chủ đề, mô tả, thứ tự); hãy tạo tệp này theo mẫu trong curriculum/README.md.`,
    );
  }

  const lessonFiles: Array<{ name: string; order: number }> = [];
  for (const child of children) {
    const rel = `${id}/${child.name}`;
    if (child.isSymbolicLink()) {
      problems.error(rel, 1, linkMessage(rel));
      continue;
    }
    if (child.isDirectory()) {
      for (const nested of await walkFiles(io, dir, rel)) {
        if (nested.toLowerCase().endsWith(".md")) {
          problems.warn(nested, 1, `Tệp này nằm trong thư mục con nên không được nạp; bài học phải nằm ngay trong \`${id}/\`.`);
        }
      }
      continue;
    }
    if (!child.name.toLowerCase().endsWith(".md") || child.name.toLowerCase() === "readme.md") continue;
    const match = LESSON_FILE.exec(child.name);
    if (!match) {
      const fixed = /^\d-/.test(child.name) ? ` (ví dụ \`0${child.name}\`)` : "";
      problems.error(
        rel,
        1,
        `Tên tệp bài học phải bắt đầu bằng hai chữ số và dấu gạch ngang, ví dụ \`01-mat-khau.md\`${fixed}; con số là thứ tự bài trong chủ đề.`,
      );
      continue;
    }
    lessonFiles.push({ name: child.name, order: Number(match[1]) });
  }

  const seenOrders = new Map<number, string>();
  // Read together, then parsed together (on every core when there are many; see parse-pool.ts): at thousands of
  // lessons, waiting for each file in turn was a third of the time.
  const files = await Promise.all(lessonFiles.map(({ name }) => readCached(dir, `${id}/${name}`, options)));
  const fresh = await parser.parse(
    lessonFiles.flatMap(({ name, order }, k) => {
      const file = files[k] as CachedFile;
      return file.parsed ? [] : [{ bytes: file.content ?? new Uint8Array(), file: `${id}/${name}`, trackId: id, order }];
    }),
  );
  for (const [k, { name, order }] of lessonFiles.entries()) {
    const rel = `${id}/${name}`;
    const other = seenOrders.get(order);
    if (other) {
      problems.warn(rel, 1, `Bài này cùng số thứ tự ${String(order).padStart(2, "0")} với \`${other}\`; hãy đổi số để thứ tự bài rõ ràng.`);
    }
    seenOrders.set(order, rel);
    const file = files[k] as CachedFile;
    hashed.push({ path: rel, hash: file.hash });
    const parsed = file.parsed ?? (fresh.shift() as ParseLessonResult);
    const cached = options.cache?.get(rel);
    if (cached) cached.result = parsed;
    problems.add(parsed.problems);
    entry.lessons.push({ file: rel, lesson: parsed.lesson, meta: parsed.meta });
  }
  return entry;
}

const sha1 = (content: Buffer) => createHash("sha1").update(content).digest("hex");

interface CachedFile {
  hash: string;
  /** The content, when the file had to be read. */
  content?: Buffer;
  /** The lesson parsed from this very content before. */
  parsed?: ParseLessonResult;
}

/**
 * A file's hash, read from disk only when its size or times changed since the last load. The parse is reused on the
 * same day only: a source's `checked` date may have been in the future yesterday.
 */
async function readCached(dir: string, rel: string, options: LoadOptions, lesson = true): Promise<CachedFile> {
  const path = join(dir, rel);
  if (!options.cache) {
    const content = await readFile(path);
    return { hash: sha1(content), content };
  }
  // Synchronous, for the reason SYNC_IO gives.
  const info = statSync(path);
  const stamp = `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
  const day = vnIsoDate((options.now ?? new Date()).getTime());
  const known = options.cache.get(rel);
  if (known?.stamp === stamp) {
    if (!lesson) return { hash: known.hash };
    if (known.day === day && known.result) return { hash: known.hash, parsed: known.result };
  }
  const content = readFileSync(path);
  const hash = sha1(content);
  options.cache.set(rel, { stamp, hash, day });
  return { hash, content };
}

async function checkMedia(
  io: Io,
  dir: string,
  lessons: readonly LessonEntry[],
  mediaFiles: readonly string[],
  problems: Problems,
): Promise<void> {
  // Each picture is looked at once, however many lessons use it.
  const seen = new Map<string, Promise<Stats | undefined>>();
  const statOnce = (rel: string) => {
    let info = seen.get(rel);
    if (!info) {
      info = io.stat(join(dir, rel)).catch(() => undefined);
      seen.set(rel, info);
    }
    return info;
  };
  for (const { file, meta } of lessons) {
    for (const image of meta?.images ?? []) {
      const rel = `${MEDIA_DIR}/${image.file}`;
      const extension = image.file.split(".").pop()?.toLowerCase() ?? "";
      if (!image.file.includes(".") || !IMAGE_EXTENSIONS.includes(extension)) {
        problems.error(file, image.line, `Hình \`${image.file}\` không đúng định dạng; chỉ dùng tệp .png, .jpg, .jpeg hoặc .webp.`);
        continue;
      }
      const info = await statOnce(rel);
      if (!info?.isFile()) {
        const sameName = mediaFiles.find((m) => m.toLowerCase() === rel.toLowerCase());
        const near =
          sameName ??
          (() => {
            const guess = suggest(rel, mediaFiles);
            return guess && editDistance(guess, rel) <= 3 ? guess : undefined;
          })();
        problems.error(
          file,
          image.line,
          `Không tìm thấy hình \`${rel}\`${near ? `; có phải ý bạn là \`${near}\`?` : ". Hãy chép hình vào thư mục `media/` hoặc sửa lại tên tệp."}`,
        );
      } else if (info.size === 0) {
        problems.error(file, image.line, `Tệp hình \`${rel}\` rỗng (0 byte); hãy chép lại hình.`);
      } else if (info.size > MAX_IMAGE_BYTES) {
        const mb = (info.size / 1024 / 1024).toFixed(1).replace(".", ",");
        problems.error(
          file,
          image.line,
          `Hình \`${rel}\` nặng ${mb} MB; tối đa 5 MB để gửi được qua Zalo và Telegram. Hãy thu nhỏ hoặc nén hình.`,
        );
      } else if (info.size > LIGHT_IMAGE_BYTES) {
        problems.warn(
          file,
          image.line,
          `Hình \`${rel}\` nặng ${Math.round(info.size / 1024)} KB; nên dưới 300 KB để điện thoại yếu, mạng chậm vẫn tải nhanh.`,
        );
      }
    }
  }
}

function checkDuplicateIds(lessons: readonly LessonEntry[], problems: Problems): void {
  const places = new Map<string, Array<{ file: string; meta: LessonMeta }>>();
  for (const { file, meta } of lessons) {
    if (!meta?.id) continue;
    const list = places.get(meta.id);
    if (list) list.push({ file, meta });
    else places.set(meta.id, [{ file, meta }]);
  }
  for (const [id, found] of places) {
    if (found.length < 2) continue;
    // Lines are looked up only here: finding one means reading the file's YAML again, with positions.
    const where = found.map(({ file, meta }) => ({ file, line: meta.idLine }));
    for (const place of where) {
      const others = where
        .filter((o) => o !== place)
        .map((o) => `\`${o.file}\` (dòng ${o.line})`)
        .join(", ");
      problems.error(place.file, place.line, `Mã bài \`${id}\` bị trùng với bài ${others}; mỗi bài cần một mã riêng.`);
    }
  }
}

function checkRequires(lessons: readonly LessonEntry[], problems: Problems): void {
  const ids = lessons.flatMap((l) => (l.meta?.id ? [l.meta.id] : []));
  const known = new Set(ids);
  for (const { file, meta } of lessons) {
    for (const required of meta?.requires ?? []) {
      if (known.has(required.id)) continue;
      const guess = suggest(required.id, ids);
      problems.error(
        file,
        required.line,
        `\`requires\` ghi bài \`${required.id}\` nhưng không có bài nào mang mã này${guess ? `; có phải ý bạn là \`${guess}\`?` : "."}`,
      );
    }
  }
}

/** Each distinct cycle once, e.g. ["a", "b", "a"], starting from its smallest id. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles = new Map<string, string[]>();
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string) => {
    state.set(id, "visiting");
    stack.push(id);
    for (const next of graph.get(id) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === "visiting") {
        const loop = stack.slice(stack.indexOf(next));
        const start = loop.indexOf([...loop].sort()[0] as string);
        const rotated = [...loop.slice(start), ...loop.slice(0, start)];
        const cycle = [...rotated, rotated[0] as string];
        cycles.set(cycle.join("\0"), cycle);
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(id, "done");
  };
  for (const id of [...graph.keys()].sort()) if (!state.has(id)) visit(id);
  return [...cycles.values()];
}

function checkCycles(lessons: readonly LessonEntry[], problems: Problems): void {
  const byId = new Map<string, LessonEntry>();
  for (const entry of lessons) if (entry.meta?.id && !byId.has(entry.meta.id)) byId.set(entry.meta.id, entry);
  const graph = new Map([...byId].map(([id, entry]) => [id, (entry.meta?.requires ?? []).map((r) => r.id)]));
  for (const cycle of findCycles(graph)) {
    const [first, second] = cycle as [string, string];
    const entry = byId.get(first);
    const line = entry?.meta?.requires.find((r) => r.id === second)?.line ?? entry?.meta?.idLine ?? 1;
    problems.error(
      entry?.file ?? first,
      line,
      `Các bài yêu cầu nhau thành vòng tròn: ${cycle.join(" → ")}. Hãy bỏ một mục trong \`requires\` để có một bài học trước.`,
    );
  }
}

function sortProblems(list: CurriculumProblem[]): CurriculumProblem[] {
  // Array.prototype.sort is stable, so problems on one line keep the order they were found in.
  return list.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

function assemble(dir: string, tracks: readonly TrackEntry[], version: string, problems: Problems): Curriculum {
  const built: Track[] = [];
  for (const entry of tracks) {
    if (!entry.track) continue;
    const lessons = entry.lessons
      .flatMap((l) => (l.lesson ? [l.lesson] : []))
      .sort((a, b) => a.order - b.order || (a.file < b.file ? -1 : 1));
    if (lessons.length === 0) {
      problems.warn(entry.file, 1, `Chủ đề \`${entry.id}\` chưa có bài học nào nên sẽ không hiện trong menu.`);
      continue;
    }
    built.push({ ...entry.track, lessons });
  }
  built.sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1));
  const lessons = new Map(built.flatMap((t) => t.lessons.map((l) => [l.id, l] as const)));
  return { tracks: built, lessons, version, mediaDir: resolve(dir, MEDIA_DIR) };
}

function checkTrackOrders(tracks: readonly TrackEntry[], problems: Problems): void {
  const seen = new Map<number, string>();
  for (const entry of tracks) {
    if (!entry.track) continue;
    const other = seen.get(entry.track.order);
    if (other) {
      problems.warn(
        entry.file,
        1,
        `Chủ đề này có cùng \`order: ${entry.track.order}\` với \`${other}\`; hãy đổi số để thứ tự trong menu rõ ràng.`,
      );
    }
    seen.set(entry.track.order, entry.file);
  }
}

export async function loadCurriculum(dir: string, options: LoadOptions = {}): Promise<LoadReport> {
  const root = resolve(dir);
  const problems = new Problems();
  const hashed: HashedFile[] = [];
  const io = ioOf(options);
  const rootInfo = await io.stat(root).catch(() => undefined);
  if (!rootInfo?.isDirectory()) {
    problems.error(root, 1, `Không tìm thấy thư mục nội dung \`${root}\`; hãy kiểm tra biến CURRICULUM_DIR.`);
    return { problems: problems.list, stats: { tracks: 0, lessons: 0 } };
  }
  return loadFrom(root, io, options, problems, hashed);
}

async function loadFrom(root: string, io: Io, options: LoadOptions, problems: Problems, hashed: HashedFile[]): Promise<LoadReport> {
  const trackIds: string[] = [];
  let mediaFiles: string[] = [];
  for (const entry of await listDir(io, root)) {
    if (entry.isSymbolicLink()) problems.error(entry.name, 1, linkMessage(entry.name));
    else if (entry.isFile()) {
      const name = entry.name.toLowerCase();
      if (name.endsWith(".md") && name !== "readme.md") problems.error(entry.name, 1, outsideTrackMessage(entry.name));
    } else if (entry.isDirectory() && entry.name === MEDIA_DIR) {
      mediaFiles = (await walkFiles(io, root, MEDIA_DIR, problems)).filter((file) => {
        if (!file.toLowerCase().endsWith(".md")) return true;
        problems.error(file, 1, outsideTrackMessage(file));
        return false;
      });
      for (const file of mediaFiles) hashed.push({ path: file, hash: (await readCached(root, file, options, false)).hash });
    } else if (entry.isDirectory()) trackIds.push(entry.name);
  }

  // Listed first: how many lessons there are decides whether they are parsed on every core. A reload with a cache
  // parses only what was edited, which is known only as the files are read.
  const listed = await Promise.all(trackIds.map(async (id) => ({ id, children: await listDir(io, join(root, id)) })));
  const count = listed.reduce((n, t) => n + t.children.filter((c) => c.isFile() && LESSON_FILE.test(c.name)).length, 0);
  const parser = lessonParser({ ...options, ...(options.cache?.size ? {} : { lessons: count }) });
  let tracks: TrackEntry[];
  try {
    const limit = pLimit(TRACKS_AT_ONCE);
    tracks = await Promise.all(
      listed.map(({ id, children }) => limit(() => readTrack(root, id, children, problems, hashed, options, parser))),
    );
  } finally {
    await parser.close();
  }
  const lessons = tracks.flatMap((t) => t.lessons);
  if (options.cache) {
    // Files removed or renamed since the last load leave the cache with them.
    const present = new Set(hashed.map((f) => f.path));
    for (const file of options.cache.keys()) if (!present.has(file)) options.cache.delete(file);
  }
  await checkMedia(io, root, lessons, mediaFiles, problems);
  checkDuplicateIds(lessons, problems);
  checkRequires(lessons, problems);
  checkCycles(lessons, problems);
  checkTrackOrders(tracks, problems);

  const stats = { tracks: tracks.length, lessons: lessons.length };
  const hasErrors = () => problems.list.some((p) => p.severity === "error");
  if (hasErrors()) return { problems: sortProblems(problems.list), stats };
  const curriculum = assemble(root, tracks, versionOf(hashed), problems);
  if (curriculum.tracks.length === 0) {
    problems.error(".", 1, "Chưa có chủ đề nào có bài học; hãy tạo một thư mục chủ đề có track.yaml và ít nhất một bài.");
    return { problems: sortProblems(problems.list), stats };
  }
  return { curriculum, problems: sortProblems(problems.list), stats, files: hashed };
}
