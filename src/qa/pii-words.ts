import { foldForMatch } from "./vietnamese.js";

// Personal data written in words rather than digit runs: a name after "tôi tên là", a street address, a date of
// birth, and a code read out in number words ("bốn bảy không hai chín tám"). Found on the original text, so the
// learner's own spelling is what gets replaced.

export type WordPiiType = "name" | "address" | "birthdate" | "otp" | "password" | "phone";

export interface WordFinding {
  type: WordPiiType;
  start: number;
  end: number;
  value: string;
}

const L = "\\p{L}";
const CAP = `\\p{Lu}[${L}]*`;
/** Two to five capitalised words: "Nguyễn Thị Hoa", "Le Thi Thu". */
const CAPITALISED_NAME = new RegExp(`^${CAP}(?:\\s+${CAP}){1,4}`, "u");
/** One capitalised word: a given name said alone. */
const GIVEN_NAME = new RegExp(`^\\p{Lu}[${L}]+(?![${L}])`, "u");
/** A lowercase name ("nguyen van an"): up to four words, stopping at punctuation. */
const LOWER_NAME = new RegExp(`^[${L}]+(?:\\s+[${L}]+){1,3}`, "u");

/**
 * "tôi tên là", "tên tôi là" ("là" needed: "tên tôi trên VNeID bị sai" is about the name, not it), "họ tên:", "tôi là
 * bà …" (the last only before a capitalised name).
 */
const NAME_LEAD =
  /(?:^|[^\p{L}])(?:(?:tên|ten)\s+(?:của\s+|cua\s+)?(?:tôi|toi|tui|em|bác|bac|mình|minh|con|cháu|chau|tao)\s*(?:là|la|:)|(?:tôi|toi|tui|em|mình|minh|bác|bac|con|cháu|chau|mẹ tôi|me toi|bố tôi|bo toi|chồng tôi|chong toi|vợ tôi|vo toi|con tôi|con toi|cháu tôi|chau toi)\s+(?:tên|ten)(?:\s+(?:là|la))?\s*:?|họ\s+(?:và\s+)?tên\s*(?:là|:)?|ho\s+(?:va\s+)?ten\s*(?:la|:)?)\s+/giu;
const SELF_INTRO = /(?:^|[^\p{L}])(?:tôi|toi|tui|em|mình|minh)\s+là\s+(?:(?:ông|bà|anh|chị|cô|chú|bác|ong|ba|anh|chi|co|chu|bac)\s+)?/giu;
const SELF_INTRO_PLAIN = /(?:^|[^\p{L}])(?:toi|tui|em|minh)\s+la\s+(?:(?:ong|ba|anh|chi|co|chu|bac)\s+)?/giu;
/** Words that end a lowercase name: what people say right after it. */
const AFTER_NAME = new Set(
  "o sinh so nam tuoi la nha muon hoi can cho co khong ko dang va thi ma de vay nhe a oi nay nguoi que dia tren trong bi sai gi ghi viet".split(
    " ",
  ),
);

/** The most common family names: after one, "thi" is the middle name Thị, not "thì" (then). */
const SURNAMES = new Set(
  "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh truong lam mai trinh cao luu ha ta doan luong vuong thai".split(
    " ",
  ),
);

