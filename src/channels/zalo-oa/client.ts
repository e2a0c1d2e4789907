import { z } from "zod";

// The one door to the Zalo OA API and its OAuth server. The access token travels in a header, never in a URL, and
// nothing that leaves this module (errors, their messages) carries a token, a message or a user id: codes only.

export interface OaClientOptions {
  apiRoot: string;
  oauthRoot: string;
  appId: string;
  appSecret: string;
  fetch?: typeof fetch;
  /** Per request: a chat API's calls take well under a second; long waits only hide trouble. */
  timeoutMs?: number;
}

/** What the API answers: `error` 0 on success, a negative code otherwise — with HTTP 200 either way. */
export interface OaAnswer {
  error: number;
  data?: unknown;
}

const answerSchema = z.looseObject({ error: z.coerce.number().int(), data: z.unknown().optional() });
const uploadSchema = z.looseObject({ attachment_id: z.string().min(1).max(512) });
const refreshSchema = z.looseObject({
  access_token: z.string().min(1).max(4096),
  refresh_token: z.string().min(1).max(4096),
  // [unverified] seen as a string of seconds; a number is taken too.
  expires_in: z.coerce
    .number()
    .positive()
    .max(400 * 86_400),
});

/** No API answer: the network failed, the call timed out, or what came back was not the API's JSON. */
export class OaHttpError extends Error {
  override readonly name = "OaHttpError";
  constructor(
    readonly reason: "timeout" | "network" | "bad_response",
    readonly httpStatus?: number,
  ) {
    super(`Zalo OA API: ${reason}${httpStatus !== undefined ? ` (HTTP ${httpStatus})` : ""}`);
  }
}

/** The OAuth server would not refresh the token (code: its `error`, an HTTP status, or a transport reason). */
export class OaRefreshError extends Error {
  override readonly name = "OaRefreshError";
  constructor(readonly code: string) {
    super(`Zalo OA token refresh failed: ${code}`);
  }
}

export interface FreshTokens {
  accessToken: string;
  refreshToken: string;
  expiresInS: number;
}

export function createOaClient(opts: OaClientOptions) {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const apiRoot = opts.apiRoot.replace(/\/+$/, "");
  const oauthRoot = opts.oauthRoot.replace(/\/+$/, "");
  const timeoutMs = opts.timeoutMs ?? 10_000;

  /** One request; the answer's JSON, or OaHttpError. */
  async function request(url: string, init: RequestInit): Promise<{ status: number; json: unknown }> {
    const signal = AbortSignal.timeout(timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await doFetch(url, { ...init, signal });
      text = await res.text();
    } catch {
      // The underlying error is not passed on: it could quote the request.
      throw new OaHttpError(signal.aborted ? "timeout" : "network");
    }
    try {
      return { status: res.status, json: JSON.parse(text) };
    } catch {
      throw new OaHttpError("bad_response", res.status);
    }
  }

  /** An API answer: the body's `error` decides, not the HTTP status (errors come back as 200). */
  async function api(path: string, accessToken: string, init: RequestInit): Promise<OaAnswer> {
    const { status, json } = await request(`${apiRoot}${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string> | undefined), access_token: accessToken },
    });
    const a = answerSchema.safeParse(json);
    if (!a.success) throw new OaHttpError("bad_response", status);
    return a.data;
  }

  return {
    /** A consultation message (a reply to the learner): `{recipient:{user_id}, message:{…}}`. */
    sendMessage(accessToken: string, body: Record<string, unknown>): Promise<OaAnswer> {
      return api("/v3.0/oa/message/cs", accessToken, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    },
    /** Uploads a picture; on success `attachmentId` is set. */
    async uploadImage(accessToken: string, file: { name: string; content: Buffer }): Promise<OaAnswer & { attachmentId?: string }> {
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(file.content)]), file.name);
      const a = await api("/v2.0/oa/upload/image", accessToken, { method: "POST", body: form });
      if (a.error !== 0) return a;
      const d = uploadSchema.safeParse(a.data);
      if (!d.success) throw new OaHttpError("bad_response", 200);
      return { ...a, attachmentId: d.data.attachment_id };
    },
    /** Exchanges the (single-use) refresh token for new tokens. */
    async refresh(refreshToken: string): Promise<FreshTokens> {
      let answer: { status: number; json: unknown };
      try {
        answer = await request(`${oauthRoot}/v4/oa/access_token`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", secret_key: opts.appSecret },
          body: new URLSearchParams({ refresh_token: refreshToken, app_id: opts.appId, grant_type: "refresh_token" }).toString(),
        });
      } catch (err) {
        throw new OaRefreshError(err instanceof OaHttpError ? err.reason : "network");
      }
      const ok = refreshSchema.safeParse(answer.json);
      if (ok.success) return { accessToken: ok.data.access_token, refreshToken: ok.data.refresh_token, expiresInS: ok.data.expires_in };
      // [unverified] the refusal's shape: its `error` code is kept when there is one.
      const code = (answer.json as { error?: unknown } | null)?.error;
      const safe =
        typeof code === "number" || typeof code === "string"
          ? String(code)
              .replace(/[^\w-]/g, "")
              .slice(0, 16)
          : "";
      throw new OaRefreshError(safe || `http_${answer.status}`);
    },
  };
}

export type OaClient = ReturnType<typeof createOaClient>;
