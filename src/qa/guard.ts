import { hasDiacritics, normalizeInput, plainView, ruleView } from "./normalize.js";
import { type PiiType, redactPii, stripPersonalData } from "./pii.js";
import {
  ADVICE_RULES,
  ADVICE_SENSES,
  AI_WORD,
  DAN,
  FEELINGS,
  firstMatch,
  GENERAL_QUESTION,
  HARM_RULES,
  HARM_SENSES,
  HARM_UNMARKED_INNOCENT,
  INJECT_SENSES,
  INJECTION_RULES,
  LOST,
  LOST_LESSON,
  NEW_ORDERS,
  OFFTOPIC,
  pasted,
  REQUEST_START,
  type Rule,
  retold,
  SCAM_RULES,
  SCAM_SENSES,
  SCOPE,
  SCOPE_ACCENTED,
  SCOPE_SENSES,
  SCOPE_WEAK,
  SELF_HARM_RULES,
  SELF_SENSES,
  STORE_REQUEST,
} from "./rules.js";

// The input rails, in order, before any network call. Pure functions: text in, decision out.

export type Action = "refuse" | "support" | "warn" | "redirect" | "offtopic" | "advice" | "answer";

export interface InputDecision {
  action: Action;
  /** Rule id for logs and reports ("scam.police", "inject.ignore-vi", "scope.none"…): never the text. */
  rule: string;
  /** The learner's text, normalised and with personal data replaced by placeholders. Only this may leave the server. */
  redacted: string;
  /** Personal data types found (the learner is warned; OTPs and passwords get the fixed warning). */
  pii: PiiType[];
  /** Lesson the scam rule points to. */
  lesson?: string;
  /** A scam story told after the loss (money gone, a code given): what to do now comes first. */
  lost?: true;
  truncated: boolean;
}

/** Spaced-out letters ("b o q u a h u o n g d a n") are joined so filters still see the words. */
function despace(folded: string): string {
  return folded.replace(/(?:\b\p{L}\b ?){6,}/gu, (m) => ` ${m.replace(/ /g, "")} `);
}

const OFFICIAL = /(^|\.)(gov\.vn|tinnhiemmang\.vn|khonggianmang\.vn|apple\.com|google\.com)$/i;
const LINK_VERBS =
  /(?:^|\s)(bam|nhan|vao|truy cap|dang nhap|cap nhat|xac minh|nhan qua|nhan ngay|link|http|www|tai|cai|tai day|nop|thanh toan|tra cuu|gia han|mo khoa|xem)(?=\s|$)/;

/** A pasted link to an unofficial site with an invitation to open it. Links are never fetched. */
function suspiciousLink(text: string, folded: string): { id: string; lesson: string } | undefined {
  if (!text.includes(".")) return undefined;
  const hosts = [...text.replace(/\[\.\]|\(\.\)|\s\.\s/g, ".").matchAll(/\b((?:[a-z0-9-]+\.)+[a-z]{2,})\b/gi)].map((m) =>
    (m[1] ?? "").toLowerCase(),
  );
  const unofficial = hosts.filter((h) => !/^\d+(\.\d+)+$/.test(h) && !/^v?\d/.test(h) && !OFFICIAL.test(h));
  if (
    unofficial.length > 0 &&
    (LINK_VERBS.test(folded) ||
      /https?:\/\//i.test(text) ||
      unofficial.some((h) =>
        /\.(top|xyz|click|info|online|site|vip|shop|cc|icu|cyou|live|ly|link|app|tk|ml|ga|cf|gq|pro|club|work|buzz|rest|fit)$/.test(h),
      ))
  )
    return { id: "scam.suspicious-link", lesson: "nhan-biet-duong-link-gia" };
  return undefined;
}

/** "đừng cài", "không bấm", "tuyệt đối không cung cấp": advice retold, not a request. */
const NEGATED_ACTION =
  /(^|\s)(dung|khong|chang|khong bao gio|dung bao gio|tuyet doi khong|khong nen|chua bao gio|cam) ((?:\S+ )?)(cai|bam|chuyen|doc|gui|dua|cung cap|nhap|tai|nghe|lam theo|quet)(?=\s|$)/g;

const mostlyUpper = (text: string) => {
  const letters = text.replace(/[^\p{L}]/gu, "");
  return letters.length > 0 && letters.replace(/[^\p{Lu}]/gu, "").length / letters.length > 0.6;
};

const SQUEEZED = INJECTION_RULES.filter((r) => r.id === "inject.squeezed");

function matches(rule: Rule, folded: string): boolean {
  return rule.all.every((p) => p.test(folded)) && !(rule.none ?? []).some((p) => p.test(folded));
}

