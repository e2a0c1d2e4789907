import { findWordPii } from "./pii-words.js";
import { foldForMatch } from "./vietnamese.js";

// Rail 2: personal data. Found before anything leaves the server, replaced by typed placeholders.

export type PiiType =
  | "cccd"
  | "cmnd"
  | "phone"
  | "bank"
  | "card"
  | "insurance"
  | "taxcode"
  | "otp"
  | "password"
  | "email"
  | "name"
  | "address"
  | "birthdate"
  | "plate";

export const PLACEHOLDER: Record<PiiType, string> = {
  cccd: "[CCCD]",
  cmnd: "[CMND]",
  phone: "[SĐT]",
  bank: "[STK]",
  card: "[STK]",
  insurance: "[MÃ BẢO HIỂM]",
  taxcode: "[MÃ SỐ THUẾ]",
  otp: "[OTP]",
  password: "[MẬT KHẨU]",
  email: "[EMAIL]",
  name: "[TÊN]",
  address: "[ĐỊA CHỈ]",
  birthdate: "[NGÀY SINH]",
  plate: "[BIỂN SỐ]",
};

const PLACEHOLDER_PATTERN = new RegExp(`\\[(?:${[...new Set(Object.values(PLACEHOLDER))].map((p) => p.slice(1, -1)).join("|")})\\]`, "gu");

/**
 * A label and the identity data it introduces ("sđt của tôi là [SĐT]", "tôi tên là [TÊN]"): neither says what the
 * learner asks. (An OTP or password label stays: "mã OTP là [OTP] thì đọc cho ai" is a question about OTPs.)
 */
const LABELLED_DATA =
  /(?:số điện thoại|so dien thoai|sđt|sdt|đt|dt|email|e-mail|mail|gmail|stk|số tk|so tk|số tài khoản|so tai khoan|tk|căn cước|can cuoc|cccd|cmnd|số định danh|so dinh danh|tên|ten|địa chỉ|dia chi|ngày sinh|ngay sinh|sinh ngày|sinh ngay|nhà|nha)(?:\s+[\p{L}\d]+){0,3}?\s*[:=-]?\s*(?:là|la|ở|o)?\s*\[(?:SĐT|EMAIL|STK|CCCD|CMND|TÊN|ĐỊA CHỈ|NGÀY SINH)\]/giu;

/** The learner's words without redacted data: placeholders and their labels are not searched or matched. */
export const stripPersonalData = (text: string) => text.replace(LABELLED_DATA, " ").replace(PLACEHOLDER_PATTERN, " ");

export interface PiiFinding {
  type: PiiType;
  start: number;
  end: number;
  value: string;
}

export interface Redaction {
  text: string;
  findings: PiiFinding[];
  types: Set<PiiType>;
}

// Digit runs, allowing single spaces, dots or dashes inside ("0912 345 678", "001.203.004.567"), and "+84".
const DIGIT_RUN = /(?:\+\s?)?\d(?:[ .-]?\d)+/g;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
/**
 * A vehicle's number plate, which names its owner: two digits, the series letters (and a digit), then four or five
 * digits ("99A-999.99", "30A 12345", "51G1-123.45", "29-B1 234.56").
 */
const PLATE = /(?<![\p{L}\p{N}])\d{2}\s?-?\s?[A-Za-z]{1,2}\d?\s?-?\s?(?:\d{3}\.?\d{2}|\d{4})(?![\p{N}])/gu;
/** A health-insurance card code: two letters, then 13 digits ("HC4010123456789", "HC 4 01 0123456789"). */
const BHYT_CODE = /(?<![\p{L}\p{N}])[A-Za-z]{2}[ .-]?\d(?:[ .-]?\d){12}(?![\p{N}])/gu;

