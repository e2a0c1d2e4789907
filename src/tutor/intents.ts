// Learner text → intent. Works with or without diacritics, with digits or number words,
// and with the polite particles people add ("tiếp nhé", "xong rồi ạ").

export type Intent =
  | { kind: "number"; n: number }
  | { kind: "next" }
  | { kind: "repeat" }
  | { kind: "back" }
  | { kind: "menu" }
  | { kind: "help" }
  | { kind: "progress" }
  | { kind: "review" }
  | { kind: "test" }
  | { kind: "stop" }
  | { kind: "delete" }
  | { kind: "privacy" }
  | { kind: "remindersOff" }
  | { kind: "remindersOn" }
  | { kind: "readAloud" }
  | { kind: "readAloudOn" }
  | { kind: "readAloudOff" }
  | { kind: "explain" }
  | { kind: "person" }
  | { kind: "start" }
  | { kind: "yes" }
  | { kind: "no" }
  | { kind: "text"; normalized: string };

/** Lowercase, NFC, no diacritics (đ → d), punctuation and emoji to spaces, single spaces. */
export function fold(input: string): string {
  return input
    .normalize("NFC")
    .toLowerCase()
    .replace(/đ/g, "d")
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^\p{L}\p{N}/]+/gu, " ")
    .trim()
    .replace(/\s+/g, " ");
}

const PARTICLES = new Set([
  "a",
  "ah",
  "nhe",
  "nha",
  "nhen",
  "di",
  "oi",
  "voi",
  "ha",
  "nhi",
  "ne",
  "luon",
  "giup",
  "gium",
  "dum",
  "em",
  "con",
  "chau",
  "toi",
  "minh",
  "ban",
  "bot",
  "thi",
  "cho",
]);

/** Drops leading/trailing politeness words so "tiep nhe", "cho toi xem menu" match their command. */
function stripParticles(words: string[]): string[] {
  let start = 0;
  let end = words.length;
  while (end - start > 1 && PARTICLES.has(words[end - 1] as string)) end--;
  while (end - start > 1 && PARTICLES.has(words[start] as string)) start++;
  return words.slice(start, end);
}

