import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { OutboundCall } from "../../../src/channels/types.js";
import { OaHttpError } from "../../../src/channels/zalo-oa/client.js";
import { FOLLOW_TEXT, normaliseOaEvent } from "../../../src/channels/zalo-oa/events.js";
import { fitAllowance, OA_FREE_REPLIES, OA_TEXT_MAX, renderOa, splitSentences } from "../../../src/channels/zalo-oa/render.js";
import { classifyOaAnswer, classifyOaFailure } from "../../../src/channels/zalo-oa/send.js";
import { signatureMatches, signedTimestamp } from "../../../src/channels/zalo-oa/signature.js";
import { OaTokenError } from "../../../src/channels/zalo-oa/tokens.js";
import { loadConfig } from "../../../src/config.js";
import { withOptions } from "../../../src/tutor/replies.js";

// The Zalo OA adapter's pure parts: events, signature, rendering within Zalo's limits, error classes.

describe("Zalo OA events", () => {
  const base = { app_id: "1", timestamp: "1760000000000", recipient: { id: "oa" } };
  it("a text is a learner message keyed by msg_id; a follow feeds the tutor a start", () => {
    expect(normaliseOaEvent({ ...base, event_name: "user_send_text", sender: { id: "u1" }, message: { msg_id: "m1", text: "1" } })).toEqual(
      {
        kind: "message",
        event: "user_send_text",
        msg: { channel: "zalo-oa", userKey: "u1", chatId: "u1", messageKey: "m1", text: "1" },
      },
    );
    const follow = normaliseOaEvent({ ...base, event_name: "follow", follower: { id: "u2" } });
    expect(follow).toMatchObject({ kind: "message", msg: { userKey: "u2", text: FOLLOW_TEXT, messageKey: "follow:u2:1760000000000" } });
    expect(FOLLOW_TEXT).toBe("/start");
  });

  it("pictures, stickers, files, locations and voice become media the tutor answers kindly; nothing of them is kept", () => {
    const media = (event_name: string) =>
      normaliseOaEvent({
        ...base,
        event_name,
        sender: { id: "u1" },
        message: { msg_id: "m", attachments: [{ payload: { url: "https://x/y", phone: "0912345678" } }] },
      });
    expect(media("user_send_image")).toMatchObject({ kind: "message", msg: { media: "image", text: "" } });
    expect(media("user_send_gif")).toMatchObject({ msg: { media: "image" } });
    expect(media("user_send_sticker")).toMatchObject({ msg: { media: "sticker" } });
    expect(media("user_send_file")).toMatchObject({ msg: { media: "file" } });
    expect(media("user_send_location")).toMatchObject({ msg: { media: "location" } });
    expect(media("user_send_audio")).toMatchObject({ msg: { media: "voice" } });
    expect(media("user_submit_info")).toMatchObject({ msg: { media: "unsupported" } });
    expect(JSON.stringify(media("user_submit_info"))).not.toContain("0912345678");
  });

  it("our own echoes, receipts, anonymous visitors and unknown events are ignored; broken ones are invalid", () => {
    const ev = (event_name: string, extra = {}) => normaliseOaEvent({ ...base, event_name, sender: { id: "u1" }, ...extra });
    expect(ev("oa_send_text", { message: { msg_id: "m", text: "hi" } })).toMatchObject({ kind: "ignored", reason: "own_echo" });
    expect(ev("oa_send_image")).toMatchObject({ kind: "ignored", reason: "own_echo" });
    expect(ev("user_seen_message")).toMatchObject({ kind: "ignored", reason: "not_for_tutor" });
    expect(ev("unfollow")).toMatchObject({ kind: "ignored", reason: "not_for_tutor" });
    expect(ev("anonymous_send_text")).toMatchObject({ kind: "ignored", reason: "anonymous" });
    expect(ev("brand_new_event")).toMatchObject({ kind: "ignored", reason: "unknown_event" });
    expect(ev("user_send_text", { message: { text: "no id" } })).toMatchObject({ kind: "invalid" });
    expect(ev("user_send_text", { message: { msg_id: "m" } })).toMatchObject({ kind: "invalid" });
    expect(normaliseOaEvent({ event_name: "follow", follower: { id: "u" } })).toMatchObject({ kind: "invalid" });
    expect(normaliseOaEvent([])).toEqual({ kind: "invalid" });
  });
});

