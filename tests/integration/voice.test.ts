import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { vi } from "../../src/tutor/texts.vi.js";
import { eventually, startApp, tempDir } from "../helpers/app.js";
import { adtsAudio, startFakeStt } from "../helpers/fake-stt.js";
import { postTelegram, startFakeTelegram, TG_SECRET, telegramEnv, tgText, tgVoice } from "../helpers/fake-telegram.js";
import { type FakeZalo, startFakeZalo } from "../helpers/fake-zalo.js";

// Voice in: a learner speaks instead of typing. Real app, real SQLite file, stand-ins for Telegram, Zalo and an
// OpenAI-compatible speech-to-text endpoint on loopback.

const ZALO_TOKEN = "3141592653:Zalo-bot-TOKEN_for-tests";
const ZALO_SECRET = "zalo-webhook-secret-123";
const ADMIN = "voice-admin-token-000001";
const heard = (t: string) => vi.voiceHeard(t);

let dir: ReturnType<typeof tempDir>;
let stt: Awaited<ReturnType<typeof startFakeStt>>;
let app: App | undefined;

beforeEach(async () => {
  dir = tempDir();
  stt = await startFakeStt();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await stt.close();
  dir.cleanup();
});

const sttEnv = () => ({ STT_BASE_URL: stt.url, STT_MODEL: "whisper-vi", STT_API_KEY: "stt-key" });

async function metric(name: string): Promise<string[]> {
  const res = await app!.server.inject({ url: "/metrics", headers: { authorization: `Bearer ${ADMIN}` } });
  return res.body.split("\n").filter((l) => l.startsWith(name));
}

