import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A stand-in for an OpenAI-compatible endpoint on loopback: records every request body and answers
// with scripted completions, errors, or silence.

type Script = { content: string } | { status: number } | "hang";

export async function startFakeLlm(defaultContent = "Mã OTP là mã số dùng một lần. Bác không đọc mã này cho ai.") {
  const requests: Array<{ raw: string; body: { messages: Array<{ role: string; content: string }> } }> = [];
  const scripts: Script[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      if (!req.url?.endsWith("/chat/completions")) {
        res.writeHead(404).end();
        return;
      }
      requests.push({ raw, body: JSON.parse(raw) });
      const s = scripts.shift() ?? { content: defaultContent };
      if (s === "hang") {
        hanging.push(res);
        return;
      }
      answer(res, s);
    });
  });
  function answer(res: ServerResponse, s: Exclude<Script, "hang">): void {
    {
      if ("status" in s) {
        res
          .writeHead(s.status, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { message: "boom", type: "server_error" } }));
        return;
      }
      const completion = {
        id: "chatcmpl-fake",
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: "fake",
        choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: s.content } }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(completion));
    }
  }
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    script(...s: Script[]) {
      scripts.push(...s);
    },
    /** Answers the calls left hanging, with the default content. */
    release() {
      for (const h of hanging.splice(0)) answer(h, { content: defaultContent });
    },
    async close() {
      for (const h of hanging) h.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
