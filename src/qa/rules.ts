// Deterministic rules over folded text (lowercase, no diacritics, punctuation → spaces).
// Each rule is a list of patterns that must ALL match; the first rule of a list that matches wins.

export interface Rule {
  id: string;
  all: RegExp[];
  /** Patterns that cancel the rule (e.g. "how to recognise" cancels "fake message"). */
  none?: RegExp[];
  /** Lesson to point to (scam rules). */
  lesson?: string;
}

export function firstMatch(rules: Rule[], folded: string): Rule | undefined {
  return rules.find((r) => r.all.every((p) => p.test(folded)) && !(r.none ?? []).some((p) => p.test(folded)));
}

const w = (alternatives: string) => new RegExp(`(?:^|\\s)(?:${alternatives})(?=\\s|$)`);

// ── scam signals ──────────────────────────────────────────────────────────────────────────────

/** Someone contacted the learner, or the learner pastes/retells a message. */
const CONTACT = w(
  "goi|goi dien|goi toi|goi cho|cuoc goi|dien thoai|nhan tin|tin nhan|sms|zalo|messenger|facebook|fb|email|mail|thu|xung|xung la|tu xung|gia danh|mao danh|bao toi|bao em|bao bac|bao la|bao rang|noi la|noi rang|yeu cau|doi|bat|nguoi la|so la|so dien thoai la|ai do|co nguoi|mot nguoi|nguoi ta|ho|ho noi|ho bao|ho bat|ho doi|nhan duoc|gui cho|gui toi|gui link|link|duong link|duong dan|bam vao|bam link|nhan vao|http|https|www|web|trang|kenh|nhom|tuyen|moi|hen",
);
const THIRD_PARTY = w(
  "ho|nguoi|nguoi ta|nhan vien|shipper|ai do|co nguoi|mot nguoi|nguoi la|anh ay|chi ay|ong ay|ba ay|thang|con kia|ben kia|so la|can bo",
);

