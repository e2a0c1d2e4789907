// Deterministic rules over folded text (lowercase, no diacritics, punctuation → spaces, teencode expanded:
// "ko/k/hok" → "khong", "dc" → "duoc", "j" → "gi", "ntn" → "nhu the_? nao", "m" → "may", "sdt" → "so dien thoai"…).
// Each rule is a list of patterns that must ALL match; the first rule of a list that matches wins.

import { BANK_NAMES } from "./vietnamese.js";

export interface Rule {
  id: string;
  all: RegExp[];
  /** Patterns that cancel the rule (e.g. "how to recognise" cancels "fake message"). */
  none?: RegExp[];
  /** Lesson to point to (scam rules). */
  lesson?: string;
  /**
   * Scam rules: what else the message must show. "context" (default): someone contacted the learner, or the
   * message is pasted; "alone": the content is enough (an advert, a pasted link), unless the learner only asks
   * about it in general ("việc nhẹ lương cao là gì").
   */
  needs?: "context" | "alone";
  /** Only when the learner types with diacritics: bare words that are ambiguous without them ("đau" vs "đâu"). */
  accentedOnly?: boolean;
}

export function firstMatch(rules: Rule[], folded: string, accented = false): Rule | undefined {
  return rules.find(
    (r) => (!r.accentedOnly || accented) && r.all.every((p) => p.test(folded)) && !(r.none ?? []).some((p) => p.test(folded)),
  );
}

/** Whole words (or phrases) of folded text. Alternatives may use regex syntax; `${g(n)}` skips up to n words. */
const w = (alternatives: string) => new RegExp(`(?:^|\\s)(?:${alternatives})(?=\\s|$)`);
const g = (n: number) => `(?:\\S+ ){0,${n}}`;

// ── senses: folded words that are ambiguous once the marks are gone ────────────────────────────
// When the learner types with diacritics, a word spelt otherwise than listed is hidden from that family of rules
// ("bổ sung" is not "súng", "kể chuyện" is not "ke", "đâu" is not "đau", "dân" is not "DAN").

export const HARM_SENSES: Record<string, string[]> = {
  // "mã độc" (malware) and "ma túy", not "mà đọc" (but reads).
  ma: ["mã", "ma"],
  ke: ["ke"],
  ngu: ["ngu"],
  sung: ["súng"],
  gia: ["giả"],
  bom: ["bom"],
  thi: ["thị"],
  trom: ["trộm"],
  dam: ["đâm", "dâm"],
  chem: ["chém"],
  hiep: ["hiếp"],
  giet: ["giết"],
  tuy: ["túy", "tuý"],
  thue: ["thuê"],
  lua: ["lừa"],
  mua: ["mua"],
  ban: ["bán", "bắn"],
  xu: ["xử"],
  cap: ["cắp"],
  chui: ["chửi"],
  doa: ["dọa", "doạ"],
  doc: ["độc", "đọc"],
  nhat: ["nhặt"],
  the: ["thẻ"],
  vay: ["vay"],
};
/**
 * Typed without marks, phrases far more often innocent than harmful: "bang gia" is a price list (bảng giá) before it
 * is a fake diploma (bằng giả); "ma doc tin nhan" is "mà đọc tin nhắn" (but reading messages), not malware. With marks,
 * the senses above already tell them apart.
 */
export const HARM_UNMARKED_INNOCENT =
  /(^|\s)(bang gia|ma doc(?= (?:tin|sach|bao|chu|thu|email|truyen|kinh|lai|duoc|khong|ko|het|xong|to|nho|cham|ki|ky|kip)(?:\s|$)))(?=\s|$)/g;
export const SCAM_SENSES: Record<string, string[]> = {
  ma: ["mã"],
  phi: ["phí"],
  lai: ["lãi"],
  khoa: ["khóa", "khoá"],
  the: ["thẻ"],
  cai: ["cài"],
  trung: ["trúng"],
  thue: ["thuế", "thuê"],
  nhiem: ["nhiệm"],
  no: ["nó", "nợ"],
  vay: ["vay"],
};
export const ADVICE_SENSES: Record<string, string[]> = {
  dau: ["đau", "đầu"],
  ho: ["ho"],
  sot: ["sốt"],
  chua: ["chữa"],
  thuoc: ["thuốc"],
  benh: ["bệnh"],
  uong: ["uống"],
  tiem: ["tiêm"],
  dai: ["dại"],
  can: ["cắn", "cần"],
  cho: ["chó"],
  toa: ["tòa", "toà"],
  kien: ["kiện"],
  phat: ["phạt"],
  dat: ["đất"],
  vang: ["vàng"],
  vay: ["vay"],
  lai: ["lãi", "lời", "lại"],
  no: ["nợ"],
  ban: ["bán"],
  nen: ["nên"],
  tu: ["tư"],
};
export const SCOPE_SENSES: Record<string, string[]> = {
  anh: ["ảnh"],
  cai: ["cài"],
  mang: ["mạng"],
  thue: ["thuế"],
  hinh: ["hình"],
  tai: ["tải", "tài"],
  ma: ["mã"],
  lua: ["lừa"],
  nop: ["nộp"],
  the: ["thẻ"],
};

// ── who tells the story: is this a call or message the learner got, or a pasted one? ──────────

const ME = "toi|tui|bac|em|minh|me|ba|ong|chau|con|nha toi|gia dinh toi|tao";
/** Someone who contacted the learner; "ho" is "họ" (they), not the "hồ" of "hồ sơ" (a file) or "hộ" of "hộ khẩu". */
const PERSON =
  "ho(?! (?:so|khau|chieu|kinh doanh|gia dinh|ngheo|can ngheo|tich|ten|va ten))|nguoi ta|nguoi la|ai do|co nguoi|co ai|mot nguoi|nguoi tu xung|nguoi xung|ke gian|doi tuong|nhan vien|can bo|so la|so nay|so do|tong dai vien|tong dai|anh ay|chi ay|ong ay|ba ay|co ay|chu ay|no|thang|con kia|ben kia|mot anh|mot chi|co anh|co chi|co co|co ong|co ba|co chu|co em|co thang|shipper|ban (?:be |cu )?(?:toi|tui|em|minh|bac|cu|cua toi)|ban cu|nguoi quen|nguoi yeu|hang xom|tai khoan la|nick la|facebook la|zalo la|fanpage";
const SAY =
  "bao(?! (?:hiem|mat|gio|nhieu|lau|ve|cao|lanh|tang|dam|chi|loi|sai|do|het han|khong|chua|dang|ket qua)(?:\\s|$))|noi|xung|tu xung|tu nhan|nhan la|yeu cau|bat|doi|xin|nho|hua|moi|ru|hoi|nhan|nhan tin|goi|goi dien|gui|ket ban|de nghi|thong bao|huong dan|hen|doa|giuc|ep|khuyen|day|keu|chi dan|gioi thieu|tu van|mach|cho biet";
/** "vneid nó báo…": "nó" after a thing is the app, not a person. */
const THING =
  "(?:vneid|vssid|app|ung dung|may|dien thoai|he thong|trang|web|zalo|the|ma|man hinh|otp|tai khoan|ngan hang|etax|cong|dinh danh|ho so|dich vu cong|phan mem)";
const SENDER =
  "tin nhan|sms|email|mail|buc thu|la thu|cuoc goi|zalo|messenger|facebook|tiktok|fanpage|nhom|quang cao|bai dang|thong bao|link|nha mang|ngan hang|dien luc|cong an|bhxh|co quan|cuc thue|chi cuc thue|toa an|vien kiem sat|tong dai|cskh|shop|so dien thoai la|so la|hai quan|ben (?:thue|ngan hang|dien luc|dien|nuoc|bao hiem|bhxh|cong an|nha mang|giao hang|van chuyen|shop|san|cong ty|tai chinh|app|toa|vien kiem sat)";

/** Someone who said they were an official, a bank, the power company…: always an event, never a general question. */
const IMPERSONATION = w(
  "(?:xung|tu xung|tu nhan|nhan la|mao danh|gia danh|tu gioi thieu) (?:la )?(?:ben |o )?(?:cong an|can bo|nhan vien|canh sat|toa an|vien kiem sat|bo|cuc|chi cuc|so|ngan hang|dien luc|bhxh|bao hiem|nha mang|shipper|giam doc|sep|luat su|nha bao|co quan|dieu tra|an ninh)",
);
/** Someone contacted the learner, or the learner retells what they were told ("họ nói…", "nó bảo…"). */
export const RETOLD: RegExp[] = [
  new RegExp(`(?:^|\\s)(?=(?:${PERSON}) )(?<!(?:^|\\s)${THING} )(?!no )(?:${PERSON}) ${g(3)}(?:${SAY})(?=\\s|$)`),
  // "nó" is a person only when no app, site or system was named just before ("mới cài app định danh, nó bắt nhập mã").
  new RegExp(`(?:^|\\s)(?<!(?:^|\\s)${THING} ${g(6)})no ${g(3)}(?:${SAY})(?=\\s|$)`),
  new RegExp(
    // "gửi đi, tới nơi…" (sent away, and on arrival) is the learner sending, not someone sending to "tôi".
    `(?:^|\\s)(?:goi|goi dien|nhan tin|nhan|gui|ket ban|add|them|lien he|lien lac|nt) (?!di )${g(1)}(?:cho |den |toi |vao )?(?:${ME})(?=\\s|$)`,
  ),
  w(`(?:duoc|bi) ${g(1)}(?:goi|goi dien|nhan tin|moi|them|add|keo|ket ban|du|ru|tu van|lien he|lien lac|dua vao|cho vao)`),
  w(
    `(?:nhan duoc|vua nhan|moi nhan|duoc|co|thay|vua co|doc duoc|xem duoc) ${g(2)}(?:tin nhan|cuoc goi|email|thu (?:moi|bao|tu|cua|dien tu|nay)|buc thu|la thu|sms|link|duong link|giay moi|giay trieu tap|thong bao|ma qr|loi moi|quang cao|bai dang|livestream)`,
  ),
  new RegExp(`(?:^|\\s)(?=(?:${SENDER}) )(?<!(?:^|\\s)(?:app|ung dung|trang|web) )(?:${SENDER}) ${g(3)}(?:${SAY})(?=\\s|$)`),
  new RegExp(
    `(?:^|\\s)(?:doc|gui|dua|cung cap|chuyen|cho|nhap|chup|bam|cai) ${g(5)}(?:cho|vao tai khoan cua|vao tk cua|theo loi) (?:${PERSON})(?=\\s|$)`,
  ),
  IMPERSONATION,
  // Someone called or texted with a demand or a threat: "gọi dọa", "nhắn tin đòi trả gấp", "gọi điện giục".
  w(`(?:goi|goi dien|nhan|nhan tin|nhan zalo|call) ${g(1)}(?:doa|de doa|doi|giuc|ep)`),
  // Told to pay in to go on ("đơn thứ 4 bắt nạp 10tr"): someone set the task. Paying a bill or topping up a phone ("đã
  // nạp tiền điện thoại") is not a story of being contacted.
  w(`(?:bat|doi|yeu cau|buoc) (?:phai )?nap`),
  // "vừa nhận tin Zalo…", "nhận được tin báo trúng thưởng": a message came ("tin" alone, not "tin được": believe).
  w(`(?:nhan duoc|vua nhan|moi nhan|da nhan) ${g(1)}tin(?! (?:duoc|tuong|cay|nguoi))`),
  new RegExp(
    `\\s(?=(?:bat|bao|keu|yeu cau|doi|xin|nho|giuc|ep|hua|moi|ru|huong dan|doa|de nghi|dan) (?:${ME}))(?<!(?:^|\\s)(?:app|ung dung|vneid|vssid|may|dien thoai|he thong|trang|web) ${g(2)})(?<!(?:oi|hay|lam on|giup|vui long|xin|ban|bot|chau|em|con|huong|chi) )(?:bat|bao(?! (?:hiem|mat|gio|nhieu|lau|ve|cao))|keu|yeu cau|doi|xin|nho|giuc|ep|hua|moi|ru|huong dan|doa|de nghi|dan) (?:${ME})(?=\\s|$)`,
  ),
];
/**
 * The story is told after the loss: money gone, a code read out, a link opened and a card number typed ("tài khoản mất
 * hết", "bị rút 50 triệu", "tôi lỡ bấm link … rồi nhập số thẻ", "tôi chuyển rồi"), by the learner or their family. Not
 * "chuyển tiền rồi mới giao" (then), nor a buyer who says they paid ("khách bảo chuyển rồi").
 */