describe("voice notes on Telegram", () => {
  let tg: Awaited<ReturnType<typeof startFakeTelegram>>;
  beforeEach(async () => {
    tg = await startFakeTelegram();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await tg.close();
  });

  const start = (env: Record<string, string> = sttEnv(), sttTimeoutMs?: number) =>
    startApp({
      dbPath: `${dir.path}/t.db`,
      env: {
        ...telegramEnv(tg.url),
        ADMIN_TOKEN: ADMIN,
        ...env,
      },
      ...(sttTimeoutMs ? { options: { sttTimeoutMs } } : {}),
    });

  /** Sends an update and waits until a message matching `last` has arrived; returns what arrived. */
  async function exchange(chat: number, update: unknown, last: RegExp | number): Promise<string[]> {
    const before = tg.texts(chat).length;
    expect((await postTelegram(app!, update, TG_SECRET)).statusCode).toBe(200);
    return eventually(() => {
      const got = tg.texts(chat).slice(before);
      if (typeof last === "number") expect(got.length).toBe(last);
      else
        expect(
          got.some((t) => last.test(t)),
          `${last} in ${JSON.stringify(got)}`,
        ).toBe(true);
      return got;
    });
  }

  /** A voice note whose stand-in transcript is `transcript`. */
  let n = 0;
  function voice(u: number, transcript: string, duration = 3) {
    const id = `voice${++n}`;
    tg.addFile(id, `AUDIO-ogg-${id}`);
    stt.hears(`AUDIO-ogg-${id}`, transcript);
    return tgVoice(u, id, duration);
  }

  async function intoLesson(u: number): Promise<void> {
    await exchange(u, tgText(u, "hi"), 2);
    await exchange(u, tgText(u, "1"), 2);
    await exchange(u, tgText(u, "1"), /Chủ đề này có 2 bài/);
    await exchange(u, tgText(u, "1"), /Bước 1\/4/);
  }

  it("spoken “nhắc lại”, “tiếp”, “1” and a question repeat the step, move on, choose the option and get an answer — each after the “Cháu nghe bác nói” line", async () => {
    app = await start();
    const u = 8801;
    await intoLesson(u);

    const repeat = await exchange(u, voice(u, "nhắc lại"), /Bước 1\/4/);
    expect(repeat[0]).toBe(heard("nhắc lại"));
    expect(repeat.at(-1)).toContain("Bước 1/4: Hiểu mã OTP");

    const next = await exchange(u, voice(u, "Tiếp."), /Kiểm tra \(2\/4\)/);
    expect(next[0]).toBe(heard("Tiếp."));

    const chosen = await exchange(u, voice(u, "1"), /Bước 3\/4/);
    expect(chosen[0]).toBe(heard("1"));
    expect(chosen.at(-1)).toContain("Không đọc mã cho ai");

    const question = "Mã OTP là gì, số 0912345678 của tôi có sao không?";
    const answer = await exchange(u, voice(u, question), /Giữ kín mã OTP|một lần/);
    expect(answer[0]).toBe(heard(question));
    expect(answer.slice(1).join("\n")).toMatch(/Giữ kín mã OTP|một lần/);
    // The question pipeline's redaction applies to a transcript as to typed text.
    const stored = app.db.$client.prepare("select question from qa_questions").all() as Array<{ question: string }>;
    expect(stored).toHaveLength(1);
    expect(stored[0]?.question).not.toContain("0912345678");

    // Each audio was fetched through getFile and the file link, and sent to the endpoint as Vietnamese OGG.
    expect(tg.calls.filter((c) => c.method === "getFile")).toHaveLength(4);
    expect(stt.requests).toHaveLength(4);
    expect(stt.requests[0]).toMatchObject({ model: "whisper-vi", language: "vi", filename: "voice.ogg", authorization: "Bearer stt-key" });
    expect(stt.requests[0]?.prompt).toContain("tiếp");
    // The options on screen are given to the endpoint as likely words.
    expect(stt.requests[2]?.prompt).toContain("Đã thấy");

    // Nothing of the voice notes is kept: no audio and no file ids once handled.
    await app.inbox.idle();
    const files = [`${dir.path}/t.db`, `${dir.path}/t.db-wal`].map((f) => {
      try {
        return readFileSync(f).toString("latin1");
      } catch {
        return "";
      }
    });
    for (const f of files) expect(f).not.toContain("AUDIO-ogg-");
    expect(app.db.$client.prepare("select count(*) as n from inbox").get()).toEqual({ n: 0 });
    expect(await metric("bdhai_transcriptions_total")).toEqual(["bdhai_transcriptions_total 4"]);
  });

  it("the speech endpoint failing or hanging: a kind reply in time, the learner keeps their place", async () => {
    app = await start(sttEnv(), 800);
    const u = 8802;
    await intoLesson(u);

    // Voice notes without a transcript set get the scripted answers: an error, then silence.
    stt.script({ status: 500 });
    tg.addFile("voice-fail", "AUDIO-ogg-fail");
    const failed = await exchange(u, tgVoice(u, "voice-fail"), /gõ chữ/);
    expect(failed.join("\n")).toContain(vi.voiceProblem.unavailable);
    expect(failed.join("\n")).not.toContain("Cháu nghe bác nói");

    stt.script("hang");
    const id = "voice-hang";
    tg.addFile(id, "AUDIO-ogg-hang");
    const t0 = Date.now();
    const hung = await exchange(u, tgVoice(u, id), /gõ chữ/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(hung.join("\n")).toContain(vi.voiceProblem.unavailable);

    // Over two minutes: refused kindly before anything is downloaded or sent.
    const calls = stt.requests.length;
    const long = await exchange(u, voice(u, "tiếp", 300), /2 phút/);
    expect(long.join("\n")).toContain(vi.voiceProblem.too_long);
    expect(stt.requests.length).toBe(calls);

    // Still at step 1: typing works as before.
    expect((await exchange(u, tgText(u, "tiếp"), /Kiểm tra/)).at(-1)).toContain("Kiểm tra (2/4)");
    const failures = await metric("bdhai_transcription_failures_total");
    expect(failures).toContain('bdhai_transcription_failures_total{reason="stt"} 1');
    expect(failures).toContain('bdhai_transcription_failures_total{reason="timeout"} 1');
    expect(failures).toContain('bdhai_transcription_failures_total{reason="too_long"} 1');
  });

  it("the speech endpoint unreachable: a kind reply, never silence", async () => {
    app = await start({ STT_BASE_URL: "http://127.0.0.1:9/v1" });
    const u = 8803;
    await intoLesson(u);
    const r = await exchange(u, voice(u, "tiếp"), /gõ chữ/);
    expect(r.join("\n")).toContain(vi.voiceProblem.unavailable);
    expect(r.at(-1)).toContain("tiếp"); // the step's hint: they keep their place
  });

  it("no speech endpoint configured: the existing kind voice reply, nothing fetched", async () => {
    app = await start({});
    const u = 8804;
    await intoLesson(u);
    const r = await exchange(u, voice(u, "tiếp"), /gõ chữ/);
    expect(r.join("\n")).toContain(vi.mediaReceived("voice"));
    expect(tg.calls.filter((c) => c.method === "getFile")).toHaveLength(0);
    expect(stt.requests).toHaveLength(0);
  });
});

describe("voice notes on the Zalo Bot Platform", () => {
  let zalo: FakeZalo;
  const USER = "zalo-voice-user-01";
  let m = 0;
  beforeEach(async () => {
    zalo = await startFakeZalo();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await zalo.close();
  });

  const start = (env: Record<string, string> = sttEnv()) =>
    startApp({
      dbPath: `${dir.path}/z.db`,
      env: { ZALO_BOT_TOKEN: ZALO_TOKEN, ZALO_WEBHOOK_SECRET: ZALO_SECRET, ZALO_API_ROOT: zalo.url, ...env },
    });

  const event = (name: string, extra: Record<string, unknown>) => ({
    ok: true,
    result: {
      event_name: name,
      message: {
        from: { id: USER, display_name: "Bác Ba", is_bot: false },
        chat: { id: USER, chat_type: "PRIVATE" },
        message_id: `zv-${++m}`,
        date: Date.now(),
        ...extra,
      },
    },
  });

  async function exchange(payload: unknown, last: RegExp): Promise<string[]> {
    const before = zalo.messagesTo(USER).length;
    const res = await app!.server.inject({
      method: "POST",
      url: "/webhooks/zalo",
      headers: { "content-type": "application/json", "x-bot-api-secret-token": ZALO_SECRET },
      payload: JSON.stringify(payload),
    });
    expect(res.statusCode).toBe(200);
    return eventually(() => {
      const got = zalo.messagesTo(USER).slice(before);
      expect(
        got.some((t) => last.test(t)),
        `${last} in ${JSON.stringify(got)}`,
      ).toBe(true);
      return got;
    });
  }
  const text = (t: string, last: RegExp) => exchange(event("message.text.received", { text: t }), last);

  let k = 0;
  function voice(transcript: string, seconds = 2) {
    const name = `zv${++k}z`;
    const audio = adtsAudio(seconds, name);
    stt.hears(name, transcript);
    return event("message.voice.received", { voice_url: zalo.addVoice(name, audio) });
  }

  it("spoken “nhắc lại”, “tiếp”, “1” and a question work as typed, each after the “Cháu nghe bác nói” line", async () => {
    app = await start();
    await text("Xin chào", /Đồng ý/);
    await text("1", /An toàn/);
    await text("1", /Chủ đề này có 2 bài/);
    await text("1", /Bước 1\/4/);

    const repeat = await exchange(voice("nhắc lại"), /Bước 1\/4/);
    expect(repeat[0]).toBe(heard("nhắc lại"));
    const next = await exchange(voice("tiếp"), /Kiểm tra \(2\/4\)/);
    expect(next[0]).toBe(heard("tiếp"));
    const chosen = await exchange(voice("một"), /Bước 3\/4/);
    expect(chosen[0]).toBe(heard("một"));
    const answer = await exchange(voice("mã OTP là gì?"), /OTP/);
    expect(answer[0]).toBe(heard("mã OTP là gì?"));
    expect(answer.slice(1).join("\n")).toMatch(/Giữ kín mã OTP|một lần/);

    // Zalo's raw AAC reaches the endpoint (which, like OpenAI's, refuses raw .aac) copied into an M4A container.
    expect(stt.requests).toHaveLength(4);
    expect(stt.requests[0]).toMatchObject({ filename: "voice.m4a", mime: "audio/mp4", language: "vi" });
    expect(stt.requests[0]?.audio).toContain("zv1z");
  });

  it("a voice note over two minutes is refused kindly without calling the endpoint; the endpoint down gets a kind reply", async () => {
    app = await start();
    await text("Xin chào", /Đồng ý/);
    await text("1", /An toàn/);
    const long = await exchange(voice("tiếp", 150), /2 phút/);
    expect(long.join("\n")).toContain(vi.voiceProblem.too_long);
    expect(stt.requests).toHaveLength(0);

    stt.script({ status: 503 });
    const down = await exchange(
      event("message.voice.received", { voice_url: zalo.addVoice("unknown", adtsAudio(1, "unknown")) }),
      /gõ chữ/,
    );
    expect(down.join("\n")).toContain(vi.voiceProblem.unavailable);
    // A URL that is gone (expired): the same kind reply.
    const gone = await exchange(event("message.voice.received", { voice_url: `${zalo.url}/voice/expired.aac` }), /gõ chữ/);
    expect(gone.join("\n")).toContain(vi.voiceProblem.unavailable);
    expect(stt.requests).toHaveLength(1);
  });
});
