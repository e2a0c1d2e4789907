import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A stand-in for an OpenAI-compatible speech-to-text endpoint (POST /v1/audio/transcriptions, multipart) on
// loopback: records every request, and answers with the transcript set for the audio it was sent (by the file's
// content), or the next scripted answer, or an error, or silence.

type Script = { text: string } | { status: number } | "hang";

export interface SttRequest {
  model: string;
  language: string;
  prompt: string;
  filename: string;
  mime: string;
  /** The uploaded file's content, as text (the fakes' "audio" is text). */
  audio: string;
  authorization: string | undefined;
}

export async function startFakeStt(defaultText = "xin chào") {
  const requests: SttRequest[] = [];
  const scripts: Script[] = [];
  const byAudio = new Map<string, string>();
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      if (req.method !== "POST" || req.url !== "/v1/audio/transcriptions") {
        res.writeHead(404).end();
        return;
      }
      const form = await new Request("http://x/", {
        method: "POST",
        body: Buffer.concat(chunks),
        headers: { "content-type": req.headers["content-type"] ?? "" },
      })
        .formData()
        .catch(() => undefined);
      const file = form?.get("file");
      if (!form || !(file instanceof Blob)) {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "no file" } }));
        return;
      }
      const audio = Buffer.from(await file.arrayBuffer()).toString("utf8");
      requests.push({
        model: String(form.get("model") ?? ""),
        language: String(form.get("language") ?? ""),
        prompt: String(form.get("prompt") ?? ""),
        filename: (file as File).name ?? "",
        mime: file.type,
        audio,
        authorization: req.headers.authorization,
      });
      const s: Script = byAudio.has(audio) ? { text: byAudio.get(audio) as string } : (scripts.shift() ?? { text: defaultText });
      if (s === "hang") {
        hanging.push(res);
        return;
      }
      if ("status" in s) {
        res.writeHead(s.status, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "boom" } }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ text: s.text }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    /** The transcript of a given audio (the file's content as text). */
    hears(audio: string, text: string) {
      byAudio.set(audio, text);
    },
    /** The next requests (whose audio has no transcript set) get these answers, in order. */
    script(...s: Script[]) {
      scripts.push(...s);
    },
    async close() {
      for (const h of hanging) h.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