export const LOST = w(
  `mat het|mat sach|mat trang|bi (?:tru|rut) (?:het|tien|mat|\\d+)|tai khoan ${g(2)}(?:bi tru|bi rut|mat het|con 0|ve 0|khong con tien)|(?:toi|tui|minh|em|bac|me|bo|ba|ong|chong|vo|con)(?: toi| tui| em| minh)? (?:lo|da|vua) (?:chuyen|ck|doc|dua|cung cap|bam|nhap|cai|quet) ${g(8)}(?:roi|xong|mat)(?! moi)|(?:toi|tui|minh|em|bac) (?:da |lo |vua )?(?:chuyen|ck|gui) ${g(4)}(?:roi|xong)(?! moi)`,
);
/** The lesson on what to do right after being scammed, read after a loss whichever scam it was. */
export const LOST_LESSON = "ld-lo-bi-lua";
/**
 * "Công an có gọi… không", "ngân hàng có bao giờ xin OTP không": a question about practice, not an event. "Tôi có làm
 * theo không" is not: it asks whether to do what someone just said.
 */
const GENERIC_QUESTION = w(
  `co (?:bao gio |khi nao |hay |the |duoc |phai )?(?:goi|goi dien|nhan|nhan tin|gui|xin|yeu cau|bat|doi|hoi|lien he|thong bao|kich hoat|lam(?! theo)) ${g(12)}(?:khong|chua|ha|a|hay khong|phai khong|nhi)`,
);
const TO_ME = new RegExp(`(?:^|\\s)(?:goi|nhan|gui|bao|bat|yeu cau|doi|xin) ${g(2)}(?:cho )?(?:toi|tui|bac|em|minh|nha toi)(?=\\s|$)`);
/** "Nếu…", "khi…", "lỡ như…" at the start, with nothing that places it in the past: a what-if question. */
const HYPOTHETICAL =
  /^(?:\S+ ){0,3}(?:neu|khi|lo nhu|lo ma|gia su|truong hop|phong khi|khi nao)(?:\s|$)|(?:^|\s)(?:neu|khi|lo nhu|gia su|phong khi) co (?:nguoi|ai|ke|dua|so la)(?:\s|$)/;
const CONCRETE = w("roi|vua|hom qua|hom nay|sang nay|chieu nay|toi qua|da|moi (?:goi|nhan)|luc nay|ban nay");

export function retold(folded: string): boolean {
  if (HYPOTHETICAL.test(folded) && !CONCRETE.test(folded)) return false;
  if (GENERIC_QUESTION.test(folded) && !TO_ME.test(folded) && !IMPERSONATION.test(folded)) return false;
  return RETOLD.some((p) => p.test(folded));
}

/** A message pasted as it came: quoted, labelled ("Tin nhắn: …", "[VNeID] …"), or in the scammers' register. */
export function pasted(text: string, folded: string): boolean {
  return (
    /["“”«»]|'[^']{12,}'|‘[^’]{12,}’/.test(text) ||
    /^\s*\[[^\]]{2,20}\]/.test(text) ||
    /^[^:\n]{0,20}(tin nhắn|tin nhan|sms|zalo|messenger|email|mail|thư|nhắn|nhan|thông báo|thong bao|viết|ghi|gửi|gui)\s*:/i.test(text) ||
    /^\s*(?!(?:OTP|STK|CCCD|CMND|SĐT|SDT|MK|TK|PIN|EMAIL|Sdt|Stk|Email|Mk)\s*:)[A-Z][\p{L}]{1,12}\s*:/u.test(text) ||
    w(
      "quy khach|quy vi|vui long|chuc mung|de nghi|truy cap|nhan ngay|click|bam vao day|lien he ngay|khan cap|truoc \\d+ ?h|trong \\d+ ?h|han chot|ngay hom nay|cua ban da|tai khoan cua ban|ban da duoc|ban co 1|ban co mot|cong dan da",
    ).test(folded)
  );
}

/** A question about scams in general ("làm sao nhận biết…", "… là gì"), not a report of one. */
export const GENERAL_QUESTION = w(
  "cach|lam sao|lam the_? nao|the_? nao|nhu the_? nao|o dau|la gi|tai sao|vi sao|nhan biet|phan biet|dau hieu|phong tranh|de phong|co phai (?:la )?lua dao|nen lam gi|phai lam gi",
);

// ── scam signals ──────────────────────────────────────────────────────────────────────────────

const AUTHORITY =
  "cong an|canh sat|vien kiem sat|vks|toa an|an ninh|bo cong an|csgt|can bo dieu tra|dieu tra vien|co quan dieu tra|co quan chuc nang|co quan cong an|thanh tra|interpol|bo quoc phong|quan doi";
const MONEY_MOVE = `(?:chuyen|gui|nop|dong|nap|ung|chuyen khoan|ck) ${g(3)}(?:tien|khoan|phi|\\d+ ?(?:trieu|nghin|ngan|k|tr|dong)|trieu|nghin)|chuyen khoan|nop tien|dong tien|nap tien|chuyen tien|tra tien|tra lai tien|chuyen tra`;
const EMERGENCY =
  "doi so|so moi|mat dien thoai|hong dien thoai|bi giu|bi bat|tai nan|cap cuu|benh vien|nam vien|nhap vien|o vien|phau thuat|vien phi|hoc phi|mo gap|can gap|dang can|gap lam|o don|don cong an|tam giam|bi nan|gap chuyen|gap \\d+|gap tien|kep tien|ck gap|chuyen gap";
/** Asking for an amount: "cần 15 triệu", "xin 5 tr", "ck gấp 2 triệu". */
const AMOUNT_ASK = `(?:can|xin|muon|vay|gui|chuyen|ck|nop|dong|ung) ${g(2)}\\d+ ?(?:trieu|tr|nghin|k|cu|ngan|lit)`;
/**
 * A bare "ma" typed without marks is far more often "mà" (but, that) than "mã" (a code): before a pronoun or a
 * function word ("hỏi ChatGPT mà nó trả lời lung tung", "mà không được") it is "mà". (With marks, SCAM_SENSES keeps
 * only "mã" here.) A code that is scanned ("quét mã") is a QR code, not a secret.
 */
const BARE_MA =
  "(?<!quet )ma(?! (?:no|toi|tui|em|minh|bac|con|chau|ho|nguoi|anh|chi|ong|ba|co|chu|van|khong|chua|da|dang|se|sao|lai|cung|thi|roi|moi|vay|the|lam|phai|bi|duoc|nhu|neu|ai|gi)(?:\\s|$))";
const SECRET = `otp|ma otp|ma xac thuc|ma xac nhan|ma so|mat khau|mk|ma pin|passcode|ma dang nhap|ma kich hoat|ma bao mat|ma giao dich|ma vua gui|ma gui ve|ma ve may|ma tren may|ma trong tin nhan|${BARE_MA}|so the|so tai khoan|anh cccd|anh can cuoc|mat sau the|ma cvv|cvv`;
const BANKS = `ngan hang|${BANK_NAMES.join("|")}|mb|momo|zalopay|vi dien tu|vnpay|shopeepay`;

/** A lost or stolen phone: locking the bank and the SIM is what the learner must do ("bị móc mất điện thoại… khóa lại"). */
const LOST_PHONE = w(
  `mat (?:\\S+ )?(?:dien thoai|may)|bi (?:moc|trom|giut|cuop|lay) ${g(2)}(?:dien thoai|may|tui|vi)|(?:danh|lam) roi ${g(2)}(?:dien thoai|may)`,
);