// Context words, matched on folded text (no diacritics) in a window before the number.
const OTP_CONTEXT = /\b(otp|ma xac thuc|ma xac nhan|ma kich hoat|ma dang nhap|ma so|ma bao mat|ma giao dich|verification code|code)\b/;
/** "đọc mã 482913", "mã: 4829", "mã của tôi là 482913": a code right before the number. */
const CODE_RIGHT_BEFORE = /\bma(?:\s+(?:so|vua nhan|cua (?:toi|tui|bac|em|minh|ong|ba|con|me|bo|chau)))?\s*(?:la|:)?\s*$/;
/** "mã số BHXH 0123456789", "mã số thuế: 8012345678". */
const INSURANCE_RIGHT_BEFORE =
  /\b(?:ma so bhxh|ma bhxh|so bhxh|ma so bao hiem xa hoi|ma bao hiem|ma so bao hiem)(?:\s+cua \S+)?\s*(?:la|:)?\s*$/;
const TAX_RIGHT_BEFORE = /\b(?:ma so thue|mst)(?:\s+(?:ca nhan|cua \S+))?\s*(?:la|:)?\s*$/;
/** Id words: a dotted number after them is an id, not an amount ("cmnd 172.384.951"). */
const ID_CONTEXT = /\b(cmnd|cccd|can cuoc|chung minh|dinh danh|so giay to|ho chieu|cmt|so cmt)\b/;
/** An account word right before the number ("tk mb 0968…", "stk: …"): an account, even when it looks like a phone number. */
const ACCOUNT_RIGHT_BEFORE =
  /\b(stk|so tk|tk|so tai khoan|tai khoan)(\s+(so|la|cua (toi|tui|bac|em|minh|con|me)|[a-z]{2,12})){0,2}\s*[:.-]?\s*$/;
const BANK_CONTEXT = /\b(stk|so tk|tk|so tai khoan|tai khoan|account|the|so the|the atm|the ngan hang|ngan hang|ck|chuyen khoan|card)\b/;
const PASSCODE_CONTEXT = /\b(passcode|pass code|ma pin|pin|mat khau|mk|pass|password)\b/;
const MONEY_AFTER = /^\s?(d\b|đ|dong|vnd|vnđ|k\b|nghin|ngan|trieu|ty|usd|\$|%)/i;
const MONEY_BEFORE = /(phi|gia|tien|so tien|chuyen|nap|mat|lai|luong|\$)\s*$/;

// Province codes that start a 12-digit citizen id (001–096).
const isProvinceCode = (d: string) => {
  const n = Number(d.slice(1, 3));
  return d[0] === "0" && n >= 1 && n <= 96;
};

function classifyNumber(digits: string, raw: string, before: string, after: string): PiiType | undefined {
  const len = digits.length;
  const ctx = before.slice(-40);
  const startsPlus = raw.trim().startsWith("+");
  // Thousand-grouped amounts ("22.000", "100.000.000") and numbers followed by a currency are money, not ids.
  const grouped = /^\d{1,3}(\.\d{3})+$/.test(raw) && !raw.startsWith("0");
  if (MONEY_AFTER.test(after) || (grouped && !OTP_CONTEXT.test(ctx) && !BANK_CONTEXT.test(ctx) && !ID_CONTEXT.test(ctx))) return undefined;
  if (PASSCODE_CONTEXT.test(ctx) && len >= 4 && len <= 8) return "password";
  if (INSURANCE_RIGHT_BEFORE.test(ctx) && len === 10) return "insurance";
  if (TAX_RIGHT_BEFORE.test(ctx) && (len === 10 || len === 12 || len === 13)) return "taxcode";
  if ((OTP_CONTEXT.test(ctx) || CODE_RIGHT_BEFORE.test(ctx)) && len >= 4 && len <= 8) return "otp";
  if (ACCOUNT_RIGHT_BEFORE.test(ctx) && len >= 8 && len <= 19 && !MONEY_BEFORE.test(ctx)) return len >= 16 ? "card" : "bank";
  if ((startsPlus || digits.startsWith("84")) && len === 11 && /^84[35789]/.test(digits)) return "phone";
  if (len === 10 && /^0[35789]/.test(digits)) return "phone";
  if (len === 11 && digits.startsWith("02")) return "phone";
  if (len === 12 && isProvinceCode(digits)) return "cccd";
  if (len >= 16 && len <= 19 && (digits.startsWith("9704") || BANK_CONTEXT.test(ctx))) return "card";
  if (len >= 8 && len <= 19 && BANK_CONTEXT.test(ctx) && !MONEY_BEFORE.test(ctx)) return "bank";
  if (len === 9 && !MONEY_BEFORE.test(ctx)) return "cmnd";
  if (len === 12) return "cccd";
  if (len >= 13 && len <= 19) return "bank";
  return undefined;
}

