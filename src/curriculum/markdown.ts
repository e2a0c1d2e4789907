// A lesson body as an mdast tree (the shape parse.ts walks), read with marked's lexer: CommonMark without the GitHub
// extensions, like mdast-util-from-markdown, but about ten times faster — at a national curriculum's size (thousands
// of lessons) Markdown parsing was most of the time to start the server and to check the files. Only what parse.ts
// reads is built: block and inline nodes, each block with its start line, and images with theirs.

import { Lexer, type Token, type Tokens } from "marked";
import type { BlockContent, Heading, List, ListItem, PhrasingContent, Root, RootContent } from "mdast";

const lexerOptions = { gfm: false, breaks: false, pedantic: false } as const;

const newlines = (s: string) => {
  let n = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) n++;
  return n;
};

const at = (line: number) => ({ start: { line, column: 1 }, end: { line, column: 1 } });

/** Character references and backslash escapes as the text means them ("&amp;" → "&"), as mdast gives them. */
function decode(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos|nbsp);/gi, (whole, ref: string) => {
    const r = ref.toLowerCase();
    if (r.startsWith("#x")) return String.fromCodePoint(Number.parseInt(r.slice(2), 16));
    if (r.startsWith("#")) return String.fromCodePoint(Number.parseInt(r.slice(1), 10));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" }[r] ?? whole;
  });
}

function inline(tokens: readonly Token[] | undefined, line: number): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  let l = line;
  for (const t of tokens ?? []) {
    switch (t.type) {
      case "text": {
        const tt = t as Tokens.Text;
        if (tt.tokens?.length) out.push(...inline(tt.tokens, l));
        else pushText(out, decode(tt.text));
        break;
      }
      case "escape":
        pushText(out, (t as Tokens.Escape).text);
        break;
      case "strong":
        out.push({ type: "strong", children: inline((t as Tokens.Strong).tokens, l), position: at(l) });
        break;
      case "em":
        out.push({ type: "emphasis", children: inline((t as Tokens.Em).tokens, l), position: at(l) });
        break;
      case "codespan":
        out.push({ type: "inlineCode", value: decode((t as Tokens.Codespan).text), position: at(l) });
        break;
      case "br":
        out.push({ type: "break", position: at(l) });
        break;
      case "link": {
        const link = t as Tokens.Link;
        out.push({ type: "link", url: link.href, children: inline(link.tokens, l), position: at(l) });
        break;
      }
      case "image": {
        const image = t as Tokens.Image;
        out.push({ type: "image", url: image.href, alt: decode(image.text), position: at(l) });
        break;
      }
      default:
        // Raw HTML (comments): nothing for learners, as in mdast's "html" nodes parse.ts skips.
        break;
    }
    l += newlines(t.raw);
  }
  return out;
}

/** Neighbouring text pieces (marked splits at escapes and entities) form one text node, as in mdast. */
function pushText(out: PhrasingContent[], value: string): void {
  const last = out[out.length - 1];
  if (last?.type === "text") last.value += value;
  else out.push({ type: "text", value });
}

function blocks(tokens: readonly Token[], line: number): RootContent[] {
  const out: RootContent[] = [];
  let l = line;
  for (const t of tokens) {
    const node = block(t, l);
    if (node) out.push(node);
    l += newlines(t.raw);
  }
  return out;
}

function block(t: Token, line: number): RootContent | undefined {
  const position = at(line);
  switch (t.type) {
    case "heading": {
      const h = t as Tokens.Heading;
      return { type: "heading", depth: h.depth as Heading["depth"], children: inline(h.tokens, line), position };
    }
    case "paragraph":
      return { type: "paragraph", children: inline((t as Tokens.Paragraph).tokens, line), position };
    case "text": {
      // A tight list item's text: a paragraph in mdast.
      const tt = t as Tokens.Text;
      return { type: "paragraph", children: tt.tokens ? inline(tt.tokens, line) : [{ type: "text", value: decode(tt.text) }], position };
    }
    case "blockquote":
      return { type: "blockquote", children: blocks((t as Tokens.Blockquote).tokens, line) as BlockContent[], position };
    case "list":
      return list(t as Tokens.List, line);
    case "code":
      return { type: "code", value: (t as Tokens.Code).text, position };
    default:
      // space, hr, html, link definitions: parse.ts shows none of them.
      return undefined;
  }
}

function list(t: Tokens.List, line: number): List {
  const children: ListItem[] = [];
  let l = line;
  for (const item of t.items) {
    children.push({ type: "listItem", spread: item.loose, children: blocks(item.tokens, l) as BlockContent[], position: at(l) });
    l += newlines(item.raw);
  }
  return {
    type: "list",
    ordered: t.ordered,
    start: t.ordered && typeof t.start === "number" ? t.start : null,
    spread: t.loose,
    children,
    position: at(line),
  };
}

/** The body as an mdast root whose nodes carry their 1-based line in `position.start.line`. */
export function parseMarkdown(body: string): Root {
  return { type: "root", children: blocks(Lexer.lex(body, lexerOptions), 1) };
}
