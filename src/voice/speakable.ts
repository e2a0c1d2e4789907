import { doReadNumber, ReadingConfig } from "read-vietnamese-number";

// A tutor message → the words a Vietnamese voice (Piper vi_VN, OpenAI TTS…) should read aloud to an elderly
// learner. Pure and fast; the caller caches the audio. The rules, in the order they run on each line:
//
// Markup and symbols
// - Emoji and pictographs go, with their variation selectors, skin tones, ZWJ joins, flags and tags. A keycap (1️⃣)
//   keeps its digit; a keycap opening a line is an option number like "1.".
// - `**bold**`, `__`, `~~` and backtick markers go; so do "- ", "• ", "◦ " bullets, "[ ]" boxes, "> " quotes and
//   "#" headings. "[text](link)" keeps its text; an image "![…](…)" goes (the learner sees the picture).
// - Arrows (→ ➡ ⇒), ›, », |, ·, "(…)" and a dash between spaces become a comma: a short pause, never a word.
//   Quotes go. Repeated punctuation ("!!!", "?!", "....") becomes one mark; "…" becomes "...".
//
// Links
// - A web address with http(s):// or www. becomes "đường dẫn" ("link"), or nothing right after the words
//   "đường dẫn / đường link / link / liên kết". A URL is never read out: it is long, unreadable and on the screen
//   anyway, while a plain gap ("Bác bấm vào … để xem") would leave a hole in the sentence.
// - A bare site name, which the lessons teach the learner to check or type (dichvucong.gov.vn, ".gov.vn", the
//   defanged "dichvucongs[.]top"), is read the way people say it: "dichvucong chấm gov chấm vn". Only names ending
//   in a known suffix (TLDS) count; a path after the name is dropped.
//
// Abbreviations (ABBREVIATIONS, case-sensitive): CCCD, BHYT, BHXH, CSGT, CSKH, GVCN, NHNN, UBND, SĐT, STK and
//   TP.HCM are said in full; "cảnh sát giao thông (CSGT)" is not said twice. OTP becomes "O T P", spelt letter by
//   letter: the lessons nearly always write "mã OTP", so no "mã" is added. VNeID, QR, AI… are left to the voice.
//
// Numbers (standard/Northern forms: "linh" not "lẻ" in 105, "nghìn" not "ngàn", "tỷ"; "mốt", "tư", "lăm" after
//   "mươi": 21 "hai mươi mốt", 24 "hai mươi tư", 25 "hai mươi lăm"; 14 "mười bốn", 15 "mười lăm")
// - Read digit by digit (0 "không", 1 "một", 4 "bốn", 5 "năm"), because that is how Vietnamese say them:
//   · a number that starts with 0 and has at least 3 digits (phones, codes): "0912345678" → "không chín một hai,
//     ba bốn năm, sáu bảy tám" (a 10-digit mobile is paused 4-3-3, an 11-digit landline 3-4-4; written groups
//     "024 3825 1234", "0912.345.678", "028-3822-1234" keep theirs), and "+84 …" → "cộng tám bốn, …";
//   · switchboard numbers 1800 / 1900 …: "1900 9090" → "một chín không không, chín không chín không";
//   · the short hotlines in SERVICE_NUMBERS (111, 112, 113, 114, 115, 156, 5656): "Gọi 113" → "Gọi một một ba";
//   · a 3–4 digit number right after a calling word (gọi, nhắn, tổng đài, đường dây nóng, hotline, đầu số,
//     điện thoại, số máy, quay số, bấm số, gửi đến/tới/về — up to two words between): "gọi tổng đài 1022";
//   · 5 digits or more written without separators (account numbers, codes): "mã 123456" → "một hai ba bốn năm sáu".
//   Not when a unit follows (đồng, %, nghìn, người, lần, ngày…): "15000đ" and "113 người" are quantities.
// - Everything else is a quantity: "3" → "ba", "105" → "một trăm linh năm", "2026" → "hai nghìn không trăm hai mươi
//   sáu". Dots group thousands ("1.000.000" → "một triệu"); a comma is the decimal mark ("2,5" → "hai phẩy năm");
//   other dotted numbers are versions ("1.6.7" → "một chấm sáu chấm bảy"). Spaced thousands ("500 000") only
//   before a currency word.
// - Money and percent: "50.000đ", "50.000 VNĐ" → "năm mươi nghìn đồng"; "50k" → "năm mươi nghìn"; "80%" → "tám
//   mươi phần trăm".
// - Dates, day before month: "15/8/2026", "15/08/2026", "15.8.2026" → "ngày mười lăm tháng tám năm hai nghìn không
//   trăm hai mươi sáu"; "15/3" → "ngày mười lăm tháng ba"; "7/2025" → "tháng bảy năm hai nghìn không trăm hai mươi
//   lăm". Days 1–10 take "mùng", as people say them ("2/9" → "ngày mùng hai tháng chín"); "ngày", "mùng" or "tháng"
//   is not doubled when the text already says it; April is "tháng tư". A count is not a date: "Bước 2/6", "(3/6)",
//   "đúng 4/5 câu" → "hai trên sáu"… After a document word (Luật, Thông tư, Nghị định…) or before an issuer code
//   ("91/2025/QH15"), "N/YYYY" is a number and its year: "chín mươi mốt năm hai nghìn…". Other slashes between
//   numbers are "trên"; "24/7" is "hai mươi tư trên bảy".
// - Times: "07:30" → "bảy giờ ba mươi", "7:05" → "bảy giờ năm phút", "17h" → "mười bảy giờ", "17h30".
// - A range "2025–2026" or "12-18" → "… đến …". "thứ 1" → "thứ nhất", "thứ 4" → "thứ tư", "tháng 4" → "tháng tư".
//   Digits inside a word are read apart: "4G" → "bốn G", "QH15" → "QH mười lăm".
//
// Lines and sentences
// - A numbered line "1. Chưa thấy" (or "1) …", or "1️⃣ …") reads "Một: Chưa thấy." A line ending without
//   punctuation gets a period, so the voice pauses instead of running lines together; a comma or colon the author
//   put there is kept. Lines and paragraphs are joined on one line, with single spaces.
// - Text is NFC, so Vietnamese diacritics stay whole; the result has no digits left in numbers it understood.

