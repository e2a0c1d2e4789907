import { createServer, type ServerResponse } from "node:http";
import { listenOnLoopback } from "./loopback.js";

// A stand-in for an OpenAI-compatible text-to-speech endpoint (POST /v1/audio/speech, JSON) on loopback: records
// every request and answers with a small valid MP3 (silent MPEG-1 Layer III frames, about a second), or the next
// scripted error, or silence.

export interface TtsRequest {
  model: string;
  voice: string;
  input: string;
  format: string;
  authorization: string | undefined;
}

type Script = { status: number } | "hang";

/** `frames` silent MP3 frames (32 kbit/s, 44.1 kHz, mono; 26 ms each): a file any player and mediabunny read. */
export function silentMp3(frames = 38): Buffer {
  const frame = Buffer.alloc(104); // 144 × 32000 / 44100 bytes, no padding
  frame.set([0xff, 0xfb, 0x10, 0xc4]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

export async function startFakeTts() {
  const requests: TtsRequest[] = [];
  const scripts: Script[] = [];
  const hanging: ServerResponse[] = [];
  const audio = silentMp3();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/audio/speech") {
        res.writeHead(404).end();
        return;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "bad json" } }));
        return;
      }
      requests.push({
        model: String(body.model ?? ""),
        voice: String(body.voice ?? ""),
        input: String(body.input ?? ""),
        format: String(body.response_format ?? ""),
        authorization: req.headers.authorization,
      });
      const s = scripts.shift();
      if (s === "hang") {
        hanging.push(res);
        return;
      }
      if (s) {
        res.writeHead(s.status, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "boom" } }));
        return;
      }
      res.writeHead(200, { "content-type": "audio/mpeg" }).end(audio);
    });
  });
  const loopback = await listenOnLoopback(server, hanging);
  return {
    url: loopback.url,
    requests,
    audio,
    /** The next requests get these answers, in order; then audio again. */
    script(...s: Script[]) {
      scripts.push(...s);
    },
    close: loopback.close,
  };
}

export type FakeTts = Awaited<ReturnType<typeof startFakeTts>>;