export function checkInput(raw: string): InputDecision {
  const { text, truncated } = normalizeInput(raw);
  const red = redactPii(text);
  const pii = [...red.types];
  const folded = ruleView(red.text);
  const plain = plainView(red.text);
  const accented = hasDiacritics(red.text);
  const base = { redacted: red.text, pii, truncated };

  // 1. Self-harm first: the support text, whatever else the message says.
  const selfHarm = firstMatch(SELF_HARM_RULES, ruleView(red.text, SELF_SENSES));
  if (selfHarm) return { ...base, action: "support", rule: selfHarm.id };

  // 2. Harmful requests and 3. scam signals. A described scam is warned about; asking how to commit one is refused.
  const harmView = accented ? ruleView(red.text, HARM_SENSES) : ruleView(red.text, HARM_SENSES).replace(HARM_UNMARKED_INNOCENT, "$1$2_");
  const harm = firstMatch(HARM_RULES, harmView);
  const scamView = ruleView(red.text, SCAM_SENSES).replace(NEGATED_ACTION, (_m, a, neg, gap) => `${a}${neg} ${gap}_`);
  const isRetold = retold(scamView);
  const context = isRetold || pasted(text, scamView);
  const alone = !context && !GENERAL_QUESTION.test(scamView);
  const scam =
    SCAM_RULES.find((r) => (context || (alone && r.needs === "alone")) && matches(r, scamView)) ?? suspiciousLink(red.text, folded);
  // Harm words inside a call or message someone made to the learner ("họ nói tôi dính ma túy") are part of the scam.
  if (harm && (!scam || REQUEST_START.test(harmView) || !isRetold)) return { ...base, action: "refuse", rule: harm.id };
  if (scam && LOST.test(scamView)) return { ...base, action: "warn", rule: scam.id, lesson: LOST_LESSON, lost: true };
  if (scam) return { ...base, action: "warn", rule: scam.id, ...(scam.lesson ? { lesson: scam.lesson } : {}) };

  // 4. Injection and prompt extraction: a neutral redirect.
  const spaced = despace(plain);
  const injection =
    firstMatch(INJECTION_RULES, ruleView(red.text, INJECT_SENSES)) ??
    (spaced !== plain ? firstMatch(INJECTION_RULES, spaced) : undefined) ??
    firstMatch(SQUEEZED, plain.replace(/\s+/g, ""));
  if (injection) return { ...base, action: "redirect", rule: injection.id };
  if (DAN.test(text) && !mostlyUpper(text)) return { ...base, action: "redirect", rule: "inject.persona" };
  if (NEW_ORDERS.test(text)) return { ...base, action: "redirect", rule: "inject.new-orders" };
  if (/[A-Za-z0-9+/]{60,}={0,2}/.test(text)) return { ...base, action: "redirect", rule: "inject.encoded" };

  // 5. Investment, medical, legal advice: general text, refer to the right body.
  const advice = firstMatch(ADVICE_RULES, ruleView(red.text, ADVICE_SENSES), accented);
  if (advice) return { ...base, action: "advice", rule: advice.id };

  // 6. Scope. Placeholders are not the learner's words: "[CCCD]" alone is not a question about ID cards.
  const scopeText = stripPersonalData(red.text);
  const scopeView = ruleView(scopeText, SCOPE_SENSES);
  const aiTech = AI_WORD.test(scopeView) || (/(^|[^\p{L}])AI([^\p{L}]|$)/u.test(scopeText) && !mostlyUpper(scopeText));
  if (STORE_REQUEST.test(scopeView)) return { ...base, action: "offtopic", rule: "scope.store" };
  const strong = SCOPE.test(scopeView) || aiTech;
  if (strong) return { ...base, action: "answer", rule: "scope.in" };
  if (FEELINGS.test(scopeView)) return { ...base, action: "offtopic", rule: "scope.feelings" };
  if (OFFTOPIC.test(scopeView)) return { ...base, action: "offtopic", rule: "scope.offtopic" };
  const weak = SCOPE_WEAK.test(scopeView) || (hasDiacritics(scopeText) && SCOPE_ACCENTED.test(scopeView));
  // No word of the programme's topics: off-topic for the rules; the lessons may still answer it (qa service).
  return weak ? { ...base, action: "answer", rule: "scope.in" } : { ...base, action: "offtopic", rule: "scope.none" };
}

/** OTPs and passwords get the fixed warning (never share them with anyone, this bot included). */
export function needsSecretWarning(pii: PiiType[]): boolean {
  return pii.includes("otp") || pii.includes("password");
}