const CONFIG = (() => {
  const c = new ReadingConfig();
  c.unit = [];
  c.pointText = "phẩy";
  c.oddText = "linh";
  c.units = [[], ["nghìn"], ["triệu"], ["tỷ"]];
  return c;
})();

const DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];

/** A quantity in words: ("21") → "hai mươi mốt"; ("2", "5") → "hai phẩy năm". Leading zeros are ignored. */
export function readNumber(integer: string, fraction = ""): string {
  return doReadNumber(fraction ? `${integer}.${fraction}` : integer, CONFIG);
}

/** Digit by digit: "0912" → "không chín một hai". Anything but a digit is skipped. */
export function readDigits(digits: string): string {
  return [...digits]
    .filter((d) => d >= "0" && d <= "9")
    .map((d) => DIGITS[Number(d)])
    .join(" ");
}

const SERVICE_NUMBERS = new Set(["111", "112", "113", "114", "115", "156", "5656"]);

/** Said in full. Kept short and obvious: only what the lessons write and every reader knows. */
const ABBREVIATIONS: ReadonlyArray<readonly [string, string]> = [
  ["TP.HCM", "Thành phố Hồ Chí Minh"],
  ["TPHCM", "Thành phố Hồ Chí Minh"],
  ["CCCD", "căn cước công dân"],
  ["BHYT", "bảo hiểm y tế"],
  ["BHXH", "bảo hiểm xã hội"],
  ["CSGT", "cảnh sát giao thông"],
  ["CSKH", "chăm sóc khách hàng"],
  ["GVCN", "giáo viên chủ nhiệm"],
  ["NHNN", "Ngân hàng Nhà nước"],
  ["UBND", "Ủy ban nhân dân"],
  ["SĐT", "số điện thoại"],
  ["STK", "số tài khoản"],
  ["OTP", "O T P"],
];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
// Not inside a word, nor inside an issuer code such as "TT-NHNN" or "QĐ-BYT".
const NOT_WORD_BEFORE = "(?<![\\p{L}\\p{N}/-])";
const NOT_WORD_AFTER = "(?![\\p{L}\\p{N}-])";