const COMMANDS: Array<[Intent["kind"], string[]]> = [
  [
    "delete",
    [
      "/xoa",
      "xoa du lieu",
      "xoa het du lieu",
      "xoa toan bo du lieu",
      "xoa du lieu cua toi",
      "xoa tai khoan",
      "xoa thong tin",
      "xoa het thong tin",
      "xoa het",
    ],
  ],
  ["privacy", ["/baomat", "bao mat", "bao mat du lieu", "quyen rieng tu", "chinh sach bao mat", "luu gi", "ban luu gi", "du lieu cua toi"]],
  ["remindersOff", ["/dungnhac", "dung nhac", "tat nhac", "khong nhac nua", "huy nhac", "dung nhac nho", "khong can nhac"]],
  ["remindersOn", ["/nhac", "bat nhac", "nhac toi", "bat nhac nho", "nhac hoc"]],
  // "đọc to" reads the screen aloud once; "luôn đọc to" every lesson step from now on. ("đọc lại" is "nhắc lại".)
  ["readAloudOn", ["/luondocto", "luon doc to", "doc to luon", "luon luon doc to", "bat doc to", "bat doc", "tu dong doc to", "luon doc"]],
  [
    "readAloudOff",
    ["/tatdocto", "tat doc to", "tat doc", "khong doc to", "khong doc to nua", "khong doc nua", "dung doc to", "thoi doc to", "huy doc to"],
  ],
  [
    "readAloud",
    ["/docto", "doc to", "doc to len", "doc len", "doc cho nghe", "doc cho toi nghe", "doc to cho toi nghe", "doc giup", "nghe doc"],
  ],
  ["start", ["/start", "start", "bat dau", "xin chao", "chao", "hello", "hi", "alo", "a lo", "chao ban", "chao bot"]],
  ["menu", ["/menu", "menu", "danh sach", "trang chu", "ve menu", "quay ve menu", "muc luc", "chu de", "xem menu", "ve trang chu"]],
  // "cần giúp" alone is help; a person is asked for by name ("cần người giúp", "gặp cán bộ").
  [
    "person",
    [
      "/canbo",
      "gap can bo",
      "can can bo",
      "goi can bo",
      "lien he can bo",
      "can nguoi giup",
      "can nguoi",
      "can nguoi that",
      "can nguoi ho tro",
      "gap nguoi that",
      "nguoi that",
      "noi chuyen voi nguoi that",
      "noi chuyen voi nguoi",
      "noi chuyen voi can bo",
      "gap nhan vien",
      "gap nguoi ho tro",
      "can bo ho tro",
    ],
  ],
  ["help", ["/help", "/trogiup", "tro giup", "giup", "giup do", "huong dan", "help", "lenh", "can giup"]],
  ["progress", ["/tiendo", "tien do", "xem tien do", "ket qua", "da hoc gi", "da hoc den dau", "hoc den dau"]],
  ["review", ["/ontap", "on tap", "ontap", "on bai", "on lai bai", "on tap lai", "bat dau on tap", "lam on tap"]],
  ["test", ["/kiemtra", "kiem tra", "lam kiem tra", "bai kiem tra", "lam bai kiem tra", "thi", "lam bai thi", "thi lay chung nhan"]],
  ["repeat", ["/nhaclai", "nhac lai", "lap lai", "noi lai", "doc lai", "xem lai", "gui lai", "repeat", "lai"]],
  ["back", ["/quaylai", "quay lai", "tro lai", "lui lai", "buoc truoc", "back", "lui"]],
  ["stop", ["/dung", "dung", "tam dung", "dung lai", "nghi", "tam nghi", "thoi", "stop", "het", "dung hoc", "nghi thoi", "thoi nghi"]],
  [
    "explain",
    [
      "khong hieu",
      "ko hieu",
      "k hieu",
      "kh hieu",
      "hong hieu",
      "chua hieu",
      "giai thich",
      "giai thich them",
      "noi ro hon",
      "la sao",
      "nghia la sao",
      "kho qua",
      "kho hieu",
      "?",
      "goi y",
    ],
  ],
  [
    "next",
    [
      "tiep",
      "tiep tuc",
      "/tiep",
      "ok",
      "oke",
      "okay",
      "okie",
      "roi",
      "xong",
      "xong roi",
      "da xong",
      "lam xong",
      "lam roi",
      "duoc",
      "duoc roi",
      "next",
      "tiep theo",
      "sang buoc",
      "buoc tiep",
      "buoc tiep theo",
      "hoc tiep",
      "lam tiep",
      "tiep di",
    ],
  ],
  [
    "yes",
    [
      "co",
      "vang",
      "da",
      "u",
      "uh",
      "um",
      "yes",
      "y",
      "dong y",
      "toi dong y",
      "dong y a",
      "thay",
      "da thay",
      "co thay",
      "thay roi",
      "chac chan",
      "dung roi",
      "dung vay",
      "dung the",
      "phai",
      "phai roi",
      "chuan",
      "chinh xac",
    ],
  ],
  ["no", ["khong", "ko", "k", "kg", "khg", "hong", "no", "n", "chua", "khong dong y", "chua thay", "khong thay", "ko thay", "k thay"]],
];

const COMMAND_INDEX = new Map<string, Intent["kind"]>();
for (const [kind, phrases] of COMMANDS) for (const p of phrases) if (!COMMAND_INDEX.has(p)) COMMAND_INDEX.set(p, kind);

const NUMBER_WORDS: Record<string, number> = {
  mot: 1,
  hai: 2,
  ba: 3,
  bon: 4,
  tu: 4,
  nam: 5,
  sau: 6,
  bay: 7,
  tam: 8,
  chin: 9,
  muoi: 10,
};
const NUMBER_PREFIXES = new Set([
  "so",
  "cau",
  "chon",
  "dap",
  "an",
  "phuong",
  "muc",
  "lua",
  "y",
  "bai",
  "toi",
  "em",
  "con",
  "chau",
  "thu",
  "la",
]);

/** "2", "hai", "số 2", "chọn 2", "đáp án 3", "2." → the number; otherwise undefined. */
export function parseNumber(folded: string): number | undefined {
  const words = stripParticles(folded.split(" ").filter(Boolean));
  if (words.length === 0 || words.length > 5) return undefined;
  const last = words[words.length - 1] as string;
  const rest = words.slice(0, -1);
  if (!rest.every((w) => NUMBER_PREFIXES.has(w))) return undefined;
  if (/^\d{1,2}$/.test(last)) return Number(last);
  // A lone number word ("hai") or one after a prefix ("số hai"); "ba" alone is 3, not "bà".
  return NUMBER_WORDS[last];
}

