import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A tiny stand-in for the Zalo Bot Platform API on 127.0.0.1: `POST /bot<token>/<method>` with JSON.
// It records every call and can be scripted per method (errors, hangs, blocked chats, updates to poll).

export interface FakeZaloCall {
  method: string;
  token: string;
  body: Record<string, unknown>;
  /** HTTP status the fake answered with (0 while hanging or if the client went away). */
  status: number;
  /** True when the answer was a successful envelope (the message counts as delivered). */
  delivered: boolean;
}

export interface ScriptedAnswer {
  status: number;
  /** JSON body; a string is sent as is (e.g. an HTML error page); nothing when absent. */
  body?: unknown;
}

export interface FakeZalo {
  url: string;
  calls: FakeZaloCall[];
  /** Texts of the sendMessage calls to this chat that were answered with success, in order. */
  messagesTo(chatId: string): string[];
  /** Every call (delivered or not) of one method to one chat. */
  callsTo(chatId: string, method?: string): FakeZaloCall[];
  /** The next calls of `method` get these answers, one each, in order; then the default again. */
  failNext(method: string, answers: ScriptedAnswer[]): void;
  /** The next `count` calls of `method` never get an answer (until the client gives up or close()). */
  hangNext(method: string, count?: number): void;
  /** Every send to this chat answers 403, as when the learner blocked the bot. */
  blockChat(chatId: string): void;
  /** Queues events for getUpdates (each call returns the next item: one event object or an array). */
  pushUpdate(update: unknown): void;
  /** Serves a voice note's audio (as Zalo's voice_url does, no token) and returns its URL. */
  addVoice(name: string, content: string | Uint8Array): string;
  close(): Promise<void>;
}

const SENDS = new Set(["sendMessage", "sendPhoto", "sendSticker", "sendVoice", "sendChatAction"]);

export async function startFakeZalo(opts: { pollHoldMs?: number } = {}): Promise<FakeZalo> {
  const pollHoldMs = opts.pollHoldMs ?? 300;
  const calls: FakeZaloCall[] = [];
  const scripts = new Map<string, ScriptedAnswer[]>();
  const hangs = new Map<string, number>();
  const blocked = new Set<string>();
  const updates: unknown[] = [];
  const pollWaiters = new Set<() => void>();
  const hanging = new Set<ServerResponse>();
  let nextMessageId = 1;

  function answer(res: ServerResponse, call: FakeZaloCall, a: ScriptedAnswer): void {
    call.status = a.status;
    const ok = typeof a.body === "object" && a.body !== null && (a.body as { ok?: unknown }).ok === true;
    call.delivered = a.status === 200 && ok;
    if (a.body === undefined) {
      res.writeHead(a.status).end();
    } else if (typeof a.body === "string") {
      res.writeHead(a.status, { "content-type": "text/html" }).end(a.body);
    } else {
      res.writeHead(a.status, { "content-type": "application/json" }).end(JSON.stringify(a.body));
    }
  }

  function defaultAnswer(method: string): ScriptedAnswer {
    switch (method) {
      case "sendChatAction":
        return { status: 200, body: { ok: true } };
      case "getMe":
        return {
          status: 200,
          body: { ok: true, result: { id: "bot-1", account_name: "binhdanhocai", account_type: "BASIC", can_join_groups: false } },
        };
      case "setWebhook":
      case "getWebhookInfo":
      case "deleteWebhook":
        return { status: 200, body: { ok: true, result: { url: "", updated_at: Date.now() } } };
      default:
        return { status: 200, body: { ok: true, result: { message_id: `bot-msg-${nextMessageId++}`, date: Date.now() } } };
    }
  }

  const voices = new Map<string, string | Uint8Array>();

  function handle(req: IncomingMessage, res: ServerResponse, rawBody: string): void {
    const voice = /^\/voice\/([\w-]+)\.aac$/.exec(req.url ?? "");
    if (req.method === "GET" && voice) {
      const content = voices.get(voice[1] ?? "");
      if (content === undefined) res.writeHead(404).end();
      else res.writeHead(200, { "content-type": "audio/aac" }).end(content);
      return;
    }
    const m = /^\/bot([^/]*)\/([A-Za-z]+)$/.exec(req.url ?? "");
    if (req.method !== "POST" || !m) {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ ok: false, error_code: 404, description: "Not Found" }));
      return;
    }
    const [, token = "", method = ""] = m;
    let body: Record<string, unknown> = {};
    try {
      body = rawBody ? (JSON.parse(rawBody) as Record<string, unknown>) : {};
    } catch {
      res
        .writeHead(400, { "content-type": "application/json" })
        .end(JSON.stringify({ ok: false, error_code: 400, description: "Bad Request" }));
      return;
    }
    const call: FakeZaloCall = { method, token, body, status: 0, delivered: false };
    calls.push(call);

    const hang = hangs.get(method) ?? 0;
    if (hang > 0) {
      hangs.set(method, hang - 1);
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    const scripted = scripts.get(method)?.shift();
    if (scripted) {
      answer(res, call, scripted);
      return;
    }
    if (SENDS.has(method) && blocked.has(String(body.chat_id))) {
      answer(res, call, { status: 403, body: { ok: false, error_code: 403, description: "Forbidden: the user has blocked the bot" } });
    } else if (method === "getUpdates") poll(res, call);
    else answer(res, call, defaultAnswer(method));
  }

  function poll(res: ServerResponse, call: FakeZaloCall): void {
    const deliver = () => {
      if (updates.length > 0) answer(res, call, { status: 200, body: { ok: true, result: updates.shift() } });
      else answer(res, call, { status: 200, body: { ok: false, error_code: 408, description: "Request timeout" } });
    };
    if (updates.length > 0) {
      deliver();
      return;
    }
    const timer = setTimeout(() => {
      pollWaiters.delete(wake);
      deliver();
    }, pollHoldMs);
    const wake = () => {
      clearTimeout(timer);
      pollWaiters.delete(wake);
      deliver();
    };
    pollWaiters.add(wake);
    res.on("close", () => {
      if (!res.writableEnded) {
        clearTimeout(timer);
        pollWaiters.delete(wake);
      }
    });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    messagesTo: (chatId) =>
      calls.filter((c) => c.method === "sendMessage" && c.delivered && String(c.body.chat_id) === chatId).map((c) => String(c.body.text)),
    callsTo: (chatId, method) => calls.filter((c) => String(c.body.chat_id) === chatId && (method === undefined || c.method === method)),
    failNext(method, answers) {
      scripts.set(method, [...(scripts.get(method) ?? []), ...answers]);
    },
    hangNext(method, count = 1) {
      hangs.set(method, (hangs.get(method) ?? 0) + count);
    },
    blockChat(chatId) {
      blocked.add(chatId);
    },
    pushUpdate(update) {
      updates.push(update);
      for (const wake of [...pollWaiters]) wake();
    },
    addVoice(name, content) {
      voices.set(name, content);
      return `http://127.0.0.1:${port}/voice/${name}.aac`;
    },
    async close() {
      for (const wake of [...pollWaiters]) wake();
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