const FULL = new Map(ABBREVIATIONS);
const ABBREVIATION = new RegExp(`${NOT_WORD_BEFORE}(?:${ABBREVIATIONS.map(([a]) => escapeRe(a)).join("|")})${NOT_WORD_AFTER}`, "gu");
// "cảnh sát giao thông (CSGT)" and "CSGT (cảnh sát giao thông)": said once.
const SAID_TWICE = ABBREVIATIONS.flatMap(([abbr, full]) => {
  const a = escapeRe(abbr);
  const f = escapeRe(full);
  return [
    { re: new RegExp(`${NOT_WORD_BEFORE}(${f})\\s*\\(\\s*${a}\\s*\\)`, "giu"), to: "$1" },
    { re: new RegExp(`${NOT_WORD_BEFORE}${a}\\s*\\(\\s*${f}\\s*\\)`, "gu"), to: full },
  ];
});

function expandAbbreviations(line: string): string {
  let s = line;
  if (s.includes("(")) for (const { re, to } of SAID_TWICE) s = s.replace(re, to);
  return s.replace(ABBREVIATION, (m) => FULL.get(m) ?? m);
}

// Emoji and pictographs, and what rides on them: variation selectors, ZWJ, keycap mark, skin tones, flags, tags.
const EMOJI =
  /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|[\u{E0020}-\u{E007F}]|\uFE0F|\uFE0E|\u200D|\u20E3|[\u200B\u2060\u00AD]|[\u2600-\u27BF\u25A0-\u25FF\u2B00-\u2BFF]/gu;
