import { Agent, createServer, type IncomingMessage, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createLightFetch } from "../../../src/channels/light-fetch.js";

// The small fetch the Telegram channel gives grammY for Bot API JSON calls.

let server: Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (s)
    await new Promise<void>((r) => {
      s.close(() => r());
      s.closeAllConnections();
    });
});

async function listen(host: string): Promise<{ seen: Array<{ url?: string; body: string; length?: string }>; port: number }> {
  const seen: Array<{ url?: string; body: string; length?: string }> = [];
  const s = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      seen.push({ url: req.url, body, length: req.headers["content-length"] });
      res.writeHead(req.url?.includes("fail") ? 429 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: !req.url?.includes("fail"), result: { echo: body } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.listen(0, host, () => resolve());
  });
  server = s;
  return { seen, port: (s.address() as { port: number }).port };
}

describe("light fetch", () => {
  it("posts JSON text with its byte length (Vietnamese included) and reads the answer, the same URL many times", async () => {
    const { seen, port } = await listen("127.0.0.1");
    const f = createLightFetch(new Agent({ keepAlive: true }));
    const body = JSON.stringify({ chat_id: 1, text: "Chào bác 🌾" });
    for (let i = 0; i < 3; i++) {
      const res = await f(`http://127.0.0.1:${port}/bot123:abc/sendMessage?x=1`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      expect(res.ok).toBe(true);
      expect(await res.json()).toEqual({ ok: true, result: { echo: body } });
    }
    expect(seen).toHaveLength(3);
    expect(seen[2]).toEqual({ url: "/bot123:abc/sendMessage?x=1", body, length: String(Buffer.byteLength(body)) });
    const failed = await f(`http://127.0.0.1:${port}/bot123:abc/fail`, { method: "POST", body: "{}" });
    expect(failed.status).toBe(429);
    expect(failed.ok).toBe(false);
  });

  it("reaches an IPv6 loopback address written in brackets", async () => {
    let port: number;
    try {
      ({ port } = await listen("::1"));
    } catch {
      return; // no IPv6 on this machine
    }
    const f = createLightFetch(new Agent({ keepAlive: true }));
    const res = await f(`http://[::1]:${port}/bot1:x/getMe`, { method: "POST", body: "{}" });
    expect(res.ok).toBe(true);
  });
});