function names(text: string): WordFinding[] {
  const out: WordFinding[] = [];
  const take = (at: number, allowLower: boolean) => {
    const rest = text.slice(at);
    // After "tôi tên (là)" a capitalised given name alone is a name too ("tôi tên Hoa").
    const cap = CAPITALISED_NAME.exec(rest)?.[0] ?? (allowLower ? GIVEN_NAME.exec(rest)?.[0] : undefined);
    let value = cap;
    if (!value && allowLower) {
      const words = (LOWER_NAME.exec(rest)?.[0] ?? "").split(/\s+/);
      const kept: string[] = [];
      for (const w of words) {
        const f = foldForMatch(w);
        const middle = f === "thi" && kept.length === 1 && SURNAMES.has(foldForMatch(kept[0] as string));
        if (AFTER_NAME.has(f) && !middle) break;
        kept.push(w);
      }
      if (kept.length >= 2) value = kept.join(" ");
    }
    if (value) out.push({ type: "name", start: at, end: at + value.length, value });
  };
  for (const m of text.matchAll(NAME_LEAD)) take((m.index ?? 0) + m[0].length, true);
  // "tôi là bà Lê Thị Thu": only a capitalised name, never "tôi là người…".
  for (const m of text.matchAll(SELF_INTRO)) take((m.index ?? 0) + m[0].length, false);
  for (const m of text.matchAll(SELF_INTRO_PLAIN)) take((m.index ?? 0) + m[0].length, false);
  return out;
}

const STREET = "ngõ|ngo|ngách|ngach|hẻm|hem|kiệt|kiet|đường|duong|phố|pho|thôn|thon|xóm|xom|ấp|ap|tổ|to|khu|khóm|khom|tdp";
const AREA = "phường|phuong|xã|xa|quận|quan|huyện|huyen|thị trấn|thi tran|thành phố|thanh pho|tp|tỉnh|tinh";
/** Words that make a number a time or a count ("2 năm", "3 lần", "5 triệu"), not a house number. */
const COUNTED =
  "(?:năm|nam|tháng|thang|ngày|ngay|tuần|tuan|lần|lan|giờ|gio|phút|phut|người|nguoi|triệu|trieu|nghìn|nghin|ngàn|ngan|tuổi|tuoi|cái|cai|con|đứa|dua|ngân hàng|ngan hang)(?![\\p{L}])";
const HOUSE = "(?:số nhà|so nha|số|so|sn|nhà số|nha so)\\s*\\d+[a-zA-Z]?(?:\\/\\d+)*";
/** A place name: capitalised words, or (in lowercase text) up to three words. */
const PLACE = (lower: boolean) => (lower ? `[${L}\\d]+(?:\\s+[${L}]+){0,2}` : `(?:\\d+[a-zA-Z]?|${CAP}(?:\\s+${CAP})*)`);

/** A host name with its top-level domain, or a link: "vietcombank-hotro.xyz", "www.abc", "https://…". */
const WEB_ADDRESS = /^(?:https?:\/\/|www\.|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?![\p{L}]))/iu;

function addresses(text: string): WordFinding[] {
  const lower = !/\p{Lu}/u.test(text);
  const place = PLACE(lower);
  // After the lane, the street may be named without "đường" ("số 12 ngõ 45 Nguyễn Trãi"): capitalised words only.
  const street = lower ? "" : `(?:\\s+${CAP}(?:\\s+${CAP})*)?`;
  const pattern = new RegExp(
    `(?:^|[^${L}])(${HOUSE}(?:\\s*,?\\s*(?:${STREET})\\s+${place})+${street}(?:\\s*,\\s*(?:${AREA})\\s+${place})*)`,
    "giu",
  );
  // "ở 45 Nguyễn Trãi, quận 5": a house number and a street name without "số"/"đường", told by the district after it.
  // Not "ở 2 năm ở quận 3" (a time or a count, not a house number); the district is a number or one or two words.
  const area = lower ? `(?:\\d+|[${L}]+(?:\\s+[${L}]+)?)` : place;
  const bare = new RegExp(
    `(?:^|[^${L}])(?:ở|o|tại|tai|nhà|nha)\\s+(\\d+[a-zA-Z]?(?:\\/\\d+)*\\s+(?!${COUNTED})${place}(?:\\s*,?\\s*(?:${AREA})\\s+${area})+)`,
    "giu",
  );
  const out: WordFinding[] = [];
  for (const re of [pattern, bare])
    for (const m of text.matchAll(re)) {
      const value = m[1] ?? "";
      const start = (m.index ?? 0) + m[0].length - value.length;
      if (!out.some((f) => start < f.end && f.start < start + value.length))
        out.push({ type: "address", start, end: start + value.length, value });
    }
  // "địa chỉ (nhà tôi) là …": the rest of the clause.
  for (const m of text.matchAll(
    /(?:địa chỉ|dia chi)(?:\s+(?:nhà|nha|của|cua|tôi|toi|tui|em|bác|bac|mình|minh))*\s*(?:là|la|:)\s*([^,.;?!\n]{4,80})/giu,
  )) {
    const value = (m[1] ?? "").trim();
    const start = (m.index ?? 0) + m[0].length - (m[1] ?? "").length + ((m[1] ?? "").length - (m[1] ?? "").trimStart().length);
    // A web address ("địa chỉ là vietcombank-hotro.xyz") is not where someone lives: it stays for the link rules.
    if (WEB_ADDRESS.test(text.slice(start, start + value.length + 12))) continue;
    out.push({ type: "address", start, end: start + value.length, value });
  }
  return out;
}