// Arrows and separators a voice would read as words ("mũi tên", "gạch đứng") or not at all: a pause instead.
const ARROWS = /[\u2190-\u21FF\u27F0-\u27FF\u2900-\u297F\u2794-\u27BF\u2B05-\u2B07]\uFE0F?/gu;
const PAUSES = /[›‹»«|·•]/gu;
const KEYCAP = /([0-9#*])\uFE0F?\u20E3/gu;

const WEB_ADDRESS = /(?:https?:\/\/|www\.)[^\s<>"“”'()[\]]*[^\s<>"“”'()[\].,;:!?…]/giu;
const LINK_WORD = /(?:đường dẫn|đường link|link|liên kết)\s*:?\s*$/iu;

const TLDS = "vn|com|net|org|gov|edu|info|top|xyz|online|site|shop|store|club|app|io|me|co|cc|biz|asia|link|live|vip|pro|icu|cn";
const LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
const DOT = "(?:\\.|\\[\\.\\])";
const DOMAIN = new RegExp(
  `(?<![\\p{L}\\p{N}@._/-])(?:${DOT}|${LABEL}${DOT})(?:${LABEL}${DOT})*(?:${TLDS})(?![\\p{L}\\p{N}_-]|${DOT}[a-z0-9])(?:/[^\\s]*[^\\s.,;:!?)"”'])?`,
  "giu",
);

/** Words after a number that make it a quantity, never a phone or a code. */
const UNIT_AFTER =
  /^\s?(?:đồng|nghìn|ngàn|triệu|tỷ|tỉ|phần trăm|người|lần|ngày|tuần|tháng|năm|giờ|phút|giây|tuổi|km|kg|mét|cái|chiếc|khách|hộ|trang|câu|bước|bài|tin)(?![\p{L}])/iu;
const CALLING_BEFORE =
  /(?:^|[^\p{L}])(?:gọi|nhắn|tổng đài|đường dây nóng|hotline|đầu số|điện thoại|số máy|quay số|bấm số|gửi (?:đến|tới|về))(?:\s+\p{L}+){0,2}\s*:?\s*$/iu;
/** "Bước 2/6", "(3/5)", "đúng 4/5 câu": a count out of a total, never a date. */
const COUNT_BEFORE = /(?:(?:^|[^\p{L}])(?:bước|câu|câu hỏi|bài|phần|mục|chương|kiểm tra|đúng|được|xong|điểm)\s*\(?|\()\s*$/iu;
const COUNT_AFTER = /^\s*(?:câu|bài|bước|người|điểm|phần|ý)(?!\p{L})/iu;
const DOCUMENT_BEFORE = /(?:^|[^\p{L}])(?:luật|thông tư|nghị định|nghị quyết|quyết định|công văn|chỉ thị|văn bản)(?:\s+số)?\s*$/iu;

const before = (s: string, offset: number) => s.slice(Math.max(0, offset - 40), offset);
const capitalise = (s: string) => s.charAt(0).toLocaleUpperCase("vi") + s.slice(1);

const monthWord = (m: number) => (m === 4 ? "tư" : readNumber(String(m)));
const isDay = (d: number) => d >= 1 && d <= 31;
const isMonth = (m: number) => m >= 1 && m <= 12;

function readDate(s: string, offset: number, day: number | undefined, month: number, year: string | undefined): string {
  const prev = before(s, offset);
  const parts: string[] = [];
  if (day !== undefined) {
    const n = readNumber(String(day));
    if (/(?:mùng|mồng)\s*$/iu.test(prev)) parts.push(n);
    else parts.push(`${/ngày\s*:?\s*$/iu.test(prev) ? "" : "ngày "}${day <= 10 ? `mùng ${n}` : n}`);
  }
  parts.push(day === undefined && /tháng\s*$/iu.test(prev) ? monthWord(month) : `tháng ${monthWord(month)}`);
  if (year) parts.push(`năm ${readNumber(year)}`);
  return ` ${parts.join(" ")} `;
}

function readTime(hour: string, minute: string | undefined): string {
  const m = minute === undefined ? 0 : Number(minute);
  const h = `${readNumber(hour)} giờ`;
  if (m === 0) return ` ${h} `;
  return m < 10 ? ` ${h} ${readNumber(String(m))} phút ` : ` ${h} ${readNumber(String(m))} `;
}

/** A phone number or code in its written groups, or the usual pauses when written in one piece. */
function readPhone(raw: string): string {
  let groups = raw.split(/[\s.-]+/).filter(Boolean);
  let prefix = "";
  if (groups[0]?.startsWith("+")) {
    prefix = `cộng ${readDigits(groups[0])}, `;
    groups = groups.slice(1);
    if (groups.length === 1 && groups[0] && groups[0].length === 9)
      groups = [groups[0].slice(0, 3), groups[0].slice(3, 6), groups[0].slice(6)];
  } else if (groups.length === 1 && groups[0]) {
    const g = groups[0];
    if (g.startsWith("0") && g.length === 10) groups = [g.slice(0, 4), g.slice(4, 7), g.slice(7)];
    else if (g.startsWith("0") && g.length === 11) groups = [g.slice(0, 3), g.slice(3, 7), g.slice(7)];
    else if (/^1[89]00\d{4}$/.test(g)) groups = [g.slice(0, 4), g.slice(4)];
  }
  return ` ${prefix}${groups.map(readDigits).join(", ")} `;
}

const NOT_NUM_BEFORE = "(?<![\\p{L}\\p{N}.,/:+-])";
const NOT_NUM_AFTER = "(?![\\p{N}]|[.,/:]\\p{N})";

const PHONE = new RegExp(
  `${NOT_NUM_BEFORE}(?:\\+84[ .-]?\\d{1,4}(?:[ .-]\\d{2,4})*|0\\d{2,}(?:[ .-]\\d{2,4})*|1[89]00(?:[ .]?\\d{3,4}){1,2})${NOT_NUM_AFTER}`,
  "gu",
);
const ISO_DATE = new RegExp(`${NOT_NUM_BEFORE}(\\d{4})-(\\d{2})-(\\d{2})${NOT_NUM_AFTER}`, "gu");
const RANGE = /(?<=\p{N}h?)(?:\s?[–—]\s?|-)(?=\p{N})/gu;
const DOCUMENT_NUMBER = new RegExp(`${NOT_NUM_BEFORE}(\\d+)\\/((?:19|20)\\d{2})(?=\\/|${NOT_NUM_AFTER})`, "gu");
const DAY_MONTH_YEAR = new RegExp(`${NOT_NUM_BEFORE}(\\d{1,2})([/.-])(\\d{1,2})\\2(\\d{4})(?![/.-]\\p{N})${NOT_NUM_AFTER}`, "gu");
const MONTH_YEAR = new RegExp(`${NOT_NUM_BEFORE}(\\d{1,2})\\/((?:19|20)\\d{2})(?!\\/)${NOT_NUM_AFTER}`, "gu");
const DAY_MONTH = new RegExp(`${NOT_NUM_BEFORE}(\\d{1,2})\\/(\\d{1,2})(?!\\/)${NOT_NUM_AFTER}`, "gu");
const CLOCK = new RegExp(`${NOT_NUM_BEFORE}(\\d{1,2}):(\\d{2})(?![\\p{N}:])`, "gu");
const HOUR = /(?<![\p{L}\p{N}.,])(\d{1,2})h(\d{2})?(?![\p{L}\p{N}])/gu;
const THOUSANDS = new RegExp(`${NOT_NUM_BEFORE}(\\d{1,3}(?:\\.\\d{3})+)(?:,(\\d+))?${NOT_NUM_AFTER}`, "gu");
const SPACED_THOUSANDS = /(?<![\p{L}\p{N}.,])\d{1,3}(?: \d{3})+(?=\s?(?:đồng|nghìn|triệu|tỷ)(?!\p{L}))/gu;
const DOTTED = new RegExp(`${NOT_NUM_BEFORE}\\d+(?:\\.\\d+)+${NOT_NUM_AFTER}`, "gu");
const DECIMAL = new RegExp(`${NOT_NUM_BEFORE}(\\d+),(\\d+)${NOT_NUM_AFTER}`, "gu");
const WHOLE = /\d+/gu;

/** A code mixing capitals and digits ("K7M2XQ9ABC", a certificate code): one character at a time. */
const CODE = /(?<![\p{L}\p{N}])(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6,}(?![\p{L}\p{N}])/gu;

function readNumbers(line: string): string {
  let s = line;
  s = s.replace(CODE, (m) => ` ${[...m].map((c) => (c >= "0" && c <= "9" ? readDigits(c) : c)).join(" ")} `);
  s = s.replace(/(?<=\p{N})\s?(?:[đĐ]|VNĐ|VND|vnđ|vnd)(?![\p{L}\p{N}])/gu, " đồng");
  s = s.replace(SPACED_THOUSANDS, (m) => m.replace(/ /g, ""));
  s = s.replace(PHONE, (m) => readPhone(m));
  s = s.replace(ISO_DATE, (m, y: string, mo: string, d: string, off: number, all: string) =>
    isMonth(Number(mo)) && isDay(Number(d)) ? readDate(all, off, Number(d), Number(mo), y) : m,
  );
  s = s.replace(DAY_MONTH_YEAR, (m, d: string, _sep: string, mo: string, y: string, off: number, all: string) =>
    isDay(Number(d)) && isMonth(Number(mo)) ? readDate(all, off, Number(d), Number(mo), y) : m,
  );
  s = s.replace(/(?<![\p{N}/])24\/7(?![\p{N}/])/gu, " hai mươi tư trên bảy ");
  s = s.replace(RANGE, " đến ");
  s = s.replace(DOCUMENT_NUMBER, (m, n: string, y: string, off: number, all: string) =>
    DOCUMENT_BEFORE.test(before(all, off)) || all.startsWith("/", off + m.length) ? ` ${readNumber(n)} năm ${readNumber(y)} ` : m,
  );
  s = s.replace(MONTH_YEAR, (m, mo: string, y: string, off: number, all: string) =>
    isMonth(Number(mo)) ? readDate(all, off, undefined, Number(mo), y) : m,
  );
  s = s.replace(DAY_MONTH, (m, d: string, mo: string, off: number, all: string) =>
    isDay(Number(d)) && isMonth(Number(mo)) && !COUNT_BEFORE.test(before(all, off)) && !COUNT_AFTER.test(all.slice(off + m.length))
      ? readDate(all, off, Number(d), Number(mo), undefined)
      : m,
  );
  s = s.replace(/(?<=\p{N})\s*\/\s*(?=\p{N})/gu, " trên ");
  s = s.replace(CLOCK, (m, h: string, mi: string) => (Number(h) <= 24 && Number(mi) <= 59 ? readTime(h, mi) : m));
  s = s.replace(HOUR, (m, h: string, mi: string | undefined) =>
    Number(h) <= 24 && (mi === undefined || Number(mi) <= 59) ? readTime(h, mi) : m,
  );
  s = s.replace(/(?<=\p{N})k(?![\p{L}\p{N}])/gu, " nghìn");
  s = s.replace(/(?<=\p{N})\s?%/gu, " phần trăm");
  s = s.replace(/(?<![\p{L}])(thứ)\s+([14])(?![\p{N}]|[.,/:]\p{N})/giu, (_m, w: string, n: string) => `${w} ${n === "1" ? "nhất" : "tư"}`);
  s = s.replace(/(?<![\p{L}])(tháng)\s+0?4(?![\p{N}]|[.,/:]\p{N})/giu, "$1 tư");
  s = s.replace(THOUSANDS, (_m, int: string, frac: string | undefined) => ` ${readNumber(int.replace(/\./g, ""), frac)} `);
  s = s.replace(
    DOTTED,
    (m) =>
      ` ${m
        .split(".")
        .map((p) => readNumber(p))
        .join(" chấm ")} `,
  );
  s = s.replace(DECIMAL, (_m, int: string, frac: string) => ` ${readNumber(int, frac)} `);
  s = s.replace(WHOLE, (m, off: number, all: string) => {
    const after = all.slice(off + m.length);
    const quantity = UNIT_AFTER.test(after);
    const prev = before(all, off);
    const spelled =
      !quantity &&
      (m.length >= 5 ||
        SERVICE_NUMBERS.has(m) ||
        (m.length >= 3 && !/năm\s*$/iu.test(prev) && CALLING_BEFORE.test(prev)) ||
        (m.length >= 3 && m.startsWith("0")));
    return ` ${spelled ? readDigits(m) : readNumber(m)} `;
  });
  return s;
}

function readDomain(m: string): string {
  const host = m.replace(/\/.*$/u, "");
  const spoken = host
    .replace(/\[\.\]|\./gu, " chấm ")
    .replace(/-/g, " gạch ngang ")
    .trim();
  return ` ${spoken} `;
}

const STRENGTH: Record<string, number> = { ",": 1, ";": 2, ":": 3 };

/** Pauses and punctuation a voice reads well; `keepComma`: the line itself ended with a comma (a sentence goes on). */
function tidy(line: string, keepComma: boolean): string {
  let s = line;
  s = s.replace(/["“”„«»‘’]|\[|\]/gu, "");
  s = s.replace(/\(\s*[^\p{L}\p{N}\s()]{1,3}\s*\)/gu, "");
  s = s.replace(/[()]/g, ", ");
  s = s.replace(/\s[-–—]+\s|[–—]+/gu, ", ");
  s = s.replace(PAUSES, ", ");
  s = s.replace(/\//g, ", ");
  s = s.replace(/[<>^\\#=~]/g, " ");
  s = s.replace(/&/g, " và ");
  s = s.replace(/(?:…|\.{2,})+/gu, "...");
  s = s.replace(/([!?])[!?.]*/gu, "$1");
  s = s.replace(/\s+([,.!?;:])/gu, "$1");
  s = s.replace(/[,;:](?:\s*[,;:])+/gu, (m) =>
    [...m.replace(/\s/g, "")].reduce((best, c) => ((STRENGTH[c] ?? 0) > (STRENGTH[best] ?? 0) ? c : best)),
  );
  s = s.replace(/[,;:]\s*(?=[.!?])/gu, "");
  s = s.replace(/([.!?])\s*[,;:]+/gu, "$1");
  s = s.replace(/([,;:!?])(?=[\p{L}\p{N}])/gu, "$1 ");
  s = s.replace(/\.(?=\p{Lu})/gu, ". ");
  s = s.replace(/\s+/gu, " ").trim();
  s = s.replace(/^[\s,;:.!?]+/u, "");
  if (!s) return "";
  if (s.endsWith(",")) return keepComma ? s : `${s.slice(0, -1)}.`;
  return /[.!?:;]$/u.test(s) ? s : `${s}.`;
}

function speakLine(raw: string): string {
  let s = raw.trim();
  s = s.replace(/^(?:>\s*)+/u, "").replace(/^#{1,6}\s+/u, "");
  s = s.replace(/^([0-9])\uFE0F?\u20E3\s*/u, "$1. ").replace(/^\u{1F51F}\s*/u, "10. ");
  s = s.replace(/\u{1F51F}/gu, " 10 ");
  s = s.replace(KEYCAP, (_m, k: string) => (/[0-9]/.test(k) ? k : " "));
  s = s.replace(/!\[[^\]]*\]\([^)]*\)/gu, " ");
  s = s.replace(/\[([^\]]+)\]\((?:https?:\/\/|www\.|\/)[^)]*\)/giu, "$1");
  s = s.replace(ARROWS, ", ");
  s = s.replace(EMOJI, " ").trim();
  s = s.replace(/^(?:(?:[-*+]\s+|[•◦▪‣·]\s*))+/u, "");
  s = s.replace(/^\[[ xX]\]\s+/u, "");
  s = s.replace(/\*\*|__|~~|`/gu, "");
  const keepComma = /,\s*$/u.test(s);
  s = s.replace(/^(\d{1,2})[.)]\s+(?=\S)/u, (_m, n: string) => `${capitalise(readNumber(n))}: `);
  s = s.replace(/(?<=dấu\s)\*/giu, "sao");
  s = s.replace(/\*/g, " ");
  s = s.replace(/_/g, " ");
  s = s.replace(WEB_ADDRESS, (_m, off: number, all: string) => (LINK_WORD.test(all.slice(0, off)) ? " " : " đường dẫn "));
  s = expandAbbreviations(s);
  if (s.includes(".")) s = s.replace(DOMAIN, readDomain);
  if (/\d/u.test(s)) s = readNumbers(s);
  return tidy(s, keepComma);
}

/** What a Vietnamese voice should read for a tutor message: one line of plain sentences (see the rules above). */
export function speakable(text: string): string {
  return text
    .normalize("NFC")
    .split(/\r\n?|\n/u)
    .map(speakLine)
    .filter(Boolean)
    .join(" ")
    .replace(/\s+/gu, " ")
    .trim();
}
