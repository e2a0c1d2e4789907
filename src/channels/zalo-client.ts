import { z } from "zod";

// The one door to the Zalo Bot Platform API. The bot token is part of every URL, so nothing that
// leaves this module (errors, their messages, their JSON) may carry the URL unredacted.

export interface ZaloClientOptions {
  token: string;
  apiRoot: string;
  fetch?: typeof fetch;
  /** Per-request deadline; Zalo is a chat API, so long waits only hide trouble. */
  timeoutMs?: number;
}

export interface CallOptions {
  /** Overrides the client's timeout (long polling needs longer than a send). */
  timeoutMs?: number;
  /** Aborts the request (e.g. stopping long polling). */
  signal?: AbortSignal;
}

const envelopeSchema = z.looseObject({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().int().optional(),
  description: z.string().optional(),
  parameters: z.looseObject({ retry_after: z.number().nonnegative().optional() }).optional(),
});

const METHOD = /^[A-Za-z]{1,64}$/;

/** Where a call went, safe to show: `/bot***\/sendMessage`. */
export function redactedPath(method: string): string {
  return `/bot***/${METHOD.test(method) ? method : "invalid"}`;
}

/** The API answered `ok: false`. */
export class ZaloApiError extends Error {
  override readonly name = "ZaloApiError";
  readonly method: string;
  readonly errorCode: number;
  readonly description: string;
  readonly httpStatus: number;
  /** Seconds to wait, when the API said so (`parameters.retry_after` or a Retry-After header). */
  readonly retryAfter?: number;
  constructor(args: { method: string; errorCode: number; description: string; httpStatus: number; retryAfter?: number }) {
    super(`Zalo API ${redactedPath(args.method)} failed: ${args.errorCode} ${args.description}`.trim());
    this.method = args.method;
    this.errorCode = args.errorCode;
    this.description = args.description;
    this.httpStatus = args.httpStatus;
    if (args.retryAfter !== undefined) this.retryAfter = args.retryAfter;
  }
}

/** The call did not produce an API answer: network failure, timeout, or an HTTP error without a Zalo envelope. */
export class ZaloHttpError extends Error {
  override readonly name = "ZaloHttpError";
  readonly method: string;
  /** Set when the server answered (e.g. a 502 page from a proxy); absent for network errors and timeouts. */
  readonly httpStatus?: number;
  /** "timeout", "aborted", "network" or "bad_response". */
  readonly reason: "timeout" | "aborted" | "network" | "bad_response";
  readonly retryAfter?: number;
  constructor(args: { method: string; reason: ZaloHttpError["reason"]; httpStatus?: number; detail?: string; retryAfter?: number }) {
    const status = args.httpStatus !== undefined ? ` (HTTP ${args.httpStatus})` : "";
    super(`Zalo API ${redactedPath(args.method)} ${args.reason}${status}${args.detail ? `: ${args.detail}` : ""}`);
    this.method = args.method;
    this.reason = args.reason;
    if (args.httpStatus !== undefined) this.httpStatus = args.httpStatus;
    if (args.retryAfter !== undefined) this.retryAfter = args.retryAfter;
  }
}

export interface ZaloBotInfo {
  id: string;
  account_name: string;
  account_type: string;
  can_join_groups: boolean;
}

export interface ZaloWebhookInfo {
  url: string;
  updated_at: number;
}

function retryAfterHeader(res: Response): number | undefined {
  const v = res.headers.get("retry-after");
  if (!v || !/^\d{1,6}$/.test(v.trim())) return undefined;
  return Number(v.trim());
}

export function createZaloClient(opts: ZaloClientOptions) {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const root = opts.apiRoot.replace(/\/+$/, "");
  const defaultTimeout = opts.timeoutMs ?? 10_000;
  const token = opts.token;

  /** Belt and braces: whatever text we pass on, the token is cut out of it. */
  const scrub = (s: string): string => (token ? s.split(token).join("***") : s).slice(0, 300);

  async function call<T>(method: string, body: Record<string, unknown> = {}, callOpts: CallOptions = {}): Promise<T> {
    if (!METHOD.test(method)) throw new ZaloHttpError({ method, reason: "bad_response", detail: "invalid method name" });
    const timeout = AbortSignal.timeout(callOpts.timeoutMs ?? defaultTimeout);
    const signal = callOpts.signal ? AbortSignal.any([timeout, callOpts.signal]) : timeout;
    let res: Response;
    let raw: string;
    try {
      res = await doFetch(`${root}/bot${token}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal,
      });
      raw = await res.text();
    } catch (err) {
      // The underlying error may quote the URL (token included): keep only a scrubbed summary.
      if (callOpts.signal?.aborted) throw new ZaloHttpError({ method, reason: "aborted" });
      if (timeout.aborted) throw new ZaloHttpError({ method, reason: "timeout" });
      const e = err as Error & { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } };
      const causeCode = e.cause?.code ?? e.cause?.errors?.[0]?.code;
      const code = typeof causeCode === "string" ? causeCode : undefined;
      throw new ZaloHttpError({ method, reason: "network", detail: scrub(code ?? e.message ?? "fetch failed") });
    }

    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const env = envelopeSchema.safeParse(json);
    if (!env.success) {
      throw new ZaloHttpError({
        method,
        reason: "bad_response",
        httpStatus: res.status,
        detail: res.ok ? "not a Zalo API envelope" : undefined,
        retryAfter: retryAfterHeader(res),
      });
    }
    if (!env.data.ok) {
      throw new ZaloApiError({
        method,
        errorCode: env.data.error_code ?? res.status,
        description: scrub(env.data.description ?? ""),
        httpStatus: res.status,
        retryAfter: env.data.parameters?.retry_after ?? retryAfterHeader(res),
      });
    }
    return env.data.result as T;
  }

  return {
    call,
    getMe: () => call<ZaloBotInfo>("getMe", {}),
    /** Explicit operator command only: never called at start-up. */
    setWebhook: (url: string, secret: string) => call<ZaloWebhookInfo>("setWebhook", { url, secret_token: secret }),
    getWebhookInfo: () => call<ZaloWebhookInfo>("getWebhookInfo", {}),
    deleteWebhook: () => call<ZaloWebhookInfo>("deleteWebhook", {}),
    /** Long polling: the request stays open up to `timeoutSec`, so its deadline is longer than that. */
    getUpdates: (timeoutSec = 30, signal?: AbortSignal) =>
      call<unknown>("getUpdates", { timeout: timeoutSec }, { timeoutMs: (timeoutSec + 10) * 1000, ...(signal ? { signal } : {}) }),
  };
}

export type ZaloClient = ReturnType<typeof createZaloClient>;
