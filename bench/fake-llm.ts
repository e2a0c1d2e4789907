import { createServer } from "node:http";

// An OpenAI-compatible endpoint that takes LLM_DELAY_MS to answer (default 1.5 s).
const delay = Number(process.env.LLM_DELAY_MS ?? 1500);
createServer((req, res) => {
  req.resume();
  req.on("end", () =>
    setTimeout(() => {
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          id: "x",
          object: "chat.completion",
          created: 1,
          model: "m",
          choices: [
            {
              index: 0,
              finish_reason: "stop",
              message: { role: "assistant", content: "Mã OTP là mã dùng một lần. Bác không đọc cho ai." },
            },
          ],
        }),
      );
    }, delay),
  );
}).listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("ready"));
