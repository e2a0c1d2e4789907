import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A stand-in for the Zalo OA API and its OAuth server on 127.0.0.1 (../shared/reference/zalo-oa-api.md):
//   POST /v3.0/oa/message/cs      header access_token; JSON {recipient:{user_id}, message:{text | attachment}}
//   POST /v2.0/oa/upload/image    header access_token; multipart `file` → {data:{attachment_id}}
//   POST /v4/oa/access_token      header secret_key (the app secret); form refresh_token, app_id, grant_type
// Errors are HTTP 200 with a non-zero `error`, as Zalo answers. Refresh tokens are single-use; access tokens stay
// good until expireAccessTokens(). Every call is recorded; answers can be scripted.

export const OA_APP_ID = "4321098765432109876";
export const OA_SECRET_KEY = "oa-secret-key-for-tests-0001";
export const OA_APP_SECRET = "app-secret-for-tests-0002";
export const OA_ACCESS_TOKEN = "access-token-from-env-AAAA";
export const OA_REFRESH_TOKEN = "refresh-token-from-env-BBBB";

export interface OaCall {
  path: string;
  /** "text", "buttons", "media" (sends), "upload", "refresh". */
  kind: string;
  userId?: string;
  accessToken?: string;
  body: Record<string, unknown>;
  /** The `error` answered (0: done), or -1 while none. */
  error: number;
}

export type OaScript = { error: number; message?: string } | { status: number; raw: string };

export interface FakeZaloOa {
  url: string;
  /** A learner's voice note, served at the URL returned (as Zalo's CDN serves an audio attachment). */
  addAudio(name: string, bytes: Uint8Array): string;
  calls: OaCall[];
  /** Texts that reached the learner, in order. */
  messagesTo(userId: string): string[];
  /** The buttons of the last choices message that reached the learner: [title, payload]. */
  lastButtons(userId: string): Array<[string, string]>;
  /** Every send to a learner that was answered with success, in order (kind and text or attachment). */
  deliveredTo(userId: string): OaCall[];
  /** The next calls of this kind ("send", "upload" or "refresh") get these answers, then the normal one again. */
  failNext(kind: "send" | "upload" | "refresh", answers: OaScript[]): void;
  /** Every access token issued so far stops working (-216), as after its 25 hours. */
  expireAccessTokens(): void;
  /** Sends to this learner fail with -230 (no interaction for 7 days). */
  silence(userId: string): void;
  /** Refreshes that succeeded, and the refresh token that works now. */
  readonly refreshes: number;
  readonly refreshToken: string;
  readonly accessToken: string;
  readonly uploads: Array<{ name: string; size: number }>;
  close(): Promise<void>;
}

function kindOf(body: Record<string, unknown>): string {
  const message = body.message as { text?: unknown; attachment?: { payload?: { template_type?: unknown } } } | undefined;
  if (typeof message?.text === "string") return "text";
  const t = message?.attachment?.payload?.template_type;
  return t === "media" ? "media" : t === "list" ? "buttons" : "other";
}

