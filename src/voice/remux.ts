// What we read from a voice note's container, with mediabunny (pure TypeScript: no binary to install, nothing
// decoded). Zalo's voice notes are raw ADTS AAC: OpenAI's transcription endpoint refuses a raw .aac file and takes
// the same audio in an M4A (MP4) container; speaches and whisper.cpp's server read both. The frames are copied into
// the container as they are, never decoded or re-encoded. mediabunny is loaded with the first recording: it adds
// about 17 MB to a process, which a tutor without voice notes should not carry.

const media = () => import("mediabunny");

/** The audio's length in seconds, from its container or frames (OGG, WebM, MP4, ADTS, MP3, WAV); undefined when unreadable. */
export async function durationOf(bytes: Uint8Array): Promise<number | undefined> {
  try {
    const { ALL_FORMATS, BufferSource, Input } = await media();
    const seconds = await new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS }).computeDuration();
    return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
  } catch {
    return undefined;
  }
}

/** Raw ADTS AAC → M4A, frames copied as they are. Undefined when the bytes are not ADTS AAC mediabunny can read. */
export async function adtsToM4a(bytes: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    const { ADTS, BufferSource, BufferTarget, Conversion, Input, Mp4OutputFormat, Output } = await media();
    const input = new Input({ source: new BufferSource(bytes), formats: [ADTS] });
    const target = new BufferTarget();
    const output = new Output({ format: new Mp4OutputFormat({ fastStart: "in-memory" }), target });
    const conversion = await Conversion.init({ input, output });
    // A conversion that would have to decode (it cannot here: no codecs in Node) is not a remux: refused.
    if (!conversion.isValid || conversion.utilizedTracks.length !== 1) return undefined;
    await conversion.execute();
    return target.buffer ? new Uint8Array(target.buffer) : undefined;
  } catch {
    return undefined;
  }
}
