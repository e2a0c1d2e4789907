// What we can tell about a voice note's audio without decoding it.

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
