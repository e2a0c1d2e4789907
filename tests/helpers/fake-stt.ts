import { createServer, type ServerResponse } from "node:http";
import { listenOnLoopback } from "./loopback.js";

// A stand-in for an OpenAI-compatible speech-to-text endpoint (POST /v1/audio/transcriptions, multipart) on
// loopback: records every request, and answers with the transcript set for the audio it was sent (by a tag inside
// the file's content), or the next scripted answer, or an error, or silence. Like OpenAI's endpoint, it refuses a
// raw .aac file, and an .m4a that is not an MP4 container.

type Script = { text: string } | { status: number } | "hang";

export interface SttRequest {
  model: string;
  language: string;
  prompt: string;
  filename: string;
  mime: string;
  /** The uploaded file's content, as text (the fakes' "audio" carries a text tag). */
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
      const bytes = Buffer.from(await file.arrayBuffer());
      const audio = bytes.toString("latin1");
      const name = (file as File).name ?? "";
      requests.push({
        model: String(form.get("model") ?? ""),
        language: String(form.get("language") ?? ""),
        prompt: String(form.get("prompt") ?? ""),
        filename: name,
        mime: file.type,
        audio,
        authorization: req.headers.authorization,
      });
      if (name.endsWith(".aac") || (name.endsWith(".m4a") && bytes.subarray(4, 8).toString("latin1") !== "ftyp")) {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "Invalid file format." } }));
        return;
      }
      const tag = [...byAudio.keys()].find((t) => audio.includes(t));
      const s: Script = tag !== undefined ? { text: byAudio.get(tag) as string } : (scripts.shift() ?? { text: defaultText });
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
  const loopback = await listenOnLoopback(server, hanging);
  return {
    url: loopback.url,
    requests,
    /** The transcript of audio whose content holds this tag. */
    hears(audio: string, text: string) {
      byAudio.set(audio, text);
    },
    /** The next requests (whose audio has no transcript set) get these answers, in order. */
    script(...s: Script[]) {
      scripts.push(...s);
    },
    close: loopback.close,
  };
}

/** A voice note as raw ADTS AAC frames (16 kHz mono), as Zalo serves them, `seconds` long; each frame carries `tag`. */
export function adtsAudio(seconds: number, tag: string): Buffer {
  const frames = Math.ceil((seconds * 16000) / 1024);
  const payload = Buffer.from(tag);
  const len = 7 + payload.length;
  // Sync word, MPEG-4, no CRC; AAC LC, 16 kHz (index 8), mono; frame length; one raw block per frame.
  const header = Buffer.from([
    0xff,
    0xf1,
    (1 << 6) | (8 << 2),
    0x40 | ((len >> 11) & 0x03),
    (len >> 3) & 0xff,
    ((len & 7) << 5) | 0x1f,
    0xfc,
  ]);
  return Buffer.concat(Array.from({ length: frames }, () => Buffer.concat([header, payload])));
}