describe("X-ZEvent-Signature", () => {
  const body = Buffer.from('{"app_id":"123","event_name":"user_send_text","timestamp":"1760000000000","message":{"text":"chào"}}');
  const mac = createHash("sha256")
    .update(`123${body.toString("utf8")}1760000000000oa-secret`)
    .digest("hex");
  it("is SHA-256 over app id, the raw body, the body's timestamp and the OA secret key", () => {
    const signed = signedTimestamp(body);
    expect(signed?.timestamp).toBe("1760000000000");
    expect(signatureMatches(`mac=${mac}`, "123", body, "1760000000000", "oa-secret")).toBe(true);
    expect(signatureMatches(mac, "123", body, "1760000000000", "oa-secret")).toBe(true);
    expect(signatureMatches(`mac=${mac}`, "123", body, "1760000000001", "oa-secret")).toBe(false);
    expect(signatureMatches(`mac=${mac}`, "124", body, "1760000000000", "oa-secret")).toBe(false);
    expect(signatureMatches(`mac=${mac}`, "123", Buffer.concat([body, Buffer.from(" ")]), "1760000000000", "oa-secret")).toBe(false);
    expect(signatureMatches(undefined, "123", body, "1760000000000", "oa-secret")).toBe(false);
    expect(signatureMatches(`mac=${mac.slice(1)}`, "123", body, "1760000000000", "oa-secret")).toBe(false);
    expect(signedTimestamp(Buffer.from("{}"))).toBeUndefined();
    expect(signedTimestamp(Buffer.from("not json"))).toBeUndefined();
  });
});

/** The template payload of a "buttons" call. */
function buttonsOf(call: OutboundCall | undefined): Record<string, unknown> {
  if (call?.method !== "buttons") throw new Error(`not a buttons call: ${call?.method}`);
  return (call.params as { message: { attachment: { payload: Record<string, unknown> } } }).message.attachment.payload;
}

describe("rendering for the OA", () => {
  it("splits long text at sentence ends, each piece within the limit, losing nothing", () => {
    const sentence = (i: number) => `Câu số ${i} nói về mã OTP và cách giữ kín nó thật cẩn thận.`;
    const text = Array.from({ length: 120 }, (_, i) => sentence(i)).join(" ");
    const pieces = splitSentences(text, OA_TEXT_MAX);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(OA_TEXT_MAX);
      expect(p.endsWith(".")).toBe(true);
    }
    expect(pieces.join(" ")).toBe(text);
    // No boundary at all: cut at the limit, never inside an emoji.
    const emoji = "😀".repeat(1500);
    const cut = splitSentences(emoji, OA_TEXT_MAX);
    expect(cut.join("")).toBe(emoji);
    for (const p of cut) expect(p.length).toBeLessThanOrEqual(OA_TEXT_MAX);
  });

  it("options are a numbered list in the text and digit buttons after it; a picture comes first", () => {
    const reply = withOptions("**Bước 1/4**: Mở ứng dụng.", ["Xong, tiếp tục", "Giải thích thêm"], {
      image: { file: "a.png", alt: "Màn hình" },
      quick: ["repeat", "menu"],
    });
    const calls = renderOa("u1", reply);
    expect(calls.map((c) => c.method)).toEqual(["image", "message", "buttons"]);
    expect(calls[0]?.params).toEqual({ user_id: "u1", file: "a.png" });
    expect(calls[1]?.params).toEqual({
      recipient: { user_id: "u1" },
      message: { text: "Bước 1/4: Mở ứng dụng.\n\n1. Xong, tiếp tục\n2. Giải thích thêm\n\n(Gõ: nhắc lại · menu)" },
    });
    const payload = buttonsOf(calls[2]);
    expect(payload.template_type).toBe("list");
    expect(payload.buttons).toEqual([
      { title: "1. Xong, tiếp tục", type: "oa.query.show", payload: "1" },
      { title: "2. Giải thích thêm", type: "oa.query.show", payload: "2" },
    ]);
  });

  it("long labels are shortened on buttons (never in the text); many options are typed only", () => {
    const long = "Một lựa chọn rất dài ".repeat(10).trim();
    const calls = renderOa("u1", withOptions("Chọn:", [long, "Ngắn"]));
    const buttons = buttonsOf(calls[1]).buttons as Array<{ title: string }>;
    expect(buttons[0]?.title.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(calls[0]?.params)).toContain(long);
    const many = renderOa("u1", withOptions("Chọn:", ["a", "b", "c", "d", "e", "f"]));
    expect(many.map((c) => c.method)).toEqual(["message"]);
  });
});

