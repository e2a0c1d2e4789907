import { createHash, timingSafeEqual } from "node:crypto";

const sha256 = (s: string) => createHash("sha256").update(s).digest();
/** The expected secret's digest, computed once (it is checked on every webhook). */
let expectedCache: { secret: string; digest: Buffer } | undefined;

/** Constant-time comparison of a presented secret with the expected one (lengths leak nothing: both are hashed). */
export function secretMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== "string" || presented.length === 0) return false;
  if (expectedCache?.secret !== expected) expectedCache = { secret: expected, digest: sha256(expected) };
  return timingSafeEqual(sha256(presented), expectedCache.digest);
}
