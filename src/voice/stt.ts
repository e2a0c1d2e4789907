import type { Logger } from "pino";
import { z } from "zod";
import type { Channel } from "../conversation/types.js";
import { isAdts } from "./audio.js";
import { adtsToM4a, durationOf } from "./remux.js";
import {
  type AudioFile,
  type AudioSource,
  type FailureReason,
  type TranscribeRequest,
  type Transcriber,
  type Transcription,
  VoiceError,
} from "./types.js";

// Speech to text through any OpenAI-compatible POST {base}/audio/transcriptions (OpenAI, or a server run in-country:
// speaches, whisper.cpp's server, vLLM serving Whisper). The base URL ends in /v1, like OPENAI_BASE_URL. One deadline
// covers the download and the transcription; the audio is held in memory for the call only.

export const MAX_VOICE_BYTES = 10 * 1024 * 1024;
export const MAX_VOICE_SECONDS = 120;

export interface SttOptions {
  /** e.g. https://api.openai.com/v1 or http://10.0.0.5:8000/v1 (speaches). */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** Download and transcription together (ms). */
  timeoutMs: number;
  /** The channel's way to fetch a voice note's audio. */
  source: (channel: Channel) => AudioSource | undefined;
  logger: Logger;
  /** Takes one call from the day's model budget; false when it is used up. */
  takeBudget?: () => Promise<boolean>;
  metrics?: { transcriptions: { inc(): void }; transcriptionFailures: { inc(labels: { reason: FailureReason }): void } };
  maxBytes?: number;
  maxSeconds?: number;
  fetch?: typeof fetch;
}

const transcriptionSchema = z.looseObject({ text: z.string() });

export function createSttTranscriber(o: SttOptions): Transcriber {
  const log = o.logger.child({ module: "stt" });
  const maxBytes = o.maxBytes ?? MAX_VOICE_BYTES;
  const maxSeconds = o.maxSeconds ?? MAX_VOICE_SECONDS;
  const doFetch = o.fetch ?? fetch;
  const endpoint = `${o.baseUrl.replace(/\/+$/, "")}/audio/transcriptions`;

  async function post(audio: AudioFile, prompt: string | undefined, signal: AbortSignal): Promise<string> {
    const form = new FormData();
    form.append("file", new Blob([audio.bytes], { type: audio.mime }), audio.filename);
    form.append("model", o.model);
    form.append("language", "vi");
    form.append("response_format", "json");
    if (prompt) form.append("prompt", prompt.slice(0, 600));
    let res: Response;
    try {
      res = await doFetch(endpoint, {
        method: "POST",
        body: form,
        signal,
        headers: o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {},
      });
    } catch {
      throw new VoiceError(signal.aborted ? "timeout" : "stt");
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new VoiceError(signal.aborted ? "timeout" : "stt");
    }
    const parsed = transcriptionSchema.safeParse(body);
    if (!res.ok || !parsed.success) {
      log.warn({ status: res.status }, "transcription refused");
      throw new VoiceError("stt");
    }
    return parsed.data.text;
  }

  async function fetchAudio(req: TranscribeRequest, signal: AbortSignal): Promise<AudioFile> {
    if ("audio" in req) {
      if (req.audio.bytes.byteLength > maxBytes) throw new VoiceError("too_big");
      return req.audio;
    }
    if (req.voice.durationSec !== undefined && req.voice.durationSec > maxSeconds) throw new VoiceError("too_long");
    const source = o.source(req.channel);
    if (!source) throw new VoiceError("no_source");
    return source.fetch(req.voice.ref, { maxBytes, signal });
  }

  async function run(req: TranscribeRequest, signal: AbortSignal): Promise<string> {
    const audio = await fetchAudio(req, signal);
    const seconds = await durationOf(audio.bytes);
    if (seconds !== undefined && seconds > maxSeconds) throw new VoiceError("too_long");
    let file = audio;
    if (isAdts(audio.bytes)) {
      // Zalo's voice notes are raw ADTS AAC, which OpenAI's endpoint refuses: copied into an M4A container (no
      // re-encoding), which every endpoint reads. Bytes mediabunny cannot read go as they are, named .aac.
      const m4a = await adtsToM4a(audio.bytes);
      file = m4a ? { bytes: m4a, filename: "voice.m4a", mime: "audio/mp4" } : { ...audio, filename: "voice.aac", mime: "audio/aac" };
    }
    if (o.takeBudget && !(await o.takeBudget())) throw new VoiceError("budget");
    const text = (await post(file, req.prompt, signal)).replace(/\s+/g, " ").trim();
    if (!text) throw new VoiceError("empty");
    return text;
  }

  return {
    async transcribe(req): Promise<Transcription> {
      const signal = AbortSignal.timeout(o.timeoutMs);
      let timer: NodeJS.Timeout | undefined;
      // The deadline holds even where a step does not honour the signal.
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new VoiceError("timeout")), o.timeoutMs + 50);
      });
      try {
        const text = await Promise.race([run(req, signal), deadline]);
        o.metrics?.transcriptions.inc();
        return { ok: true, text };
      } catch (err) {
        const reason: FailureReason =
          err instanceof VoiceError
            ? signal.aborted && err.reason !== "too_big"
              ? "timeout"
              : err.reason
            : signal.aborted
              ? "timeout"
              : "download";
        o.metrics?.transcriptionFailures.inc({ reason });
        // The reason only: never the URL, the file id or what was said.
        log.warn({ channel: req.channel, reason }, "voice note not transcribed");
        return { ok: false, reason };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
