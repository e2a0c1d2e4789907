import { foldWords, normalizeInput } from "./normalize.js";
import { type PiiType, redactPii } from "./pii.js";
import { ADVICE_RULES, firstMatch, HARM_RULES, INJECTION_RULES, SCAM_RULES, SCOPE, SELF_HARM_RULES } from "./rules.js";

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
  truncated: boolean;
}

/** Spaced-out letters ("b o q u a h u o n g d a n") are joined so filters still see the words. */
function despace(folded: string): string {
  return folded.replace(/(?:\b\p{L}\b ?){6,}/gu, (m) => ` ${m.replace(/ /g, "")} `);
}

const OFFICIAL = /(^|\.)(gov\.vn|tinnhiemmang\.vn|khonggianmang\.vn|apple\.com|google\.com)$/i;
const LINK_VERBS =
  /\b(bam|bấm|nhan|nhấn|vao|vào|truy cap|truy cập|dang nhap|đăng nhập|cap nhat|cập nhật|xac minh|xác minh|nhan qua|nhận quà|link|http|www|tải|tai|cài|cai)\b/iu;

/** A pasted link to an unofficial site with an invitation to open it. Links are never fetched. */
function suspiciousLink(text: string): { id: string; lesson: string } | undefined {
  const hosts = [...text.replace(/\[\.\]|\(\.\)|\s\.\s/g, ".").matchAll(/\b((?:[a-z0-9-]+\.)+[a-z]{2,})\b/gi)].map((m) =>
    (m[1] ?? "").toLowerCase(),
  );
  const unofficial = hosts.filter((h) => !/^\d+(\.\d+)+$/.test(h) && !/^v?\d/.test(h) && !OFFICIAL.test(h));
  if (
    unofficial.length > 0 &&
    (LINK_VERBS.test(text) ||
      /https?:\/\//i.test(text) ||
      unofficial.some((h) =>
        /\.(top|xyz|click|info|online|site|vip|shop|cc|icu|cyou|live|ly|link|app|tk|ml|ga|cf|gq|pro|club|work|buzz|rest|fit)$/.test(h),
      ))
  )
    return { id: "scam.suspicious-link", lesson: "nhan-biet-duong-link-gia" };
  return undefined;
}

export function checkInput(raw: string, opts: { inScope?: (folded: string) => boolean } = {}): InputDecision {
  const { text, truncated } = normalizeInput(raw);
  const red = redactPii(text);
  const pii = [...red.types];
  const folded = foldWords(red.text);
  const variants = [folded, despace(folded), folded.replace(/\s+/g, "")];
  const base = { redacted: red.text, pii, truncated };
  const any = (rules: typeof SCAM_RULES) => {
    for (const v of variants) {
      const r = firstMatch(rules, v);
      if (r) return r;
    }
    return undefined;
  };

  const selfHarm = firstMatch(SELF_HARM_RULES, folded);
  if (selfHarm) return { ...base, action: "support", rule: selfHarm.id };
  const scam = firstMatch(SCAM_RULES, folded) ?? suspiciousLink(text);
  const harm = firstMatch(HARM_RULES, folded);
  // Asking how to commit fraud is refused even when it names a scam; a described scam is warned about.
  if (
    harm &&
    (!scam || harm.id === "harm.violence" || /\b(cach|lam sao|lam the nao|chi|day|giup|viet|tao|soan|how)\b/.test(folded.slice(0, 40)))
  )
    return { ...base, action: "refuse", rule: harm.id };
  if (scam) return { ...base, action: "warn", rule: scam.id, ...(scam.lesson ? { lesson: scam.lesson } : {}) };
  const injection = any(INJECTION_RULES);
  if (injection) return { ...base, action: "redirect", rule: injection.id };
  if (/[A-Za-z0-9+/]{60,}={0,2}/.test(text)) return { ...base, action: "redirect", rule: "inject.encoded" };
  const inScope = SCOPE.test(folded) || (opts.inScope?.(folded) ?? false);
  const advice = firstMatch(ADVICE_RULES, folded);
  if (advice && !(advice.id === "advice.medical" && inScope)) return { ...base, action: "advice", rule: advice.id };
  if (!inScope) return { ...base, action: "offtopic", rule: "scope.none" };
  return { ...base, action: "answer", rule: "scope.in" };
}

/** OTPs and passwords get the fixed warning (never share them with anyone, this bot included). */
export function needsSecretWarning(pii: PiiType[]): boolean {
  return pii.includes("otp") || pii.includes("password");
}
