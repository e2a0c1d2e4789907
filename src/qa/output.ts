import { findPii } from "./pii.js";
import { firstMatch, HARM_RULES } from "./rules.js";
import { foldWords } from "./vietnamese.js";

// Output rails: what the model wrote is checked before any learner sees it. A rejected answer
// is replaced by the lessons-only answer; nothing is "fixed up" and passed on.

export const OFFICIAL_PHONES = new Set(["111", "113", "114", "115", "156", "5656"]);
const OFFICIAL_HOSTS = [
  /\.gov\.vn$/,
  /^gov\.vn$/,
  /^(www\.)?tinnhiemmang\.vn$/,
  /^(www\.)?khonggianmang\.vn$/,
  /^apps\.apple\.com$/,
  /^play\.google\.com$/,
];
export const MAX_ANSWER_CHARS = 1200;

export interface OutputCheck {
  ok: boolean;
  /** Rule that rejected the answer (for logs), when not ok. */
  rule?: string;
  text: string;
}

export interface OutputContext {
  systemPrompt: string;
  /** Phone numbers that appear in lesson files (allowed besides the official hotlines). */
  lessonPhones?: ReadonlySet<string>;
}

const HOST = /\b((?:https?:\/\/)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?::\d+)?(?:\/[^\s)]*)?)/gi;
const NEGATION =
  /(khong|dung|chang|cha|chua|never|dont|do not|tuyet doi khong|khong bao gio|khong nen|khong duoc|khong ai|khong ai duoc|chong)\s+(\S+\s+){0,4}$/;
const ASK_SECRET =
  /(gui|cung cap|doc|nhap|cho|dua|chup|bao|nhan|ghi|share|send|give|tell|enter)\s+(\S+\s+){0,4}(ma otp|otp|ma xac thuc|ma xac nhan|mat khau|passcode|ma pin|so the|so tai khoan|anh cccd|anh can cuoc|anh chup can cuoc|chup can cuoc|quet mat|khuon mat|password|card number)/g;
const INSTALL_LINK = /(cai|tai|download|install)\s+(\S+\s+){0,6}(link|duong dan|duong link|apk|file cai|tu tin nhan)/g;
/** The tutor never hands out an app, file or link of its own ("ứng dụng tôi gửi", "link mình cung cấp"). */
const OWN_APP =
  /(ung dung|app|phan mem|link|duong link|duong dan|file|trang|web|ma qr)\s+(\S+\s+){0,2}(toi|minh|chung toi|ben toi|em|tro ly)\s+(vua\s+|da\s+|se\s+)?(gui|cung cap|dua|chia se|gioi thieu|tao)/g;
/** A face scan, video selfie or ID photo through some app or link rather than the official one. */
const FACE_VIA =
  /(quet|quay|xac thuc|chup)\s+(\S+\s+){0,3}(khuon mat|guong mat|mat|video|can cuoc|cccd)\s+(\S+\s+){0,3}(trong|tren|qua|bang|vao|o)\s+(ung dung|app|link|duong link|trang|web)\s+(nay|do|kia|duoi day|sau|toi|minh|em)/g;

function negated(folded: string, index: number): boolean {
  return NEGATION.test(`${folded.slice(Math.max(0, index - 60), index)}`);
}

/** Every run of ten consecutive words of the system prompt, folded. */
export function promptShingles(systemPrompt: string, size = 10): Set<string> {
  const words = foldWords(systemPrompt).split(" ").filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i + size <= words.length; i++) out.add(words.slice(i, i + size).join(" "));
  return out;
}