describe("one turn within the 8 free replies", () => {
  const calls = (rs: ReturnType<typeof fitAllowance>) => rs.flatMap((r) => renderOa("u1", r));
  const textOf = (cs: OutboundCall[]) => cs.map((c) => (c.params.message as { text?: string } | undefined)?.text ?? "").join("\n\n");

  it("joins neighbouring replies until the turn fits, keeping every text in order and the last choices as buttons", () => {
    const turn = [...Array.from({ length: 9 }, (_, i) => ({ text: `Đoạn ${i + 1}.` })), withOptions("Bác chọn:", ["Tiếp tục", "Nhắc lại"])];
    expect(calls(turn).length).toBe(11);
    const fitted = fitAllowance(turn);
    const sent = calls(fitted);
    expect(sent.length).toBeLessThanOrEqual(OA_FREE_REPLIES);
    const text = textOf(sent);
    for (let i = 1; i <= 9; i++) expect(text.indexOf(`Đoạn ${i}.`)).toBeGreaterThanOrEqual(0);
    expect(text.indexOf("Đoạn 1.")).toBeLessThan(text.indexOf("Đoạn 9."));
    expect(text.indexOf("Đoạn 9.")).toBeLessThan(text.indexOf("Bác chọn:"));
    expect(sent.at(-1)?.method).toBe("buttons");
  });

  it("leaves a turn that fits as it is", () => {
    const turn = [{ text: "Một." }, withOptions("Hai?", ["Có", "Không"])];
    expect(fitAllowance(turn)).toEqual(turn);
  });
});

describe("classifying the OA's answers", () => {
  it("reads the body's error: retry on -32, give up the learner on -230, log others", () => {
    expect(classifyOaAnswer(0)).toEqual({ ok: true });
    expect(classifyOaAnswer(-32)).toEqual({ ok: false, retry: {}, code: "oa_-32" });
    expect(classifyOaAnswer(-230)).toEqual({ ok: false, blocked: true, code: "oa_-230" });
    expect(classifyOaAnswer(-213)).toMatchObject({ blocked: true });
    expect(classifyOaAnswer(-216)).toMatchObject({ ok: false, retry: { afterMs: 60_000 } });
    expect(classifyOaAnswer(-201)).toEqual({ ok: false, code: "oa_-201" });
    expect(classifyOaFailure(new OaHttpError("timeout"))).toEqual({ ok: false, retry: {}, code: "oa_timeout" });
    expect(classifyOaFailure(new OaHttpError("bad_response", 502))).toEqual({ ok: false, retry: {}, code: "http_502" });
    expect(classifyOaFailure(new OaHttpError("bad_response", 404))).toEqual({ ok: false, code: "http_404" });
    expect(classifyOaFailure(new OaTokenError("x"))).toMatchObject({ retry: { afterMs: 60_000 }, code: "oa_token" });
  });
});

describe("Zalo OA configuration", () => {
  const full = {
    ZALO_OA_APP_ID: "4321",
    ZALO_OA_SECRET_KEY: "s",
    ZALO_OA_APP_SECRET: "a",
    ZALO_OA_REFRESH_TOKEN: "r",
  };
  it("is on with an app id and its secrets; off without", () => {
    expect(loadConfig(full).zaloOa).toEqual({
      appId: "4321",
      secretKey: "s",
      appSecret: "a",
      refreshToken: "r",
      apiRoot: "https://openapi.zalo.me",
      oauthRoot: "https://oauth.zaloapp.com",
    });
    expect(loadConfig({}).zaloOa).toBeUndefined();
  });
  it("names what is missing, in Vietnamese", () => {
    expect(() => loadConfig({ ...full, ZALO_OA_SECRET_KEY: "" })).toThrow(/ZALO_OA_SECRET_KEY: bắt buộc khi đã đặt ZALO_OA_APP_ID/);
    expect(() => loadConfig({ ...full, ZALO_OA_REFRESH_TOKEN: undefined })).toThrow(/ZALO_OA_REFRESH_TOKEN/);
    expect(() => loadConfig({ ZALO_OA_ACCESS_TOKEN: "x" })).toThrow(/ZALO_OA_APP_ID/);
    expect(() => loadConfig({ ...full, ZALO_OA_API_ROOT: "nope" })).toThrow(/ZALO_OA_API_ROOT/);
  });
});
