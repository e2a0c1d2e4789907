import { readdirSync, readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { toTelegramHtml } from "../../src/channels/telegram.js";
import { vi } from "../../src/tutor/texts.vi.js";
import { durationOf } from "../../src/voice/remux.js";
import { eventually, joined, startApp, tempDir, webChat } from "../helpers/app.js";
import { adtsAudio, startFakeStt } from "../helpers/fake-stt.js";
import { postTelegram, startFakeTelegram, TG_SECRET, telegramEnv, tgText, tgVoice } from "../helpers/fake-telegram.js";
import { type FakeTts, startFakeTts } from "../helpers/fake-tts.js";
import {
  type FakeZaloOa,
  OA_ACCESS_TOKEN,
  OA_APP_ID,
  OA_APP_SECRET,
  OA_REFRESH_TOKEN,
  OA_SECRET_KEY,
  oaEvent,
  signEvent,
  startFakeZaloOa,
} from "../helpers/fake-zalo-oa.js";

// Voice out ("đọc to") and voice in on the web page and Zalo OA: the real app, a real SQLite file, stand-ins for
// Telegram, Zalo OA, and OpenAI-compatible speech endpoints on loopback.

const ADMIN = "voice-out-admin-token-01";

let dir: ReturnType<typeof tempDir>;
let tts: FakeTts;
let app: App | undefined;

beforeEach(async () => {
  dir = tempDir();
  tts = await startFakeTts();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await tts.close();
  dir.cleanup();
});

const ttsEnv = () => ({ TTS_BASE_URL: tts.url, TTS_MODEL: "piper-vi", TTS_VOICE: "vi_VN-vais1000-medium", TTS_API_KEY: "tts-key" });

async function metric(name: string): Promise<number> {
  const res = await app!.server.inject({ url: "/metrics", headers: { authorization: `Bearer ${ADMIN}` } });
  const line = res.body.split("\n").find((l) => l.startsWith(`${name} `));
  return Number(line?.split(" ")[1] ?? Number.NaN);
}

describe("“đọc to” on Telegram", () => {
  let tg: Awaited<ReturnType<typeof startFakeTelegram>>;
  beforeEach(async () => {
    tg = await startFakeTelegram();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await tg.close();
  });

  const start = (env: Record<string, string> = ttsEnv(), ttsTimeoutMs?: number) =>
    startApp({
      dbPath: `${dir.path}/t.db`,
      env: {
        ...telegramEnv(tg.url),
        ADMIN_TOKEN: ADMIN,
        ...env,
      },
      ...(ttsTimeoutMs ? { options: { ttsTimeoutMs } } : {}),
    });

  /** Sends an update and waits until a text matching `last` arrives; returns the calls made to the chat since. */
  async function exchange(chat: number, update: unknown, last: RegExp | number) {
    const before = tg.calls.filter((c) => String(c.body.chat_id) === String(chat)).length;
    expect((await postTelegram(app!, update, TG_SECRET)).statusCode).toBe(200);
    return eventually(() => {
      // What the learner sees: messages and voice notes ("typing…" aside).
      const got = tg.calls
        .filter((c) => String(c.body.chat_id) === String(chat))
        .slice(before)
        .filter((c) => c.ok && c.method !== "sendChatAction");
      const texts = got.filter((c) => c.method === "sendMessage").map((c) => String(c.body.text));
      if (typeof last === "number") expect(texts.length).toBe(last);
      else
        expect(
          texts.some((t) => last.test(t)),
          `${last} in ${JSON.stringify(texts)}`,
        ).toBe(true);
      return { calls: got, texts, voices: got.filter((c) => c.method === "sendVoice") };
    });
  }

  async function intoLesson(u: number): Promise<void> {
    await exchange(u, tgText(u, "hi"), 2);
    await exchange(u, tgText(u, "1"), 2);
    await exchange(u, tgText(u, "1"), /Chủ đề này có 2 bài/);
    await exchange(u, tgText(u, "1"), /Bước 1\/4/);
  }

  it("reads the step aloud as a voice note before its text; a second time from the cache, sent by Telegram's file id", async () => {
    app = await start();
    const u = 9101;
    await intoLesson(u);
    expect(tts.requests).toHaveLength(0);

    const first = await exchange(u, tgText(u, "đọc to"), /Bước 1\/4/);
    expect(first.calls.map((c) => c.method)).toEqual(["sendVoice", "sendMessage"]);
    expect(first.voices[0]?.body).toMatchObject({ multipart: true, filename: expect.stringMatching(/\.mp3$/) });
    // The stand-in's audio arrived whole, and it is real audio (a player and mediabunny read its length).
    const uploaded = Buffer.from(String(first.voices[0]?.body.file), "latin1");
    expect(uploaded.equals(tts.audio)).toBe(true);
    expect(await durationOf(uploaded)).toBeGreaterThan(0.5);

    // What the voice read: the step as a listener hears it — no markup, no emoji, the options numbered in words.
    expect(tts.requests).toHaveLength(1);
    const read = tts.requests[0];
    expect(read).toMatchObject({ model: "piper-vi", voice: "vi_VN-vais1000-medium", format: "mp3", authorization: "Bearer tts-key" });
    expect(read?.input).toMatch(/^Bước một trên bốn: Hiểu mã O T P\./);
    expect(read?.input).not.toMatch(/\*\*|[\u{1F300}-\u{1FAFF}]/u);
    expect(read?.input).toMatch(/Một: /);
    expect(read?.input).not.toMatch(/\b1\/4\b/);

    // Without diacritics, and again: the audio is not made twice, nor uploaded twice.
    const again = await exchange(u, tgText(u, "doc to"), /Bước 1\/4/);
    expect(tts.requests).toHaveLength(1);
    expect(again.voices[0]?.body.voice).toMatch(/^tg-voice-/);
    expect(await metric("bdhai_syntheses_total")).toBe(1);
    expect(await metric("bdhai_synthesis_cache_hits_total")).toBe(1);
    // The audio cache holds lesson text only, under hashes: one file.
    expect(readdirSync(`${dir.path}/tts-cache`).filter((f) => f.endsWith(".mp3"))).toHaveLength(1);
  });

  it("“luôn đọc to” sends each new step with its audio; “tắt đọc to” stops it; the choice survives a restart", async () => {
    app = await start();
    const u = 9102;
    await intoLesson(u);
    const on = await exchange(u, tgText(u, "luôn đọc to"), /Bước 1\/4/);
    expect(on.texts[0]).toBe(toTelegramHtml(vi.readAloudOn));
    expect(on.voices).toHaveLength(1);

    const next = await exchange(u, tgText(u, "tiếp"), /Kiểm tra \(2\/4\)/);
    expect(next.calls.map((c) => c.method)).toEqual(["sendVoice", "sendMessage"]);
    await app.close();
    app = await start();
    const third = await exchange(u, tgText(u, "1"), /Bước 3\/4/);
    expect(third.voices).toHaveLength(1);

    const off = await exchange(u, tgText(u, "tat doc to"), 1);
    expect(off.texts[0]).toBe(toTelegramHtml(vi.readAloudOff));
    const quiet = await exchange(u, tgText(u, "tiếp"), /Câu hỏi \(4\/4\)/);
    expect(quiet.voices).toHaveLength(0);
    expect(tts.requests).toHaveLength(3);
  });

  it("a spoken “đọc to” (voice in) gets the step read aloud (voice out)", async () => {
    const stt = await startFakeStt();
    try {
      app = await start({ ...ttsEnv(), STT_BASE_URL: stt.url, STT_MODEL: "whisper-vi" });
      const u = 9103;
      await intoLesson(u);
      tg.addFile("v1", "AUDIO-ogg-v1");
      stt.hears("AUDIO-ogg-v1", "Đọc to.");
      const r = await exchange(u, tgVoice(u, "v1"), /Bước 1\/4/);
      expect(r.texts[0]).toBe(vi.voiceHeard("Đọc to."));
      expect(r.voices).toHaveLength(1);
    } finally {
      await stt.close();
    }
  });

  it("the speech endpoint failing or hanging: the step's text, and a kind word, in time; it works again later", async () => {
    app = await start(ttsEnv(), 600);
    const u = 9104;
    await intoLesson(u);
    tts.script({ status: 503 });
    const down = await exchange(u, tgText(u, "đọc to"), /đọc to được/);
    expect(down.voices).toHaveLength(0);
    expect(down.texts).toEqual([expect.stringContaining("Bước 1/4"), toTelegramHtml(vi.readAloudFailed)]);

    tts.script("hang");
    const t0 = Date.now();
    const hung = await exchange(u, tgText(u, "đọc to"), /đọc to được/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(hung.voices).toHaveLength(0);
    expect(await metric('bdhai_synthesis_failures_total{reason="tts"}')).toBe(1);
    expect(await metric('bdhai_synthesis_failures_total{reason="timeout"}')).toBe(1);

    const back = await exchange(u, tgText(u, "đọc to"), /Bước 1\/4/);
    expect(back.voices).toHaveLength(1);
  });

  it("reading aloud counts against the day's model budget; a cached step does not", async () => {
    app = await start({ ...ttsEnv(), OPENAI_DAILY_CALLS: "1" });
    const u = 9105;
    await intoLesson(u);
    expect((await exchange(u, tgText(u, "đọc to"), /Bước 1\/4/)).voices).toHaveLength(1);
    expect((await exchange(u, tgText(u, "đọc to"), /Bước 1\/4/)).voices).toHaveLength(1);
    await exchange(u, tgText(u, "tiếp"), /Kiểm tra \(2\/4\)/);
    const spent = await exchange(u, tgText(u, "đọc to"), /đọc to được/);
    expect(spent.voices).toHaveLength(0);
    expect(tts.requests).toHaveLength(1);
    expect(await metric('bdhai_synthesis_failures_total{reason="budget"}')).toBe(1);
  });

  it("no speech endpoint: “đọc to” is answered kindly, never silence, never a link", async () => {
    app = await start({});
    const u = 9106;
    await intoLesson(u);
    const r = await exchange(u, tgText(u, "đọc to"), 1);
    expect(r.texts).toEqual([vi.readAloudUnavailable]);
    expect(r.texts[0]).not.toMatch(/https?:/);
  });
});

describe("“đọc to” on the web page", () => {
  it("the reply carries an audio player's address, served from the cache; the terminal is told kindly", async () => {
    app = await startApp({ dbPath: `${dir.path}/w.db`, env: ttsEnv() });
    const say = webChat(() => app, "web-voice-out-01");
    await say("Xin chào");
    await say("1");
    await say("1");
    await say("1");
    const replies = await say("đọc to");
    const withAudio = replies.filter((r) => r.audio);
    expect(withAudio).toHaveLength(1);
    expect(withAudio[0]?.text).toContain("Bước 1/4");
    const res = await app.server.inject({ url: `/${withAudio[0]?.audio?.url}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("audio/mpeg");
    expect(res.rawPayload.equals(tts.audio)).toBe(true);
    expect((await app.server.inject({ url: "/audio/../../t.db" })).statusCode).toBe(404);
    expect((await app.server.inject({ url: `/audio/${"0".repeat(64)}.mp3` })).statusCode).toBe(404);
  });
});

describe("the web page's microphone", () => {
  it("a recording is transcribed and acted on as typed, after the “Cháu nghe bác nói” line; nothing of it is kept", async () => {
    const stt = await startFakeStt();
    try {
      app = await startApp({ dbPath: `${dir.path}/m.db`, env: { STT_BASE_URL: stt.url, STT_MODEL: "whisper-vi" } });
      const userId = "web-mic-learner-01";
      const peek = await app.server.inject({ url: `/api/chat?userId=${userId}` });
      expect(peek.json().voice).toBe(true);
      const say = webChat(() => app, userId);
      await say("Xin chào");
      await say("1");
      await say("1");
      await say("1");
      stt.hears("WEBM-rec-1", "tiếp");
      const post = (body: Buffer, type = "audio/webm;codecs=opus", messageId = "rec-1") =>
        app!.server.inject({
          method: "POST",
          url: `/api/voice?userId=${userId}&messageId=${messageId}`,
          headers: { "content-type": type },
          payload: body,
        });
      const res = await post(Buffer.from("\x1aE\xdf\xa3WEBM-rec-1", "latin1"));
      expect(res.statusCode).toBe(200);
      const replies = res.json().replies as Array<{ text: string }>;
      expect(replies[0]?.text).toBe(vi.voiceHeard("tiếp"));
      expect(joined(replies as never)).toMatch(/Kiểm tra \(2\/4\)/);
      expect(stt.requests[0]).toMatchObject({ filename: "voice.webm", mime: "audio/webm", language: "vi" });
      expect(stt.requests[0]?.prompt).toMatch(/tiếp/);

      // The same recording sent twice (a retry) is applied once.
      expect((await post(Buffer.from("\x1aE\xdf\xa3WEBM-rec-1", "latin1"))).json().duplicate).toBe(true);
      // Bad requests get a 4xx, a failing endpoint a kind reply.
      expect((await post(Buffer.alloc(0), "audio/webm", "rec-2")).statusCode).toBe(415);
      expect(
        (await app.server.inject({ method: "POST", url: "/api/voice?userId=x", headers: { "content-type": "audio/webm" }, payload: "x" }))
          .statusCode,
      ).toBe(400);
      stt.script({ status: 500 });
      const down = await post(Buffer.from("OggS-rec-3"), "audio/ogg", "rec-3");
      expect(down.json().replies[0].text).toBe(vi.voiceProblem.unavailable);
      const big = await post(Buffer.alloc(10 * 1024 * 1024 + 1, 1), "audio/webm", "rec-4");
      expect(big.statusCode).toBe(413);
      // No audio at rest: the database files hold the transcript as typed text would be, never the recording.
      await app.close();
      app = undefined;
      for (const f of readdirSync(dir.path).filter((f) => f.startsWith("m.db")))
        expect(readFileSync(`${dir.path}/${f}`).includes("WEBM-rec-1"), f).toBe(false);
    } finally {
      await stt.close();
    }
  });

  it("no speech endpoint: no microphone on the page, and the route does not exist", async () => {
    app = await startApp({ dbPath: `${dir.path}/n.db` });
    expect((await app.server.inject({ url: "/api/chat?userId=web-no-mic-0001" })).json().voice).toBe(false);
    const res = await app.server.inject({
      method: "POST",
      url: "/api/voice?userId=web-no-mic-0001&messageId=1",
      headers: { "content-type": "audio/webm" },
      payload: "x",
    });
    expect(res.statusCode).toBe(404);
  });
});

describe("Zalo OA: voice notes in, and “đọc to” where audio cannot be sent", () => {
  let oa: FakeZaloOa;
  beforeEach(async () => {
    oa = await startFakeZaloOa();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await oa.close();
  });

  it("a spoken “tiếp” moves the lesson on; “đọc to” is answered in words", async () => {
    const stt = await startFakeStt();
    try {
      app = await startApp({
        dbPath: `${dir.path}/oa.db`,
        env: {
          ZALO_OA_APP_ID: OA_APP_ID,
          ZALO_OA_SECRET_KEY: OA_SECRET_KEY,
          ZALO_OA_APP_SECRET: OA_APP_SECRET,
          ZALO_OA_ACCESS_TOKEN: OA_ACCESS_TOKEN,
          ZALO_OA_REFRESH_TOKEN: OA_REFRESH_TOKEN,
          ZALO_OA_API_ROOT: oa.url,
          ZALO_OA_OAUTH_ROOT: oa.url,
          STT_BASE_URL: stt.url,
          STT_MODEL: "whisper-vi",
          ...ttsEnv(),
        },
      });
      const user = "8474315217411049001";
      const exchange = async (event: Record<string, unknown>, last: RegExp) => {
        const before = oa.messagesTo(user).length;
        const { body, signature } = signEvent(event);
        const res = await app!.server.inject({
          method: "POST",
          url: "/webhooks/zalo-oa",
          headers: { "content-type": "application/json", "x-zevent-signature": signature },
          payload: body,
        });
        expect(res.statusCode).toBe(200);
        return eventually(() => {
          const got = oa.messagesTo(user).slice(before);
          expect(
            got.some((t) => last.test(t)),
            `${last} in ${JSON.stringify(got)}`,
          ).toBe(true);
          return got;
        });
      };
      await exchange(oaEvent.text(user, "Xin chào"), /Đồng ý/);
      await exchange(oaEvent.text(user, "1"), /An toàn/);
      await exchange(oaEvent.text(user, "1"), /Chủ đề này có 2 bài/);
      await exchange(oaEvent.text(user, "1"), /Bước 1\/4/);

      stt.hears("oa-rec-1", "tiếp");
      const url = oa.addAudio("rec1", adtsAudio(2, "oa-rec-1"));
      const next = await exchange(oaEvent.media(user, "user_send_audio", [{ type: "audio", payload: { url } }]), /Kiểm tra \(2\/4\)/);
      expect(next[0]).toBe(vi.voiceHeard("tiếp"));

      const read = await exchange(oaEvent.text(user, "đọc to"), /đọc to được/);
      expect(read).toEqual([vi.readAloudUnavailable]);
      expect(tts.requests).toHaveLength(0);
    } finally {
      await stt.close();
    }
  });
});