/**
 * A date after "sinh" (up to three words between: "ngày sinh tôi 05-08-1949", "ngày sinh của bà là …"), or any full date
 * whose year is a living person's birth year and not a recent one (a law's or a form's date stays).
 */
function birthdates(text: string): WordFinding[] {
  const out: WordFinding[] = [];
  const date = String.raw`\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|\d{1,2}\s+(?:tháng|thang)\s+\d{1,2}\s+(?:năm|nam)\s+\d{4}`;
  const afterSinh = new RegExp(
    String.raw`(?:sinh|ngày sinh|ngay sinh|ns|dob)(?:\s+(?!\d)[\p{L}]+){0,3}?\s*(?:ngày|ngay|vào|vao|năm|nam)?\s*:?\s*(${date})`,
    "giu",
  );
  for (const m of text.matchAll(afterSinh)) {
    const value = m[1] ?? "";
    const start = (m.index ?? 0) + m[0].length - value.length;
    out.push({ type: "birthdate", start, end: start + value.length, value });
  }
  for (const m of text.matchAll(/(?<![\d/.-])\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(19\d\d|200\d|201[0-2])(?![\d/.-])/g)) {
    const start = m.index ?? 0;
    if (out.some((f) => start >= f.start && start < f.end)) continue;
    out.push({ type: "birthdate", start, end: start + m[0].length, value: m[0] });
  }
  return out;
}

const DIGIT_WORDS = new Set("khong mot hai ba bon tu nam lam sau bay tam chin linh".split(" "));
const SECRET_CONTEXT = /\b(otp|ma|mat khau|mk|pass|passcode|pin|xac thuc|xac nhan)\b/;
const PASSWORD_CONTEXT = /\b(mat khau|mk|pass|passcode|pin)\b/;

/** Four or more number words in a row near a code word (an OTP read out), or nine or more (a phone number). */
function spokenDigits(text: string): WordFinding[] {
  const out: WordFinding[] = [];
  const words = [...text.matchAll(/[\p{L}]+/gu)];
  let i = 0;
  while (i < words.length) {
    let j = i;
    while (j < words.length && DIGIT_WORDS.has(foldForMatch(words[j]?.[0] ?? ""))) j++;
    const count = j - i;
    if (count >= 4) {
      const first = words[i] as RegExpMatchArray;
      const last = words[j - 1] as RegExpMatchArray;
      const start = first.index ?? 0;
      const end = (last.index ?? 0) + last[0].length;
      const before = foldForMatch(text.slice(Math.max(0, start - 30), start));
      const type = SECRET_CONTEXT.test(before) ? (PASSWORD_CONTEXT.test(before) ? "password" : "otp") : count >= 9 ? "phone" : undefined;
      if (type) out.push({ type, start, end, value: text.slice(start, end) });
    }
    i = Math.max(j, i + 1);
  }
  return out;
}

export function findWordPii(text: string): WordFinding[] {
  return [...names(text), ...addresses(text), ...birthdates(text), ...spokenDigits(text)];
}