export const SCAM_RULES: Rule[] = [
  // Before the police scripts: a caller who says they are the traffic police and wants a fine paid is the fake-fine
  // story, and its lesson is the one on fines.
  {
    id: "scam.traffic-fine",
    all: [
      w("phat nguoi|nop phat|tien phat|vi pham giao thong|bien ban|quyet dinh xu phat|csgt|canh sat giao thong|cuc canh sat giao thong"),
      w(`link|tin nhan|bam|chuyen|zalo|goi|tai khoan ca nhan|${MONEY_MOVE}`),
    ],
    lesson: "giao-thong-tin-nhan-phat-gia",
  },
  {
    id: "scam.police",
    all: [
      w(AUTHORITY),
      w(
        `rua tien|ma tuy|tam giu|dieu tra|bat giam|lenh bat|bat tam giam|tai khoan an toan|tai khoan tam giu|giu bi mat|khong duoc (?:noi|ke|tiet lo|bao|cho ai biet)|${MONEY_MOVE}|phong toa|vi pham|lien quan|duong day|toi pham|kiem tra tai khoan|xac minh (?:tai khoan|tai san|thong tin)|chung minh tai san|ke khai|khai bao|tai san|phong kin|bat camera|cai (?:ung dung|app)|truy na|hau qua|giay trieu tap|trieu tap|se bi bat|bi bat|khoi to|buu pham|buu kien|cong ty ma|dung ten|doc ma|otp|goi video|sac phuc|ho so ${g(2)}(?:sai|loi)|sai lech|truy cap|bam link|link|(?:doc|gui|cung cap|dua|chup) ${g(3)}(?:so|ma|thong tin|anh|cccd|can cuoc)`,
      ),
    ],
    none: [w(`hen ${g(3)}len|lam can cuoc|truc tiep tai|tai tru so|den tru so|len (?:xa|phuong|cong an)|tai (?:uy ban|bo phan mot cua)`)],
    lesson: "ld-cong-an-goi-dien",
  },
  // The police script without the word "công an": an accusation, secrecy, or the "safe account".
  {
    id: "scam.police",
    all: [
      w(
        "rua tien|duong day (?:ma tuy|rua tien|lua dao|toi pham)|lenh bat|truy na|bat tam giam|khoi to|dung ten (?:cong ty|vu|tai khoan)|tai khoan an toan|tai khoan tam giu|giu bi mat|khong duoc (?:ke|noi|bao) (?:voi|cho) (?:ai|con|nguoi nha|gia dinh)",
      ),
    ],
    lesson: "ld-cong-an-goi-dien",
  },
  {
    id: "scam.vneid",
    all: [
      w("vneid|dinh danh|muc 2|muc hai|can cuoc|cccd|cu tru|thuong tru|tam tru|dinh danh dien tu|ho so can cuoc|thong tin cu tru"),
      w(
        `cap nhat|kich hoat ${g(2)}(?:ho|giup)|nang cap|nang muc|nang len muc|tich hop|sap nhap|phi|le phi|link|bam|cai|tai ve|apk|22000|22 000|bi khoa|se bi khoa|khoa dinh danh|het han|sai thong tin|sai lech|loi thong tin|loi dinh danh|chuan hoa|dong bo|nhan qua|qua tang|bo sung|quay mat|quet mat|xac thuc lai`,
      ),
    ],
    none: [w(`truc tiep tai|tai tru so|len (?:xa|phuong|cong an)|tai (?:uy ban|bo phan mot cua)`)],
    lesson: "ld-cap-nhat-vneid-gia",
  },
  {
    id: "scam.vneid-helper",
    all: [
      w(
        `(?:kich hoat|nang cap|nang muc|cap nhat|tich hop|lam) ${g(3)}(?:ho|giup|gium|thay)|kich hoat qua dien thoai|ho tro kich hoat|ho tro nang cap`,
      ),
      w("vneid|dinh danh|muc 2|muc hai|can cuoc|cccd|tai khoan|app|ung dung"),
    ],
    none: [w(`truc tiep tai|tai tru so|len (?:xa|phuong|cong an)|tai (?:uy ban|bo phan mot cua)`)],
    lesson: "ld-cap-nhat-vneid-gia",
  },
  {
    id: "scam.otp-request",
    all: [
      w(SECRET),
      w(
        `xin|hoi|doc|doc cho|doc lai|cung cap|dua|gui lai|bao doc|bao gui|yeu cau|nhap vao (?:link|trang|duong|web|day)|chup|cho (?:ho|nguoi ta|no|anh ay|chi ay|ong ay|ba ay)|gui ${g(3)}cho (?:ho|nguoi ta|no|anh ay|chi ay|ong ay|ba ay|ben do|nguoi la)`,
      ),
    ],
    lesson: "ma-otp-mat-khau",
  },
  // A friend's or relative's account asking by message to borrow money: the account was taken over.
  {
    id: "scam.friend-borrow",
    all: [
      w("muon tien|vay tien|hoi vay|vay gap|muon gap|xin tien|vay \\d+|muon \\d+"),
      w("nhan tin|nhan zalo|tin nhan|zalo|facebook|messenger|mess|fb|inbox|nt"),
    ],
    none: [w("goi video|video call|video|giong (?:giong|y het|giong het)|tin nhan thoai")],
    lesson: "ban-be-hoi-vay-tien",
  },
  {
    id: "scam.relative-money",
    all: [
      w(
        `${MONEY_MOVE}|${AMOUNT_ASK}|muon tien|vay tien|xin tien|can tien|vay gap|muon gap|chuyen giup|chuyen gium|chuyen ho|ung truoc|ck (?:gap|ngay|giup|gium|vao|cho)`,
      ),
      w(
        `${EMERGENCY}|tai khoan khac|tai khoan (?:cua )?ban|tk ban|tai khoan nguoi khac|tai khoan bi loi|goi video|video call|tin nhan thoai|giong (?:giong|y het|giong het)|sep cua|thay giao|co giao|con toi|con trai|con gai|chau (?:toi|noi|ngoai)`,
      ),
    ],
    lesson: "ld-video-gia-nguoi-than",
  },
  // A relative (or someone who looks and sounds like one) in an emergency wants an amount sent now: the story is
  // enough, however it is told ("con trai gọi video… bảo đang cấp cứu cần 20 triệu chuyển ngay").
  {
    id: "scam.relative-money",
    needs: "alone",
    all: [
      w(
        "con trai|con gai|con (?:toi|tui|minh)|chau (?:toi|tui|noi|ngoai|trai|gai)|dua (?:con|chau)|chong (?:toi|tui)|vo (?:toi|tui)|em (?:trai|gai)|anh (?:trai|ruot)|chi (?:gai|ruot)",
      ),
      w(`${EMERGENCY}|goi video|video call|tin nhan thoai`),
      w(`${AMOUNT_ASK}|(?:chuyen|ck|gui) ${g(2)}(?:ngay|gap|lien)`),
    ],
    lesson: "ld-video-gia-nguoi-than",
  },
  // Installing a file someone sent is the most dangerous step of any story that asks for it (a gift, a refund, a
  // subsidy): the lesson on installing apps only from the store comes first.
  {
    id: "scam.install-link",
    all: [
      w("cai|tai|download|cai dat|tai ve|cai vao"),
      w("ung dung|app|apk|file|phan mem|ban moi|phien ban moi|ultraviewer|teamviewer|anydesk|chia se man hinh|dieu khien tu xa|rustdesk"),
    ],
    none: [w("ch play|app store|cua hang|google play")],
    lesson: "tai-ung-dung-dung-cho",
  },
  {
    id: "scam.gift-fee",
    all: [
      w(
        `nhan ${g(2)}qua(?! (?:zalo|tin nhan|dien thoai|link|mang|email|facebook|messenger|app|ung dung|sms|so|tai khoan|ngan hang|buu dien))|qua tang|qua an sinh|goi qua|trung thuong|trung giai|trung (?:voucher|xe|iphone|thuong|qua|so)|giai thuong|phan thuong|hoan tien|hoan phi|hoan thue|tien hoan|boi thuong|ho tro tien|tien ho tro|tro cap|goi ho tro|tri an|khuyen mai|uu dai|voucher|mien phi|duoc nhan tien|nhan tien`,
      ),
      w(`phi|nop|chuyen|dong|thue|link|bam|cai|dang ky|xac nhan|otp|ma|thong tin|tai khoan|van chuyen|so the|${MONEY_MOVE}`),
    ],
    lesson: "ld-kiem-tra-web-bao-rac",
  },
  {
    id: "scam.account-lock",
    all: [
      w(
        `(?:khoa|bi khoa|se bi khoa|tam khoa|khoa 2 chieu|khoa hai chieu|phong toa|dong bang|vo hieu|vo hieu hoa|het han|thu hoi|ngung hoat dong|cat) ${g(3)}(?:tai khoan|tk|sim|thue bao|so dien thoai|the|vneid|dinh danh|vssid|zalo|facebook)|(?:tai khoan|tk|sim|thue bao|so dien thoai|the|vneid|dinh danh|vssid|zalo|facebook) ${g(4)}(?:bi khoa|se bi khoa|tam khoa|khoa 2 chieu|khoa hai chieu|phong toa|dong bang|vo hieu|het han|thu hoi|ngung hoat dong)`,
      ),
    ],
    lesson: "nhan-biet-duong-link-gia",
  },
  {
    id: "scam.sim",
    all: [
      w("sim|thue bao|nha mang|4g|5g|esim|so dien thoai"),
      w("nang cap|doi sim|chuan hoa|khoa|thu hoi|mien phi|bam phim|cat|het han|kich hoat esim|nhan qua"),
    ],
    none: [LOST_PHONE],
    lesson: "nhan-biet-duong-link-gia",
  },
  {
    id: "scam.investment",
    all: [
      w(
        "dau tu|lai suat|loi nhuan|tien ao|coin|crypto|chung khoan|san giao dich|san|forex|nhan doi|x2|x3|x5|hoa hong|lai|vang online|quy dau tu|nap tien|ty gia",
      ),
      w(
        `cam ket|moi ngay|mot ngay|1 ngay|hang ngay|\\d+ phan tram ${g(1)}(?:ngay|tuan|thang)|lai cao|lai gap|gap doi|gap ba|chac chan|khong rui ro|bao lai|thay dan|chuyen gia|nhom zalo|nhom telegram|rut (?:lai|ve|tien)|livestream|tham gia nhom|100 phan tram|rut ${g(2)}(?:khong duoc|ko duoc|chua duoc|khong ra)|(?:phi|dong|nop|thue) ${g(4)}(?:moi )?(?:duoc )?rut|nhom dau tu`,
      ),
    ],
    lesson: "ld-nhom-dau-tu-tien-ao",
  },
  {
    id: "scam.job",
    all: [
      w(
        `viec nhe luong cao|like video|tha tim|lam nhiem vu|nhiem vu (?:like|tha tim|dat don|don hang|xem video)|don ao|dat don ao|cong tac vien|ctv|kiem tien online|kiem tien tai nha|nap tien (?:de )?(?:lam|nhan|rut|mo khoa)|chot don|danh gia san pham|xem video kiem tien|viec lam online|tuyen dung online|mo tai khoan ho|\\d+ ?k ${g(1)}(?:video|like|nhiem vu)` +
          // Work offered, paid for first: a deposit, the "materials", a uniform ("tuyển người làm tại nhà … đóng tiền cọc").
          `|(?:tuyen|viec lam|lam tai nha|lam online|luong cao) ${g(12)}(?:coc|dat coc|tien coc|mua tai lieu|tien tai lieu|tien dong phuc|phi giu cho|phi dao tao)`,
      ),
    ],
    needs: "alone",
    lesson: "ld-viec-nhe-luong-cao",
  },
  {
    id: "scam.recovery",
    all: [
      w(
        `lay lai ${g(2)}tien|thu hoi ${g(2)}tien|ho tro thu hoi|trung tam (?:thu hoi|ho tro nan nhan|lay lai)|dich vu thu hoi|hacker mu trang|ho tro nan nhan|lay lai 100`,
      ),
      w(`phi|dong|nop|cam ket|lien he|chuyen|luat su|hoa hong|phan tram|hacker`),
    ],
    lesson: "ld-viec-nhe-luong-cao",
  },
  {
    id: "scam.deepfake",
    all: [
      w("goi video|video call|facetime|goi hinh|cuoc goi video|goi zalo video|goi messenger|tin nhan thoai|giong noi"),
      w(`${MONEY_MOVE}|muon tien|vay tien|can tien|xin tien|gap|tat may|cup may|mang yeu`),
    ],
    lesson: "ld-video-gia-nguoi-than",
  },
  {
    id: "scam.loan",
    all: [
      // A "vay" closing a question ("… qua link ko vay", "sao vay") is the particle "vậy", not a loan.
      w("vay(?! ?$)|khoan vay|giai ngan|app vay|vay online|duoc duyet|ho so vay"),
      w(
        `phi|nop|dong|${MONEY_MOVE}|anh cccd|chup cccd|cccd|can cuoc|khuon mat|quay video|danh ba|bao hiem khoan vay|truoc khi giai ngan|moi giai ngan`,
      ),
      w(`(?:doi|bat|yeu cau|phai) ${g(4)}(?:phi|anh|cccd|can cuoc|khuon mat|video|nop|dong|chuyen|danh ba)|giai ngan|duoc duyet`),
    ],
    needs: "alone",
    lesson: "ld-kiem-tra-web-bao-rac",
  },
  {
    id: "scam.delivery",
    all: [
      w("shipper|don hang|buu pham|buu kien|kien hang|hai quan|qua tu nuoc ngoai|hang quoc te|giao hang|van chuyen"),
      w(`(?:chuyen|chuyen khoan|thanh toan) ${g(2)}truoc|phi|thue|nop|dong|${MONEY_MOVE}|thanh toan`),
    ],
    lesson: "ld-kiem-tra-web-bao-rac",
  },
  {
    id: "scam.wrong-transfer",
    all: [
      w(`chuyen nham|gui nham|ck nham|chuyen lon|nham ${g(1)}tien`),
      w(`(?:chuyen|tra|hoan|gui) ${g(2)}(?:lai_?|tra)|tai khoan khac|so (?:tai khoan )?khac|stk khac|doa|kien|bao cong an|no xau`),
    ],
    // Money that arrived "by mistake" and is asked back is the story itself, whoever tells it.
    needs: "alone",
    lesson: "ld-chuyen-nham-tien",
  },
  {
    id: "scam.stranger-link",
    all: [
      w(
        `(?:nguoi la|so la|tai khoan la|nick la|ai do|nguoi ta|ho) ${g(5)}(?:gui|nhan|share|chia se|dang) ${g(3)}(?:link|duong link|duong dan)`,
      ),
    ],
    lesson: "nhan-biet-duong-link-gia",
  },
  {
    id: "scam.utility-tax",
    all: [
      w("dien luc|evn|tien dien|co quan thue|chi cuc thue|cuc thue|thue|bhxh|bao hiem xa hoi|tien nuoc|cap nuoc|cskh|cham soc khach hang"),
      w(
        `hoan tien|hoan thue|link|quet mat|khuon mat|cai ${g(2)}(?:app|ung dung)|giay moi|otp|cat dien|cat nuoc|ngung cap|no tien|qua han|quyet toan|tinh sai|tinh du|${MONEY_MOVE}`,
      ),
    ],
    lesson: "bh-tien-dien-nuoc",
  },
  {
    id: "scam.bank-sms",
    all: [w(BANKS), w("link|bam|cap nhat|xac minh|xac thuc lai|khoa|het han|nang cap|dang nhap lai|quet mat|sinh trac|truy cap")],
    none: [LOST_PHONE],
    lesson: "nhan-biet-duong-link-gia",
  },
  // Someone who contacted the learner asks for money: whatever the story, this is the signal.
  {
    id: "scam.money-request",
    all: [new RegExp(`(?:^|\\s)(?:nho|bao|bat|xin|yeu cau|doi|giuc|ep|de nghi|can) ${g(3)}(?:${MONEY_MOVE})(?=\\s|$)`)],
    lesson: "ld-cong-an-goi-dien",
  },
];

