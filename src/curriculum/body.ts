// A lesson's Markdown body: read into an mdast tree by markdown.ts and walked section by section into steps.

import type { Blockquote, Heading, List, ListItem, Paragraph, PhrasingContent, RootContent } from "mdast";
import {
  charCount,
  MAX_MESSAGE_CHARS,
  MAX_OPTION_CHARS,
  MAX_QUIZ_OPTIONS,
  MAX_SENTENCE_WORDS,
  MAX_STEPS,
  MIN_QUIZ_OPTIONS,
  type ProblemSink,
  quoteShort,
  stripDiacritics,
  WARN_STEPS,
} from "./common.js";
import { parseMarkdown } from "./markdown.js";
import type { CheckpointOption, Image, QuizOption, Step } from "./types.js";

// ---------------------------------------------------------------------------------------------
// Markdown body

/** A piece of text with the file line where it starts, for sentence warnings. */
export interface TextBlock {
  text: string;
  line: number;
}

export interface ImageRef {
  url: string;
  alt: string;
  line: number;
}

export interface BodyContext {
  sink: ProblemSink;
  /** mdast line (1-based inside the body) → file line. */
  fileLine(line: number | undefined): number;
  trackId: string;
}

export const nodeLine = (ctx: BodyContext, node: { position?: { start: { line: number } } }) => ctx.fileLine(node.position?.start.line);

