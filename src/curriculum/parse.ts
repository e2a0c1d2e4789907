// Parses one lesson file or one track.yaml into the in-memory types, collecting every problem an
// admin can fix with its real file line. Pure: no file system, no clock unless passed in.
//
// A lesson file is YAML front matter between two `---` lines (read with js-yaml, located with `yaml`, validated with
// zod) and a Markdown body (read into an mdast tree by markdown.ts and walked node by node).

import { CORE_SCHEMA, load as loadYaml } from "js-yaml";
import type { Blockquote, Heading, List, ListItem, Paragraph, PhrasingContent, RootContent } from "mdast";
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument, type YAMLError } from "yaml";
import { z } from "zod";
import { vnIsoDate } from "../time.js";
import { parseMarkdown } from "./markdown.js";
import type { CheckpointOption, CurriculumProblem, Image, Lesson, QuizOption, Source, Step, Track } from "./types.js";

// ---------------------------------------------------------------------------------------------
// Limits (curriculum-format.md and format-spec.md)

/** Zalo's limit for one text message; the strictest channel. */
export const MAX_MESSAGE_CHARS = 2000;
/** Longer labels do not fit a button or one phone line. */
export const MAX_OPTION_CHARS = 40;
export const MAX_SENTENCE_WORDS = 25;
export const WARN_STEPS = 8;
export const MAX_STEPS = 12;
export const MIN_QUIZ_OPTIONS = 2;
export const MAX_QUIZ_OPTIONS = 5;

export const ID_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const LEVELS = ["co-ban", "trung-binh", "nang-cao"] as const;

/** DigComp 2.2 and TT 02/2025 areas, and the life-skills (KNS) codes agreed with the content team. */
export const COMPETENCES: readonly string[] = (() => {
  const digcomp: Array<[number, number]> = [
    [1, 3],
    [2, 6],
    [3, 4],
    [4, 4],
    [5, 4],
  ];
  const codes: string[] = [];
  for (const [area, count] of digcomp) {
    for (let i = 1; i <= count; i++) codes.push(`digcomp-${area}.${i}`);
  }
  for (const [area, count] of [...digcomp, [6, 3] as [number, number]]) {
    for (let i = 1; i <= count; i++) codes.push(`tt02-${area}.${i}`);
  }
  codes.push("kns-0.1", "kns-0.2", "kns-1.1", "kns-1.2", "kns-1.3");
  return codes;
})();

// ---------------------------------------------------------------------------------------------
// Problems

type Report = (line: number, message: string) => void;

interface ProblemSink {
  problems: CurriculumProblem[];
  error: Report;
  warn: Report;
  hasErrors(): boolean;
}

function problemSink(file: string): ProblemSink {
  const problems: CurriculumProblem[] = [];
  return {
    problems,
    error: (line, message) => problems.push({ file, line, message, severity: "error" }),
    warn: (line, message) => problems.push({ file, line, message, severity: "warning" }),
    hasErrors: () => problems.some((p) => p.severity === "error"),
  };
}

// ---------------------------------------------------------------------------------------------
// Small text helpers

/** Character count as a person counts them (an emoji or "ệ" is one), not UTF-16 units. */
export function charCount(text: string): number {
  return [...text].length;
}

export function stripDiacritics(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D");
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(above + 1, (prev[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return prev[b.length] ?? 0;
}

/** Admins type field names without diacritics, in Vietnamese, or in English synonyms. */
const KEY_ALIASES: Record<string, string> = {
  "tieu-de": "title",
  ten: "title",
  name: "title",
  "thoi-gian": "minutes",
  phut: "minutes",
  "so-phut": "minutes",
  time: "minutes",
  duration: "minutes",
  "muc-do": "level",
  "cap-do": "level",
  "trinh-do": "level",
  "nang-luc": "competences",
  "can-hoc-truoc": "requires",
  prerequisites: "requires",
  nguon: "sources",
  ngay: "checked",
  date: "checked",
  "ngay-kiem-tra": "checked",
  link: "url",
  "duong-dan": "url",
  "mo-ta": "description",
  "thu-tu": "order",
  "doi-tuong": "audience",
};

/** The known word an admin most likely meant, or undefined when nothing is close. */
export function suggest(word: string, known: readonly string[]): string | undefined {
  const normalized = stripDiacritics(word.trim().toLowerCase()).replace(/[\s_]+/g, "-");
  const alias = KEY_ALIASES[normalized];
  if (alias && known.includes(alias)) return alias;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(normalized, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return undefined;
  const allowed = normalized.length <= 4 ? 1 : normalized.length <= 8 ? 2 : 3;
  return best.distance <= allowed && best.distance < normalized.length ? best.candidate : undefined;
}

function quoteShort(text: string, words = 8): string {
  const parts = text.replace(/\*\*/g, "").split(/\s+/).filter(Boolean);
  return parts.length > words ? `${parts.slice(0, words).join(" ")} …` : parts.join(" ");
}

/** Today's date (YYYY-MM-DD) in Vietnam, where the admins are. */

// ---------------------------------------------------------------------------------------------
// YAML with line numbers

interface YamlBlock {
  /** The YAML text and its value. */
  text: string;
  value: unknown;
  /** The parsed document with node ranges, built only when a line number is needed. */
  doc(): Document;
  lineAt(offset: number): number;
  firstLine: number;
}

/** Plain-language hints for the YAML mistakes admins actually make. */
function yamlHint(error: YAMLError): string {
  switch (error.code) {
    case "BLOCK_AS_IMPLICIT_KEY":
      return 'có dấu `: ` nằm giữa giá trị, hoặc dòng bị thụt lề sai. Nếu giá trị có dấu hai chấm, hãy đặt cả giá trị trong dấu ngoặc kép, ví dụ: `title: "Mã OTP: là gì?"`.';
    case "MULTILINE_IMPLICIT_KEY":
      return "dòng này thiếu dấu `:` sau tên trường, hoặc dòng phía trên bị thụt lề sai. Mỗi dòng phải có dạng `tên: giá trị`.";
    case "DUPLICATE_KEY":
      return "trường này đã có ở phía trên; mỗi trường chỉ ghi một lần, hãy xoá một dòng.";
    case "TAB_AS_INDENT":
      return "dòng này thụt lề bằng phím Tab; hãy thay bằng dấu cách.";
    case "BAD_INDENT":
      return "thụt lề chưa thẳng hàng, hoặc thiếu dấu đóng `]`.";
    case "MISSING_CHAR":
      return /quote/i.test(error.message)
        ? "thiếu dấu ngoặc kép đóng; hãy kiểm tra giá trị có mở ngoặc mà chưa đóng."
        : "thiếu ký tự: kiểm tra dấu `-` ở đầu mỗi mục danh sách, dấu `:` và thụt lề cho thẳng hàng.";
    default:
      return "hãy kiểm tra dấu `:`, dấu ngoặc và thụt lề ở dòng này và dòng phía trên.";
  }
}

/**
 * Values are read with js-yaml (core schema: dates stay text), which is several times faster; the slower `yaml`
 * parser, which knows where each node is, runs only to explain a syntax error or to point at a line.
 */
function readYaml(text: string, firstLine: number, sink: ProblemSink, what: string): YamlBlock | undefined {
  let value: unknown;
  let fast = true;
  try {
    value = loadYaml(text, { schema: CORE_SCHEMA });
  } catch {
    fast = false;
  }
  let parsed: { doc: Document; counter: LineCounter } | undefined;
  const full = () => {
    if (!parsed) {
      const counter = new LineCounter();
      parsed = { doc: parseDocument(text, { lineCounter: counter, uniqueKeys: true }), counter };
    }
    return parsed;
  };
  if (!fast) {
    const { doc } = full();
    const first = doc.errors[0];
    if (first) {
      // Later errors are usually echoes of the first one; one clear message is more useful.
      const line = (first.linePos?.[0]?.line ?? 1) + firstLine - 1;
      sink.error(line, `${what} sai cú pháp: ${yamlHint(first)}`);
      return undefined;
    }
    value = doc.toJS();
  }
  return {
    text,
    value,
    doc: () => full().doc,
    lineAt: (offset: number) => full().counter.linePos(offset).line + firstLine - 1,
    firstLine,
  };
}

/**
 * File line of the YAML node at `path`: the key's line for map entries (so "unknown field" and
 * "bad value" point at the field), the item's line for list entries, and the deepest existing
 * parent when the path is missing.
 */
function lineOfPath(block: YamlBlock, path: readonly PropertyKey[]): number {
  let node: unknown = block.doc().contents;
  let line = node && hasRange(node) ? block.lineAt(node.range[0]) : block.firstLine;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return line;
      if (hasRange(pair.key)) line = block.lineAt(pair.key.range[0]);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (!item) return line;
      if (hasRange(item)) line = block.lineAt(item.range[0]);
      node = item;
    } else {
      return line;
    }
  }
  return line;
}

function hasRange(node: unknown): node is { range: [number, number, number] } {
  return typeof node === "object" && node !== null && Array.isArray((node as { range?: unknown }).range);
}

// ---------------------------------------------------------------------------------------------
// Field validation with zod, messages in Vietnamese

/** YAML `requires: a` (one item) and `requires:` (empty) mean what the admin obviously meant. */
const listOf = <T extends z.ZodType>(item: T) => z.preprocess((v) => (typeof v === "string" ? [v] : v), z.array(item));
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null ? undefined : v), schema.optional());

