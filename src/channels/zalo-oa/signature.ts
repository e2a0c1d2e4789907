import { createHash, timingSafeEqual } from "node:crypto";

// X-ZEvent-Signature: `mac=<hex>`, hex = SHA-256(app_id + raw body + timestamp + OA secret key) — a plain hash of the
// concatenation, not an HMAC; the timestamp is the `timestamp` field inside the body (reference: zalo-oa-api.md).

const sha256 = (...parts: Array<string | Buffer>) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};

/** The signature Zalo sends with this body, as lowercase hex. */
export function expectedSignature(appId: string, raw: Buffer, timestamp: string, secretKey: string): string {
  return sha256(appId, raw, timestamp, secretKey).toString("hex");
}

const HEADER = /^(?:mac=)?([0-9a-fA-F]{64})$/;

/** Whether the header has the shape of a signature at all (checked before the body is read). */
export function signatureShaped(header: unknown): header is string {
  return typeof header === "string" && HEADER.test(header.trim());
}

/** Constant-time: compares digests of the two (equal length whatever was sent). */
export function signatureMatches(header: unknown, appId: string, raw: Buffer, timestamp: string, secretKey: string): boolean {
  if (!signatureShaped(header)) return false;
  const presented = (HEADER.exec(header.trim())?.[1] ?? "").toLowerCase();
  return timingSafeEqual(sha256(presented), sha256(expectedSignature(appId, raw, timestamp, secretKey)));
}

/**
 * The `timestamp` the signature covers. It is inside the body, so the body is parsed (bounded by the route's size
 * limit) before it can be trusted; nothing else of it is looked at until the signature matched.
 */
export function signedTimestamp(raw: Buffer): { json: unknown; timestamp: string } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    return undefined;
  }
  const t = typeof json === "object" && json !== null ? (json as { timestamp?: unknown }).timestamp : undefined;
  if (typeof t === "string" && t.length > 0 && t.length <= 32) return { json, timestamp: t };
  if (typeof t === "number" && Number.isSafeInteger(t)) return { json, timestamp: String(t) };
  return undefined;
}
