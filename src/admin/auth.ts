import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

// Who may see the dashboard: a request with `Authorization: Bearer $ADMIN_TOKEN`, or a browser
// holding the session cookie it got by typing the token into the login form. Sessions live in this
// process (a restart logs everyone out); failed attempts are counted per client address (behind a proxy, with
// TRUST_PROXY) and slowed down, and the right token always gets in.

export const SESSION_COOKIE = "bdhai_admin";
const SESSION_MS = 12 * 3600_000;
const MAX_SESSIONS = 1000;
const MAX_TRACKED_IPS = 10_000;

export type AdminIdentity = { via: "bearer" } | { via: "cookie"; session: string };

export type AuthOutcome =
  | { ok: true; who: AdminIdentity }
  | { ok: false; status: 401 }
  | { ok: false; status: 403 }
  | { ok: false; status: 429; retryAfterSec: number };

export interface AdminAuthOptions {
  token: string;
  now?: () => number;
  /** Failed attempts allowed per IP and window before 429 (default 10 a minute). */
  maxFailures?: number;
  windowMs?: number;
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** Equal-length comparison in constant time (for values we produced: HMACs, as base64url). */
function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

export function createAdminAuth(opts: AdminAuthOptions) {
  const now = opts.now ?? Date.now;
  const maxFailures = opts.maxFailures ?? 10;
  const windowMs = opts.windowMs ?? 60_000;
  const expected = sha256(opts.token);
  // Never leaves this process: cookies and form tokens are HMACs under it.
  const key = randomBytes(32);
  const sessions = new Map<string, number>();
  const failures = new Map<string, { n: number; resetAt: number }>();

  const hmac = (purpose: string, value: string) => createHmac("sha256", key).update(`${purpose}:${value}`).digest("base64url");

  /** Hashing both sides makes the comparison constant-time whatever the lengths. */
  function tokenMatches(given: string): boolean {
    return timingSafeEqual(sha256(given), expected);
  }

  function blockedFor(ip: string): number {
    const f = failures.get(ip);
    if (!f) return 0;
    if (f.resetAt <= now()) {
      failures.delete(ip);
      return 0;
    }
    return f.n >= maxFailures ? Math.ceil((f.resetAt - now()) / 1000) : 0;
  }

  function fail(ip: string): void {
    const t = now();
    const f = failures.get(ip);
    if (f && f.resetAt > t) {
      f.n += 1;
      return;
    }
    if (failures.size >= MAX_TRACKED_IPS) {
      for (const [k, v] of failures) if (v.resetAt <= t) failures.delete(k);
      // Still full (an attack from many addresses): forget the oldest rather than grow without bound.
      if (failures.size >= MAX_TRACKED_IPS) failures.delete(failures.keys().next().value as string);
    }
    failures.set(ip, { n: 1, resetAt: t + windowMs });
  }

  function sessionFrom(req: FastifyRequest): string | undefined {
    const raw = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    if (!raw) return undefined;
    const [id = "", mac = ""] = raw.split(".");
    if (!id || !sameString(mac, hmac("session", id))) return undefined;
    const expires = sessions.get(id);
    if (expires === undefined) return undefined;
    if (expires <= now()) {
      sessions.delete(id);
      return undefined;
    }
    return id;
  }

  return {
    tokenMatches,

    /** Checks a request for the dashboard: Bearer header first, then the session cookie. */
    check(req: FastifyRequest): AuthOutcome {
      const ip = req.ip;
      const header = req.headers.authorization;
      const bearer = header ? /^Bearer[ \t]+(\S.*)$/i.exec(header.trim())?.[1] : undefined;
      if (bearer !== undefined) {
        // The right token is never locked out (others' failures from a shared address must not lock admins out);
        // the token is long and random, so slowing down wrong ones is enough.
        if (tokenMatches(bearer.trim())) return { ok: true, who: { via: "bearer" } };
        const wait = blockedFor(ip);
        if (wait > 0) return { ok: false, status: 429, retryAfterSec: wait };
        fail(ip);
        return { ok: false, status: 403 };
      }
      const session = sessionFrom(req);
      if (session) return { ok: true, who: { via: "cookie", session } };
      return { ok: false, status: 401 };
    },

    /** The login form: a new session for the right token; counts failures. */
    login(
      req: FastifyRequest,
      token: string,
    ): { ok: true; cookie: string } | { ok: false; status: 403 } | { ok: false; status: 429; retryAfterSec: number } {
      const ip = req.ip;
      if (!tokenMatches(token)) {
        const wait = blockedFor(ip);
        if (wait > 0) return { ok: false, status: 429, retryAfterSec: wait };
        fail(ip);
        return { ok: false, status: 403 };
      }
      failures.delete(ip);
      const t = now();
      if (sessions.size >= MAX_SESSIONS) {
        for (const [k, exp] of sessions) if (exp <= t) sessions.delete(k);
        if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value as string);
      }
      const id = randomBytes(18).toString("base64url");
      sessions.set(id, t + SESSION_MS);
      return { ok: true, cookie: `${id}.${hmac("session", id)}` };
    },

    logout(session: string): void {
      sessions.delete(session);
    },

    /** The per-session token every state-changing form carries (CSRF). */
    formToken(session: string): string {
      return hmac("form", session);
    },

    formTokenValid(session: string, given: unknown): boolean {
      return typeof given === "string" && sameString(given, hmac("form", session));
    },

    cookieHeader(req: FastifyRequest, value: string | null): string {
      const parts = [
        `${SESSION_COOKIE}=${value ?? ""}`,
        "Path=/admin",
        "HttpOnly",
        "SameSite=Strict",
        value ? `Max-Age=${SESSION_MS / 1000}` : "Max-Age=0",
      ];
      if (req.protocol === "https") parts.push("Secure");
      return parts.join("; ");
    },
  };
}

export type AdminAuth = ReturnType<typeof createAdminAuth>;

/** True when a browser navigates (wants a page); API clients get JSON. */
export function wantsHtml(req: FastifyRequest): boolean {
  return (req.headers.accept ?? "").includes("text/html");
}

export function retryAfter(reply: FastifyReply, seconds: number): FastifyReply {
  return reply.header("retry-after", String(seconds));
}