function checkedDate(today: string) {
  return z.string().superRefine((value, ctx) => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
    const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
    if (!match || !date || date.toISOString().slice(0, 10) !== value.trim()) {
      ctx.addIssue({
        code: "custom",
        message: `ngày \`${value}\` không đúng dạng NĂM-THÁNG-NGÀY hoặc không có thật; ví dụ đúng: \`2026-03-01\`.`,
      });
    } else if (value.trim() > today) {
      ctx.addIssue({
        code: "custom",
        message: `ngày \`${value}\` nằm trong tương lai (hôm nay là ${today}); hãy ghi ngày bác đã thực sự kiểm tra nguồn.`,
      });
    }
  });
}

/** Buttons that do something real when pressed: sending a file, paying, confirming a change. */
const REAL_ACTION = /\*\*(?:Gửi|Gửi hồ sơ|Nộp|Nộp hồ sơ|Nộp lệ phí|Thanh toán|Đồng ý và gửi|Lưu thay đổi)\*\*/u;

/** One schema a day: building it costs more than using it, and a curriculum has thousands of lessons. */
const lessonSchemas = new Map<string, ReturnType<typeof buildLessonSchema>>();
function lessonSchema(today: string) {
  let schema = lessonSchemas.get(today);
  if (!schema) {
    lessonSchemas.clear();
    schema = buildLessonSchema(today);
    lessonSchemas.set(today, schema);
  }
  return schema;
}

function buildLessonSchema(today: string) {
  return z.strictObject({
    id: z.string().regex(ID_PATTERN),
    title: z.string().trim().min(1).max(80),
    minutes: z.number().int().min(1).max(30),
    level: z.enum(LEVELS),
    competences: listOf(z.enum(COMPETENCES as [string, ...string[]])).pipe(z.array(z.string()).min(1)),
    requires: optional(listOf(z.string().regex(ID_PATTERN))),
    sources: z
      .array(
        z.strictObject({
          url: z.url({ protocol: /^https?$/ }),
          title: optional(z.string().trim().min(1).max(200)),
          checked: checkedDate(today),
          direct: optional(z.boolean()),
        }),
      )
      .min(1),
    unverified: optional(listOf(z.number().int().min(1))),
    real: optional(listOf(z.number().int().min(1))),
    questions: optional(listOf(z.string().trim().min(5).max(200))),
  });
}

const LESSON_KEYS = ["id", "title", "minutes", "level", "competences", "requires", "sources", "unverified", "real", "questions"];
const SOURCE_KEYS = ["url", "title", "checked", "direct"];

const LESSON_HINTS: Record<string, string> = {
  id: "mã bài viết bằng chữ thường không dấu, số và dấu gạch ngang, ví dụ `vneid-kich-hoat`",
  title: "tên bài học, dài từ 1 đến 80 ký tự",
  minutes: "số phút để học bài, là số nguyên từ 1 đến 30",
  level: "một trong ba mức `co-ban`, `trung-binh`, `nang-cao`",
  competences: "danh sách ít nhất một mã năng lực, ví dụ `[digcomp-2.6, tt02-2.6]`",
  "competences.*":
    "mã năng lực có trong khung: `digcomp-1.1`…`digcomp-5.4`, `tt02-1.1`…`tt02-6.3`, `kns-0.1`, `kns-0.2`, `kns-1.1`…`kns-1.3` (xem curriculum/README.md)",
  requires: "danh sách mã các bài cần học trước, ví dụ `[vneid-cai-dat]`",
  "requires.*": "mã bài viết bằng chữ thường không dấu, số và dấu gạch ngang, ví dụ `vneid-cai-dat`",
  sources: "danh sách ít nhất một nguồn, mỗi nguồn có dòng `- url: https://…` và dòng `checked: 2026-03-01`",
  "sources.*": "một nguồn gồm `url:` và `checked:` (có thể thêm `title:`)",
  "sources.*.url": "địa chỉ trang web đầy đủ, bắt đầu bằng `https://` hoặc `http://`",
  "sources.*.title": "tên trang hoặc bài báo, dài từ 1 đến 200 ký tự",
  "sources.*.checked": "ngày kiểm tra dạng NĂM-THÁNG-NGÀY, ví dụ `2026-03-01`",
  "sources.*.direct": "`false` khi `url` chỉ là trang chủ vì bài gốc không dẫn trực tiếp được",
  unverified: "danh sách số thứ tự các bước chưa kiểm chứng được, ví dụ `[3]`",
  "unverified.*": "số thứ tự của một bước, là số nguyên từ 1",
  real: "danh sách số thứ tự các bước làm việc thật (gửi hồ sơ, trả tiền, đổi tài khoản), ví dụ `[5]`",
  "real.*": "số thứ tự của một bước, là số nguyên từ 1",
  questions: "danh sách câu hỏi mẫu, mỗi dòng `- …` là một câu người dân hay hỏi, ví dụ `- lam sao kich hoat vneid muc 2`",
  "questions.*": "một câu hỏi mẫu, dài từ 5 đến 200 ký tự",
};