// ── injection and prompt extraction ───────────────────────────────────────────────────────────

const BOT = "ban|may|mi|bot|cau|em|tro ly|chatbot|he thong";
const IGNORE =
  "bo qua|phot lo|lo di|khong can theo|khong can tuan theo|khong can tuan thu|khong phai theo|khong phai tuan theo|(?<!(?:lam|da|neu|co|khong|thi) )dung theo|dung tuan theo|quen|xoa|vut bo|huy bo|bo het|bo di";
/** What the bot was told; "lệnh", "yêu cầu", "giới hạn", "cài đặt" only with "mọi/tất cả…" (they are also app settings). */
const RULES_OBJ =
  "huong dan|chi dan|chi thi|quy tac|rang buoc|dieu (?:o )?tren|cai (?:o )?tren|vai tro|luat|luat le|nguyen tac|dieu cam|loi dan|nhung gi da duoc dan|phan an toan|bo loc";
/** "đừng"/"đúng"/"dùng", "bỏ"/"bộ"/"bố", "mày"/"máy": with diacritics, only the first reads as an order to the bot. */
export const INJECT_SENSES: Record<string, string[]> = {
  dung: ["đừng"],
  bo: ["bỏ"],
  quen: ["quên"],
  xoa: ["xóa", "xoá"],
  may: ["mày"],
  luat: ["luật"],
  lenh: ["lệnh"],
};

