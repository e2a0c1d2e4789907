import { createServer } from "node:http";

// A fast stand-in for the Bot API for benchmarks: counts calls per method (and per chat), answers ok.
const counts: Record<string, number> = {};
const perChat = new Map<string, number>();
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const method = req.url?.split("/").at(-1) ?? "";
    if (method === "stats") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ counts, chats: perChat.size }));
      return;
    }
    counts[method] = (counts[method] ?? 0) + 1;
    if (method === "sendMessage") {
      const chat = /"chat_id":"?(-?\d+)/.exec(Buffer.concat(chunks).toString())?.[1] ?? "";
      perChat.set(chat, (perChat.get(chat) ?? 0) + 1);
    }
    res
      .writeHead(200, { "content-type": "application/json" })
      .end('{"ok":true,"result":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"}}}');
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("ready"));
