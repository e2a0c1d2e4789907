// What we can tell about a voice note's audio without decoding it.

const ADTS_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/**
 * Raw ADTS AAC (what Zalo's voice_url serves): its length in seconds, from the frame headers (1,024 samples a
 * frame); undefined when the bytes are not ADTS.
 */
export function adtsDurationSec(b: Uint8Array): number | undefined {
  let i = 0;
  let frames = 0;
  let rate: number | undefined;
  while (i + 7 <= b.length) {
    if (b[i] !== 0xff || ((b[i + 1] ?? 0) & 0xf6) !== 0xf0) return undefined;
    const r = ADTS_RATES[((b[i + 2] ?? 0) >> 2) & 0x0f];
    if (r === undefined) return undefined;
    rate ??= r;
    const len = (((b[i + 3] ?? 0) & 0x03) << 11) | ((b[i + 4] ?? 0) << 3) | ((b[i + 5] ?? 0) >> 5);
    if (len < 7) return undefined;
    frames += ((b[i + 6] ?? 0) & 0x03) + 1;
    i += len;
  }
  return rate && frames > 0 ? (frames * 1024) / rate : undefined;
}

/** Whether the bytes look like raw ADTS AAC. */
export const isAdts = (b: Uint8Array) => b.length >= 7 && b[0] === 0xff && ((b[1] ?? 0) & 0xf6) === 0xf0;

const ascii = (b: Uint8Array, at: number, s: string) => [...s].every((c, k) => b[at + k] === c.charCodeAt(0));

/** A file name and type for the speech endpoint, from the audio's first bytes (a URL or a header may say otherwise). */
export function sniffAudio(b: Uint8Array): { filename: string; mime: string } {
  if (isAdts(b)) return { filename: "voice.aac", mime: "audio/aac" };
  if (ascii(b, 0, "OggS")) return { filename: "voice.ogg", mime: "audio/ogg" };
  if (ascii(b, 4, "ftyp")) return { filename: "voice.m4a", mime: "audio/mp4" };
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE")) return { filename: "voice.wav", mime: "audio/wav" };
  if (ascii(b, 0, "ID3") || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0)) return { filename: "voice.mp3", mime: "audio/mpeg" };
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return { filename: "voice.webm", mime: "audio/webm" };
  // Zalo's voice notes are AAC: the likeliest guess.
  return { filename: "voice.aac", mime: "audio/aac" };
}
