import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { ZaloOaStore } from "../../conversation/ports.js";
import type { ChannelSender, OutboundCall, SendOutcome } from "../types.js";
import { type OaAnswer, type OaClient, OaHttpError } from "./client.js";
import { mediaMessage, renderOa } from "./render.js";
import { OaTokenError, type OaTokensManager } from "./tokens.js";

// The outbound half: each rendered call is one API request, made with the current access token; the answer's
// `error` (never the HTTP status) is classified for the outbox.

/** The access token is invalid or expired: refresh, then try the call once more. */
const TOKEN_REFUSED = new Set([-216, -220]);
/**
 * Nothing more reaches this learner until they write again: -230 no interaction for 7 days (outside the window),
 * -213 not a follower (they left the OA), -227 inactive for over 45 days. The outbox cancels their pending messages
 * and marks them unreachable; their next message clears it.
 */
const UNREACHABLE = new Set([-230, -213, -227]);
/** How long a send waits when no working token can be had (a refresh failed): the outbox retries after it. */
const TOKEN_WAIT_MS = 60_000;

/** What the outbox should do with an API answer. */
export function classifyOaAnswer(error: number): SendOutcome {
  if (error === 0) return { ok: true };
  const code = `oa_${error}`;
  if (error === -32) return { ok: false, retry: {}, code }; // rate limit: back off
  if (TOKEN_REFUSED.has(error)) return { ok: false, retry: { afterMs: TOKEN_WAIT_MS }, code }; // refused even after a refresh
  if (UNREACHABLE.has(error)) return { ok: false, blocked: true, code };
  return { ok: false, code };
}

/** What the outbox should do when the call got no API answer, or no token could be had. */
export function classifyOaFailure(err: unknown): SendOutcome {
  if (err instanceof OaTokenError) return { ok: false, retry: { afterMs: TOKEN_WAIT_MS }, code: "oa_token" };
  if (err instanceof OaHttpError) {
    const s = err.httpStatus;
    if (s !== undefined && s >= 400 && s < 500 && s !== 408 && s !== 429) return { ok: false, code: `http_${s}` };
    return { ok: false, retry: {}, code: s !== undefined && s >= 400 ? `http_${s}` : `oa_${err.reason}` };
  }
  return { ok: false, retry: {}, code: "oa_error" };
}

const MEDIA_NAME = /^[\w.-]{1,200}$/;

export function createOaSender(deps: { client: OaClient; tokens: OaTokensManager; store: ZaloOaStore; mediaDir: string; log: Logger }) {
  const { client, tokens, store, log } = deps;
  /** Attachment ids by picture (name and content), in front of the store's copy. */
  const attachments = new Map<string, string>();
  const uploading = new Map<string, Promise<string | SendOutcome>>();

  /** Makes a call with the current token; refused for the token, refreshes (once) and makes it again. */
  async function withToken<T extends OaAnswer>(op: (token: string) => Promise<T>): Promise<T> {
    const token = await tokens.current();
    const a = await op(token);
    if (!TOKEN_REFUSED.has(a.error)) return a;
    log.info({ code: a.error }, "zalo-oa: access token refused; refreshing it");
    return op(await tokens.afterRejection(token));
  }

  function outcome(a: OaAnswer, method: string): SendOutcome {
    const o = classifyOaAnswer(a.error);
    if (!o.ok && !o.retry && !o.blocked) log.warn({ method, code: a.error }, "zalo-oa: call refused");
    return o;
  }

  /** Pictures and buttons help but are not the lesson: a refusal that waiting will not cure lets the text go on. */
  function optional(o: SendOutcome, method: string): SendOutcome {
    if (o.ok || o.retry || o.blocked) return o;
    log.warn({ method, code: o.code }, "zalo-oa: sent without it");
    return { ok: true };
  }

  async function upload(key: string, file: string, content: Buffer): Promise<string | SendOutcome> {
    const a = await withToken((t) => client.uploadImage(t, { name: file, content }));
    if (a.error !== 0 || !a.attachmentId) return outcome(a, "upload");
    await store.saveAttachment(key, a.attachmentId).catch((err: Error) => {
      log.warn({ err: { type: err.name } }, "zalo-oa: could not keep the picture's attachment id; it will be uploaded again");
    });
    return a.attachmentId;
  }

  async function sendImage(userId: string, file: string): Promise<SendOutcome> {
    if (!MEDIA_NAME.test(file)) return optional({ ok: false, code: "bad_media_name" }, "image");
    const content = await readFile(join(deps.mediaDir, file)).catch(() => undefined);
    if (!content) return optional({ ok: false, code: "media_missing" }, "image");
    // Uploaded once per picture: the same name with other content (an edited lesson) is a new picture.
    const key = `${file}:${createHash("sha256").update(content).digest("hex").slice(0, 16)}`;
    let id = attachments.get(key) ?? (await store.attachment(key));
    if (!id) {
      let pending = uploading.get(key);
      if (!pending) {
        pending = upload(key, file, content).finally(() => uploading.delete(key));
        uploading.set(key, pending);
      }
      const up = await pending;
      if (typeof up !== "string") return optional(up, "upload");
      id = up;
    }
    if (attachments.size > 10_000) attachments.clear();
    attachments.set(key, id);
    const attachmentId = id;
    const o = outcome(await withToken((t) => client.sendMessage(t, mediaMessage(userId, attachmentId))), "image");
    if (!o.ok && !o.retry && !o.blocked) {
      // [unverified] whether attachment ids expire: one refused is forgotten, so the picture is uploaded again next time.
      attachments.delete(key);
      await store.forgetAttachment(key).catch(() => undefined);
    }
    return optional(o, "image");
  }

  const sender: ChannelSender = {
    channel: "zalo-oa",
    render: renderOa,
    async send(chatId: string, call: OutboundCall): Promise<SendOutcome> {
      try {
        switch (call.method) {
          case "message":
            return outcome(await withToken((t) => client.sendMessage(t, call.params)), "message");
          case "buttons":
            return optional(outcome(await withToken((t) => client.sendMessage(t, call.params)), "buttons"), "buttons");
          case "image":
            return await sendImage(chatId, String(call.params.file ?? ""));
          default:
            return { ok: false, code: "unknown_method" };
        }
      } catch (err) {
        return classifyOaFailure(err);
      }
    },
  };
  return sender;
}