// A password is the token after a password word: "mk: Abc@123", "mật khẩu của tôi là hoa1950", and also after a
// password word, a few words naming whose or which one, and "là"/":" ("mật khẩu vneid của bác là Lan1958",
// "pass zalo là hoahong123", "mật khẩu app ngân hàng của tôi là …").
const PASSWORD_QUALIFIED =
  /(?:mật\s*khẩu|mat\s*khau|mk|pass(?:word|code)?|mã\s*pin|ma\s*pin|pin)((?:\s+[\p{L}\d]+){1,5}?)\s*(?:\s(?:là|la)\s+|:\s*|=\s*)/iuy;
/** "mk" is also teencode for "mình" (I): "cho mk xem", "mk muốn hỏi". */
const MK_PRONOUN =
  /(?:\b(?:cho|của|cua|giúp|giup|với|voi|bạn|ban|giùm|gium)\s+mk\b|\bmk\s+(?:muốn|muon|đang|dang|cần|can|hỏi|hoi|thấy|thay|nghĩ|nghi|định|dinh|bị|bi|có|co|sẽ|se|đã|da|xin|vừa|vua)\b)/iu;
const PASSWORD_LEAD =
  /(?:mật\s*khẩu|mat\s*khau|\bmk\b|\bpass(?:word|code)?\b|mã\s*pin|ma\s*pin|\bpin\b)(?:\s+(?:của|cua)\s+(?:tôi|toi|tui|em|bác|bac|mình|minh|con|cháu|chau|tao|t))?\s*(?:(?:là|la|:|=|-)\s*)?/giu;
const NOT_A_PASSWORD = new Set([
  "gì",
  "gi",
  "j",
  "sao",
  "thế",
  "the",
  "nào",
  "nao",
  "mạnh",
  "manh",
  "yếu",
  "yeu",
  "mới",
  "moi",
  "cũ",
  "cu",
  "bao",
  "mấy",
  "may",
  "có",
  "co",
  "không",
  "khong",
  "ko",
  "k",
  "là",
  "la",
  "của",
  "cua",
  "vneid",
  "ngân",
  "ngan",
  "bị",
  "bi",
  "đã",
  "da",
  "đúng",
  "dung",
  "sai",
  "phải",
  "phai",
  "để",
  "de",
  "thì",
  "thi",
  "và",
  "va",
  "cho",
  "ai",
  "nên",
  "nen",
  "cần",
  "can",
  "quên",
  "quen",
  "rồi",
  "roi",
  "gồm",
  "gom",
  "gì?",
  "sao?",
  "đăng",
  "dang",
  "đổi",
  "doi",
  "lấy",
  "lay",
  "đặt",
  "dat",
  "nhập",
  "nhap",
  "tài",
  "tai",
  "ứng",
  "ung",
  "app",
  "hay",
  "với",
  "voi",
  "khó",
  "kho",
  "dài",
  "dai",
  "ngắn",
  "ngan",
  "gửi",
  "gui",
  "tôi",
  "toi",
  "em",
  "bác",
  "bac",
  "mình",
  "minh",
  "ở",
  "o",
  "trong",
  "này",
  "nay",
  "đó",
  "do",
  "thế",
  "nữa",
  "nua",
  "lại",
  "lai",
  "gì.",
  "ạ",
  "a",
  "nhé",
  "nhe",
  "ơi",
  "oi",
  "zalo",
  "email",
  "facebook",
  "gmail",
  "wifi",
  "ngân",
  "hàng",
  "otp",
  "pin",
  "passcode",
  "mk",
  "pass",
  "password",
  "mật",
  "khẩu",
  "mat",
  "khau",
  "bằng",
  "bang",
  "như",
  "nhu",
  "được",
  "duoc",
  "dc",
  "đc",
]);

