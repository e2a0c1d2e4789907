import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { BotApiNetworkError, createBotApi } from "../../../src/channels/bot-api.js";
import { classifyBotApiReply, classifyTelegramError } from "../../../src/channels/telegram.js";

// The direct Bot API client every Telegram reply goes out through.

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

interface Seen {
  url?: string;
  body: string;
  length?: string;
  type?: string;
}

async function listen(
  host: string,
  answer: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<{ seen: Seen[]; port: number }> {
  const seen: Seen[] = [];
  const s = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
    });
    req.on("end", () => {
      seen.push({ url: req.url, body, length: req.headers["content-length"], type: req.headers["content-type"] });
      answer(req, res, body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.listen(0, host, () => resolve());
  });
  server = s;
  return { seen, port: (s.address() as { port: number }).port };
}

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
};

const api = (port: number, host = "127.0.0.1", timeoutMs = 5000) =>
  createBotApi({ apiRoot: `http://${host}:${port}`, token: "123:abc", agent: new Agent({ keepAlive: true }), timeoutMs });

describe("Bot API client", () => {
  it("posts the parameters as JSON with their byte length (Vietnamese and emoji included) to /bot<token>/<method>, many times on one connection", async () => {
    const { seen, port } = await listen("127.0.0.1", (_req, res, body) => json(res, 200, { ok: true, result: { echo: JSON.parse(body) } }));
    const client = api(port);
    const params = { chat_id: "42", text: "Chào bác 🌾, bác gõ **1** nhé", parse_mode: "HTML" };
    for (let i = 0; i < 3; i++) {
      const reply = await client.call("sendMessage", params);
      expect(reply).toEqual({ ok: true, result: { echo: params } });
      expect(classifyBotApiReply(reply)).toEqual({ ok: true });
    }
    expect(seen).toHaveLength(3);
    const body = JSON.stringify(params);
    expect(seen[2]).toEqual({ url: "/bot123:abc/sendMessage", body, length: String(Buffer.byteLength(body)), type: "application/json" });
  });

  it("uploads a file as multipart/form-data beside the other parameters (objects as JSON), and waits longer for a long poll", async () => {
    const { seen, port } = await listen("127.0.0.1", (req, res) => {
      if (req.url?.endsWith("/getUpdates")) return void setTimeout(() => json(res, 200, { ok: true, result: [] }), 300);
      json(res, 200, { ok: true, result: { message_id: 1 } });
    });
    const client = api(port, "127.0.0.1", 100);
    const reply = await client.upload(
      "sendPhoto",
      { chat_id: "42", caption: "Ảnh minh hoạ", reply_markup: { inline_keyboard: [] } },
      { field: "photo", filename: "vneid-home.png", content: Buffer.from("PNG-BYTES") },
    );
    expect(reply.ok).toBe(true);
    const sent = seen[0];
    const boundary = /boundary=(\S+)/.exec(sent?.type ?? "")?.[1];
    expect(sent?.type).toMatch(/^multipart\/form-data; boundary=/);
    expect(Number(sent?.length)).toBe(Buffer.byteLength(sent?.body ?? ""));
    expect(sent?.body).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n42\r\n`);
    expect(sent?.body).toContain('name="caption"\r\n\r\nẢnh minh hoạ\r\n');
    expect(sent?.body).toContain('name="reply_markup"\r\n\r\n{"inline_keyboard":[]}\r\n');
    expect(sent?.body).toContain('name="photo"; filename="vneid-home.png"\r\nContent-Type: application/octet-stream\r\n\r\nPNG-BYTES\r\n');
    expect(sent?.body.endsWith(`--${boundary}--\r\n`)).toBe(true);
    // The client's 100 ms would cut a 300 ms long poll short; the call's own timeout does not.
    await expect(client.call("getUpdates", { timeout: 1 }, { timeoutMs: 2000 })).resolves.toEqual({ ok: true, result: [] });
  });

  it("keeps a path in the API root (a self-hosted Bot API server behind a prefix)", async () => {
    const { seen, port } = await listen("127.0.0.1", (_req, res) => json(res, 200, { ok: true, result: true }));
    const client = createBotApi({ apiRoot: `http://127.0.0.1:${port}/tg/`, token: "9:z", agent: new Agent(), timeoutMs: 5000 });
    await client.call("answerCallbackQuery", { callback_query_id: "q1" });
    expect(seen[0]?.url).toBe("/tg/bot9:z/answerCallbackQuery");
  });

  it("turns the Bot API's refusals into what the outbox does: wait as told on 429, stop on a blocked bot, retry a 5xx", async () => {
    const answers: Record<string, [number, unknown]> = {
      "/bot123:abc/slow": [
        429,
        { ok: false, error_code: 429, description: "Too Many Requests: retry after 7", parameters: { retry_after: 7 } },
      ],
      "/bot123:abc/blocked": [403, { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" }],
      "/bot123:abc/gone": [400, { ok: false, error_code: 400, description: "Bad Request: chat not found" }],
      "/bot123:abc/down": [502, { ok: false, error_code: 502, description: "Bad Gateway" }],
      "/bot123:abc/bad": [400, { ok: false, error_code: 400, description: "Bad Request: message text is empty" }],
    };
    const { port } = await listen("127.0.0.1", (req, res) => {
      const [status, body] = answers[req.url ?? ""] ?? [404, {}];
      json(res, status, body);
    });
    const client = api(port);
    const outcome = async (m: string) => classifyBotApiReply(await client.call(m, { chat_id: 1 }));
    expect(await outcome("slow")).toEqual({ ok: false, retry: { afterMs: 7000 }, code: "tg_429" });
    expect(await outcome("blocked")).toEqual({ ok: false, blocked: true, code: "tg_403" });
    expect(await outcome("gone")).toEqual({ ok: false, blocked: true, code: "tg_400" });
    expect(await outcome("down")).toEqual({ ok: false, retry: {}, code: "tg_502" });
    expect(await outcome("bad")).toEqual({ ok: false, code: "tg_400" });
  });

  it("treats an answer that is not the Bot API's (a proxy's error page), a refused connection and a hang as network errors to retry, without the token in the message", async () => {
    const { port } = await listen("127.0.0.1", (req, res) => {
      if (req.url?.endsWith("/hang")) return; // never answers
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>Bad gateway</html>");
    });
    const failures: unknown[] = [];
    for (const call of [
      () => api(port).call("sendMessage", {}),
      () => api(port, "127.0.0.1", 200).call("hang", {}),
      () => api(1).call("sendMessage", {}), // nothing listens on port 1
    ]) {
      failures.push(
        await call().then(
          () => "answered",
          (err: unknown) => err,
        ),
      );
    }
    for (const err of failures) {
      expect(err).toBeInstanceOf(BotApiNetworkError);
      expect(String((err as Error).message)).not.toContain("123:abc");
      expect(classifyTelegramError(err)).toEqual({ ok: false, retry: {}, code: "tg_http" });
    }
  });

  it("reaches an IPv6 loopback address written in brackets", async () => {
    let port: number;
    try {
      ({ port } = await listen("::1", (_req, res) => json(res, 200, { ok: true, result: true })));
    } catch {
      return; // no IPv6 on this machine
    }
    expect(await api(port, "[::1]").call("getMe", {})).toEqual({ ok: true, result: true });
  });
});
