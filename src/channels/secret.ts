import { createHash, timingSafeEqual } from "node:crypto";

const sha256 = (s: string) => createHash("sha256").update(s).digest();
/** Each expected secret's digest (one per channel), computed once: it is checked on every webhook. */
const expectedDigests = new Map<string, Buffer>();

/** Constant-time comparison of a presented secret with the expected one (lengths leak nothing: both are hashed). */
export function secretMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== "string" || presented.length === 0) return false;
  let digest = expectedDigests.get(expected);
  if (!digest) {
    digest = sha256(expected);
    expectedDigests.set(expected, digest);
  }
  return timingSafeEqual(sha256(presented), digest);
}