export async function startFakeZaloOa(): Promise<FakeZaloOa> {
  const calls: OaCall[] = [];
  const scripts = new Map<string, OaScript[]>();
  const valid = new Set([OA_ACCESS_TOKEN]);
  const silenced = new Set<string>();
  const uploads: Array<{ name: string; size: number }> = [];
  /** Voice notes learners sent (user_send_audio): the attachment's URL serves them. */
  const audio = new Map<string, Uint8Array>();
  let refreshToken = OA_REFRESH_TOKEN;
  let accessToken = OA_ACCESS_TOKEN;
  let refreshes = 0;
  let n = 0;

  const json = (res: ServerResponse, body: unknown, status = 200): void => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };

  /** Answers a scripted reply if one is queued; true when it did. */
  function scripted(kind: string, res: ServerResponse, call: OaCall): boolean {
    const s = scripts.get(kind)?.shift();
    if (!s) return false;
    if ("raw" in s) {
      res.writeHead(s.status, { "content-type": "text/html" }).end(s.raw);
      return true;
    }
    call.error = s.error;
    json(res, { error: s.error, message: s.message ?? "scripted" });
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const path = req.url ?? "";
    const voice = /^\/audio\/([\w-]+)$/.exec(path);
    if (req.method === "GET" && voice) {
      const bytes = audio.get(voice[1] ?? "");
      if (!bytes) return void res.writeHead(404).end();
      return void res.writeHead(200, { "content-type": "audio/aac" }).end(bytes);
    }
    const token = typeof req.headers.access_token === "string" ? req.headers.access_token : undefined;
    if (req.method === "POST" && path === "/v3.0/oa/message/cs") {
      const body = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
      const userId = String((body.recipient as { user_id?: unknown } | undefined)?.user_id ?? "");
      const call: OaCall = { path, kind: kindOf(body), userId, ...(token ? { accessToken: token } : {}), body, error: -1 };
      calls.push(call);
      if (!token || !valid.has(token)) {
        call.error = -216;
        return json(res, { error: -216, message: "Access token is invalid" });
      }
      if (scripted("send", res, call)) return;
      if (silenced.has(userId)) {
        call.error = -230;
        return json(res, { error: -230, message: "User has not interacted with the OA in the last 7 days" });
      }
      call.error = 0;
      return json(res, { error: 0, message: "Success", data: { message_id: `oa-msg-${++n}`, user_id: userId } });
    }
    if (req.method === "POST" && path === "/v2.0/oa/upload/image") {
      const call: OaCall = { path, kind: "upload", ...(token ? { accessToken: token } : {}), body: {}, error: -1 };
      calls.push(call);
      if (!token || !valid.has(token)) {
        call.error = -216;
        return json(res, { error: -216, message: "Access token is invalid" });
      }
      if (scripted("upload", res, call)) return;
      const form = await new Response(new Uint8Array(raw), { headers: { "content-type": String(req.headers["content-type"]) } }).formData();
      const file = form.get("file");
      if (!(file instanceof Blob)) {
        call.error = -201;
        return json(res, { error: -201, message: "file is missing" });
      }
      uploads.push({ name: (file as File).name, size: file.size });
      call.error = 0;
      return json(res, { error: 0, message: "Success", data: { attachment_id: `att-${++n}` } });
    }
    if (req.method === "POST" && path === "/v4/oa/access_token") {
      const form = new URLSearchParams(raw.toString("utf8"));
      const call: OaCall = { path, kind: "refresh", body: Object.fromEntries(form), error: -1 };
      calls.push(call);
      if (scripted("refresh", res, call)) return;
      const good =
        req.headers.secret_key === OA_APP_SECRET &&
        form.get("app_id") === OA_APP_ID &&
        form.get("grant_type") === "refresh_token" &&
        form.get("refresh_token") === refreshToken;
      if (!good) {
        call.error = -14014;
        return json(res, { error: -14014, error_name: "Invalid refresh token", error_description: "refresh token is invalid" });
      }
      refreshes++;
      accessToken = `access-${refreshes}-${createHash("sha256").update(String(Math.random())).digest("hex").slice(0, 8)}`;
      refreshToken = `refresh-${refreshes}-${createHash("sha256").update(String(Math.random())).digest("hex").slice(0, 8)}`;
      valid.add(accessToken);
      call.error = 0;
      return json(res, { access_token: accessToken, refresh_token: refreshToken, expires_in: "90000" });
    }
    json(res, { error: 404, message: "not found" }, 404);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks)).catch(() => json(res, { error: -201, message: "bad request" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const delivered = (userId: string) => calls.filter((c) => c.userId === userId && c.error === 0);

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    messagesTo: (userId) =>
      delivered(userId)
        .filter((c) => c.kind === "text")
        .map((c) => String((c.body.message as { text: string }).text)),
    lastButtons(userId) {
      const last = delivered(userId)
        .filter((c) => c.kind === "buttons")
        .at(-1);
      const buttons = (
        last?.body.message as { attachment: { payload: { buttons: Array<{ title: string; payload: string }> } } } | undefined
      )?.attachment.payload.buttons;
      return (buttons ?? []).map((b) => [b.title, b.payload]);
    },
    deliveredTo: delivered,
    failNext(kind, answers) {
      scripts.set(kind, [...(scripts.get(kind) ?? []), ...answers]);
    },
    expireAccessTokens() {
      valid.clear();
    },
    silence(userId) {
      silenced.add(userId);
    },
    get refreshes() {
      return refreshes;
    },
    get refreshToken() {
      return refreshToken;
    },
    get accessToken() {
      return accessToken;
    },
    uploads,
    addAudio(name, bytes) {
      audio.set(name, bytes);
      return `http://127.0.0.1:${port}/audio/${name}`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A webhook event as Zalo signs it: the raw body and its X-ZEvent-Signature. */
export function signEvent(
  event: Record<string, unknown>,
  secretKey = OA_SECRET_KEY,
  appId = OA_APP_ID,
): { body: string; signature: string } {
  const body = JSON.stringify(event);
  const timestamp = String(event.timestamp);
  const mac = createHash("sha256").update(`${appId}${body}${timestamp}${secretKey}`).digest("hex");
  return { body, signature: `mac=${mac}` };
}

let seq = 0;
/** Zalo OA webhook events (the fields the reference names; more are sent in reality). */
export const oaEvent = {
  base(name: string, extra: Record<string, unknown>) {
    return { app_id: OA_APP_ID, event_name: name, timestamp: String(Date.now() + seq), user_id_by_app: "app-user-1", ...extra };
  },
  text(userId: string, text: string, msgId = `msg-${++seq}`) {
    return oaEvent.base("user_send_text", {
      sender: { id: userId },
      recipient: { id: "oa-1" },
      message: { msg_id: msgId, text },
    });
  },
  media(userId: string, name: string, attachments: unknown[] = []) {
    return oaEvent.base(name, { sender: { id: userId }, recipient: { id: "oa-1" }, message: { msg_id: `msg-${++seq}`, attachments } });
  },
  follow(userId: string) {
    return oaEvent.base("follow", { oa_id: "oa-1", follower: { id: userId }, source: "oa_profile", timestamp: String(Date.now() + ++seq) });
  },
  echo(userId: string, text: string) {
    return oaEvent.base("oa_send_text", { sender: { id: "oa-1" }, recipient: { id: userId }, message: { msg_id: `msg-${++seq}`, text } });
  },
};
