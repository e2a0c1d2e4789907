// Reading Vietnamese as citizens type it: syllables with and without their marks, the shorthand people use
// ("ko", "dc", "bhyt", "stk"), and the words that carry no meaning for a search. Shared by retrieval and rules.

/** Lowercase, no diacritics, đ → d, single spaces. For matching only, never for display. */
export function foldForMatch(text: string): string {
  return text
    .toLowerCase()
    .replace(/đ/g, "d")
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Common abbreviations and chat shorthand → the words they stand for, with diacritics. One table for
 * retrieval and the keyword rules (the rules read it folded).
 */
const ABBREVIATIONS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    // negation, "được", "gì", "thế nào"
    ko: "không",
    k: "không",
    kh: "không",
    khg: "không",
    kg: "không",
    hok: "không",
    hem: "không",
    khum: "không",
    dc: "được",
    đc: "được",
    dk: "được",
    j: "gì",
    gj: "gì",
    z: "vậy",
    zậy: "vậy",
    dzậy: "vậy",
    hông: "không",
    hổng: "không",
    ntn: "như thế nào",
    // people and everyday words
    vs: "với",
    ng: "người",
    nguoj: "người",
    bit: "biết",
    bik: "biết",
    mn: "mọi người",
    r: "rồi",
    oy: "rồi",
    cx: "cũng",
    cug: "cũng",
    m: "mày",
    mi: "mày",
    t: "tôi",
    mik: "mình",
    mh: "mình",
    wa: "quá",
    ms: "mới",
    trc: "trước",
    ns: "nói",
    tl: "trả lời",
    vc: "việc",
    cty: "công ty",
    bs: "bác sĩ",
    nhiu: "nhiều",
    iu: "yêu",
    dag: "đang",
    hnay: "hôm nay",
    bh: "bao giờ",
    bjo: "bao giờ",
    // messages and phones
    tn: "tin nhắn",
    nt: "nhắn tin",
    ib: "nhắn tin",
    inbox: "nhắn tin",
    dt: "điện thoại",
    đt: "điện thoại",
    dthoai: "điện thoại",
    sdt: "số điện thoại",
    sđt: "số điện thoại",
    // the same thing in other words
    app: "ứng dụng",
    fb: "facebook",
    zl: "zalo",
    sms: "tin nhắn",
    website: "trang web",
    // accounts, money, public services
    acc: "tài khoản",
    tk: "tài khoản",
    stk: "số tài khoản",
    mk: "mật khẩu",
    ck: "chuyển khoản",
    nh: "ngân hàng",
    bhxh: "bảo hiểm xã hội",
    bhyt: "bảo hiểm y tế",
    dvc: "dịch vụ công",
    cccd: "căn cước",
    cmnd: "chứng minh nhân dân",
    cmt: "chứng minh nhân dân",
    gplx: "giấy phép lái xe",
    ltp: "lý lịch tư pháp",
    lltp: "lý lịch tư pháp",
    tthc: "thủ tục hành chính",
    ubnd: "ủy ban nhân dân",
    csgt: "cảnh sát giao thông",
    bv: "bệnh viện",
  }),
);

/** Folded and with punctuation turned into spaces. */
export function foldWords(text: string): string {
  return foldForMatch(text)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * Folded keys and folded expansions, for the keyword rules, which read folded text. Only shorthand typed without
 * tone or vowel marks: folded, "hông" would make every "hong" (hỏng: broken) a "không".
 */
export const FOLDED_ABBREVIATIONS: ReadonlyMap<string, string> = new Map(
  [...ABBREVIATIONS].filter(([k]) => foldForMatch(k) === k.replace(/đ/g, "d")).map(([k, v]) => [foldForMatch(k), foldForMatch(v)]),
);

/** Vietnamese letters that carry a diacritic (or đ). */
export const MARKED = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/;

export interface Syllable {
  /** Lowercase, with its marks as typed. */
  acc: string;
  /** Without marks. */
  fold: string;
}

const LETTER_OR_NUMBER = /[\p{L}\p{N}]/u;
/** Whether each UTF-16 unit below U+2000 (Latin, Vietnamese, and the rest of the common scripts) is a letter or number. */
const WORD_UNIT = Uint8Array.from({ length: 0x2000 }, (_, c) => (LETTER_OR_NUMBER.test(String.fromCharCode(c)) ? 1 : 0));

/**
 * The runs of letters and numbers in a text: `text.split(/[^\p{L}\p{N}]+/u)` without the empty pieces, read with a
 * table instead of the Unicode property regex (ten times faster; indexing a national curriculum splits millions).
 */
export function wordsOf(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let width = 1;
    let word: boolean;
    if (c < 0x2000) word = WORD_UNIT[c] === 1;
    else if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A character outside the Basic Multilingual Plane, in two units.
      width = 2;
      word = LETTER_OR_NUMBER.test(text.slice(i, i + 2));
    } else word = LETTER_OR_NUMBER.test(text[i] as string);
    if (word) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push(text.slice(start, i));
      start = -1;
    }
    i += width - 1;
  }
  if (start >= 0) out.push(text.slice(start));
  return out;
}