/** Tokens of the system prompt that no normal answer would contain: letters mixed with digits, or long identifiers. */
export function promptMarkers(systemPrompt: string): string[] {
  return [
    ...new Set(
      systemPrompt
        .split(/[\s,.;:()“”"']+/u)
        .filter((t) => t.length >= 8 && ((/\d/.test(t) && /\p{L}/u.test(t)) || (/[-_]/.test(t) && t.length >= 12))),
    ),
  ];
}

export function checkOutput(answer: string, ctx: OutputContext, shingles = promptShingles(ctx.systemPrompt)): OutputCheck {
  const reject = (rule: string): OutputCheck => ({ ok: false, rule, text: "" });
  let text = answer.normalize("NFC").replace(/\r/g, "").trim();
  if (!text) return reject("out.empty");
  // Raw HTML or script: never passed on, never "cleaned" and passed on.
  if (/<\s*\/?\s*[a-z!][^>]*>/i.test(text) || /javascript:/i.test(text)) return reject("out.html");
  // Markdown links and images hide where a link goes.
  if (/!?\[[^\]]*\]\([^)]*\)/.test(text)) return reject("out.markdown-link");
  const folded = foldWords(text);

  const words = folded.split(" ");
  for (let i = 0; i + 10 <= words.length; i++) if (shingles.has(words.slice(i, i + 10).join(" "))) return reject("out.prompt-leak");
  // Distinctive tokens of the prompt (codes with digits, long identifiers, a planted canary) never appear in an answer.
  for (const marker of promptMarkers(ctx.systemPrompt)) if (text.includes(marker)) return reject("out.prompt-marker");

  for (const f of findPii(text)) if (f.type !== "password") return reject(`out.pii.${f.type}`);

  for (const m of text.matchAll(HOST)) {
    const host = (m[2] ?? "").toLowerCase();
    if (/^\d+(\.\d+)+$/.test(host)) continue;
    if (!OFFICIAL_HOSTS.some((re) => re.test(host))) return reject("out.link");
  }
  const allowedPhones = new Set([...OFFICIAL_PHONES, ...(ctx.lessonPhones ?? [])]);
  for (const m of text.matchAll(/(?:\+?\d[\d .-]{1,14}\d|\b\d{3,}\b)/g)) {
    const digits = m[0].replace(/\D/g, "");
    if (digits.length < 3 || allowedPhones.has(digits)) continue;
    const before = foldWords(text.slice(Math.max(0, (m.index ?? 0) - 30), m.index ?? 0));
    const after = text.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 10);
    const phoneLike =
      /(goi|so|hotline|tong dai|lien he|nhan tin|sdt|dien thoai|zalo|call|phone)\s*$/.test(before) ||
      /^[\d\s.-]{7,}$/.test(m[0]) ||
      digits.startsWith("1800") ||
      digits.startsWith("1900");
    if (phoneLike && !/^\s*(đồng|đ(?!\p{L})|vnd|%|triệu|nghìn|ngàn|năm\b|tuổi|chữ số|ký tự)/iu.test(after)) return reject("out.phone");
  }
  const unsafeAsks: Array<[RegExp, string]> = [
    [ASK_SECRET, "out.asks-secret"],
    [INSTALL_LINK, "out.install-link"],
    [OWN_APP, "out.own-app"],
    [FACE_VIA, "out.asks-secret"],
  ];
  for (const [re, rule] of unsafeAsks) {
    re.lastIndex = 0;
    for (const m of folded.matchAll(re)) if (!negated(folded, m.index ?? 0)) return reject(rule);
  }
  if (
    firstMatch(
      HARM_RULES.filter((r) => r.id === "harm.violence"),
      folded,
    )
  )
    return reject("out.harmful");

  // Only **bold** survives as markup; headings, code fences and tables are flattened.
  text = text
    .replace(/^#{1,6}\s*/gm, "")
    .replace(/```[\s\S]*?```/g, "")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\n{3,}/g, "\n\n");
  if (text.length > MAX_ANSWER_CHARS) {
    const cut = text.slice(0, MAX_ANSWER_CHARS);
    const end = Math.max(cut.lastIndexOf(". "), cut.lastIndexOf(".\n"), cut.lastIndexOf("\n"));
    text = `${cut.slice(0, end > MAX_ANSWER_CHARS / 2 ? end + 1 : MAX_ANSWER_CHARS).trim()}…`;
  }
  return { ok: true, text };
}