export const INJECTION_RULES: Rule[] = [
  {
    id: "inject.ignore-vi",
    all: [
      new RegExp(
        `(?:${IGNORE}) (?:di )?(?:het |moi |tat ca |toan bo |cac |nhung |nhung gi )?(?:cac )?(?:${RULES_OBJ})(?! (?:cai dat|su dung|dang ky|kich hoat|ban dau|tren man hinh|cua (?:app|ung dung|vneid|ngan hang)|cap nhat|chuyen tien))|(?:${IGNORE}) (?:di )?(?:het|moi|tat ca|toan bo|cac|nhung) (?:cac )?(?:lenh|quy dinh|yeu cau|gioi han|thiet lap|cau hinh)`,
      ),
    ],
  },
  {
    id: "inject.ignore-en",
    all: [
      /(ignore|disregard|forget|override|bypass)\s+(all\s+|any\s+|the\s+|your\s+|every\s+|everything\s+)?(previous\s+|prior\s+|above\s+|earlier\s+|preceding\s+|system\s+|initial\s+)?(instructions?|prompts?|rules|directions|guidelines|context|messages?|everything|safety)|(previous|prior|above|earlier|original|old) (rules|instructions|guidelines) (were|are|have been|no longer|do not|don t)/,
    ],
  },
  {
    id: "inject.system-prompt",
    all: [
      new RegExp(
        `(system prompt|sys prompt|prompt he thong|loi nhac he thong|chi dan he thong|huong dan he thong|cau lenh he thong|thong diep he thong|system message|system instructions?|initial prompt|prompt goc|prompt ban dau|loi nhac ban dau|hidden prompt|prompt an|meta prompt|instructions you were given|your instructions|huong dan cua ban|chi dan cua ban|quy tac cua ban|lenh cua ban|ban duoc lap trinh|ban duoc cai dat|canary|chuoi bi mat|chi dan bi mat|quy tac noi bo|bien moi truong|api key|(?:prompt|rule|rules|noi quy|quy tac|chi thi|luat|system|bi mat) ${g(2)}(?:cua |trong )?(?:${BOT})(?:\\s|$)|(?:cau hinh|thiet lap) ${g(2)}(?:cua |trong )?(?:ban|bot|mi|cau|tro ly|chatbot)(?:\\s|$)|(?:ban|bot|mi|may|cau|tro ly|chatbot) (?:duoc|da duoc) (?:cai (?:vao|san|dat)|lap trinh|dan|huong dan|cau hinh)(?! (?:vneid|app|ung dung|zalo|cho|tren))|(?:ban|bot|mi|may|cau|tro ly|chatbot) (?:duoc|da duoc|bi) (?:cai|cai dat|nap|dan) ${g(2)}(?:quy tac|luat|lenh|rule|prompt|chi dan|nhung gi|nhung dieu))`,
      ),
    ],
  },
  {
    id: "inject.reveal",
    all: [
      /(in ra|hien thi|tiet lo|cho (toi|tui|em|minh) xem|doc lai|lap lai|viet lai|chep lai|xuat ra|dua ra|print|reveal|show|output|repeat|display|spell out|write out)\s.{0,40}(nguyen van|tat ca|toan bo|ben tren|o tren|phia tren|dau tien|above|verbatim|everything|words above|text above|the above|your (prompt|instructions|rules)|cau truoc)/,
    ],
  },
  {
    id: "inject.probe",
    all: [
      new RegExp(
        `(?:${BOT}) (?:bi cam|khong duoc phep|bi han che|khong duoc) (?:noi|tra loi|de cap|nhac)|(?:bi cam|cam) (?:noi|tra loi|de cap) ${g(4)}(?:nao|gi|liet ke|ke ra)|tiet lo (?:cau hinh|quy tac|thiet lap|noi bo|prompt|bi mat|lenh)`,
      ),
    ],
  },
  {
    id: "inject.authority",
    all: [
      new RegExp(
        `(?:^|\\s)bo (?:het |di |qua )?(?:phan an toan|bo loc|gioi han|kiem duyet|rang buoc)|(?:^|\\s)(?:toi|tui|minh|mk|tao|em|day) (?:la|chinh la) (?:admin|quan tri vien|lap trinh vien|nha phat trien|developer|dev|nguoi tao ra|chu (?:cua )?(?:${BOT})|doi ngu phat trien|ky su)|(?:doi|doi ngu|nha) phat trien ${g(6)}(?:cho phep|duoc phep|yeu cau|ra lenh)|(?:${BOT}) (?:da )?(?:duoc phep|duoc cho phep|co quyen|duoc quyen) (?:tiet lo|bo qua|noi|tra loi moi|khong can|vuot)|(?:cho phep|phep) (?:${BOT}) (?:bo qua|tiet lo|noi het|khong can)`,
      ),
    ],
  },
  {
    id: "inject.persona",
    all: [
      /(developer mode|dev mode|che do nha phat trien|che do lap trinh vien|jailbreak|jail break|do anything now|(?:^|\s)stan(?:\s|$)|(?:^|\s)dude(?:\s|$)|anti dan|god mode|che do than|che do khong gioi han|(?:tra loi|noi|viet|ban|bot|may|tro ly|ai|che do) (?:\S+ ){0,3}khong (?:co )?gioi han|unfiltered|uncensored|khong kiem duyet|khong bi kiem duyet|(?:ban|bot|tro ly|chatgpt|gemini|ai|phien ban) (?:\S+ ){0,3}khong bi (?:chinh sua|loc|rang buoc)|unrestricted|no restrictions|no limits|evil (ai|bot|mode)|opposite mode|sudo mode|admin mode|che do quan tri|che do go loi|debug mode|khong phai tuan theo|khong can tuan theo|khong phai tuan thu)/,
    ],
  },
  {
    id: "inject.roleplay",
    all: [
      new RegExp(
        `(dong vai|gia vo (la|lam|rang|nhu)|gia lam(?! (?:sao|the|gi|vay))|tu gio (${BOT}) (la|se la|khong con|duoc|hay|phai)|tu bay gio (${BOT})( se)? (la|hay|phai)|(tu nay|ke tu nay|tu cau nay tro di) (${BOT}) (la|se|duoc|hay|phai)|ban (bay gio|gio day) la|ban khong con la|hay tro thanh|hay hanh dong nhu|(tra loi|hanh dong|noi|viet|tro chuyen) ${g(2)}(voi|theo|duoi) (tu cach|vai tro|vai)|(gia su|tuong tuong|coi nhu|cu coi)( rang)? (${BOT}) (la|dang la|se la|khong)|act as|pretend (to be|you are|that)|role ?play|you are now|you are no longer|from now on you|simulate|imagine you are|nhap vai)`,
      ),
    ],
    none: [
      w(
        `(?:tro ly ai|ai|chatbot|chatgpt|gemini|no|ho|nguoi ta) ${g(1)}co (?:duoc|the|bi|hay) (?:phep )?(?:gia lam|dong vai|gia vo|nhap vai)`,
      ),
    ],
  },
  {
    id: "inject.bypass",
    all: [
      /(bypass|vuot qua|pha|lach|ne|tat)\s.{0,15}(bo loc|kiem duyet|filter|guardrails?|gioi han|rao chan|an toan|safety|che do an toan)/,
    ],
  },
  // Written with the spaces taken out ("b o q u a h u o n g d a n"): checked against the text without spaces.
  {
    id: "inject.squeezed",
    all: [
      /(boqua|bqua|photlo|quenhet|quendi)(het|moi|tatca|toanbo|cac|nhung)*(huongdan|chidan|chithi|lenh|quytac|yeucau|luat)|ignore(all|any|the|your)*(previous|prior|above)*instructions|systemprompt|prompthethong|loinhachethong|chidanhethong|developermode|chedonhaphattrien|jailbreak|doanythingnow|innguyenvan/,
    ],
  },
  {
    id: "inject.delimiters",
    all: [
      /(###\s*(instruction|system)|<\|im_start\|>|<\|system\|>|\[inst\]|\[system\]|<system>|begin system|end of prompt|new instructions?)/,
    ],
  },
];

/** Labels for new orders in the original text ("Hướng dẫn mới: …", "Nhiệm vụ mới: …"). */
export const NEW_ORDERS =
  /(hướng dẫn|huong dan|chỉ dẫn|chi dan|chỉ thị|chi thi|lệnh|lenh|nhiệm vụ|nhiem vu|quy tắc|quy tac)\s+(mới|moi)\s*(:|từ|tu\s|của|cua\s)/i;
/** "DAN"/"Dan" (Do Anything Now) is a name, capitalised; lowercase "dan" is usually "dân", "dặn" or part of "hướng dẫn". */
export const DAN = /(^|[^\p{L}])(DAN|Dan)([^\p{L}]|$)/u;

// ── harmful requests ──────────────────────────────────────────────────────────────────────────

/** Reporting it: a victim or a witness ("báo cho ai", "trình báo", "tố giác"), never someone asking how to do it. */
const REPORTING = "to giac|trinh bao|bao cao|bao (?:cho )?(?:ai|cong an|canh sat|o dau)";
const DEFENSIVE = w(
  `(?:phai|nen|can) lam gi|lam gi (?:bay gio|truoc|tiep|ngay)|gio lam (?:sao|gi)|(?:lo|da|vua|moi) ${g(1)}chuyen ${g(4)}cho ${g(1)}(?:ke|bon|nguoi|tui|nhom) ${g(1)}(?:lua|gian|la)|(?:la|ra|trong|nhin) (?:nhu )?the_? nao|ra sao|(?:biet|xem|kiem tra|phan biet|nhan ra|hieu) ${g(8)}(?:that|gia|lua|lua dao|an toan|dung|sai)|nhan ra|(?:lam sao|lam the_? nao|bang cach nao) (?:de |ma )?biet|that hay gia|that hay khong|co (?:phai|bi) lua|tap (?:cho )?${g(3)}(?:nhan|biet|phan biet)|nhan biet|nhan dien|phat hien|phan biet|kiem chung|trong (?:\\S+ )?(?:the_? nao|ra sao|nhu the_? nao)|nhin (?:\\S+ )?(?:the_? nao|ra sao)|la gi|khac gi|phong tranh|phong ngua|tranh|tranh bi|khong bi|khoi bi|so (?:bi|vao|bam|gap|dinh)|(?:vao|bam|tai) nham|de phong|canh giac|to cao|${REPORTING}|nhiem (?:ma doc|virus)|bi nhiem|(?<!(?:bai|de) )kiem tra|phong chong|bao ve|neu bi|khi bi|bi lua|da bi|lo bi|lam gi khi|bi (?:\\S+ )?(?:bat nat|quay roi|tong tien|xam hai|doa|de doa|lam dung|danh|hack|trom|cuop|boi nho|theo doi|quay len|dot nhap)|(?:de doa|doa|tong tien|quay roi|bat nat|boi nho|xuc pham|theo doi|hack|lua) (?:\\S+ )?(?:toi|tui|bac|em|minh|con toi|chau toi|me toi|bo toi)|chong lua|chong hack|chong virus|chong trom|chan|co phai|dau hieu|canh bao|xu ly|bi hack|bi lay|bi chiem|bi danh cap|bi doc trom|bi theo doi|lay lai|bang chung|chup (?:man hinh|lai)|gui ${g(3)}(?:cong an|canh sat|cong an xa|cong an phuong)` +
    // A thief who took something from the learner: "kẻ trộm lấy mất điện thoại", "bọn cướp giật túi xách".
    `|(?:ke|bon|thang|dua|tui|ten|nguoi) (?:trom|cap|an trom|an cap|cuop|moc tui) ${g(1)}(?:lay|cuop|giut|giat|trom|moc|vao|pha|be)(?=\\s|$)|lay mat (?:dien thoai|dt|vi|tui|the|can cuoc|cccd|giay to|tien|xe|may|sim|het)|mat (?:trom|cap)` +
    // Someone else doing it, supposed: "lỡ có đứa gọi giả giọng con cháu", "nếu kẻ gian giả danh công an".
    `|(?:lo|neu|khi|phong khi|nhung khi|nhu) ${g(1)}(?:co )?(?:dua|ke|nguoi|ai|bon|tui|thang|no|ke gian|ke xau|ke lua dao)(?=\\s|$)` +
    // Asking whether it is one, or in surprise that it can be done: "có lừa đảo không", "máy móc cũng làm giả được à".
    `|co (?:phai )?lua dao (?:khong|hong|hay khong|chang)|(?:cung|ma) ${g(4)}duoc (?:a|ha|sao|u)(?=\\s|$)` +
    // Told they are caught up in a crime, the fake police's opening: "bị gọi báo dính đường dây rửa tiền".
    `|(?:bao|noi|rang|la|bi) ${g(1)}(?:dinh|dinh liu|lien quan|lien can) (?:vao |den |toi )?${g(1)}(?:duong day|vu an)(?=\\s|$)`,
);
const ASK = w(
  "cach|lam sao|lam the_? nao|the_? nao|huong dan|chi|chi toi|chi tui|chi em|chi minh|day|day toi|giup|giup toi|giup tui|giup em|muon|can(?! cuoc)|viet|tao|soan|lam|lam giup|mua|o dau|how|how to|how do|help|write|make|create|tell|teach|build|generate|give me|ways",
);
const OTHERS =
  "(?:cua )?(?:nguoi khac|nguoi ta|nguoi la|ai do|khach hang|khach|nguoi dung|nguoi gia_?|nan nhan)|cua (?:vo|chong|nguoi yeu(?: cu)?|ban_? gai|ban_? trai|hang xom|sep|dong nghiep|no|thang|con bo|ho|co ta|anh ta)";
/** "giả" (fake), not "giá" (price), "già" (old) or "gia đình". */
const GIA =
  "(?<!(?:nguoi|ong|ba|cu|tuoi|lao|ve|cha|me|chu) )gia(?! (?:dinh|tri|han|tang|su|vi|nhap|ca|re|dat|hop|tien|bao nhieu|vang|xang|dien|nuoc|tot|cao|thap|nha|lai|ban|mua|thi truong|goc|si|le|hieu))";
const FRAUD = w(
  [
    "lua nguoi|lua ai|lua ba|lua ong|lua cu|lua nguoi gia_?|lua tien|lua duoc|lua dao nguoi|lua dao ai|di lua|chiem doat|danh cap|lay cap|an cap|an trom|trom|hack|hacker|xam nhap|be khoa|crack|phishing|gia danh|mao danh|gia mao|lam gia|lam can cuoc gia|cccd gia|giay to gia|bang gia|rua tien|doc trom|nghe len|xem trom|theo doi dien thoai|tin nhan gia danh|tin nhan lua|trang web gia|trang gia|web gia|app gia|ung dung gia|virus|ma doc|malware|ransomware|keylogger|ddos|spam|lua dao|scam|steal|fraud|launder|counterfeit|fake id|phish",
    "gia (?:cong an|ngan hang|can bo|nhan vien|dien luc|cskh|co quan thue|thue|bhxh|toa an|shipper|nguoi than)",
    `(?:tao|lam|viet|dung|thiet ke|code|lap|gui|phat tan|soan|in|khac|lam ra|tao ra) ${g(2)}(?:app|apk|ung dung|phan mem|web|trang web|trang|link|tin nhan|giay moi|giay to|con dau|cong van|hoa don|bang lai|chu ky|so do|giay khai sinh|ho chieu|can cuoc|cccd|bien lai|sao ke) ${g(3)}${GIA}|lam (?!sao|the|gi|cach|nhu)${g(3)}${GIA}|con dau (?:gia|do)`,
    "deepfake (?:mat|giong|khuon mat|nguoi|con|anh)|lam deepfake|ghep mat|gia giong|nhai giong|doi giong|clone giong",
    `doa (?:nguoi ta|ho|nan nhan|ai|nguoi)|kich ban (?:goi|lua|gia|doa)|gui hang loat|nhan hang loat|spam sms|(?:trang web|web|trang|app) ${g(1)}giong (?:het )?(?:vneid|ngan hang|that|dich vu cong|bo cong an)`,
    `(?:vuot qua|qua mat|lach|bypass|danh lua|gia mao|bo qua) ${g(2)}(?:xac thuc|sinh trac|khuon mat|face id|ekyc|otp|bao mat)`,
    "thue tai khoan|mua tai khoan|ban tai khoan|tai khoan ao|sim rac|mua sim (?:rac|chinh chu)|ban sim|mua ban tai khoan",
    // Other wrongdoing a learner may ask help with: theft, cheating, harassment, extortion, exploitation, fake news.
    "cuop|moc tui|dot nhap|pha khoa|lua (?:ban_? (?:be|than|minh|toi|tui|em)|thang ban_?|con ban_?|dong nghiep)|lay trom|chom|gian lan|tron thue|ne thue|quyt no|tron no|lua doi|qua mat|gia chu ky|bat nat|quay roi|tong tien|de doa|khung bo tinh than|boi nho|beu rieu|tra thu|anh nong|clip nong|quay len|xam hai|lam dung (?:tinh duc|tre|chuc vu|quyen)|gai goi|ban dam|mua dam|ban nguoi|tin gia|tung tin|bia chuyen|xuyen tac|kich dong|bao luc",
    `lay (?:thong tin|du lieu) (?:nguoi dung|nguoi khac|khach hang|cua nguoi)|de (?:nguoi ta|ho|nguoi dung|khach|nan nhan|nguoi gia_?|moi nguoi) ${g(1)}(?:bam|chuyen tien|nhap|cai|dua|doc|tin)`,
  ].join("|"),
);
/** Doctoring a transfer's proof ("sửa ảnh chuyển khoản"), or writing the bait of a scam message for others. */
const FORGE = w(
  `(?:fake|lam gia_?) ${g(2)}(?:anh|hinh|bill|bien lai|sao ke) ${g(3)}(?:chuyen khoan|ck|giao dich|chuyen tien)` +
    // Editing one is faking it only when it is made to look paid: "sửa ảnh chuyển khoản … cho giống thật", "… đổi số tiền".
    `|(?:sua|chinh|edit|ghep) ${g(2)}(?:anh|hinh|bill|bien lai|sao ke) ${g(3)}(?:chuyen khoan|ck|giao dich|chuyen tien) ${g(6)}(?:giong (?:het )?that|nhu that|thanh cong|so tien|ten nguoi|ngay gio)` +
    `|(?:viet|soan|tao|lam) ${g(3)}(?:tin nhan|sms|thong bao|email|bai dang) ${g(3)}(?:trung thuong|trung giai|nhan qua|qua tang|hoan tien|phat nguoi|khoa tai khoan)`,
);
/** Slipping something into someone else's food, car or phone: "lén bỏ thuốc vào nước của đồng nghiệp". */
const SNEAK = w(`len ${g(1)}(?:bo|cho|tha|nhet|giau|cai|do|tron|pha) ${g(5)}(?:${OTHERS})`);
/**
 * Wanting someone else ruined: "làm gì để thằng đó tàn đời", "cho cả hai đứa nó thân bại danh liệt" (refused whatever
 * the story before it: being wronged first does not make it a question about protection).
 */
const RUIN = w(
  `(?:de|cho|khien) ${g(6)}(?:no|ho|chung no|thang|con|dua|nguoi do|ke do|hang xom|dong nghiep) ${g(2)}(?:tan doi|than bai danh liet|khon don|lao dao|ngoi tu|mat viec|tan gia bai san)`,
);
const BY_PRACTICE = w(
  `(?:ngan hang|cong an|nha mang|app|ung dung|co quan|bot|ban|chatgpt|ai|gemini|zalo|facebook|nhan vien|ho) ${g(1)}co (?:the |duoc |bi |quyen )?(?:xem|biet|lay|doc|mo|dung|vao)`,
);
const CREDENTIAL_OF_OTHERS = new RegExp(
  `(?:^|\\s)(?:lay|xin|hack|chiem|doc|xem|biet|mo|dung|vao|dang nhap|be|pha|theo doi|kiem soat|mo khoa|doi|reset|khoi phuc) (?:duoc )?${g(3)}(?:otp|ma otp|ma xac thuc|mat khau|mk|passcode|ma pin|tai khoan|tk|cccd|anh cccd|can cuoc|thong tin ca nhan|thong tin|zalo|facebook|fb|email|gmail|tin nhan|vi tri|camera|sim|icloud) ${g(5)}(?:${OTHERS})(?=\\s|$)`,
);
/** Going into someone else's phone or chats: "mở điện thoại của bạn gái", "đọc tin nhắn Zalo của chồng". */
const PHONE_OF_OTHERS = new RegExp(
  `(?:^|\\s)(?:mo|doc|xem|coi|luc|kiem tra|vao) ${g(2)}(?:dien thoai|may|tin nhan|zalo|facebook|fb|messenger) ${g(3)}(?:${OTHERS})(?=\\s|$)`,
);
const STALKING = new RegExp(
  `(?:^|\\s)(?:(?:tim|tra|dinh vi|truy|lay|biet) (?:ra |duoc )?(?:dia chi|nha|vi tri|noi o|cho o|nha rieng) ${g(2)}(?:cua )?(?:no|nguoi ta|ho|nguoi nay|thang|ai do|hang xom|nguoi yeu|vo|chong|co ta|anh ta|ba ta|ong ta)|(?:tu|qua|bang|theo) (?:so dien thoai|bien so|facebook|zalo) ${g(3)}(?:tim|ra|lay) (?:dia chi|nha|vi tri)|den ${g(1)}(?:xu(?! ly)|tra thu|dap|danh cho)|dinh vi ${g(2)}(?:vo|chong|nguoi yeu|nguoi khac|no|co ta|anh ta)|(?:theo doi|nghe len|doc trom|xem trom) ${g(3)}(?:dien thoai|may|tin nhan|zalo|vi tri|cuoc goi))(?=\\s|$)`,
);
const DATA_TRADE = new RegExp(
  `(?:^|\\s)(?:mua|ban|can mua|tim mua|xin|chia se) ${g(2)}(?:danh sach|data|du lieu|list|thong tin|kho) ${g(4)}(?:so dien thoai|khach hang|nguoi dung|ca nhan|cccd|can cuoc|tai khoan|nguoi gia_?|email|benh nhan|hoc sinh)(?=\\s|$)`,
);
const GROUP =
  "nguoi mien (?:bac|trung|nam|tay)|dan mien (?:bac|trung|nam|tay)|bac ky|nam ky|trung ky|parky|dan toc thieu so|nguoi dan toc|dan toc|nguoi (?:thieu so|kinh|hoa|tau|trung quoc|my|da den|da trang|da mau|an do|cam|lao|campuchia|khmer|cham|hmong|dong tinh|gay|les|lgbt|chuyen gioi|khuyet tat|tan tat|theo dao|cong giao|phat giao|hoi giao|do thai|nhap cu|ngheo|nha que|vung cao|mien nui)|dan (?:tau|da den|ho)|phu nu|dan ba|dan ong|nha que|moi ro|da den|dong tinh|lgbt|khuyet tat";
const HATE = new RegExp(
  `(?:^|\\s)(?:(?:chui|xuc pham|mia mai|che bai|boi nho|noi xau|ha nhuc|lang ma|ky thi|khinh|mat sat|danh(?! gia)) ${g(3)}(?:${GROUP})|(?:${GROUP}) ${g(6)}(?:kem coi|thap kem|ha dang|ngu dot|ngu|dot nat|moi ro|man ro|khong bang|thua kem|kem hon|kem|ban thiu|luoi bieng|an cap|xau xa|dang khinh|dang chet|nen bi|phai bi|cut|khong xung|bi (?:duoi|diet|tru))|viet ${g(2)}(?:bai|cau|loi|status|tin|doan) ${g(1)}(?:chui|xuc pham|mia mai|lang ma|boi nho|noi xau|ha nhuc))(?=\\s|$)`,
);
const VIOLENCE = w(
  "giet|giet nguoi|sat hai|dam chet|ban chet|dau doc|thuoc doc|thuoc no|chat no|bom xang|bom tu che|che bom|(?:lam|tao|mua) (?:bom|thuoc no|chat no)|vu khi|(?<!bo )sung(?! (?:suong|tuc|man|suc|cong|luc))|sung ngan|che tao sung|dao gam|ma tuy|heroin|thuoc lac|can sa|cocaine|meth|ketamine|(?:mua|ban|hit|choi|bay|dap|dung|thuoc|vien|goi) ke|ke (?:ma tuy|thuoc lac)|ma tuy da|khieu dam|lam tinh|sex|porn|hiep dam|au dam|nude|khoa than|dam duc|mai dam|mua dam|ban dam|phan biet chung toc|ky thi|diet chung|khung bo|terror|terrorist|bomb|weapon|gun|kill|murder|drugs?|explosive|poison|rape|nazi|bat coc|buon nguoi|danh nguoi|(?<!gia |mao )danh (?:canh sat|cong an|csgt|bac si|y ta|giao vien|thay giao|co giao|bao ve)|tra tan|hanh ha|doa giet|chem|(?:gia_? nhap|tham gia|ung ho|tuyen nguoi cho) (?:to chuc |nhom )?(?:khung bo|vu trang|isis|al qaeda|alqaeda|taliban)|(?:anh|video|clip|hinh|phim) (?:\\S+ ){0,4}coi (?:do|tran|het|quan ao)",
);

/**
 * The learner is the one threatened, or reports it: "hàng xóm dọa giết tôi", "bị bọn buôn người lừa", "bị đòi nợ thuê
 * gọi điện khủng bố", "thấy quảng cáo bán súng, báo cho ai".
 */
const VICTIM = w(
  `bi ${g(3)}(?:danh|doa|de doa|lua|bat coc|xam hai|quay roi|khung bo|dam|chem|giet)|doa ${g(1)}(?:giet )?(?:toi|tui|bac|em|minh|con toi|ca nha|gia dinh)|(?:giet|danh|chem|dam|xu) (?:toi|tui|bac|em|minh|con toi|ca nha|gia dinh)(?=\\s|$)|${REPORTING}|doi no thue`,
);
/** Wanting not to be caught turns any of these into a request to do it ("… mà công an không phát hiện"). */
const EVADE = w(
  `khong (?:bi )?(?:phat hien|phat giac|lo|truy|bat)|khong (?:de |bi )?ai biet|khong (?:de|cho) ${g(2)}biet|khong de lai dau vet|qua mat|khoi bi (?:phat hien|bat|truy)|ma khong ai biet|tranh bi (?:phat hien|bat|truy)|nhu that`,
);
const FOUND = w(
  `(?:nhat|luom|trom|an cap|cuop|giut|mua lai) duoc|(?:nhat|luom|trom|cuop|giut) ${g(2)}(?:the|vi|dien thoai|cccd|can cuoc|sim)`,
);

export const HARM_RULES: Rule[] = [
  { id: "harm.fraud", all: [ASK, FRAUD, EVADE] },
  { id: "harm.fraud", all: [ASK, FRAUD], none: [DEFENSIVE] },
  { id: "harm.fraud", all: [ASK, RUIN] },
  { id: "harm.fraud", all: [ASK, SNEAK] },
  { id: "harm.fraud", all: [FORGE], none: [DEFENSIVE] },
  // The learner means to trick someone themself ("tôi muốn lừa bạn tôi …"): not a story of being tricked.
  {
    id: "harm.fraud",
    all: [
      w(
        `(?:toi|tui|minh|em|tao) ${g(1)}(?:muon|dinh|tinh|se) ${g(1)}lua (?:ban_?|nguoi|ong|ba|cu|thang|dua|ho|vo|chong|sep|khach|dong nghiep)(?=\\s|$)`,
      ),
    ],
  },
  {
    id: "harm.credential",
    all: [CREDENTIAL_OF_OTHERS],
    // "chuyển lệ phí vào số tài khoản của họ": paying into someone's account is a scam story, not taking theirs.
    none: [DEFENSIVE, BY_PRACTICE, w(`(?:chuyen|ck|nop|gui|dong|nap|tra) ${g(4)}vao ${g(1)}tai khoan`)],
  },
  {
    id: "harm.stalking",
    all: [STALKING],
    none: [
      w(
        // "chống" (against) only before what it is against: "chong" alone is also "chồng" (a husband).
        `bi theo doi|bi doc trom|bi nghe len|phat hien|kiem tra|nhan biet|bao ve|chong ${g(1)}(?:theo doi|dinh vi|nghe len|doc trom|xem trom|hack|gian diep)|(?:chan|ngan chan|ngan) ${g(2)}(?:theo doi|dinh vi|nghe len|doc trom|xem trom)|ke xau|ke gian|(?:vi tri|dien thoai|tin nhan|zalo|facebook|tai khoan) cua (?:minh|toi|tui|em|bac)`,
      ),
    ],
  },
  // Wanting it unseen makes it a request, whatever else the message says ("… mà không bị phát hiện").
  { id: "harm.stalking", all: [STALKING, EVADE] },
  { id: "harm.credential", all: [CREDENTIAL_OF_OTHERS, EVADE] },
  { id: "harm.credential", all: [PHONE_OF_OTHERS, EVADE] },
  { id: "harm.data-trade", all: [DATA_TRADE], none: [w("bi ban|bi lo|ro ri|lo lot|bao ve")] },
  {
    id: "harm.found-card",
    all: [
      FOUND,
      w("the|the atm|vi|dien thoai|cccd|can cuoc|sim"),
      w("rut|lay tien|dung|mo khoa|chuyen tien|tieu|mua|dang nhap|be khoa|pha|vay"),
    ],
    none: [w("tra lai|nop lai|giao lai|tra cho|bao cho|nop cho|tim chu|lien he chu|trinh bao")],
  },
  { id: "harm.hate", all: [HATE] },
  { id: "harm.violence", all: [VIOLENCE, EVADE] },
  // Meaning to do it, even after being hurt first ("bị nó đánh rồi, giờ muốn mua súng bắn nó").
  {
    id: "harm.violence",
    // The learner's own intent ("tôi muốn…", "giờ muốn…"), not the threat they retell ("nó nói sẽ giết tôi").
    all: [VIOLENCE, w(`(?:toi|tui|minh|em|tao|gio) ${g(1)}(?:muon|dinh|tinh) ${g(2)}(?:mua|ban|giet|dam|chem|danh|tra thu|che|dau doc)`)],
  },
  { id: "harm.violence", all: [VIOLENCE], none: [w("bi lua|lua dao|canh bao"), VICTIM] },
];

/** A request to do or make something (refused even when it names a scam), rather than a retold event. */
export const REQUEST_START =
  /^(?:\S+ ){0,3}(?:cach|lam sao|lam the_? nao|chi (?:toi|tui|em|minh|cach|giup)|day (?:toi|tui|em|minh|cach)|giup|viet|tao (?:ra|mot|cho|trang|web|app|tin|kich ban)|soan|how|mua|huong dan|lam gia|tim)(?:\s|$)/;

// ── self-harm ─────────────────────────────────────────────────────────────────────────────────

export const SELF_HARM_RULES: Rule[] = [
  {
    id: "selfharm",
    // Whole words only: "từ tuần trước" holds the letters of "tu tu".
    all: [
      w(
        [
          "tu tu|tu sat|muon chet|khong muon song|chan song|(?:khong|chang|cha|het|chi|it) (?:\\S+ ){0,2}thiet song|het muon song|ket lieu|ket thuc cuoc (?:doi|song)|nhay cau|nhay lau|uong thuoc ngu|uong thuoc chuot|cat tay|suicide|kill myself|end my life|chet cho xong|chet quach|song lam gi nua|khong thiet song|song de lam gi|khong con thiet|muon bien mat|chet di cho roi|khong con muon song",
          `nhay ${g(1)}(?:cau|song|lau|tu tang|xuong song|xuong cau)|(?:cau|song|lau|san thuong|tang thuong|nha cao) ${g(1)}nhay`,
          `(?:uong|nuot) ${g(2)}(?:ca|het|nguyen) (?:lo|vi|hop|nam|tui) (?:thuoc|thuoc ngu)|(?:uong|nuot|mua) ${g(4)}(?:thuoc ngu|thuoc chuot|thuoc tru sau|thuoc diet co)|(?:thuoc ngu|thuoc chuot|thuoc tru sau|thuoc diet co) ${g(5)}(?:chet|tu tu|ra di)|bao nhieu vien ${g(4)}chet|cach (?:chet|tu tu|ket lieu)|chet (?:nhanh|khong dau|em ai|cho nhe)`,
          `(?<!cuoc )song ${g(4)}(?:de lam gi|lam gi nua|chang de lam gi|vo nghia|chang con y nghia|khong con y nghia)|(?:khong|chang|cha|het) con ${g(4)}(?:song tiep|song nua|muon song|thiet song)|khong con mat mui (?:nao )?${g(1)}song|muon ${g(1)}(?:di theo|theo) (?:ong|ba|chong|vo|bo|me|con) (?:nha|ay|toi|no)`,
          `muon ${g(2)}ket thuc ${g(1)}(?:tat ca|moi thu|het|cuoc doi|cuoc song|doi minh)|cho nhe nguoi ${g(2)}(?:chet|ket thuc|di)|giai thoat ${g(2)}(?:cuoc doi|cho xong)`,
          "tu lam dau (?:minh|ban than)|tu lam hai|tu hanh ha (?:minh|ban than)|rach tay|tu danh minh|lam dau ban than",
        ]
          .map((s) => `(?:${s})`)
          .join("|"),
      ),
    ],
  },
];

// ── advice (investment, medical, legal) ───────────────────────────────────────────────────────

/** Self-harm words that are ambiguous without marks ("sống" vs "sóng", "cầu" vs "câu"). */
export const SELF_SENSES: Record<string, string[]> = {
  song: ["sống", "sông"],
  cau: ["cầu"],
  lau: ["lầu"],
  nhay: ["nhảy"],
  tu: ["tự", "tử"],
};

const ADVICE_ASK = w(
  `co nen|nen|tu van|loi khuyen|khuyen|mua|ban|dau tu|(?:loai|goi|ngan hang|cong ty|cai|app|noi) nao ${g(2)}(?:tot|loi|lai|an toan|uy tin|cao|re)|(?:cao|tot|loi|an toan|uy tin) nhat|hay ${g(4)}(?:hon|loi hon)|loi hon`,
);
const MONEY_PRODUCTS = `(?<!bat )dau tu(?! dau)|tien ao|bitcoin|crypto|coin|chung khoan|co phieu|vang|(?:mua|ban|nha|lo|manh|mieng|thua) dat|dat (?:nen|dai|o|vuon|ruong)|bat dong san|forex|trai phieu|gui tiet kiem|so tiet kiem|tien tiet kiem|tiet kiem (?:ngan hang|lai|online|co ky han)|lai suat|bao hiem nhan tho|nhan tho|vay (?:tien|app|online|ngan hang|von|no|the chap|tin chap|lai)|khoan vay|di vay|nen vay|tra no|quy dau tu|lai cao|ngoai te|usd|do la`;
const MEDICAL_PHRASES = `uong thuoc|thuoc (?:gi|nao|nay|do|tri|chua|giam|ha|huyet ap|tieu duong|dau|ho|cam|bo)|(?:bi|hay|thuong) (?:dau|ho|sot|chong mat|mat ngu|tieu chay|non)|dau (?:dau|bung|nguc|lung|rang|khop|hong|mat|bao tu|da day|vai gay|dau goi)|ho (?:khan|co dam|nhieu|ra mau|lau ngay|keo dai|suot)|sot (?:cao|\\d+)|chua (?:benh|tri|khoi)|tri benh|trieu chung|tieu duong|huyet ap|ung thu|tim mach|dot quy|di ung|tiem phong|vac xin|vaccine|(?:cho|meo|ran) can|benh dai|lieu (?:dung|luong)|mg|bac si ${g(2)}(?:ke|noi|bao)|aspirin|paracetamol|khang sinh`;
const MEDICAL_PROCEDURE = w(
  "bhyt|bao hiem|vssid|vneid|the bhyt|kham bang|dung the|lich su kham|so kham|dat lich|ho so suc khoe|so suc khoe|kham benh|vien phi|di kham",
);

/** "AI bảo…", "hỏi ChatGPT thì nó nói…": the learner asks whether to trust an AI's answer. */
const AI_SAID = w(
  `(?:ai|chatgpt|gemini|copilot|chatbot|tro ly ao|tri tue nhan tao) ${g(3)}(?:bao|noi|tra loi|khuyen|goi y|viet|chi)|hoi (?:ai|chatgpt|gemini|copilot|chatbot)`,
);

/** Someone in danger now: poisoned, unconscious, not breathing, fitting, bleeding, shocked. */
const IN_DANGER =
  "uong nham|nuot nham|ngo doc|bat tinh|ngat xiu|ngat lim|kho tho|khong tho duoc|tho khong noi|dot quy|co giat|chay mau (?:nhieu|khong cam|khong ngung)|goi cap cuu|nguy kich|hon me|dien giat|dau nguc du doi";

export const ADVICE_RULES: Rule[] = [
  // Before any other advice: the learner needs the emergency number, not "ask a professional".
  { id: "advice.emergency", all: [w(IN_DANGER)] },
  // "lừa đảo đầu tư tiền ảo là như thế nào" asks about a scam, not for advice: the lessons answer it.
  {
    id: "advice.investment",
    all: [ADVICE_ASK, w(MONEY_PRODUCTS)],
    none: [w("lua dao|lua dao dau tu|bi lua|scam|ke gian|ke xau|gia mao|mao danh|deepfake|gia (?:giong|mat|danh)")],
  },
  // A clip advertising a medicine is a question about fake content, not about the medicine; what an AI said about
  // one is a question about checking an AI's answer.
  {
    id: "advice.medical",
    all: [w(MEDICAL_PHRASES)],
    none: [MEDICAL_PROCEDURE, w("quang cao|clip|video|deepfake|ghep|facebook|tiktok|youtube"), AI_SAID],
  },
  // With diacritics, the bare words are unambiguous ("đau", "thuốc", "bệnh", "sốt").
  {
    id: "advice.medical",
    all: [w("thuoc|benh|sot|ho|chua|tiem|dai")],
    none: [MEDICAL_PROCEDURE, w("ho so|ho chieu|ho ten|ho va ten|quang cao|clip|video|deepfake|ghep|facebook|tiktok|youtube")],
    accentedOnly: true,
  },
  {
    id: "advice.legal",
    all: [
      w(
        `khoi kien|kien (?:ai|ngan hang|cong ty|ra toa|doi|len|duoc)|di kien|bi kien|nop don kien|luat su|toa an|ra toa|len toa|hau toa|tranh chap|ly hon|thua ke|di chuc|so do|hop dong|boi thuong|xay lan|lan dat|lan chiem|boi nho|vu khong|danh du|nhan pham|to cao ai|kien ai|dung luat|trai luat|phap luat`,
      ),
    ],
  },
  { id: "advice.legal", all: [w("kien|toa")], accentedOnly: true },
  {
    id: "advice.legal",
    all: [w("bi phat|tien phat|muc phat|phat bao nhieu|vi pham phap luat|pham toi|pham luat|di tu|bi bat(?! (?:nat|buoc|dau|gap|duoc))")],
    none: [
      w(
        `tam tru|thuong tru|luu tru|cu tru|vneid|can cuoc|cccd|dinh danh|dich vu cong|bhyt|ho chieu|giay phep lai xe|bang lai|phat nguoi|dang ky|nop (?:tien )?phat|dong (?:tien )?phat|tra cuu|qua mang|tren mang|truc tuyen|online|tin nhan|cuoc goi|goi dien|sms|link|gia mao|lua dao|that hay gia|(?:dua|ke|ai|bon|nguoi) ${g(1)}gia`,
      ),
    ],
  },
];

// ── scope ─────────────────────────────────────────────────────────────────────────────────────

/** Words that place a question inside what the tutor teaches, whatever else it says. */
export const SCOPE = w(
  "vneid|dinh danh|can cuoc|cccd|cmnd|dich vu cong|cong dich vu|dvc|dichvucong|ho so|thu tuc|le phi|bhyt|bhxh|bao hiem y te|bao hiem xa hoi|vssid|luong huu|tro cap|an sinh|ngan hang|chuyen khoan|chuyen (?:nham )?tien|qr|vietqr|ma qr|the atm|atm|tien dien|tien nuoc|hoa don|etax|otp|mat khau|passcode|ma pin|bao mat|lua dao|gia mao|(?:bi|da bi|sap bi|de bi|khong bi|tranh bi|phai|la|co) lua|lua (?:tien|gat|nguoi|toi|tui|minh|bac|ong|ba|em|con|chau|me|bo|khong|ko|hong)|link|duong link|trang web|website|zalo|ung dung|app|cai dat|tai ve|dien thoai|smartphone|may tinh|internet|wifi|tri tue nhan tao|chatgpt|gemini|copilot|deepfake|chatbot|kiki|tro ly|so dien thoai|5656|156|113|luu tru|tam tru|thuong tru|ly lich|ly lich tu phap|ho chieu|giay phep lai xe|bang lai|vi giay to|giay to|sinh trac|khuon mat|van tay|dang nhap|kich hoat|khoi phuc|virus|spam|ky nang so|binh dan hoc|binh dan hoc vu so|muc 1|muc 2|xac thuc|ma xac nhan|ch play|app store|dien luc|evn|momo|vi dien tu|chuyen doi so|tinnhiemmang|khonggianmang|gov vn|bai hoc|bai nay|bai tiep|hoc (?:gi|bai|xong|tiep)|khoa hoc|cau do|du lieu (?:cua toi|ca nhan|cua bac|cua tui)|xoa (?:\\S+ ){0,2}du lieu|quyen rieng tu|luu tin nhan|chan cuoc goi|cuoc goi la|so la|ung dung la|to khai|bieu mau|mau don|truong bat buoc|canh bao|mao danh|gia danh|tu xung|xung la|viec nhe luong cao|lam nhiem vu|tha tim|like video|don ao|cong tac vien|kiem tien online|trung thuong|tien ao|sim rac|tin nhan rac|bao rac|hack|bi hack|ma doc|chiem doat|rua tien|" +
    // Smartphone basics, health, school, traffic fines, selling produce online, the family, scams the lessons now cover.
    "ban phim|micro|giong noi|noi vao|doc chinh ta|co chu|chu to|chu nho|phong to|danh ba|luu so|chup man hinh|thu vien anh|4g|du lieu di dong|wi fi|mat dien thoai|mat may|bi moc tui|khoa sim|xac thuc hai (?:buoc|lop)|(?:hai|2) (?:buoc|lop)|dat lich kham|lay so kham|kham online|benh vien|so suc khoe|bhyt ho gia dinh|gia han|hoc phi|tien hoc|nha truong|co chu nhiem|gvcn|nhom lop|so lien lac|phat nguoi|nop phat|tien phat|vi pham giao thong|bien so|csgt|cuc canh sat giao thong|dang kiem|ban hang|dang ban|rao ban|ban online|ban tren mang|nong san|dong goi|dong thung|giao hang|gui hang|shipper|ship cod|cod|thu ho|ma van don|van chuyen|buu dien|san thuong mai dien tu|shopee|tiktok shop|marketplace|nhom zalo|nhom gia dinh|cau hoi bi mat|mat khau gia dinh|chuyen nham|gui nham|nhom dau tu|san (?:ao|tien ao|dau tu)|dau tu tien ao|chuyen gia chung khoan|vay ho|muon tien|hoi vay|vay tien|ke gian|gia giong|gia mat",
);
/** Words that count only when nothing says the message is about something else (a recipe, football, a date). */
export const SCOPE_WEAK = w(
  "tai khoan|tk|stk|so tai khoan|mk|pass|pin|email|gmail|facebook|tin nhan|sms|cuoc goi|goi dien|quang cao|cap nhat|dang ky|(?:con |cai )?bot (?:co|nay|oi|luu|biet|tra loi|hoc|giup)|man hinh|thong bao|mang xa hoi|tren mang|len mang|qua mang|nha mang|mang (?:xa hoi|internet|wifi|4g|5g|di dong|yeu)|online|truc tuyen|cong nghe|nop|thanh toan|tra cuu|bien lai|thue|kham benh|di kham|cong an|canh sat|video|hinh anh|chup anh|anh chup|sim|kiem tra",
);
/**
 * With diacritics, bare words that are otherwise ambiguous: "ảnh", "cài", "mạng", "thuế", "thẻ", "tải", "lừa". Without
 * them "lua" is as often "lúa" (rice: "giá lúa hôm nay") as "lừa", so SCOPE takes it only beside words that say "lừa".
 */
export const SCOPE_ACCENTED = w("anh|cai|mang|thue|hinh|tai|ma|the|lua");
/** "AI" the technology, not "ai" (who). */
export const AI_WORD = w(
  `(?:tro ly|cong cu|ung dung|app|hoc|dung|nho|hoi|chatbot|phan mem|mo hinh|binh dan hoc|cong nghe|trang|web|cua) ai|ai (?:tao|viet|tra loi|tom tat|ve|sinh|lam|la gi|co (?:tin|dung|chinh xac|that|phai|hieu|noi)|chatbot|tao sinh|agent|cua google|nhu chatgpt|bi sai|sai)`,
);
/** Clearly about something else: these outweigh the weak scope words. */
export const OFFTOPIC = w(
  [
    "bong da|da bong|doi tuyen|vo dich|ngoai hang|world cup|the thao|cau thu|tran dau|ty so|ti so|may ban|ghi ban|(?:da|thang|thua|hoa) voi (?:\\S+ ){1,2}(?:may|\\d+) (?:ban|trai)|(?:da|dau|gap) voi (?:\\S+ ){1,3}(?:ai thang|ai thua|may gio|luc may gio)",
    // Horoscopes by birth year: "tuổi Thìn năm nay có hợp…", "mạng Kim hợp màu gì".
    "tuoi (?:ty|suu|dan|mao|thin|ngo|mui|than|dau|tuat|hoi)|hop (?:tuoi|mau|menh|huong)|(?:menh|mang) (?:kim|moc|thuy|hoa|tho)",
    // Family life and upbringing: not what the lessons teach.
    `(?:cai|cai_) (?:lai|nhau) ${g(2)}(?:bo me|cha me|ong ba|vo|chong)|day con|nuoi day|bat hieu|ly hon|ngoai tinh`,
    "nau|mon an|cong thuc (?:lam|nau)|lam banh|an gi|ngon|muoi dua|thoi tiet|xo so|so de|con so|lo de|tu vi|xem boi|boi toan|boi bai|phong thuy|tinh duyen|lam quen|hen ho|ket ban bon phuong|ban xe|can ban (?:xe|nha|dat|do)|ai mua|thanh ly|pass lai|du lich|di choi|ke chuyen|chuyen cuoi|co tich|bai hat|bolero|bai tho|lam tho|bau cu|quoc hoi|chinh tri|tong thong|trump|chinh sach|thue quan|giau nhat|ca si|dien vien|(?<!ban )phim|bai toan|giai toan|lop \\d+|hoa lan|trong cay|thu cung|am lich|gia vang",
  ].join("|"),
);
/** Loneliness and sadness told to the tutor: a kind word, not a lesson and not the self-harm text (checked first). */
export const FEELINGS = w(
  `buon qua|buon lam|buon that|buon ghe|co don|hiu quanh|mot minh ${g(2)}buon|tui than|chan qua|nho (?:con|chau|con chau|cac con|cac chau) (?:qua|lam)|khong (?:co )?ai (?:hoi han|noi chuyen|tro chuyen|choi cung|o cung)`,
);
/** Asked to keep personal data ("ghi nhớ hộ bác", "lưu giúp tôi"): the tutor keeps none, so it redirects. */
export const STORE_REQUEST = new RegExp(
  `(?:^|\\s)(?<!(?:dua|gui|giao|nho|de|cho) ${g(3)})(?:ghi|luu|nho|giu|ghi nho|luu lai|ghi lai) ${g(1)}(?:ho|giup|gium|dum)(?=\\s|$)`,
);
