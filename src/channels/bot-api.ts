import { randomBytes } from "node:crypto";
import { type Agent as HttpAgent, request as httpRequest } from "node:http";
import { type Agent as HttpsAgent, request as httpsRequest } from "node:https";

// The one Telegram Bot API client: every call the server makes (replies, callback answers, "typing…", photos
// uploaded from disk, long polling, and the operator's webhook command) is one node:http request on a keep-alive
// agent, the answer parsed once. Replies are the hot path: through grammY's client (its payload builder, abort
// controller, timers and transformer chain on top of a fetch) one cost about 0.2 ms of CPU, more than the tutor's
// whole turn. Errors are of one family: the Bot API's own answer (ok: false, a code), or BotApiNetworkError.

/** What the Bot API answers: `ok` with a result, or an error code with a description. */
export interface BotApiReply {
  ok: boolean;
  result?: unknown;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** The call did not get an answer from the Bot API (network, timeout, not JSON): worth retrying. */
export class BotApiNetworkError extends Error {
  override name = "BotApiNetworkError";
}

export interface CallOptions {
  /** Longer than the client's default for a long poll (getUpdates with a timeout). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A file sent as multipart/form-data, beside the call's other parameters. */
export interface Upload {
  field: string;
  filename: string;
  content: Buffer;
}

export interface BotApi {
  call(method: string, params: Record<string, unknown>, opts?: CallOptions): Promise<BotApiReply>;
  upload(method: string, params: Record<string, unknown>, file: Upload, opts?: CallOptions): Promise<BotApiReply>;
}

/** The parameters and the file as a multipart/form-data body (objects as JSON, as the Bot API expects). */
function multipart(params: Record<string, unknown>, file: Upload): { body: Buffer; type: string } {
  const boundary = `----bdhai${randomBytes(12).toString("hex")}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const text = typeof value === "string" ? value : JSON.stringify(value);
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${text}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename.replace(/["\r\n]/g, "_")}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file.content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

export function createBotApi(opts: { apiRoot: string; token: string; agent: HttpAgent | HttpsAgent; timeoutMs: number }): BotApi {
  const root = new URL(opts.apiRoot);
  const https = root.protocol === "https:";
  const send = https ? httpsRequest : httpRequest;
  // IPv6 literals come bracketed ("[::1]"); http.request wants them bare.
  const hostname = root.hostname.startsWith("[") ? root.hostname.slice(1, -1) : root.hostname;
  const prefix = `${root.pathname.replace(/\/+$/, "")}/bot${opts.token}/`;
  const base = { hostname, ...(root.port ? { port: root.port } : {}), method: "POST", agent: opts.agent as HttpAgent };

  function request(method: string, body: Buffer | string, type: string, callOpts: CallOptions = {}): Promise<BotApiReply> {
    const timeoutMs = callOpts.timeoutMs ?? opts.timeoutMs;
    return new Promise((resolve, reject) => {
      const req = send(
        {
          ...base,
          path: prefix + method,
          headers: { "content-type": type, "content-length": Buffer.byteLength(body) },
          ...(callOpts.signal ? { signal: callOpts.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", () => reject(new BotApiNetworkError(`${method}: the answer was cut off`)));
          res.on("end", () => {
            try {
              const reply = JSON.parse(Buffer.concat(chunks).toString("utf8")) as BotApiReply;
              if (typeof reply?.ok !== "boolean") throw new Error("no ok field");
              resolve(reply);
            } catch {
              // A proxy's error page, say: the Bot API itself did not answer.
              reject(new BotApiNetworkError(`${method}: HTTP ${res.statusCode ?? 0} without a Bot API answer`));
            }
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new BotApiNetworkError(`${method}: no answer within ${timeoutMs} ms`)));
      // Never the URL in the message: it holds the token.
      req.on("error", (err) =>
        reject(
          err instanceof BotApiNetworkError
            ? err
            : new BotApiNetworkError(
                `${method}: ${(err as NodeJS.ErrnoException).code ?? (err.name === "AbortError" ? "aborted" : "network error")}`,
              ),
        ),
      );
      req.end(body);
    });
  }

  return {
    call(method, params, callOpts) {
      return request(method, JSON.stringify(params), "application/json", callOpts);
    },
    upload(method, params, file, callOpts) {
      const { body, type } = multipart(params, file);
      return request(method, body, type, callOpts);
    },
  };
}