const trackSchema = z.strictObject({
  title: z.string().trim().min(1).max(60),
  description: z.string().trim().min(1).max(200),
  order: z.number().int().min(1),
  emoji: optional(z.string().trim().min(1).max(16)),
  audience: optional(z.string().trim().min(1).max(200)),
});

const TRACK_KEYS = ["title", "description", "order", "emoji", "audience"];

const TRACK_HINTS: Record<string, string> = {
  title: "tên chủ đề, dài từ 1 đến 60 ký tự",
  description: "mô tả ngắn của chủ đề, dài từ 1 đến 200 ký tự",
  order: "số thứ tự của chủ đề trong menu chính, là số nguyên từ 1",
  emoji: 'một biểu tượng, đặt trong dấu ngoặc kép, ví dụ `"🛡️"`',
  audience: "đối tượng người học, dài tối đa 200 ký tự",
};

interface SchemaContext {
  block: YamlBlock;
  sink: ProblemSink;
  hints: Record<string, string>;
  /** Known keys of each object, by hint key of the object ("" for the root). */
  keys: Record<string, readonly string[]>;
  /** How the root object is named in messages ("thông tin bài học", "track.yaml"). */
  rootName: string;
}

const hintKey = (path: readonly PropertyKey[]) => path.map((segment) => (typeof segment === "number" ? "*" : String(segment))).join(".");

/** "trường `title`", "mục thứ 2 của `competences`", "trường `checked` ở mục thứ 1 của `sources`". */
function fieldLabel(path: readonly PropertyKey[]): string {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (typeof last === "number") return `mục thứ ${last + 1} của \`${String(parent)}\``;
  const indexAt = path.findLastIndex((segment) => typeof segment === "number");
  if (indexAt > 0) {
    const index = path[indexAt] as number;
    return `trường \`${String(last)}\` ở mục thứ ${index + 1} của \`${String(path[indexAt - 1])}\``;
  }
  return `trường \`${String(last)}\``;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "đang để trống";
  if (typeof value === "number") return `đang là số ${value}`;
  if (typeof value === "boolean") return "đang là đúng/sai";
  if (typeof value === "string") return `đang là \`${value.length > 40 ? `${value.slice(0, 40)}…` : value}\``;
  if (Array.isArray(value)) return "đang là một danh sách";
  return "đang là một nhóm trường";
}

function issueDetail(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  if ((issue.code === "too_big" || issue.code === "too_small") && typeof input === "string") {
    return ` (đang dài ${charCount(input)} ký tự)`;
  }
  if ((issue.code === "too_big" || issue.code === "too_small") && Array.isArray(input)) {
    return input.length === 0 ? " (danh sách đang trống)" : ` (đang có ${input.length} mục)`;
  }
  return ` (${describeValue(input)})`;
}

const pathKey = (path: readonly PropertyKey[]) => path.map(String).join("\0");

