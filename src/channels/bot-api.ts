import { type Agent as HttpAgent, request as httpRequest } from "node:http";
import { type Agent as HttpsAgent, request as httpsRequest } from "node:https";

// Bot API JSON calls (sendMessage, answerCallbackQuery, sendChatAction…) made directly: the
// parameters as JSON text in one node:http request on a keep-alive agent, the answer parsed once.
// Every reply a learner gets is such a call; through grammY's client (its payload builder, abort
// controller, timers and transformer chain on top of a fetch) one cost about 0.2 ms of CPU, more
// than the tutor's whole turn. Uploads (a photo from disk, multipart) and polling stay with grammY.

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

export interface BotApi {
  call(method: string, params: Record<string, unknown>): Promise<BotApiReply>;
}

export function createBotApi(opts: { apiRoot: string; token: string; agent: HttpAgent | HttpsAgent; timeoutMs: number }): BotApi {
  const root = new URL(opts.apiRoot);
  const https = root.protocol === "https:";
  const send = https ? httpsRequest : httpRequest;
  // IPv6 literals come bracketed ("[::1]"); http.request wants them bare.
  const hostname = root.hostname.startsWith("[") ? root.hostname.slice(1, -1) : root.hostname;
  const prefix = `${root.pathname.replace(/\/+$/, "")}/bot${opts.token}/`;
  const base = { hostname, ...(root.port ? { port: root.port } : {}), method: "POST", agent: opts.agent as HttpAgent };

  return {
    call(method, params) {
      const body = JSON.stringify(params);
      return new Promise((resolve, reject) => {
        const req = send(
          {
            ...base,
            path: prefix + method,
            headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
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
        req.setTimeout(opts.timeoutMs, () => req.destroy(new BotApiNetworkError(`${method}: no answer within ${opts.timeoutMs} ms`)));
        // Never the URL in the message: it holds the token.
        req.on("error", (err) =>
          reject(
            err instanceof BotApiNetworkError
              ? err
              : new BotApiNetworkError(`${method}: ${(err as NodeJS.ErrnoException).code ?? "network error"}`),
          ),
        );
        req.end(body);
      });
    },
  };
}
