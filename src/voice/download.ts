import { VoiceError } from "./types.js";

// Downloads a voice note's audio, bounded in size (and in time, by the caller's signal). Never logs or throws the
// URL: it may hold a bot token (Telegram) or open the learner's recording (Zalo).

export async function downloadBounded(
  url: string,
  opts: { maxBytes: number; signal: AbortSignal; fetch?: typeof fetch },
): Promise<Uint8Array> {
  if (!/^https?:\/\//i.test(url)) throw new VoiceError("download");
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, { signal: opts.signal, redirect: "follow" });
  } catch {
    throw new VoiceError(opts.signal.aborted ? "timeout" : "download");
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw new VoiceError("download");
  }
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  if (declared > opts.maxBytes) {
    await res.body.cancel().catch(() => undefined);
    throw new VoiceError("too_big");
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > opts.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new VoiceError("too_big");
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof VoiceError) throw err;
    throw new VoiceError(opts.signal.aborted ? "timeout" : "download");
  }
  return Buffer.concat(chunks);
}