/**
 * Asking for a person in a short sentence: "tôi muốn gặp cán bộ", "cho tôi nói chuyện với người thật", "cần người hỗ
 * trợ ạ". A question that merely names staff ("cán bộ xã có kích hoạt VNeID không") is not one.
 */
const PERSON =
  /^(?:(?:toi|tui|bac|minh|em|con|chau|cho|xin|muon|can|duoc|lam on)\s)*(?:(?:gap|noi chuyen voi|lien he|lien lac voi|nhan tin voi|goi cho|goi)\s(?:voi\s)?(?:can bo|nguoi that|nguoi ho tro|nhan vien|to cong nghe so|dai su so)|(?:co\s)?nguoi (?:that|ho tro|giup do|giup|huong dan))(?:\s(?:a|nhe|nha|voi|giup|di|duoc khong|ho|ho toi|giup toi))*$/;

/** "đúng" (right) folds to "dung", as "dừng" (stop) does: written with its marks, it is a yes. */
const MARKED_YES = /^(?:đúng|phải|chuẩn)(?:\s+(?:rồi|vậy|thế|ạ|á|nhé|luôn))*$/u;

/** Letters held down ("tiepp", "okeee") once; a command with one letter missing or wrong ("tiế", "menuu"). */
function nearCommand(folded: string): Intent["kind"] | undefined {
  const squeezed = folded.replace(/(\p{L})\1+/gu, "$1");
  const exact = COMMAND_INDEX.get(squeezed);
  if (exact) return exact;
  if (folded.includes(" ") || folded.length < 3) return undefined;
  const near = new Set<Intent["kind"]>();
  for (const [phrase, kind] of COMMAND_INDEX)
    if (phrase.length >= 4 && !phrase.includes(" ") && !phrase.startsWith("/") && withinOneEdit(squeezed, phrase)) near.add(kind);
  return near.size === 1 ? [...near][0] : undefined;
}

function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

export function parseIntent(input: string): Intent {
  const lower = input
    .normalize("NFC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]+/gu, " ")
    .trim()
    .replace(/\s+/g, " ");
  if (MARKED_YES.test(lower)) return { kind: "yes" };
  const folded = fold(input);
  if (folded === "") {
    // Emoji-only or punctuation: a "?" still means "explain", a 👍 means "ok".
    if (/\?/.test(input)) return { kind: "explain" };
    if (/[👍👌✅🆗]/u.test(input)) return { kind: "next" };
    return { kind: "text", normalized: "" };
  }
  const n = parseNumber(folded);
  if (n !== undefined) return { kind: "number", n };
  const direct = COMMAND_INDEX.get(folded);
  if (direct) return { kind: direct } as Intent;
  const stripped = stripParticles(folded.split(" ")).join(" ");
  const kind = COMMAND_INDEX.get(stripped) ?? nearCommand(stripped);
  if (kind) return { kind } as Intent;
  if (PERSON.test(stripped)) return { kind: "person" };
  return { kind: "text", normalized: folded };
}

/**
 * Matches the learner's words against the options shown ("đã thấy", "không ai cả").
 * Returns the 0-based index only when exactly one option fits, so a guess never picks for them.
 */
export function matchOption(input: string, labels: string[]): number | undefined {
  const q = fold(input);
  if (q.length < 2) return undefined;
  const folded = labels.map((l) => fold(l));
  const exact = folded.indexOf(q);
  if (exact >= 0) return exact;
  const qWords = q.split(" ");
  const hits = folded
    .map((l, i) => ({ l, i }))
    // The label said with a few words around it ("chọn nhận biết lừa đảo nhé") picks it; a question that merely
    // contains it ("tôi muốn luyện nhận biết lừa đảo, cho tôi ví dụ…") is a question.
    .filter(
      ({ l }) =>
        (qWords.length >= 2 && ` ${l} `.includes(` ${q} `)) ||
        (l.length >= 4 && ` ${q} `.includes(` ${l} `) && qWords.length <= l.split(" ").length + 3),
    );
  return hits.length === 1 ? hits[0]?.i : undefined;
}