/** The words of a text as syllables, shorthand expanded. */
export function syllables(text: string): Syllable[] {
  const words = wordsOf(text.normalize("NFC"));
  const out: Syllable[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    // "50 k" is money, not "không".
    if ((word === "k" || word === "K") && /\d$/.test(out.at(-1)?.fold ?? "")) out.push({ acc: "k", fold: "k" });
    // "Wi-Fi", as lessons write it, is the "wifi" people type.
    else if (/^wi$/i.test(word) && /^fi$/i.test(words[i + 1] ?? "")) {
      out.push({ acc: "wifi", fold: "wifi" });
      i++;
    } else out.push(...syllablesOfWord(word));
  }
  return out;
}

/**
 * Words citizens use where the lessons say it otherwise: loanwords ("pass", "nick", "bank", "free") and regional words
 * ("xài", "dỏm", "mần", "coi", "dìa"). Read as the lesson's word by retrieval only; the keyword rules list such words
 * themselves ("pass lại" is reselling there). Only words with one meaning: "thiệt" is also a loss ("thiệt hại"), "vô"
 * also "without" ("vô hiệu hoá"), "hình" also a screen ("màn hình"); typed without marks, only "xai" is read so ("dom"
 * may be "dòm", "dia" "địa").
 */
const SAME_WORDS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    pass: "mật khẩu",
    password: "mật khẩu",
    nick: "tài khoản",
    xài: "dùng",
    xai: "dùng",
    dỏm: "giả",
    mần: "làm",
    coi: "xem",
    dìa: "về",
    // English words in everyday use; a lesson that writes them is read the same way ("online" and "trực tuyến"). In
    // chat, "face" is Facebook ("lên face") far more often than a face, for which people say "khuôn mặt".
    face: "facebook",
    phây: "facebook",
    bank: "ngân hàng",
    appbank: "ứng dụng ngân hàng",
    free: "miễn phí",
    cafe: "cà phê",
    caphe: "cà phê",
    cf: "cà phê",
    data: "dữ liệu",
    online: "trực tuyến",
    check: "kiểm tra",
    update: "cập nhật",
    login: "đăng nhập",
    call: "gọi",
    gmail: "email",
  }),
);

/** Banks as people name them, folded (also read by the scam rules). */
export const BANK_NAMES: readonly string[] = (
  "agribank vietcombank vcb bidv vietinbank techcombank tcb mbbank acb tpbank sacombank vpbank shb hdbank ocb seabank " +
  "vib lpbank eximbank msb kienlongbank pvcombank abbank scb baovietbank"
).split(" ");

/**
 * Makers of phones, banks, the power company and carriers of parcels: which one the learner has, seldom what is asked
 * ("máy Xiaomi chữ nhỏ quá", "đóng tiền điện EVN bằng app Agribank"). The lessons teach the same on every one of
 * them. Folded. Names that are a topic of their own are not here: Zalo, Facebook, Shopee, Grab, TikTok, and the
 * mobile networks (a question naming Viettel asks about its plans or its shops, which no lesson covers).
 */
