import { type Agent as HttpAgent, request as httpRequest } from "node:http";
import { type Agent as HttpsAgent, request as httpsRequest } from "node:https";

// A small `fetch` for grammY's JSON calls to the Bot API: one node:http request on a keep-alive
// agent, and a response that offers what grammY reads of it (json()). The general-purpose fetch
// grammY uses by default (node-fetch) built Request, Headers and URL objects for every call and
// cost more CPU than the rest of a send together. Uploads (a photo from disk, a multipart body)
// still go through grammY's default.

interface Init {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

interface LightResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

interface Target {
  https: boolean;
  hostname: string;
  port: string;
  path: string;
}

export function createLightFetch(agent: HttpAgent | HttpsAgent) {
  // A handful of URLs (one per Bot API method): parsed once, not for every call.
  const targets = new Map<string, Target>();
  const targetOf = (url: string | URL): Target => {
    const key = String(url);
    let t = targets.get(key);
    if (!t) {
      const u = typeof url === "string" ? new URL(url) : url;
      // IPv6 literals come bracketed ("[::1]"); http.request wants them bare, as urlToHttpOptions gives.
      const hostname = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
      t = { https: u.protocol === "https:", hostname, port: u.port, path: `${u.pathname}${u.search}` };
      if (targets.size >= 100) targets.clear();
      targets.set(key, t);
    }
    return t;
  };
  return (url: string | URL, init: Init = {}): Promise<LightResponse> => {
    if (init.body !== undefined && typeof init.body !== "string") {
      return Promise.reject(new TypeError("light fetch sends JSON text only"));
    }
    const body = init.body ?? "";
    const target = targetOf(url);
    const send = target.https ? httpsRequest : httpRequest;
    const headers: Record<string, string | number> = { ...init.headers };
    headers["content-length"] = Buffer.byteLength(body);
    return new Promise((resolve, reject) => {
      const req = send(
        {
          hostname: target.hostname,
          ...(target.port ? { port: target.port } : {}),
          path: target.path,
          method: init.method ?? "GET",
          headers,
          agent: agent as HttpAgent,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = res.statusCode ?? 0;
            resolve({
              ok: status >= 200 && status < 300,
              status,
              json: async () => JSON.parse(text) as unknown,
            });
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  };
}