export const SCAM_RULES: Rule[] = [
  {
    id: "scam.police",
    all: [
      w(
        "cong an|canh sat|vien kiem sat|vks|toa an|an ninh|bo cong an|cong an phuong|cong an xa|thanh tra|csgt|can bo dieu tra|dieu tra vien",
      ),
      w(
        "rua tien|ma tuy|tam giu|dieu tra|bat giam|lenh bat|bat tam giam|tai khoan an toan|tai khoan tam giu|giu bi mat|khong duoc noi|khong duoc ke|chuyen tien|chuyen khoan|phong toa|vi pham|lien quan|duong day|toi pham|kiem tra tai khoan|xac minh tai khoan|cai ung dung|cai app|truy na|hau qua",
      ),
    ],
    none: [w("hen .{0,20}len|lam can cuoc|truc tiep tai")],
    lesson: "ld-cong-an-goi-dien",
  },
  {
    id: "scam.vneid",
    all: [
      w("vneid|dinh danh|muc 2|muc hai|can cuoc|cccd|cu tru|thuong tru|tam tru|dinh danh dien tu"),
      w(
        "cap nhat|kich hoat ho|kich hoat giup|nang cap|nang muc|nang len muc|tich hop|sap nhap|phi|le phi|link|bam|cai|tai ve|apk|22000|22 000|bi khoa|het han|sai thong tin|loi thong tin|chuan hoa|dong bo|nhan qua|qua",
      ),
      CONTACT,
    ],
    none: [w("cach|lam sao|huong dan|the nao|o dau|co can|co phai tu|tu lam")],
    lesson: "ld-cap-nhat-vneid-gia",
  },
  {
    id: "scam.vneid-helper",
    all: [w("kich hoat ho|kich hoat giup|kich hoat qua dien thoai|lam ho|nang cap ho|ho tro kich hoat|ho tro nang cap")],
    lesson: "ld-cap-nhat-vneid-gia",
  },
  {
    id: "scam.otp-request",
    all: [
      w("otp|ma xac thuc|ma xac nhan|ma so|mat khau|mk|ma pin|passcode|ma dang nhap|ma kich hoat|ma"),
      w(
        "xin|hoi|doc|doc cho|doc lai|cung cap|dua|gui lai|gui cho ho|gui cho nguoi|bao doc|bao gui|doi|yeu cau|nhap vao|chup|gui ma|gui qua",
      ),
      THIRD_PARTY,
    ],
    lesson: "ma-otp-mat-khau",
  },
  {
    id: "scam.gift-fee",
    all: [
      w(
        "nhan qua|qua tang|trung thuong|trung giai|giai thuong|phan thuong|hoan tien|hoan phi|tien hoan|boi thuong|ho tro tien|tien ho tro|nhan tien|tri an|khuyen mai|uu dai",
      ),
      w("phi|nop|chuyen|dong|link|bam|cai|dang ky|xac nhan|otp|thong tin|tai khoan"),
    ],
    none: [w("cach nhan biet|lam sao biet|nhan dien")],
    lesson: "ld-kiem-tra-web-bao-rac",
  },
  {
    id: "scam.account-lock",
    all: [
      w(
        "khoa tai khoan|tai khoan bi khoa|tam khoa|bi phong toa|dong bang|tai khoan se bi|bi vo hieu|het han tai khoan|tai khoan cua ban|tai khoan cua quy khach",
      ),
      CONTACT,
    ],
    lesson: "nhan-biet-duong-link-gia",
  },
  {
    id: "scam.investment",
    all: [
      w("dau tu|lai suat|loi nhuan|tien ao|coin|crypto|chung khoan|san giao dich|forex|nhan doi|x2|x3|hoa hong|lai"),
      w("cam ket|moi ngay|mot ngay|1 ngay|thang|lai cao|tham gia|nhom|zalo|phan tram|hang ngay|chac chan|khong rui ro|bao lai"),
    ],
    none: [w("co nen")],
    lesson: "ld-viec-nhe-luong-cao",
  },
  {
    id: "scam.job",
    all: [
      w(
        "viec nhe luong cao|like video|tha tim|lam nhiem vu|nhiem vu|don ao|cong tac vien|ctv|kiem tien online|kiem tien tai nha|nap tien lam|chot don|danh gia san pham|xem video kiem tien|viec lam online|tuyen dung online|luong cao|hoa hong",
      ),
    ],
    lesson: "ld-viec-nhe-luong-cao",
  },
  {
    id: "scam.recovery",
    all: [w("lay lai tien|thu hoi tien|lay lai so tien|ho tro thu hoi|trung tam thu hoi|dich vu thu hoi|doi lai tien|lay lai tien bi lua")],
    lesson: "ld-viec-nhe-luong-cao",
  },
  {
    id: "scam.install-link",
    all: [
      w("cai|tai|download|cai dat|tai ve|cai vao"),
      w("ung dung|app|apk|file|phan mem|ban moi|phien ban moi"),
      w("link|duong dan|duong link|qua zalo|tin nhan|gui|nguoi ta|ho|nguoi la|bam|nhan vao|ho bao|ho gui|ai do"),
    ],
    none: [w("ch play|app store|cua hang")],
    lesson: "tai-ung-dung-dung-cho",
  },
  {
    id: "scam.deepfake",
    all: [
      w("goi video|video call|facetime|goi hinh|cuoc goi video|goi zalo video|goi messenger"),
      w("chuyen tien|muon tien|gui tien|can tien|vay tien|gap|mang yeu|nhoe|mo|tat may|cup may|ngan|tien"),
    ],
    lesson: "ld-video-gia-nguoi-than",
  },
  {
    id: "scam.utility-tax",
    all: [
      w("dien luc|evn|tien dien|thue|co quan thue|chi cuc thue|cuc thue|nuoc|cham soc khach hang|cskh"),
      w("hoan tien|link|quet mat|khuon mat|ung dung|cai|giay moi|otp|cat dien|ngung cap|no tien|qua han"),
    ],
    none: [w("cach tra|lam sao tra|thanh toan hoa don|tra tien dien tren|tra tien nuoc tren")],
    lesson: "bh-tien-dien-nuoc",
  },
  {
    id: "scam.bank-sms",
    all: [
      w(
        "ngan hang|vietcombank|vcb|techcombank|tcb|agribank|bidv|vietinbank|mb|mbbank|acb|tpbank|sacombank|vpbank|shb|hdbank|momo|zalopay|vi dien tu",
      ),
      w("link|bam|cap nhat|xac minh|xac thuc lai|khoa|het han|nang cap|dang nhap lai|quet mat"),
      CONTACT,
    ],
    none: [w("cach|lam sao|the nao")],
    lesson: "nhan-biet-duong-link-gia",
  },
  {
    id: "scam.traffic-fine",
    all: [w("phat nguoi|nop phat|vi pham giao thong|bien ban|quyet dinh xu phat"), w("link|tin nhan|bam|chuyen|zalo|goi")],
    lesson: "nhan-biet-duong-link-gia",
  },
];

// ── injection and prompt extraction ───────────────────────────────────────────────────────────

