import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { speakable } from "./speakable.js";

// Text to speech through any OpenAI-compatible POST {base}/audio/speech (OpenAI, or speaches with a Vietnamese
// Piper voice run in-country). Lesson steps are fixed texts, so each is synthesised once: the audio is cached on
// disk under a hash of (model, voice, format, the text read), and every later reading is a file read. The text
// read is the speakable form (no emoji or markup, numbers in words), never a learner's message.

/** MP3: Telegram shows it as a voice note, and every browser plays it. */
export const TTS_FORMAT = "mp3";
export const TTS_MIME = "audio/mpeg";
/** A step's audio is well under a megabyte; a larger answer is not audio we asked for. */
const MAX_AUDIO_BYTES = 5 * 1024 * 1024;
/** Longer texts are cut at a sentence: a step is a few sentences, and a minute of speech is plenty to listen to. */
const MAX_INPUT_CHARS = 1200;

export type SynthesisFailure = "tts" | "timeout" | "budget" | "empty";
export type Synthesis = { ok: true; key: string } | { ok: false; reason: SynthesisFailure };

export interface Speaker {
  /** The audio of a text read aloud, from the cache or the endpoint. Never throws. */
  speak(text: string): Promise<Synthesis>;
  /** A cached audio file by its key (undefined when the key is malformed or the file is gone). */
  audio(key: string): Promise<Buffer | undefined>;
}

export interface TtsOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
  voice: string;
  /** Where the audio is kept (created when missing). */
  cacheDir: string;
  timeoutMs: number;
  logger: Logger;
  /** Takes one call from the day's model budget; false when it is used up (cache hits take nothing). */
  takeBudget?: () => Promise<boolean>;
  metrics?: {
    syntheses: { inc(): void };
    synthesisCacheHits: { inc(): void };
    synthesisFailures: { inc(labels: { reason: SynthesisFailure }): void };
  };
  fetch?: typeof fetch;
}

const KEY = /^[0-9a-f]{64}$/;

/** The text sent to the voice: what a listener should hear, cut at a sentence end within the limit. */
export function readAloudText(text: string): string {
  const spoken = speakable(text);
  if (spoken.length <= MAX_INPUT_CHARS) return spoken;
  const cut = spoken.slice(0, MAX_INPUT_CHARS);
  const end = cut.lastIndexOf(". ");
  return end > MAX_INPUT_CHARS / 2 ? cut.slice(0, end + 1) : cut;
}

export function createTtsSpeaker(o: TtsOptions): Speaker {
  const log = o.logger.child({ module: "tts" });
  const doFetch = o.fetch ?? fetch;
  const endpoint = `${o.baseUrl.replace(/\/+$/, "")}/audio/speech`;
  const fileOf = (key: string) => join(o.cacheDir, `${key}.${TTS_FORMAT}`);
  /** One synthesis per key at a time: two learners asking for the same step share it. */
  const inFlight = new Map<string, Promise<Synthesis>>();
  let dirReady: Promise<unknown> | undefined;

  async function synthesise(input: string, key: string): Promise<Synthesis> {
    if (o.takeBudget && !(await o.takeBudget())) return { ok: false, reason: "budget" };
    const signal = AbortSignal.timeout(o.timeoutMs);
    try {
      const res = await doFetch(endpoint, {
        method: "POST",
        signal,
        headers: { "content-type": "application/json", ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}) },
        body: JSON.stringify({ model: o.model, voice: o.voice, input, response_format: TTS_FORMAT }),
      });
      const type = res.headers.get("content-type") ?? "";
      if (!res.ok || (type && !/^audio\/|^application\/octet-stream/i.test(type))) {
        await res.body?.cancel().catch(() => undefined);
        log.warn({ status: res.status }, "speech refused");
        return { ok: false, reason: "tts" };
      }
      const bytes = Buffer.from(await res.arrayBuffer());
      if (bytes.length === 0 || bytes.length > MAX_AUDIO_BYTES) return { ok: false, reason: "tts" };
      dirReady ??= mkdir(o.cacheDir, { recursive: true });
      await dirReady;
      // Written whole, then renamed: a reader never sees half a file.
      const tmp = `${fileOf(key)}.${process.pid}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, fileOf(key));
      return { ok: true, key };
    } catch (err) {
      if (signal.aborted) return { ok: false, reason: "timeout" };
      log.warn({ err: { type: (err as Error).name } }, "speech failed");
      return { ok: false, reason: "tts" };
    }
  }

  return {
    async speak(text) {
      const input = readAloudText(text);
      if (!input) return { ok: false, reason: "empty" };
      const key = createHash("sha256").update(`${o.model}\0${o.voice}\0${TTS_FORMAT}\0${input}`).digest("hex");
      const cached = await stat(fileOf(key)).then(
        (s) => s.size > 0,
        () => false,
      );
      if (cached) {
        o.metrics?.synthesisCacheHits.inc();
        return { ok: true, key };
      }
      let running = inFlight.get(key);
      if (!running) {
        running = synthesise(input, key)
          .then((result) => {
            if (result.ok) o.metrics?.syntheses.inc();
            else o.metrics?.synthesisFailures.inc({ reason: result.reason });
            return result;
          })
          .finally(() => inFlight.delete(key));
        inFlight.set(key, running);
      }
      return running;
    },
    async audio(key) {
      if (!KEY.test(key)) return undefined;
      return readFile(fileOf(key)).catch(() => undefined);
    },
  };
}
