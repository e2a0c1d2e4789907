import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { OaTokens, ZaloOaStore } from "../../conversation/ports.js";
import type { FreshTokens } from "./client.js";
import { OaRefreshError } from "./client.js";

// The OA's tokens: the access token (about 25 hours) and the single-use refresh token (about 3 months). They start
// from the environment and are kept in the store from then on, so a restart or another instance goes on with the
// newest pair. A refresh runs under the store's lock (one instance at a time); the new pair is stored before it is
// used, and an instance that finds a newer pair stored than the one it was refused with takes it instead of
// refreshing again.
//
// Re-authorising: an admin puts a new refresh token (and access token) in the environment and restarts. Each stored
// pair remembers the fingerprints of the environment tokens it came from; one never seen before replaces the pair.
// (An instance still running with the old environment, or restarted with it, does not put the old pair back.)

/** Refresh this long before the expected expiry. */
export const REFRESH_AHEAD_MS = 30 * 60_000;
/**
 * An access token from the environment may be hours old (we cannot tell): it is taken to expire within this, so it is
 * replaced early. One older than that is refused with -216 first, and refreshed then.
 */
const ENV_ACCESS_LIFE_MS = 60 * 60_000;
/** Another instance may have refreshed: the stored pair is read again at most this often. */
const RELOAD_MS = 60_000;
/** After a failed refresh, no new attempt for this long (the OAuth server is not hammered by every send). */
const RETRY_REFRESH_MS = 60_000;
const SEEDS_KEPT = 16;

/** A refresh failed or none is possible: sends wait (retry later) until one works. */
export class OaTokenError extends Error {
  override readonly name = "OaTokenError";
}

export interface OaTokensDeps {
  store: ZaloOaStore;
  refresh(refreshToken: string): Promise<FreshTokens>;
  /** From the environment. */
  initial: { accessToken?: string; refreshToken: string };
  log: Logger;
  now?: () => number;
  retryRefreshMs?: number;
}

/** A fingerprint of an environment refresh token: tells a new authorisation from one already used (not reversible). */
export const seedOf = (refreshToken: string) => createHash("sha256").update(`zalo-oa seed\u0000${refreshToken}`).digest("hex").slice(0, 16);

export function createOaTokens(deps: OaTokensDeps) {
  const now = deps.now ?? Date.now;
  const retryRefreshMs = deps.retryRefreshMs ?? RETRY_REFRESH_MS;
  const seed = seedOf(deps.initial.refreshToken);
  let cached: { tokens: OaTokens; at: number } | undefined;
  /** A pair Zalo gave us that the store could not take yet: used, and stored at the next chance. */
  let unsaved: OaTokens | undefined;
  let inflight: Promise<OaTokens> | undefined;
  let ok = true;
  let failedAt = Number.NEGATIVE_INFINITY;

  const fromEnv = (stored: OaTokens | undefined): OaTokens => ({
    accessToken: deps.initial.accessToken ?? "",
    refreshToken: deps.initial.refreshToken,
    expiresAt: deps.initial.accessToken ? now() + ENV_ACCESS_LIFE_MS : 0,
    seeds: [seed, ...(stored?.seeds ?? [])].slice(0, SEEDS_KEPT),
  });

  async function storeUnsaved(): Promise<void> {
    const pending = unsaved;
    if (!pending) return;
    try {
      // Unless a newer pair got there meanwhile (it could only have come from this one's refresh token).
      await deps.store.updateTokens(async (stored) => (stored && stored.expiresAt >= pending.expiresAt ? undefined : pending));
      if (unsaved === pending) unsaved = undefined;
      deps.log.info("zalo-oa: the new tokens are stored now");
    } catch (err) {
      deps.log.error({ err: { type: (err as Error).name } }, "zalo-oa: the new tokens still cannot be stored");
    }
  }

  /** The pair to use: the stored one (read again now and then), started from the environment the first time. */
  async function load(): Promise<OaTokens> {
    if (unsaved) {
      await storeUnsaved();
      if (unsaved) return unsaved;
    }
    if (cached && now() - cached.at < RELOAD_MS) return cached.tokens;
    let t = await deps.store.tokens();
    if (!t?.seeds.includes(seed)) {
      t = await deps.store.updateTokens(async (stored) => {
        if (stored?.seeds.includes(seed)) return undefined;
        deps.log.info({ reason: stored ? "re-authorised" : "first start" }, "zalo-oa: tokens taken from the environment");
        return fromEnv(stored);
      });
    }
    if (!t) throw new OaTokenError("no tokens");
    cached = { tokens: t, at: now() };
    return t;
  }

  const due = (t: OaTokens) => t.expiresAt - now() <= REFRESH_AHEAD_MS;
  const coolingDown = () => now() - failedAt < retryRefreshMs;

  /** Refreshes unless the stored pair is already newer than `stale`; one at a time in this process. */
  function refreshFrom(stale: string): Promise<OaTokens> {
    inflight ??= (async () => {
      try {
        const t = await deps.store.updateTokens(async (stored) => {
          const base = stored ?? fromEnv(undefined);
          // Another instance refreshed already (or an earlier call here did): take its pair.
          if (base.accessToken !== stale && base.accessToken !== "" && !due(base)) return undefined;
          const fresh = await deps.refresh(base.refreshToken);
          const next: OaTokens = {
            ...base,
            accessToken: fresh.accessToken,
            refreshToken: fresh.refreshToken,
            expiresAt: now() + fresh.expiresInS * 1000,
          };
          // From here on the old refresh token is dead: should storing fail, this pair is kept and stored later.
          unsaved = next;
          return next;
        });
        if (!t) throw new OaTokenError("no tokens");
        unsaved = undefined;
        cached = { tokens: t, at: now() };
        if (!ok) deps.log.info("zalo-oa: token refresh works again");
        ok = true;
        return t;
      } catch (err) {
        if (unsaved) {
          deps.log.error({ err: { type: (err as Error).name } }, "zalo-oa: refreshed, but the new tokens could not be stored yet");
          cached = { tokens: unsaved, at: now() };
          return unsaved;
        }
        ok = false;
        failedAt = now();
        const code = err instanceof OaRefreshError ? err.code : (err as Error).name;
        deps.log.error({ code }, "zalo-oa: token refresh failed; an admin may need to re-authorise the app (README)");
        throw err instanceof OaTokenError ? err : new OaTokenError(`refresh failed: ${code}`);
      }
    })().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  return {
    /** The access token to send with, refreshed first when it is about to expire. */
    async current(): Promise<string> {
      const t = await load();
      if (!due(t)) return t.accessToken;
      if (!coolingDown()) {
        try {
          return (await refreshFrom(t.accessToken)).accessToken;
        } catch {
          // Logged; the token we have may still work (its expiry was partly a guess).
        }
      }
      if (t.accessToken) return t.accessToken;
      throw new OaTokenError("no access token");
    },
    /** Zalo refused `rejected` (-216/-220): a newer token (stored by another instance, or refreshed now). */
    async afterRejection(rejected: string): Promise<string> {
      if (inflight) return (await inflight).accessToken;
      const t = await load();
      if (t.accessToken !== rejected && t.accessToken !== "") return t.accessToken;
      if (coolingDown()) throw new OaTokenError("refresh failed a moment ago");
      return (await refreshFrom(rejected)).accessToken;
    },
    /** False once a refresh failed, until one succeeds (the /metrics gauge). */
    ok: () => ok,
  };
}

export type OaTokensManager = ReturnType<typeof createOaTokens>;
