// A lesson's or a track's YAML: read with js-yaml, located with `yaml` (only to point at a line), validated with zod,
// every problem in Vietnamese with its file line.

import { CORE_SCHEMA, load as loadYaml } from "js-yaml";
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument, type YAMLError } from "yaml";
import { z } from "zod";
import { COMPETENCES, charCount, ID_PATTERN, LEVELS, type ProblemSink, suggest } from "./common.js";

// ---------------------------------------------------------------------------------------------
// YAML with line numbers

export interface YamlBlock {
  /** The YAML text and its value. */
  text: string;
  value: unknown;
  /** The parsed document with node ranges, built only when a line number is needed. */
  doc(): Document;
  lineAt(offset: number): number;
  firstLine: number;
}

/** Plain-language hints for the YAML mistakes admins actually make. */
export function yamlHint(error: YAMLError): string {
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
export function readYaml(text: string, firstLine: number, sink: ProblemSink, what: string): YamlBlock | undefined {
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
export function lineOfPath(block: YamlBlock, path: readonly PropertyKey[]): number {
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

export function hasRange(node: unknown): node is { range: [number, number, number] } {
  return typeof node === "object" && node !== null && Array.isArray((node as { range?: unknown }).range);
}

// ---------------------------------------------------------------------------------------------
// Field validation with zod, messages in Vietnamese

/** YAML `requires: a` (one item) and `requires:` (empty) mean what the admin obviously meant. */
export const listOf = <T extends z.ZodType>(item: T) => z.preprocess((v) => (typeof v === "string" ? [v] : v), z.array(item));
export const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null ? undefined : v), schema.optional());

export function checkedDate(today: string) {
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
export const REAL_ACTION = /\*\*(?:Gửi|Gửi hồ sơ|Nộp|Nộp hồ sơ|Nộp lệ phí|Thanh toán|Đồng ý và gửi|Lưu thay đổi)\*\*/u;

/** One schema a day: building it costs more than using it, and a curriculum has thousands of lessons. */
export const lessonSchemas = new Map<string, ReturnType<typeof buildLessonSchema>>();
export function lessonSchema(today: string) {
  let schema = lessonSchemas.get(today);
  if (!schema) {
    lessonSchemas.clear();
    schema = buildLessonSchema(today);
    lessonSchemas.set(today, schema);
  }
  return schema;
}

export function buildLessonSchema(today: string) {
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

export const LESSON_KEYS = ["id", "title", "minutes", "level", "competences", "requires", "sources", "unverified", "real", "questions"];
export const SOURCE_KEYS = ["url", "title", "checked", "direct"];

export const LESSON_HINTS: Record<string, string> = {
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

export const trackSchema = z.strictObject({
  title: z.string().trim().min(1).max(60),
  description: z.string().trim().min(1).max(200),
  order: z.number().int().min(1),
  emoji: optional(z.string().trim().min(1).max(16)),
  audience: optional(z.string().trim().min(1).max(200)),
});

export const TRACK_KEYS = ["title", "description", "order", "emoji", "audience"];

export const TRACK_HINTS: Record<string, string> = {
  title: "tên chủ đề, dài từ 1 đến 60 ký tự",
  description: "mô tả ngắn của chủ đề, dài từ 1 đến 200 ký tự",
  order: "số thứ tự của chủ đề trong menu chính, là số nguyên từ 1",
  emoji: 'một biểu tượng, đặt trong dấu ngoặc kép, ví dụ `"🛡️"`',
  audience: "đối tượng người học, dài tối đa 200 ký tự",
};

export interface SchemaContext {
  block: YamlBlock;
  sink: ProblemSink;
  hints: Record<string, string>;
  /** Known keys of each object, by hint key of the object ("" for the root). */
  keys: Record<string, readonly string[]>;
  /** How the root object is named in messages ("thông tin bài học", "track.yaml"). */
  rootName: string;
}

export const hintKey = (path: readonly PropertyKey[]) =>
  path.map((segment) => (typeof segment === "number" ? "*" : String(segment))).join(".");

/** "trường `title`", "mục thứ 2 của `competences`", "trường `checked` ở mục thứ 1 của `sources`". */
export function fieldLabel(path: readonly PropertyKey[]): string {
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

export const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "đang để trống";
  if (typeof value === "number") return `đang là số ${value}`;
  if (typeof value === "boolean") return "đang là đúng/sai";
  if (typeof value === "string") return `đang là \`${value.length > 40 ? `${value.slice(0, 40)}…` : value}\``;
  if (Array.isArray(value)) return "đang là một danh sách";
  return "đang là một nhóm trường";
}

export function issueDetail(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  if ((issue.code === "too_big" || issue.code === "too_small") && typeof input === "string") {
    return ` (đang dài ${charCount(input)} ký tự)`;
  }
  if ((issue.code === "too_big" || issue.code === "too_small") && Array.isArray(input)) {
    return input.length === 0 ? " (danh sách đang trống)" : ` (đang có ${input.length} mục)`;
  }
  return ` (${describeValue(input)})`;
}

export const pathKey = (path: readonly PropertyKey[]) => path.map(String).join("\0");

export function reportIssues(issues: readonly z.core.$ZodIssue[], ctx: SchemaContext): void {
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

export interface FrontMatter {
  yaml: string;
  /** File line of the first YAML line (2: the file starts with `---`). */
  yamlLine: number;
  body: string;
  /** File line of the first body line. */
  bodyLine: number;
}

export function splitFrontMatter(source: string, sink: ProblemSink): FrontMatter | undefined {
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
export function normalizeSource(source: string): string {
  return source
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .normalize("NFC");
}