/** Phrasing content as chat text: only **bold** survives as markers; line breaks are kept. */
export function renderInline(nodes: readonly PhrasingContent[], images: ImageRef[], ctx: BodyContext): string {
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

export const tidy = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();

export const plain = (text: string) => text.replace(/\*\*/g, "").replace(/\s+/g, " ").trim();

export function renderParagraph(node: Paragraph, images: ImageRef[], ctx: BodyContext): string {
  return tidy(renderInline(node.children, images, ctx));
}

/** Lists inside prose become lines "• item" (or "1. item"); nested lists are indented. */
export function renderList(list: List, images: ImageRef[], ctx: BodyContext, checks: TextBlock[], depth = 0): string {
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
export function blockText(node: RootContent, images: ImageRef[], ctx: BodyContext): string {
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
export const TIP_PREFIX = /^\**\s*gợi ý\s*\**\s*:\s*\**\s*/iu;
export const EXPLANATION_PREFIX = /^\**\s*giải thích\s*\**\s*:\s*\**\s*/iu;
/** "Giải thích:" on the line right under the last option (no blank line) is a lazy continuation of it. */
export const LAZY_EXPLANATION = /\n\s*\**\s*giải thích\s*\**\s*:/iu;

/** What a section body contains, before it is shaped into a step. */
export interface SectionContent {
  /** Prose blocks before the options list (and any misplaced after it). */
  text: TextBlock[];
  images: ImageRef[];
  tip?: TextBlock;
  options?: List;
  explanation: TextBlock[];
  /** Every text piece, with its line, for the sentence-length warning. */
  checks: TextBlock[];
}

export type SectionKind = "intro" | "instruction" | "checkpoint" | "quiz" | "summary";

export function readSection(nodes: readonly RootContent[], kind: SectionKind, ctx: BodyContext): SectionContent {
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

export function takeTrailingExplanation(list: List, content: SectionContent, ctx: BodyContext): void {
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

export function readBlockquote(
  node: Blockquote,
  content: SectionContent,
  ctx: BodyContext,
  pushText: (text: string, line: number) => void,
): void {
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

export interface HeadingInfo {
  kind: "instruction" | "checkpoint" | "quiz" | "summary";
  title: string;
}

export const HEADING_PATTERNS: Array<{ kind: HeadingInfo["kind"]; pattern: RegExp }> = [
  { kind: "instruction", pattern: /^bước(?:\s*(\d+))?\s*[:.\-–—]?\s*(.*)$/iu },
  { kind: "checkpoint", pattern: /^kiểm tra\s*[:.\-–—]?\s*(.*)$/iu },
  { kind: "quiz", pattern: /^câu hỏi\s*[:.\-–—]?\s*(.*)$/iu },
  { kind: "summary", pattern: /^tóm tắt\s*[:.\-–—]?\s*(.*)$/iu },
];

export const ALLOWED_HEADINGS = "`## Bước 1: …`, `## Kiểm tra: …`, `## Câu hỏi: …` hoặc `## Tóm tắt`";

export function classifyHeading(heading: Heading, ctx: BodyContext): HeadingInfo | undefined {
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
export function resolveImage(ref: ImageRef, ctx: BodyContext): Image | undefined {
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

export function oneImage(content: SectionContent, ctx: BodyContext, where: string): { image?: Image; refs: ImageRef[] } {
  const [first, second] = content.images;
  if (second) ctx.sink.error(second.line, `Mỗi ${where} chỉ có tối đa một hình; hãy tách thành hai bước.`);
  const image = first ? resolveImage(first, ctx) : undefined;
  return { image, refs: first && image ? [{ ...first, url: image.file }] : [] };
}

export const joinBlocks = (blocks: readonly TextBlock[]) =>
  blocks
    .map((b) => b.text)
    .filter(Boolean)
    .join("\n\n");

export function checkOptionLabel(label: string, line: number, ctx: BodyContext): void {
  if (!label) {
    ctx.sink.error(line, "Lựa chọn này đang trống; hãy viết nội dung sau dấu `-`.");
  } else if (charCount(label) > MAX_OPTION_CHARS) {
    ctx.sink.error(
      line,
      `Lựa chọn “${label}” dài ${charCount(label)} ký tự; tối đa ${MAX_OPTION_CHARS} ký tự để vừa một nút bấm. Hãy viết ngắn lại.`,
    );
  }
}

export function checkDuplicateLabels(labels: Array<{ label: string; line: number }>, ctx: BodyContext): void {
  const seen = new Set<string>();
  for (const { label, line } of labels) {
    const key = label.toLowerCase();
    if (label && seen.has(key)) ctx.sink.error(line, `Có hai lựa chọn giống nhau “${label}”; mỗi lựa chọn phải khác nhau.`);
    seen.add(key);
  }
}

/** Text of a list item: its paragraphs (and nested lists) joined. */
export function itemText(item: ListItem, images: ImageRef[], ctx: BodyContext): string {
  return item.children
    .map((child) => blockText(child, images, ctx))
    .filter(Boolean)
    .join("\n\n");
}

export function readCheckpointOptions(list: List | undefined, headingLine: number, content: SectionContent, ctx: BodyContext) {
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

export function readQuizOptions(list: List | undefined, headingLine: number, content: SectionContent, ctx: BodyContext) {
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
export function stepMessageLength(title: string, text: string, options: ReadonlyArray<{ label: string }>): number {
  const lines = options.map((o, i) => `${i + 1}. ${o.label}`);
  return charCount([title, text, ...lines].filter(Boolean).join("\n\n"));
}

export function checkLength(text: string | undefined, line: number, what: string, ctx: BodyContext): void {
  if (!text) return;
  const length = charCount(text);
  if (length > MAX_MESSAGE_CHARS) {
    ctx.sink.error(
      line,
      `${what} dài ${length} ký tự; một tin nhắn chỉ gửi được tối đa ${MAX_MESSAGE_CHARS} ký tự (giới hạn của Zalo). Hãy viết gọn lại hoặc tách thành hai bước.`,
    );
  }
}

/** True when `text` has at most `most` runs of characters between whitespace (the characters of JavaScript's `\s`). */
function piecesAtMost(text: string, most: number): boolean {
  let pieces = 0;
  let inPiece = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space =
      c === 32 ||
      (c >= 9 && c <= 13) ||
      c === 0xa0 ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0xfeff ||
      c === 0x3000 ||
      (c >= 0x2000 && c <= 0x200a) ||
      c === 0x1680 ||
      c === 0x202f ||
      c === 0x205f;
    if (space) inPiece = false;
    else if (!inPiece) {
      inPiece = true;
      if (++pieces > most) return false;
    }
  }
  return true;
}

/** Long sentences are hard to read on a phone for people new to the internet. */
export function checkSentences(blocks: readonly TextBlock[], ctx: BodyContext): void {
  for (const block of blocks) {
    const text = block.text.replace(/\*\*/g, "");
    const pattern = /[^.!?…\n]+(?:[.!?…]+|$)/gmu;
    for (const match of text.matchAll(pattern)) {
      // Most sentences are short: fewer pieces between spaces than the limit means fewer words too.
      if (piecesAtMost(match[0], MAX_SENTENCE_WORDS)) continue;
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

export interface BodyResult {
  intro: string;
  steps: Step[];
  summary?: string;
  images: ImageRef[];
}

export interface Section {
  heading: Heading;
  nodes: RootContent[];
}

export function splitSections(children: readonly RootContent[]): { intro: RootContent[]; sections: Section[] } {
  const intro: RootContent[] = [];
  const sections: Section[] = [];
  for (const node of children) {
    if (node.type === "heading" && node.depth === 2) sections.push({ heading: node, nodes: [] });
    else (sections[sections.length - 1]?.nodes ?? intro).push(node);
  }
  return { intro, sections };
}

export function parseBody(body: string, bodyLine: number, trackId: string, sink: ProblemSink): BodyResult {
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