function reportIssues(issues: readonly z.core.$ZodIssue[], ctx: SchemaContext): void {
  // "tittle: …" already says "did you mean `title`?"; "title is missing" on top would only confuse.
  const suggested = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    for (const key of issue.keys) {
      const guess = suggest(key, ctx.keys[hintKey(issue.path)] ?? []);
      if (guess) suggested.add(pathKey([...issue.path, guess]));
    }
  }
  for (const issue of issues) {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      const known = ctx.keys[hintKey(path)] ?? [];
      const where = path.length === 0 ? ctx.rootName : fieldLabel(path);
      for (const key of issue.keys) {
        const guess = suggest(key, known);
        const line = lineOfPath(ctx.block, [...path, key]);
        ctx.sink.error(
          line,
          guess
            ? `Không có trường \`${key}\` trong ${where}; có phải ý bạn là \`${guess}\`?`
            : `Không có trường \`${key}\` trong ${where}. Các trường được dùng: ${known.join(", ")}.`,
        );
      }
      continue;
    }
    const line = lineOfPath(ctx.block, path);
    if (path.length === 0) {
      ctx.sink.error(line, `${capitalize(ctx.rootName)} đang trống hoặc sai dạng: cần các dòng \`tên: giá trị\`, ví dụ \`title: …\`.`);
      continue;
    }
    const label = fieldLabel(path);
    const hint = ctx.hints[hintKey(path)] ?? "giá trị đúng theo hướng dẫn trong curriculum/README.md";
    const input = (issue as { input?: unknown }).input;
    if (issue.code === "invalid_type" && input === undefined) {
      if (suggested.has(pathKey(path))) continue;
      ctx.sink.error(line, `Thiếu ${label}: cần ${hint}.`);
    } else if (issue.code === "custom") {
      ctx.sink.error(line, `${capitalize(label)}: ${issue.message}`);
    } else {
      ctx.sink.error(line, `${capitalize(label)} không hợp lệ${issueDetail(issue)}: cần ${hint}.`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Front matter

interface FrontMatter {
  yaml: string;
  /** File line of the first YAML line (2: the file starts with `---`). */
  yamlLine: number;
  body: string;
  /** File line of the first body line. */
  bodyLine: number;
}

function splitFrontMatter(source: string, sink: ProblemSink): FrontMatter | undefined {
  const lines = source.split("\n");
  if (lines[0]?.trim() !== "---") {
    sink.error(1, "Bài học phải bắt đầu bằng dòng `---`, tiếp theo là phần thông tin (id, title, minutes…), rồi một dòng `---` nữa.");
    return undefined;
  }
  const close = lines.findIndex((line, i) => i > 0 && (line.trimEnd() === "---" || line.trimEnd() === "..."));
  if (close < 0) {
    sink.error(1, "Phần thông tin đầu bài chưa được đóng: thiếu dòng `---` thứ hai sau các dòng `tên: giá trị`.");
    return undefined;
  }
  return {
    yaml: lines.slice(1, close).join("\n"),
    yamlLine: 2,
    body: lines.slice(close + 1).join("\n"),
    bodyLine: close + 2,
  };
}

/** Editors on Windows add CRLF and a BOM; macOS may save Vietnamese decomposed (NFD). */
function normalizeSource(source: string): string {
  return source
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .normalize("NFC");
}

// ---------------------------------------------------------------------------------------------
// Markdown body

/** A piece of text with the file line where it starts, for sentence warnings. */
interface TextBlock {
  text: string;
  line: number;
}

interface ImageRef {
  url: string;
  alt: string;
  line: number;
}

interface BodyContext {
  sink: ProblemSink;
  /** mdast line (1-based inside the body) → file line. */
  fileLine(line: number | undefined): number;
  trackId: string;
}

const nodeLine = (ctx: BodyContext, node: { position?: { start: { line: number } } }) => ctx.fileLine(node.position?.start.line);

/** Phrasing content as chat text: only **bold** survives as markers; line breaks are kept. */
function renderInline(nodes: readonly PhrasingContent[], images: ImageRef[], ctx: BodyContext): string {
  let out = "";
  for (const node of nodes) {
    switch (node.type) {
      case "text":
        out += node.value;
        break;
      case "strong":
        out += `**${renderInline(node.children, images, ctx)}**`;
        break;
      case "emphasis":
      case "delete":
        out += renderInline(node.children, images, ctx);
        break;
      case "inlineCode":
        out += node.value;
        break;
      case "break":
        out += "\n";
        break;
      case "link": {
        const label = renderInline(node.children, images, ctx);
        out += label === node.url || label === "" ? node.url : `${label} (${node.url})`;
        break;
      }
      case "linkReference":
        out += renderInline(node.children, images, ctx);
        break;
      case "image":
        images.push({ url: node.url, alt: node.alt ?? "", line: nodeLine(ctx, node) });
        break;
      case "imageReference":
        ctx.sink.error(nodeLine(ctx, node), "Hình phải ghi đầy đủ dạng `![mô tả](../media/ten-hinh.png)`.");
        break;
      default:
        // Raw HTML (e.g. <!-- ghi chú -->) is for admins, not learners.
        break;
    }
  }
  return out;
}

const tidy = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();

const plain = (text: string) => text.replace(/\*\*/g, "").replace(/\s+/g, " ").trim();

function renderParagraph(node: Paragraph, images: ImageRef[], ctx: BodyContext): string {
  return tidy(renderInline(node.children, images, ctx));
}

/** Lists inside prose become lines "• item" (or "1. item"); nested lists are indented. */
function renderList(list: List, images: ImageRef[], ctx: BodyContext, checks: TextBlock[], depth = 0): string {
  const indent = "  ".repeat(depth);
  const lines: string[] = [];
  list.children.forEach((item, i) => {
    const marker = list.ordered ? `${(list.start ?? 1) + i}.` : depth === 0 ? "•" : "◦";
    let first = true;
    for (const child of item.children) {
      if (child.type === "list") {
        lines.push(renderList(child, images, ctx, checks, depth + 1));
        continue;
      }
      const text = child.type === "paragraph" ? renderParagraph(child, images, ctx) : blockText(child, images, ctx);
      if (!text) continue;
      checks.push({ text, line: nodeLine(ctx, child) });
      const prefix = first ? `${indent}${marker} ` : `${indent}  `;
      lines.push(prefix + text.split("\n").join(`\n${indent}  `));
      first = false;
    }
  });
  return lines.join("\n");
}

/** Text of any other block (code, nested quote…), used only as a forgiving fallback. */
function blockText(node: RootContent, images: ImageRef[], ctx: BodyContext): string {
  switch (node.type) {
    case "paragraph":
      return renderParagraph(node, images, ctx);
    case "heading":
      return tidy(renderInline(node.children, images, ctx));
    case "code":
      return node.value.trim();
    case "blockquote":
      return node.children
        .map((child) => blockText(child, images, ctx))
        .filter(Boolean)
        .join("\n\n");
    case "list":
      return renderList(node, images, ctx, []);
    default:
      return "";
  }
}

// "Gợi ý:" may be written bold ("**Gợi ý:**"); the prefix is dropped either way.
const TIP_PREFIX = /^\**\s*gợi ý\s*\**\s*:\s*\**\s*/iu;
const EXPLANATION_PREFIX = /^\**\s*giải thích\s*\**\s*:\s*\**\s*/iu;
/** "Giải thích:" on the line right under the last option (no blank line) is a lazy continuation of it. */
const LAZY_EXPLANATION = /\n\s*\**\s*giải thích\s*\**\s*:/iu;

/** What a section body contains, before it is shaped into a step. */
interface SectionContent {
  /** Prose blocks before the options list (and any misplaced after it). */
  text: TextBlock[];
  images: ImageRef[];
  tip?: TextBlock;
  options?: List;
  explanation: TextBlock[];
  /** Every text piece, with its line, for the sentence-length warning. */
  checks: TextBlock[];
}

type SectionKind = "intro" | "instruction" | "checkpoint" | "quiz" | "summary";

function readSection(nodes: readonly RootContent[], kind: SectionKind, ctx: BodyContext): SectionContent {
  const content: SectionContent = { text: [], images: [], explanation: [], checks: [] };
  const hasOptions = kind === "checkpoint" || kind === "quiz";
  const pushText = (text: string, line: number) => {
    if (!text) return;
    const block = { text, line };
    if (content.explanation.length > 0) {
      content.explanation.push(block);
    } else {
      if (hasOptions && content.options) {
        ctx.sink.warn(
          line,
          "Đoạn văn này nằm sau danh sách lựa chọn nên sẽ được gửi trước câu hỏi; hãy chuyển nó lên trên danh sách (hoặc bắt đầu bằng `Giải thích:` nếu là lời giải thích).",
        );
      }
      content.text.push(block);
    }
    content.checks.push(block);
  };

  for (const node of nodes) {
    const line = nodeLine(ctx, node);
    switch (node.type) {
      case "paragraph": {
        const text = renderParagraph(node, content.images, ctx);
        if (kind === "quiz" && EXPLANATION_PREFIX.test(text)) {
          const explanation = { text: text.replace(EXPLANATION_PREFIX, ""), line };
          content.explanation.push(explanation);
          content.checks.push(explanation);
        } else {
          pushText(text, line);
        }
        break;
      }
      case "blockquote":
        readBlockquote(node, content, ctx, pushText);
        break;
      case "list":
        if (hasOptions && !content.options) {
          content.options = node;
          if (kind === "quiz") takeTrailingExplanation(node, content, ctx);
        } else if (hasOptions) {
          ctx.sink.error(
            line,
            "Mỗi phần Kiểm tra hoặc Câu hỏi chỉ có một danh sách lựa chọn; hãy gộp các lựa chọn vào một danh sách liền nhau.",
          );
        } else {
          const text = renderList(node, content.images, ctx, content.checks);
          if (text) {
            pushText(text, line);
            // renderList already recorded each item, with its own line, for the sentence check.
            content.checks.pop();
          }
        }
        break;
      case "heading":
        if (node.depth === 1 && kind === "intro") {
          ctx.sink.warn(line, "Không cần tiêu đề `# ` trong bài: tên bài lấy từ trường `title`. Dòng này sẽ bị bỏ qua.");
        } else {
          ctx.sink.warn(
            line,
            `Tiêu đề \`${"#".repeat(node.depth)} \` không được dùng trong bài; mỗi bước mở đầu bằng \`## \`. Dòng này sẽ hiện như một đoạn văn thường.`,
          );
          pushText(blockText(node, content.images, ctx), line);
        }
        break;
      case "code":
        // Usually a paragraph indented by four spaces by accident: keep the words.
        pushText(node.value.trim(), line);
        break;
      default:
        // html comments, `---` separators, link definitions: nothing for learners.
        break;
    }
  }
  return content;
}

function takeTrailingExplanation(list: List, content: SectionContent, ctx: BodyContext): void {
  const last = list.children[list.children.length - 1];
  if (!last) return;
  const text = itemText(last, [], ctx);
  const match = LAZY_EXPLANATION.exec(text);
  if (!match) return;
  const line = nodeLine(ctx, last) + (text.slice(0, match.index + 1).match(/\n/g)?.length ?? 0);
  const explanation = { text: tidy(text.slice(match.index).trim().replace(EXPLANATION_PREFIX, "")), line };
  content.explanation.push(explanation);
  content.checks.push(explanation);
}

function readBlockquote(node: Blockquote, content: SectionContent, ctx: BodyContext, pushText: (text: string, line: number) => void): void {
  const line = nodeLine(ctx, node);
  const text = node.children
    .map((child) => blockText(child, content.images, ctx))
    .filter(Boolean)
    .join("\n\n");
  if (TIP_PREFIX.test(text)) {
    if (content.tip) {
      ctx.sink.error(line, "Mỗi bước chỉ có một gợi ý `> Gợi ý: …`; hãy gộp hai gợi ý làm một.");
      return;
    }
    content.tip = { text: text.replace(TIP_PREFIX, ""), line };
    content.checks.push(content.tip);
    return;
  }
  ctx.sink.warn(line, "Khối `>` chỉ dùng cho gợi ý và phải bắt đầu bằng `> Gợi ý:`; đoạn này sẽ hiện như văn bản thường.");
  pushText(text, line);
}

// ---------------------------------------------------------------------------------------------
// Steps

interface HeadingInfo {
  kind: "instruction" | "checkpoint" | "quiz" | "summary";
  title: string;
}

const HEADING_PATTERNS: Array<{ kind: HeadingInfo["kind"]; pattern: RegExp }> = [
  { kind: "instruction", pattern: /^bước(?:\s*(\d+))?\s*[:.\-–—]?\s*(.*)$/iu },
  { kind: "checkpoint", pattern: /^kiểm tra\s*[:.\-–—]?\s*(.*)$/iu },
  { kind: "quiz", pattern: /^câu hỏi\s*[:.\-–—]?\s*(.*)$/iu },
  { kind: "summary", pattern: /^tóm tắt\s*[:.\-–—]?\s*(.*)$/iu },
];

const ALLOWED_HEADINGS = "`## Bước 1: …`, `## Kiểm tra: …`, `## Câu hỏi: …` hoặc `## Tóm tắt`";

function classifyHeading(heading: Heading, ctx: BodyContext): HeadingInfo | undefined {
  const text = plain(renderInline(heading.children, [], ctx));
  const line = nodeLine(ctx, heading);
  for (const { kind, pattern } of HEADING_PATTERNS) {
    const match = pattern.exec(text);
    if (!match) continue;
    if (kind === "instruction") {
      if (!match[1]) {
        ctx.sink.error(line, "Tiêu đề bước thiếu số thứ tự: hãy viết dạng `## Bước 1: Mở ứng dụng`.");
        return undefined;
      }
      return { kind, title: (match[2] ?? "").trim() };
    }
    return { kind, title: (match[1] ?? "").trim() };
  }
  const bare = stripDiacritics(text.toLowerCase());
  const near = ["Bước", "Kiểm tra", "Câu hỏi", "Tóm tắt"].find((word) => bare.startsWith(stripDiacritics(word.toLowerCase())));
  ctx.sink.error(
    line,
    near
      ? `Tiêu đề \`## ${text}\` không hợp lệ; có phải ý bạn là \`${near}\` (viết có dấu)?`
      : `Tiêu đề \`## ${text}\` không hợp lệ. Mỗi tiêu đề \`## \` phải bắt đầu bằng ${ALLOWED_HEADINGS}.`,
  );
  return undefined;
}

/** `../media/a.png` from `<track>/NN-x.md` → `a.png`; anything outside media/ is refused. */
function resolveImage(ref: ImageRef, ctx: BodyContext): Image | undefined {
  let url = ref.url;
  try {
    url = decodeURI(url);
  } catch {
    // keep the raw url; the existence check will report it
  }
  const parts: string[] = [ctx.trackId];
  for (const part of url.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  if (/^[a-z]+:/i.test(url) || parts[0] !== "media" || parts.length < 2) {
    ctx.sink.error(ref.line, `Hình \`${ref.url}\` phải nằm trong thư mục \`media/\` và được ghi dạng \`![mô tả](../media/ten-hinh.png)\`.`);
    return undefined;
  }
  if (!ref.alt.trim()) {
    ctx.sink.warn(ref.line, "Hình nên có mô tả ngắn trong `![…]`, ví dụ `![Màn hình chính VNeID](…)`.");
  }
  return { file: parts.slice(1).join("/"), alt: ref.alt.trim() };
}

function oneImage(content: SectionContent, ctx: BodyContext, where: string): { image?: Image; refs: ImageRef[] } {
  const [first, second] = content.images;
  if (second) ctx.sink.error(second.line, `Mỗi ${where} chỉ có tối đa một hình; hãy tách thành hai bước.`);
  const image = first ? resolveImage(first, ctx) : undefined;
  return { image, refs: first && image ? [{ ...first, url: image.file }] : [] };
}

const joinBlocks = (blocks: readonly TextBlock[]) =>
  blocks
    .map((b) => b.text)
    .filter(Boolean)
    .join("\n\n");

function checkOptionLabel(label: string, line: number, ctx: BodyContext): void {
  if (!label) {
    ctx.sink.error(line, "Lựa chọn này đang trống; hãy viết nội dung sau dấu `-`.");
  } else if (charCount(label) > MAX_OPTION_CHARS) {
    ctx.sink.error(
      line,
      `Lựa chọn “${label}” dài ${charCount(label)} ký tự; tối đa ${MAX_OPTION_CHARS} ký tự để vừa một nút bấm. Hãy viết ngắn lại.`,
    );
  }
}

function checkDuplicateLabels(labels: Array<{ label: string; line: number }>, ctx: BodyContext): void {
  const seen = new Set<string>();
  for (const { label, line } of labels) {
    const key = label.toLowerCase();
    if (label && seen.has(key)) ctx.sink.error(line, `Có hai lựa chọn giống nhau “${label}”; mỗi lựa chọn phải khác nhau.`);
    seen.add(key);
  }
}

/** Text of a list item: its paragraphs (and nested lists) joined. */
function itemText(item: ListItem, images: ImageRef[], ctx: BodyContext): string {
  return item.children
    .map((child) => blockText(child, images, ctx))
    .filter(Boolean)
    .join("\n\n");
}

function readCheckpointOptions(list: List | undefined, headingLine: number, content: SectionContent, ctx: BodyContext) {
  const options: CheckpointOption[] = [];
  if (!list) {
    ctx.sink.error(headingLine, "Phần Kiểm tra cần một danh sách ít nhất 2 lựa chọn, ví dụ `- Đã thấy` và `- Chưa thấy: lời giúp…`.");
    return options;
  }
  const labels: Array<{ label: string; line: number }> = [];
  for (const item of list.children) {
    const line = nodeLine(ctx, item);
    const text = itemText(item, content.images, ctx);
    if (/^\[[ xX]\]/.test(text)) {
      ctx.sink.error(
        line,
        "Lựa chọn của phần Kiểm tra không dùng `[ ]` hay `[x]`. Nếu đây là câu hỏi có đáp án đúng, hãy đổi tiêu đề thành `## Câu hỏi: …`.",
      );
      continue;
    }
    // The first ": " separates the label from the help shown when this option is chosen;
    // "**Chưa thấy:** …" is read as "**Chưa thấy**: …".
    const normalized = text.replace(/^\*\*([^*]+?):\*\*/, "**$1**:");
    const match = /^([\s\S]*?):(?:\s+([\s\S]*)|\s*$)/.exec(normalized);
    const label = plain(match ? (match[1] ?? "") : normalized);
    const help = match ? tidy(match[2] ?? "") : "";
    if (match && !help) {
      ctx.sink.error(line, `Sau dấu \`:\` của lựa chọn “${label}” cần có lời giúp; nếu không cần giúp thì bỏ dấu \`:\`.`);
    }
    checkOptionLabel(label, line, ctx);
    labels.push({ label, line });
    if (help) content.checks.push({ text: help, line });
    options.push(help ? { label, help } : { label });
  }
  checkDuplicateLabels(labels, ctx);
  const listLine = nodeLine(ctx, list);
  if (list.children.length < 2) {
    ctx.sink.error(
      listLine,
      `Phần Kiểm tra cần ít nhất 2 lựa chọn (đang có ${list.children.length}), ví dụ \`- Đã thấy\` và \`- Chưa thấy: lời giúp…\`.`,
    );
  } else if (options.length === list.children.length && options.every((o) => o.help)) {
    ctx.sink.error(listLine, "Cần ít nhất một lựa chọn không có lời giúp (ví dụ `- Đã thấy`) để người học đi tiếp sang bước sau.");
  }
  return options;
}

function readQuizOptions(list: List | undefined, headingLine: number, content: SectionContent, ctx: BodyContext) {
  const options: QuizOption[] = [];
  if (!list) {
    ctx.sink.error(headingLine, "Câu hỏi cần một danh sách lựa chọn dạng `- [ ] đáp án sai` và `- [x] đáp án đúng`.");
    return options;
  }
  const labels: Array<{ label: string; line: number }> = [];
  const correctLines: number[] = [];
  list.children.forEach((item, i) => {
    const line = nodeLine(ctx, item);
    let text = itemText(item, content.images, ctx);
    // The explanation glued under the last option was taken by takeTrailingExplanation.
    const explanationAt = i === list.children.length - 1 ? LAZY_EXPLANATION.exec(text) : null;
    if (explanationAt) text = text.slice(0, explanationAt.index);
    const match = /^\[([ xX])\]\s*([\s\S]*)$/.exec(text);
    if (!match) {
      ctx.sink.error(line, "Mỗi lựa chọn của câu hỏi phải bắt đầu bằng `[ ]` (sai) hoặc `[x]` (đúng), ví dụ `- [x] Không ai cả`.");
      return;
    }
    const correct = match[1] !== " ";
    const label = plain(match[2] ?? "");
    if (correct) correctLines.push(line);
    checkOptionLabel(label, line, ctx);
    labels.push({ label, line });
    options.push({ label, correct });
  });
  checkDuplicateLabels(labels, ctx);
  const count = list.children.length;
  const listLine = nodeLine(ctx, list);
  if (count < MIN_QUIZ_OPTIONS || count > MAX_QUIZ_OPTIONS) {
    ctx.sink.error(listLine, `Câu hỏi có ${count} lựa chọn; cần từ ${MIN_QUIZ_OPTIONS} đến ${MAX_QUIZ_OPTIONS} lựa chọn.`);
  }
  if (options.length === count && correctLines.length === 0) {
    ctx.sink.error(listLine, "Câu hỏi chưa có đáp án đúng; hãy đánh dấu đúng một lựa chọn bằng `[x]`, ví dụ `- [x] Không ai cả`.");
  } else if (correctLines.length > 1) {
    ctx.sink.error(
      correctLines[1] ?? listLine,
      `Câu hỏi có ${correctLines.length} đáp án đúng ([x]); mỗi câu hỏi chỉ được có đúng một đáp án đúng.`,
    );
  }
  return options;
}

/** The message a channel sends for a step: title, text, and options as lines when there are no buttons. */
function stepMessageLength(title: string, text: string, options: ReadonlyArray<{ label: string }>): number {
  const lines = options.map((o, i) => `${i + 1}. ${o.label}`);
  return charCount([title, text, ...lines].filter(Boolean).join("\n\n"));
}

function checkLength(text: string | undefined, line: number, what: string, ctx: BodyContext): void {
  if (!text) return;
  const length = charCount(text);
  if (length > MAX_MESSAGE_CHARS) {
    ctx.sink.error(
      line,
      `${what} dài ${length} ký tự; một tin nhắn chỉ gửi được tối đa ${MAX_MESSAGE_CHARS} ký tự (giới hạn của Zalo). Hãy viết gọn lại hoặc tách thành hai bước.`,
    );
  }
}

/** Long sentences are hard to read on a phone for people new to the internet. */
function checkSentences(blocks: readonly TextBlock[], ctx: BodyContext): void {
  for (const block of blocks) {
    const text = block.text.replace(/\*\*/g, "");
    const pattern = /[^.!?…\n]+(?:[.!?…]+|$)/gmu;
    for (const match of text.matchAll(pattern)) {
      const sentence = match[0].replace(/^[\s•◦]+|^\d+\.\s+/u, "");
      const words = sentence.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
      if (words.length <= MAX_SENTENCE_WORDS) continue;
      const line = block.line + (text.slice(0, match.index).match(/\n/g)?.length ?? 0);
      ctx.sink.warn(
        line,
        `Câu dài ${words.length} từ (“${quoteShort(sentence)}”); nên viết câu dưới ${MAX_SENTENCE_WORDS} từ cho người học dễ đọc.`,
      );
    }
  }
}

interface BodyResult {
  intro: string;
  steps: Step[];
  summary?: string;
  images: ImageRef[];
}

interface Section {
  heading: Heading;
  nodes: RootContent[];
}

function splitSections(children: readonly RootContent[]): { intro: RootContent[]; sections: Section[] } {
  const intro: RootContent[] = [];
  const sections: Section[] = [];
  for (const node of children) {
    if (node.type === "heading" && node.depth === 2) sections.push({ heading: node, nodes: [] });
    else (sections[sections.length - 1]?.nodes ?? intro).push(node);
  }
  return { intro, sections };
}

function parseBody(body: string, bodyLine: number, trackId: string, sink: ProblemSink): BodyResult {
  const ctx: BodyContext = {
    sink,
    trackId,
    fileLine: (line) => (line ?? 1) + bodyLine - 1,
  };
  const tree = parseMarkdown(body);
  const { intro: introNodes, sections } = splitSections(tree.children);
  const images: ImageRef[] = [];

  const intro = readSection(introNodes, "intro", ctx);
  const introText = joinBlocks(intro.text);
  if (!introText) {
    sink.error(bodyLine, "Bài học cần một đoạn mở đầu trước bước đầu tiên, ví dụ “Mục tiêu: sau bài này, bác tự … được.”");
  }
  for (const image of intro.images) sink.error(image.line, "Phần mở đầu không đặt hình; hãy đặt hình trong một bước.");
  if (intro.tip) sink.error(intro.tip.line, "Gợi ý `> Gợi ý:` chỉ dùng trong các bước, không dùng ở phần mở đầu.");
  checkLength(introText, bodyLine, "Phần mở đầu", ctx);
  checkSentences(intro.checks, ctx);

  const steps: Step[] = [];
  let summary: string | undefined;
  let summaryLine: number | undefined;
  let attemptedSteps = 0;

  for (const section of sections) {
    const heading = section.heading;
    const line = nodeLine(ctx, heading);
    const info = classifyHeading(heading, ctx);
    if (info?.kind !== "summary") attemptedSteps++;
    if (!info) continue;
    if (summaryLine !== undefined) {
      sink.error(
        line,
        info.kind === "summary"
          ? "Bài học chỉ có một phần `## Tóm tắt`."
          : `Phần \`## Tóm tắt\` (dòng ${summaryLine}) phải ở cuối bài; hãy chuyển phần này lên trên Tóm tắt.`,
      );
      continue;
    }
    const content = readSection(section.nodes, info.kind, ctx);

    if (info.kind === "summary") {
      summaryLine = line;
      summary = joinBlocks(content.text) || undefined;
      if (!summary) sink.error(line, "Phần `## Tóm tắt` đang trống; hãy viết vài dòng tóm tắt hoặc xoá tiêu đề này.");
      for (const image of content.images) sink.error(image.line, "Phần Tóm tắt không đặt hình; hãy đặt hình trong một bước.");
      if (content.tip) sink.error(content.tip.line, "Gợi ý `> Gợi ý:` chỉ dùng trong các bước, không dùng ở phần Tóm tắt.");
      checkLength(summary, line, "Phần Tóm tắt", ctx);
      checkSentences(content.checks, ctx);
      continue;
    }

    const index = steps.length + 1;
    if (!info.title) {
      sink.error(
        line,
        info.kind === "instruction"
          ? "Bước này chưa có tiêu đề; hãy viết dạng `## Bước 1: Mở ứng dụng`."
          : `Hãy viết câu hỏi sau dấu hai chấm, ví dụ \`## ${info.kind === "quiz" ? "Câu hỏi" : "Kiểm tra"}: Bác đã thấy … chưa?\`.`,
      );
    }
    const text = joinBlocks(content.text);
    const { image, refs } = oneImage(content, ctx, "bước");
    images.push(...refs);
    const tip = content.tip?.text || undefined;
    const base = { index, title: info.title, line, text, ...(image ? { image } : {}), ...(tip ? { tip } : {}) };

    let step: Step;
    if (info.kind === "instruction") {
      if (!text) sink.error(line, "Bước này chưa có nội dung; hãy viết một việc cần làm dưới tiêu đề.");
      step = { ...base, kind: "instruction" };
    } else if (info.kind === "checkpoint") {
      step = { ...base, kind: "checkpoint", options: readCheckpointOptions(content.options, line, content, ctx) };
      for (const option of step.options) checkLength(option.help, line, `Lời giúp của lựa chọn “${option.label}”`, ctx);
    } else {
      const options = readQuizOptions(content.options, line, content, ctx);
      const explanation = joinBlocks(content.explanation) || undefined;
      step = { ...base, kind: "quiz", options, ...(explanation ? { explanation } : {}) };
      checkLength(explanation, content.explanation[0]?.line ?? line, "Lời giải thích", ctx);
    }
    checkLength(tip, content.tip?.line ?? line, "Gợi ý", ctx);
    const optionList = step.kind === "instruction" ? [] : step.options;
    const length = stepMessageLength(step.title, step.text, optionList);
    if (length > MAX_MESSAGE_CHARS) {
      sink.error(
        line,
        `Bước ${index} dài ${length} ký tự; một tin nhắn chỉ gửi được tối đa ${MAX_MESSAGE_CHARS} ký tự (giới hạn của Zalo). Hãy viết gọn lại hoặc tách thành hai bước.`,
      );
    }
    checkSentences(content.checks, ctx);
    steps.push(step);
  }

  if (attemptedSteps === 0) {
    sink.error(bodyLine, "Bài học chưa có bước nào; mỗi bước mở đầu bằng một dòng như `## Bước 1: Mở ứng dụng`.");
  }
  const ninth = steps[WARN_STEPS];
  const thirteenth = steps[MAX_STEPS];
  if (thirteenth) {
    sink.error(thirteenth.line, `Bài học có ${steps.length} bước; tối đa ${MAX_STEPS} bước. Hãy tách thành hai bài.`);
  } else if (ninth) {
    sink.warn(ninth.line, `Bài học có ${steps.length} bước; nên có tối đa ${WARN_STEPS} bước để người học không mệt.`);
  }
  if (steps.length > 0 && !steps.some((s) => s.kind !== "instruction")) {
    sink.warn(1, "Bài học chưa có phần `## Kiểm tra:` hay `## Câu hỏi:` nào; nên có ít nhất một để người học tự kiểm tra.");
  }
  return { intro: introText, steps, summary, images };
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Facts the loader needs for cross-file checks, available even when the lesson has errors. */
export interface LessonMeta {
  id?: string;
  idLine: number;
  requires: Array<{ id: string; line: number }>;
  /** Images used, as file names inside media/, with their lines. */
  images: Array<{ file: string; line: number }>;
}

export interface ParseLessonResult {
  /** Set only when this file has no errors (warnings allowed). */
  lesson?: Lesson;
  problems: CurriculumProblem[];
  meta?: LessonMeta;
}

export interface ParseOptions {
  /** Clock for the "checked date is in the future" rule; tests pass a fixed date. */
  now?: Date;
}

/**
 * What the loader's cross-file checks need, with no reference to the file's text: found by reading the front
 * matter's lines (a top-level key starts its line; a block list's items follow it, one `-` each).
 */
function lessonMeta(block: YamlBlock | undefined, images: ImageRef[]): LessonMeta {
  const raw = block?.value as Record<string, unknown> | null | undefined;
  const id = raw && typeof raw.id === "string" && ID_PATTERN.test(raw.id) ? detached(raw.id) : undefined;
  const requiresRaw = raw?.requires;
  const requiresList = typeof requiresRaw === "string" ? [requiresRaw] : Array.isArray(requiresRaw) ? requiresRaw : [];
  const lines = block?.text.split("\n") ?? [];
  const keyLine = (key: string) => lines.findIndex((l) => new RegExp(`^${key}\\s*:`).test(l));
  const at = (index: number) => (block?.firstLine ?? 1) + Math.max(0, index);
  const requiresAt = keyLine("requires");
  const items: number[] = [];
  if (requiresAt >= 0 && /^requires\s*:\s*(#.*)?$/.test(lines[requiresAt] ?? ""))
    for (let i = requiresAt + 1; i < lines.length && !/^\S/.test(lines[i] ?? ""); i++) if (/^\s*-/.test(lines[i] ?? "")) items.push(i);
  const requires = requiresList.flatMap((value, i) =>
    typeof value === "string" ? [{ id: detached(value), line: at(items[i] ?? requiresAt) }] : [],
  );
  return {
    id,
    idLine: block ? at(keyLine("id")) : 1,
    requires,
    images: images.map((image) => ({ file: detached(image.url), line: image.line })),
  };
}

export function parseLesson(source: string, file: string, trackId: string, order: number, options: ParseOptions = {}): ParseLessonResult {
  const sink = problemSink(file);
  const text = normalizeSource(source);
  const front = splitFrontMatter(text, sink);
  if (!front) return { problems: sink.problems };

  const block = readYaml(front.yaml, front.yamlLine, sink, "Phần thông tin đầu bài (giữa hai dòng `---`)");
  let fields: z.infer<ReturnType<typeof lessonSchema>> | undefined;
  if (block) {
    const today = vnIsoDate((options.now ?? new Date()).getTime());
    const parsed = lessonSchema(today).safeParse(block.value, { reportInput: true });
    if (parsed.success) fields = parsed.data;
    else {
      reportIssues(parsed.error.issues, {
        block,
        sink,
        hints: LESSON_HINTS,
        keys: { "": LESSON_KEYS, "sources.*": SOURCE_KEYS },
        rootName: "thông tin bài học",
      });
    }
  }

  const body = parseBody(front.body, front.bodyLine, trackId, sink);
  const meta = lessonMeta(block, body.images);

  if (fields && block) {
    for (const key of ["unverified", "real"] as const) {
      (fields[key] ?? []).forEach((n, i) => {
        if (n > body.steps.length) {
          sink.error(
            lineOfPath(block, [key, i]),
            `\`${key}\` ghi bước số ${n} nhưng bài chỉ có ${body.steps.length} bước (đếm mọi phần Bước, Kiểm tra, Câu hỏi từ 1).`,
          );
        }
      });
    }
    // A source should open the article itself; a bare home page must say it cannot (`direct: false`).
    fields.sources.forEach((src, i) => {
      if (src.direct === undefined && /^https?:\/\/[^/]+\/?$/.test(src.url))
        sink.warn(
          lineOfPath(block, ["sources", i, "url"]),
          "Nguồn chỉ là trang chủ: hãy ghi địa chỉ của chính bài báo, hoặc thêm `direct: false` nếu bài gốc không dẫn trực tiếp được.",
        );
    });
    // A step that presses a button doing something real must say so, so the learner can go on without doing it.
    const real = new Set(fields.real ?? []);
    body.steps.forEach((step, i) => {
      if (real.has(i + 1) || step.kind !== "instruction") return;
      const button = REAL_ACTION.exec(`${step.title} ${step.text}`)?.[0];
      if (button)
        sink.warn(
          step.line,
          `Bước này bấm ${button}: nếu đó là việc thật (gửi hồ sơ, trả tiền, đổi tài khoản), hãy ghi số ${i + 1} vào \`real\` để người học được nhắc chỉ xem, không bấm thật.`,
        );
    });
  }

  if (fields && !fields.questions?.length)
    sink.warn(1, "Bài chưa có `questions:` (câu hỏi mẫu). Hãy ghi vài câu người dân hay hỏi mà bài này trả lời, để trợ lý tìm đúng bài.");

  if (!fields || sink.hasErrors()) return { problems: sink.problems, meta };
  const sources: Source[] = fields.sources.map((s) => ({
    url: s.url,
    ...(s.title ? { title: s.title } : {}),
    checked: s.checked.trim(),
    ...(s.direct === false ? { direct: false } : {}),
  }));
  const lesson: Lesson = {
    id: fields.id,
    trackId,
    title: fields.title,
    minutes: fields.minutes,
    level: fields.level,
    competences: fields.competences,
    requires: fields.requires ?? [],
    sources,
    unverified: fields.unverified ?? [],
    real: fields.real ?? [],
    questions: fields.questions ?? [],
    intro: body.intro,
    steps: body.steps,
    ...(body.summary ? { summary: body.summary } : {}),
    order,
    file,
  };
  return { lesson: detached(lesson), problems: sink.problems, meta };
}

/**
 * The same value with strings of its own. A string cut from a larger one (every YAML value and Markdown token is)
 * keeps the whole file's text alive; at thousands of lessons that doubled the memory the curriculum takes. V8 copies
 * short cuts anyway, so short strings (kinds, dates, levels) are kept as they are, shared.
 */
function detached<T>(value: T): T {
  if (typeof value === "string") return (value.length < 13 ? value : ` ${value}`.slice(1)) as T;
  if (Array.isArray(value)) return value.map(detached) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = detached(v);
    return out as T;
  }
  return value;
}

/** A track's own fields; the id (folder name) and lessons are added by the loader. */
export type TrackMeta = Omit<Track, "id" | "lessons">;

export interface ParseTrackResult {
  track?: TrackMeta;
  problems: CurriculumProblem[];
}

export function parseTrack(source: string, file: string): ParseTrackResult {
  const sink = problemSink(file);
  const block = readYaml(normalizeSource(source), 1, sink, "Tệp track.yaml");
  if (!block) return { problems: sink.problems };
  const parsed = trackSchema.safeParse(block.value, { reportInput: true });
  if (!parsed.success) {
    reportIssues(parsed.error.issues, {
      block,
      sink,
      hints: TRACK_HINTS,
      keys: { "": TRACK_KEYS },
      rootName: "tệp track.yaml",
    });
    return { problems: sink.problems };
  }
  const { title, description, order, emoji, audience } = parsed.data;
  return {
    track: { title, description, order, ...(emoji ? { emoji } : {}), ...(audience ? { audience } : {}) },
    problems: sink.problems,
  };
}