function findPasswords(text: string): PiiFinding[] {
  const out: PiiFinding[] = [];
  let mkIsPronoun: boolean | undefined;
  const leads: RegExpMatchArray[] = [];
  for (const m of text.matchAll(PASSWORD_LEAD)) {
    leads.push(m);
    PASSWORD_QUALIFIED.lastIndex = m.index ?? 0;
    const q = PASSWORD_QUALIFIED.exec(text);
    if (q) leads.push(q);
  }
  for (const m of leads) {
    if (/^mk\b/i.test(m[0])) {
      mkIsPronoun ??= MK_PRONOUN.test(text);
      if (mkIsPronoun) continue;
    }
    // Qualifier words must name whose or which password, not start another clause ("mật khẩu mạnh là gì").
    if (m[1] && /\b(là|la|thì|thi|có|co|không|khong|ko|nào|nao|sao|gì|gi)\b/iu.test(m[1])) continue;
    const start = (m.index ?? 0) + m[0].length;
    const token = /^[^\s,;]+/u.exec(text.slice(start))?.[0]?.replace(/[.?!…]+$/u, "");
    if (!token || token.length < 3) continue;
    const hasSeparator = /(là|la|:|=|-)\s*$/iu.test(m[0]);
    const looksSecret = /\d/.test(token) || /[^\p{L}]/u.test(token) || /\p{Lu}/u.test(token.slice(1));
    if (NOT_A_PASSWORD.has(token.toLowerCase())) continue;
    if (!looksSecret && !hasSeparator) continue;
    if (token.startsWith("[")) continue; // already a placeholder
    if (/^\p{L}+:$/u.test(token)) continue; // a label ("pass vneid: …"), the password comes after it
    if (out.some((f) => f.start === start)) continue;
    out.push({ type: "password", start, end: start + token.length, value: token });
  }
  return out;
}

export function findPii(text: string): PiiFinding[] {
  const folded = foldForMatch(text);
  // foldForMatch keeps length for Vietnamese letters (one char → one char after removing marks) in practice;
  // when it does not, fall back to matching context on the original text.
  const sameLength = folded.length === text.length;
  const ctxOf = (start: number) =>
    sameLength ? folded.slice(Math.max(0, start - 40), start) : foldForMatch(text.slice(Math.max(0, start - 40), start));
  const findings: PiiFinding[] = [];
  /** Nothing found yet covers any of start..end: what is found first keeps its characters. */
  const free = (start: number, end: number) => findings.every((f) => end <= f.start || start >= f.end);
  const matchesOf = (type: PiiType, pattern: RegExp) => {
    for (const m of text.matchAll(pattern)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (free(start, end)) findings.push({ type, start, end, value: m[0] });
    }
  };
  if (text.includes("@")) matchesOf("email", EMAIL);
  matchesOf("insurance", BHYT_CODE);
  matchesOf("plate", PLATE);
  // Passwords first: a password may contain digits ("Abc@12345") that must go with it. Then what is written in
  // words (a name, an address, a date of birth, a code read out), whose digits go with it too.
  for (const p of [...findPasswords(text), ...findWordPii(text)]) if (free(p.start, p.end)) findings.push(p);
  for (const m of text.matchAll(DIGIT_RUN)) {
    const start = m.index ?? 0;
    const raw = m[0];
    const end = start + raw.length;
    if (!free(start, end)) continue; // inside an e-mail, a plate or a password
    // A run glued to letters is a code or a word ("2fa", "v2.2.2" handled below), not an id.
    if (
      /[\p{L}]$/u.test(text.slice(Math.max(0, start - 1), start)) &&
      !/(?:stk|tk|mk|otp|pin)$/i.test(text.slice(Math.max(0, start - 4), start))
    )
      continue;
    const digits = raw.replace(/\D/g, "");
    const type = classifyNumber(digits, raw, ctxOf(start), foldForMatch(text.slice(end, end + 8)));
    if (type) findings.push({ type, start, end, value: raw.trim() });
  }
  return findings.sort((a, b) => a.start - b.start);
}

export function redactPii(text: string): Redaction {
  const findings = findPii(text);
  let out = "";
  let at = 0;
  for (const f of findings) {
    out += text.slice(at, f.start) + PLACEHOLDER[f.type];
    at = f.end;
  }
  out += text.slice(at);
  return { text: out, findings, types: new Set(findings.map((f) => f.type)) };
}