export const INCIDENTAL_NAMES: ReadonlySet<string> = new Set([
  // phones
  ...(
    "samsung galaxy iphone ipad oppo xiaomi redmi poco vivo realme nokia huawei honor vsmart bphone masstel itel tecno " +
    "infinix motorola asus"
  ).split(" "),
  ...BANK_NAMES,
  // the power company, and carriers of parcels
  ..."evn evnspc evnhcmc evnnpc evncpc evnhanoi ghtk ghn vnpost viettelpost ninjavan".split(" "),
]);

/** A number written together with its unit, as people type amounts and times: "10tr", "500k", "4h", "30p" ("4g" is the network). */
const AMOUNT = /^(\d+(?:[.,]\d+)?)([a-zđ]+)$/u;
const UNITS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    tr: "triệu",
    trieu: "triệu",
    k: "nghìn",
    ng: "nghìn",
    ngan: "nghìn",
    d: "đồng",
    đ: "đồng",
    h: "giờ",
    p: "phút",
    ph: "phút",
  }),
);

/**
 * One place for the tone mark where the two spellings in use differ, in open syllables ending in "oa", "oe", "uy":
 * "khoá" and "khóa", "hoà" and "hòa", "thuỷ" and "thủy" are the same word, and lessons use both. The mark goes on
 * the last vowel ("khoá", "thuỷ"), the newer of the two placements.
 */
export function canonicalTone(word: string): string {
  return word
    .normalize("NFC")
    .replace(/([òóỏõọ])([ae])$/u, (_, o: string, v: string) => `o${retone(v, o)}`)
    .replace(/([ùúủũụ])y$/u, (_, u: string) => `u${retone("y", u)}`);
}
const TONES: Record<string, string> = { a: "àáảãạ", e: "èéẻẽẹ", y: "ỳýỷỹỵ", o: "òóỏõọ", u: "ùúủũụ" };
/** The vowel `v` with the tone mark `from` carries. */
const retone = (v: string, from: string) => {
  const tone = (TONES[foldForMatch(from)] as string).indexOf(from);
  return (TONES[v] as string)[tone] as string;
};

/** A word's syllables, remembered: the same few thousand words make up every lesson (indexing 3,000 lessons folds millions). */
const wordCache = new Map<string, readonly Syllable[]>();
function syllablesOfWord(word: string): readonly Syllable[] {
  let known = wordCache.get(word);
  if (known) return known;
  // "AI" in capitals is the technology; "ai" is "who".
  if (word === "AI") known = [{ acc: "AI", fold: "ai" }];
  else {
    const w = canonicalTone(word.toLowerCase());
    const expanded = ABBREVIATIONS.get(w) ?? SAME_WORDS.get(w);
    const amount = AMOUNT.exec(w);
    const unit = amount ? UNITS.get(amount[2] as string) : undefined;
    if (expanded) known = expanded.split(" ").map((e) => ({ acc: e, fold: foldForMatch(e) }));
    // "10tr", "500k", "4h": a number and its unit, read as the two words they are.
    else if (amount && unit)
      known = [
        { acc: amount[1] as string, fold: amount[1] as string },
        { acc: unit, fold: foldForMatch(unit) },
      ];
    else known = [{ acc: w, fold: foldForMatch(w) }];
  }
  if (wordCache.size >= 200_000) wordCache.clear();
  wordCache.set(word, known);
  return known;
}

/** True when a quarter or more of the words carry marks: then marks can tell words apart. */
export function typedWithMarks(syl: readonly Syllable[], raw?: string): boolean {
  if (raw !== undefined && !MARKED.test(raw.toLowerCase())) return false;
  let marked = 0;
  let words = 0;
  for (const s of syl) {
    if (!/\p{L}/u.test(s.acc)) continue;
    words++;
    if (s.acc !== s.fold) marked++;
  }
  return words > 0 && marked / words >= 0.25;
}

/** A folded Vietnamese syllable: onset, vowels, coda. "grab", "shopee", "zalo", "wifi" are not (names, brands). */
const SYLLABLE = /^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?(?:[aeiouy]{1,3})(?:ng|nh|ch|[cmnpt])?$/;
export const isVietnameseSyllable = (fold: string) => /^\d+$/.test(fold) || SYLLABLE.test(fold);
