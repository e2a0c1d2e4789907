import { describe, expect, it } from "vitest";
import { normalizeUpdate, updateSchema } from "../../src/channels/telegram.js";
import { normaliseEvent } from "../../src/channels/zalo.js";
import { normaliseOaEvent } from "../../src/channels/zalo-oa/events.js";
import { DEFAULT_STT_MODEL, loadConfig } from "../../src/config.js";
import { inboxText, voiceFromInbox } from "../../src/conversation/types.js";
import { sniffAudio } from "../../src/voice/audio.js";
import { adtsToM4a, durationOf } from "../../src/voice/remux.js";

describe("voice in: configuration", () => {
  it("defaults to the OPENAI_* endpoint, and never sends the OpenAI key to a speech server of its own", () => {
    expect(loadConfig({}).stt).toBeUndefined();
    const llm = { OPENAI_BASE_URL: "https://llm.example/v1", OPENAI_API_KEY: "sk-openai", OPENAI_MODEL: "gpt" };
    expect(loadConfig(llm).stt).toMatchObject({ baseUrl: "https://llm.example/v1", apiKey: "sk-openai", model: DEFAULT_STT_MODEL });
    const own = loadConfig({ ...llm, STT_BASE_URL: "http://10.0.0.5:8000/v1/", STT_MODEL: "PhoWhisper" });
    expect(own.stt).toMatchObject({ baseUrl: "http://10.0.0.5:8000/v1", model: "PhoWhisper", timeoutMs: 20_000 });
    expect(own.stt?.apiKey).toBeUndefined();
    expect(() => loadConfig({ STT_BASE_URL: "speaches" })).toThrow(/STT_BASE_URL/);
    expect(() => loadConfig({ STT_TIMEOUT_SECONDS: "0" })).toThrow(/STT_TIMEOUT_SECONDS/);
  });
});

describe("voice out: configuration", () => {
  it("is off unless a speech model is named; never sends the OpenAI key to a speech server of its own", () => {
    const llm = { OPENAI_API_KEY: "sk-openai", OPENAI_MODEL: "gpt" };
    expect(loadConfig(llm).tts).toBeUndefined();
    expect(loadConfig({ ...llm, TTS_MODEL: "tts-1" }).tts).toMatchObject({
      model: "tts-1",
      voice: "alloy",
      apiKey: "sk-openai",
      timeoutMs: 15_000,
    });
    const own = loadConfig({
      ...llm,
      TTS_BASE_URL: "http://10.0.0.5:8000/v1",
      TTS_MODEL: "piper-vi",
      DATABASE_PATH: "/srv/bdhai/tutor.db",
    }).tts;
    expect(own).toMatchObject({ baseUrl: "http://10.0.0.5:8000/v1", model: "piper-vi", cacheDir: "/srv/bdhai/tts-cache" });
    expect(own?.apiKey).toBeUndefined();
    expect(() => loadConfig({ TTS_BASE_URL: "http://10.0.0.5:8000/v1" })).toThrow(/TTS_MODEL/);
    expect(() => loadConfig({ TTS_MODEL: "x", TTS_TIMEOUT_SECONDS: "0" })).toThrow(/TTS_TIMEOUT_SECONDS/);
  });
});

describe("voice in: what channels keep", () => {
  it("Telegram keeps the file id and length; Zalo and Zalo OA the URL; nothing else", () => {
    const tg = updateSchema.parse({
      update_id: 5,
      message: { message_id: 1, date: 1, chat: { id: 9, type: "private" }, from: { id: 9 }, voice: { file_id: "AwAD", duration: 7 } },
    });
    expect(normalizeUpdate(tg)).toMatchObject({ media: "voice", text: "", voice: { ref: "AwAD", durationSec: 7 } });
    const zalo = normaliseEvent({
      event_name: "message.voice.received",
      message: { from: { id: "u" }, chat: { id: "u" }, message_id: "m", voice_url: "https://cdn.zalo.example/v.aac" },
    });
    expect(zalo).toMatchObject({ msg: { media: "voice", voice: { ref: "https://cdn.zalo.example/v.aac" } } });
    const badUrl = normaliseEvent({
      event_name: "message.voice.received",
      message: { from: { id: "u" }, chat: { id: "u" }, message_id: "m", voice_url: "file:///etc/passwd" },
    });
    expect(badUrl).toMatchObject({ msg: { media: "voice" } });
    expect(badUrl.kind === "message" ? badUrl.msg.voice : "not a message").toBeUndefined();
    const oa = normaliseOaEvent({
      event_name: "user_send_audio",
      sender: { id: "u1" },
      message: { msg_id: "m", attachments: [{ type: "audio", payload: { url: "https://zalo.example/v.m4a", phone: "0912345678" } }] },
    });
    expect(oa).toMatchObject({ msg: { media: "voice", voice: { ref: "https://zalo.example/v.m4a" } } });
    expect(JSON.stringify(oa)).not.toContain("0912345678");
  });

  it("the inbox keeps the reference in the text column and reads it back; anything else reads as no reference", () => {
    const stored = inboxText({ text: "", voice: { ref: "https://x/y.aac", durationSec: 3 } });
    expect(voiceFromInbox(stored)).toEqual({ ref: "https://x/y.aac", durationSec: 3 });
    expect(inboxText({ text: "tiếp" })).toBe("tiếp");
    expect(voiceFromInbox("")).toBeUndefined();
    expect(voiceFromInbox("{broken")).toBeUndefined();
    expect(voiceFromInbox('{"ref":""}')).toBeUndefined();
  });
});

describe("voice in: audio", () => {
  const frame = Buffer.from([0xff, 0xf1, (1 << 6) | (8 << 2), 0x40, (9 >> 3) & 0xff, ((9 & 7) << 5) | 0x1f, 0xfc, 0, 0]);
  it("copies raw ADTS AAC into an M4A container, frames untouched, and measures it (16 kHz: 64 ms a frame)", async () => {
    const twoSeconds = Buffer.concat(Array.from({ length: 32 }, () => frame));
    expect(sniffAudio(twoSeconds)).toEqual({ filename: "voice.aac", mime: "audio/aac" });
    expect(await durationOf(twoSeconds)).toBeCloseTo(2.048, 3);
    const m4a = Buffer.from((await adtsToM4a(twoSeconds)) ?? []);
    expect(sniffAudio(m4a)).toEqual({ filename: "voice.m4a", mime: "audio/mp4" });
    expect(await durationOf(m4a)).toBeCloseTo(2.048, 3);
    // Each frame's two payload bytes are kept, without their 7-byte headers: 64 bytes of audio in the mdat box.
    const mdat = m4a.indexOf("mdat");
    expect(m4a.readUInt32BE(mdat - 4)).toBe(8 + 32 * 2);
    expect(await adtsToM4a(Buffer.from("OggS not aac"))).toBeUndefined();
    expect(await durationOf(Buffer.from("AUDIO-ogg-1"))).toBeUndefined();
    expect(sniffAudio(Buffer.from("OggS...."))).toEqual({ filename: "voice.ogg", mime: "audio/ogg" });
  });
});
