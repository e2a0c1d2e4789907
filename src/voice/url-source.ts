import { sniffAudio } from "./audio.js";
import { downloadBounded } from "./download.js";
import type { AudioSource } from "./types.js";

/** Channels whose voice notes come as a plain URL (Zalo Bot Platform's voice_url, Zalo OA's attachment): fetched at once. */
export function urlAudioSource(opts: { fetch?: typeof fetch } = {}): AudioSource {
  return {
    async fetch(url, limits) {
      const bytes = await downloadBounded(url, { ...limits, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
      return { bytes, ...sniffAudio(bytes) };
    },
  };
}