export const INJECTION_RULES: Rule[] = [
  {
    id: "inject.ignore-vi",
    all: [
      /(bo qua|phot lo|lo di|khong can theo|dung theo|quen|xoa|vut bo|huy bo)\s+(di\s+)?(het\s+|moi\s+|tat ca\s+|toan bo\s+|cac\s+|nhung\s+|nhung gi\s+)?(cac\s+)?(huong dan|chi dan|chi thi|lenh|quy tac|quy dinh|yeu cau|rang buoc|gioi han|dieu (o )?tren|cai (o )?tren|vai tro|thiet lap|cau hinh)/,
    ],
  },
  {
    id: "inject.ignore-en",
    all: [
      /(ignore|disregard|forget|override|bypass)\s+(all\s+|any\s+|the\s+|your\s+|every\s+|everything\s+)?(previous\s+|prior\s+|above\s+|earlier\s+|preceding\s+|system\s+|initial\s+)?(instructions?|prompts?|rules|directions|guidelines|context|messages?|everything|safety)/,
    ],
  },
  {
    id: "inject.system-prompt",
    all: [
      /(system prompt|sys prompt|prompt he thong|loi nhac he thong|chi dan he thong|huong dan he thong|cau lenh he thong|thong diep he thong|system message|system instructions?|initial prompt|prompt goc|prompt ban dau|loi nhac ban dau|hidden prompt|prompt an|meta prompt|instructions you were given|your instructions|huong dan cua ban|chi dan cua ban|quy tac cua ban|lenh cua ban|ban duoc lap trinh|ban duoc cai dat)/,
    ],
  },
  {
    id: "inject.reveal",
    all: [
      /(in ra|hien thi|tiet lo|cho (toi|tui|em|minh) xem|doc lai|lap lai|viet lai|chep lai|xuat ra|dua ra|print|reveal|show|output|repeat|display|spell out|write out)\s.{0,40}(nguyen van|tat ca|toan bo|ben tren|o tren|phia tren|dau tien|above|verbatim|everything|words above|text above|the above|your (prompt|instructions|rules)|cau truoc)/,
    ],
  },
  {
    id: "inject.persona",
    all: [
      /(developer mode|dev mode|che do nha phat trien|che do lap trinh vien|jailbreak|jail break|do anything now|(?:^|\s)dan(?:\s|$)|(?:^|\s)stan(?:\s|$)|(?:^|\s)dude(?:\s|$)|anti dan|god mode|che do than|che do khong gioi han|khong co gioi han|khong gioi han|unfiltered|uncensored|khong kiem duyet|khong bi kiem duyet|unrestricted|no restrictions|no limits|evil (ai|bot|mode)|opposite mode|sudo mode|admin mode|che do quan tri)/,
    ],
  },
  {
    id: "inject.roleplay",
    all: [
      /(dong vai|gia vo (la|lam|rang|nhu)|gia lam|tu gio (ban|may|mi|cau) la|tu bay gio (ban|may|mi|cau)( se)? la|ban (bay gio|gio day) la|ban khong con la|hay tro thanh|hay hanh dong nhu|act as|pretend (to be|you are|that)|role ?play|you are now|you are no longer|from now on you|simulate|imagine you are|nhap vai)/,
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
      /(boqua|bqua|photlo|quenhet|quendi)(het|moi|tatca|toanbo|cac|nhung)*(huongdan|chidan|chithi|lenh|quytac|yeucau)|ignore(all|any|the|your)*(previous|prior|above)*instructions|systemprompt|prompthethong|loinhachethong|chidanhethong|developermode|chedonhaphattrien|jailbreak|doanythingnow|innguyenvan/,
    ],
  },
  {
    id: "inject.delimiters",
    all: [
      /(###\s*(instruction|system)|<\|im_start\|>|<\|system\|>|\[inst\]|\[system\]|<system>|begin system|end of prompt|new instructions?|huong dan moi:|lenh moi:)/,
    ],
  },
];

// ── harmful requests, self-harm, advice, off-topic ────────────────────────────────────────────

const DEFENSIVE = w(
  "nhan biet|nhan dien|phat hien|phong tranh|phong ngua|tranh|tranh bi|khong bi|de phong|canh giac|bao cao|to cao|trinh bao|kiem tra|phong chong|bao ve|neu bi|khi bi|bi lua|da bi|lo bi|lam gi khi|chong|chan|biet|co phai|dau hieu|canh bao|an toan|xu ly",
);
const ASK = w(
  "cach|lam sao|lam the nao|the nao|huong dan|chi|chi toi|chi tui|chi em|chi minh|day|day toi|giup|giup toi|giup tui|giup em|muon|can|viet|tao|soan|lam|lam giup|how|how to|how do|help|write|make|create|tell|teach|build|generate|give me|ways",
);
const FRAUD = w(
  "lua nguoi|lua ai|lua ba|lua ong|lua cu|lua nguoi gia|lua tien|lua duoc|lua dao nguoi|lua dao ai|di lua|chiem doat|danh cap|lay cap|an cap|an trom|trom|hack|hacker|xam nhap|be khoa|crack|phishing|gia danh|mao danh|gia mao|lam gia|lam can cuoc gia|cccd gia|giay to gia|bang gia|rua tien|lay otp cua|lay ma otp cua|lay mat khau cua|doc trom|nghe len|theo doi dien thoai|tin nhan gia danh|tin nhan lua|trang web gia|trang gia|web gia|app gia|ung dung gia|virus|ma doc|malware|ransomware|keylogger|ddos|spam|lua dao|scam|steal|fraud|launder|counterfeit|fake id|phish",
);
const VIOLENCE = w(
  "giet|giet nguoi|sat hai|dam chet|ban chet|dau doc|thuoc doc|thuoc no|chat no|bom xang|bom tu che|vu khi|sung|sung ngan|che tao sung|dao gam|ma tuy|heroin|thuoc lac|can sa|cocaine|meth|ke|khieu dam|lam tinh|sex|porn|hiep dam|au dam|nude|khoa than|dam duc|mai dam|phan biet chung toc|ky thi|diet chung|khung bo|terror|terrorist|bomb|weapon|gun|kill|murder|drugs?|explosive|poison|rape|nazi|bat coc|buon nguoi|danh nguoi|tra tan|hanh ha|ngoc|ngu|do ngu|thu vat",
);

export const HARM_RULES: Rule[] = [
  { id: "harm.fraud", all: [ASK, FRAUD], none: [DEFENSIVE] },
  { id: "harm.violence", all: [VIOLENCE], none: [w("bi lua|lua dao|canh bao")] },
];

export const SELF_HARM_RULES: Rule[] = [
  {
    id: "selfharm",
    all: [
      /(tu tu|tu sat|muon chet|khong muon song|chan song|het muon song|ket lieu|ket thuc cuoc (doi|song)|nhay cau|nhay lau|uong thuoc ngu|uong thuoc chuot|cat tay|suicide|kill myself|end my life|chet cho xong|chet quach|song lam gi nua|khong thiet song|song de lam gi|khong con thiet|muon bien mat|chet di cho roi|khong con muon song)/,
    ],
  },
];

export const ADVICE_RULES: Rule[] = [
  {
    id: "advice.investment",
    all: [
      w("co nen|nen|tu van|loi khuyen|khuyen|mua|ban|dau tu"),
      w("dau tu|tien ao|bitcoin|crypto|coin|chung khoan|co phieu|vang|dat|bat dong san|forex|trai phieu|gui tiet kiem|lai suat"),
    ],
  },
  {
    id: "advice.medical",
    all: [w("thuoc|benh|trieu chung|dau|sot|ho|tieu duong|huyet ap|ung thu|bac si|chua|uong")],
    none: [w("bhyt|bao hiem|vssid|vneid|the|kham bang|dung the")],
  },
  {
    id: "advice.legal",
    all: [
      w(
        "kien|khoi kien|luat su|toa|tranh chap|ly hon|thua ke|di chuc|so do|hop dong|boi thuong|phap luat|vi pham phap luat|bi phat|tien phat|to cao ai|kien ai",
      ),
    ],
  },
];

/** Words that place a question inside what the tutor teaches. */
export const SCOPE = w(
  "vneid|dinh danh|can cuoc|cccd|cmnd|dich vu cong|cong dich vu|dvc|ho so|thu tuc|le phi|bhyt|bhxh|bao hiem|vssid|luong huu|tro cap|an sinh|ngan hang|tai khoan|tk|stk|chuyen khoan|chuyen tien|qr|vietqr|ma qr|the atm|atm|tien dien|tien nuoc|hoa don|thue|etax|otp|mat khau|mk|pass|passcode|ma pin|pin|bao mat|lua|lua dao|gia mao|link|duong link|trang web|website|web|tin nhan|sms|cuoc goi|goi dien|zalo|facebook|email|gmail|ung dung|app|cai dat|cai|tai ve|dien thoai|smartphone|may tinh|internet|mang|wifi|ai|tri tue nhan tao|chatgpt|gemini|copilot|deepfake|chatbot|kiki|tro ly|so dien thoai|sim|5656|156|113|luu tru|tam tru|thuong tru|ly lich|ly lich tu phap|ho chieu|giay phep lai xe|bang lai|vi giay to|giay to|sinh trac|khuon mat|van tay|dang nhap|dang ky|kich hoat|khoi phuc|virus|spam|quang cao|ky nang so|binh dan hoc vu so|muc 1|muc 2|xac thuc|ma xac nhan|ch play|app store|cap nhat|dien luc|evn|momo|vi dien tu|chuyen doi so|cong nghe|online|truc tuyen|tra cuu|nop|bien lai|thanh toan|video|anh|hinh",
);
