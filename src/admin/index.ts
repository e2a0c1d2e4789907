import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Registry } from "prom-client";
import { z } from "zod";
import type { ReloadStatus } from "../curriculum/store.js";
import type { Curriculum } from "../curriculum/types.js";
import { type AdminAuth, type AdminIdentity, createAdminAuth, retryAfter, wantsHtml } from "./auth.js";
import { renderDashboard } from "./dashboard.js";
import { channelName, fmtInt } from "./format.js";
import { MAX_DAYS } from "./heavy.js";
import { esc, page, sendHtml } from "./html.js";
import type { AdminStore } from "./ports.js";
import { pseudonymizer } from "./pseudonym.js";
import { csvFileName, lessonsCsv, progressCsv, ticketsCsv } from "./reports.js";
import { readTargets } from "./targets.js";

export type { AdminStore } from "./ports.js";
export { pseudonym } from "./pseudonym.js";
export { registerVerify } from "./verify.js";

// The admin area: dashboard, CSV reports, announcements. Registered only when ADMIN_TOKEN is set.

export interface AdminDeps {
  /** What the dashboard, the reports and the pseudonyms read, on whichever store the app runs. */
  store: AdminStore;
  adminToken: string;
  targetsFile: string;
  curriculum: () => Curriculum;
  curriculumStatus: () => ReloadStatus;
  /** Queues the text to opted-in, reachable learners through the outbox; returns how many. */
  announce: (text: string) => Promise<number>;
  publicBaseUrl?: string;
  /** Served at GET /metrics (Prometheus text), behind the admin token. */
  metrics?: Registry;
  /** The reply window of each channel that has one (ms): the dashboard counts the learners past it. */
  replyWindows?: Readonly<Record<string, number>>;
  /** Channels that cannot send now (Zalo OA: its token could not be refreshed): shown on the dashboard. */
  channelProblems?: () => string[];
}

const DAYS_MESSAGE = `days phải là một số ngày, từ 7 đến ${MAX_DAYS}`;
const dashboardQuery = z.object({
  // At most the year the dashboard's figures keep per day.
  days: z.coerce.number(DAYS_MESSAGE).int(DAYS_MESSAGE).min(7, DAYS_MESSAGE).max(MAX_DAYS, DAYS_MESSAGE).default(90),
});

const loginBody = z.object({ token: z.string().max(1024) });

const announceBody = z.object({
  text: z
    .string("Cần nội dung thông báo (text).")
    .transform((s) => s.replace(/\r\n?/g, "\n").trim())
    .pipe(z.string().min(1, "Nội dung thông báo đang trống.").max(1000, "Nội dung thông báo dài quá 1000 ký tự.")),
  csrf: z.string().optional(),
});

function loginPage(message?: { text: string; kind: "bad" }): string {
  return page({
    title: "Đăng nhập quản trị — Bình dân học AI",
    body: `<div class="narrow"><section class="card"><h1>Đăng nhập quản trị</h1>
<p class="muted">Bình dân học AI — bảng điều khiển cho cán bộ quản lý chương trình.</p>
${message ? `<p class="${message.kind}" role="alert">${esc(message.text)}</p>` : ""}
<form method="post" action="/admin/login">
<label for="token">Mã quản trị (ADMIN_TOKEN)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<p><button type="submit">Đăng nhập</button></p>
</form></section></div>`,
  });
}

function messagePage(title: string, html: string): string {
  return page({
    title: `${title} — Bình dân học AI`,
    body: `<div class="narrow"><section class="card"><h1>${esc(title)}</h1>${html}</section></div>`,
  });
}

const formParser = (_req: FastifyRequest, body: string, done: (err: Error | null, body?: unknown) => void) => {
  done(null, Object.fromEntries(new URLSearchParams(body)));
};

/** A short, non-secret tag of a session, so log lines of one admin's visit can be told apart. */
const sessionTag = (session: string) => createHash("sha256").update(session).digest("hex").slice(0, 8);

export function registerAdmin(app: FastifyInstance, deps: AdminDeps): void {
  // No token, no admin: not even a login page.
  if (!deps.adminToken) return;
  if (deps.adminToken.length < 16) throw new Error("ADMIN_TOKEN must be at least 16 characters long");
  const auth: AdminAuth = createAdminAuth({ token: deps.adminToken });
  const who = new WeakMap<FastifyRequest, AdminIdentity>();

  const messages = (retrySec: number) => ({
    401: { error: "unauthorized", message: "Cần mã quản trị: Authorization: Bearer <ADMIN_TOKEN>, hoặc đăng nhập tại /admin/login." },
    403: { error: "forbidden", message: "Mã quản trị không đúng." },
    429: { error: "too_many_attempts", message: `Nhập sai quá nhiều lần. Xin thử lại sau ${retrySec} giây.` },
  });
  const staleForm = { error: "forbidden", message: "Biểu mẫu đã cũ hoặc không hợp lệ. Xin tải lại bảng điều khiển rồi làm lại." };

  const deny = (req: FastifyRequest, reply: FastifyReply, status: 401 | 403 | 429, retrySec = 0, override?: typeof staleForm) => {
    if (status === 429) retryAfter(reply, retrySec);
    if (status === 401) reply.header("www-authenticate", 'Bearer realm="admin"');
    const body = override ?? messages(retrySec)[status];
    if (wantsHtml(req)) return sendHtml(reply, status, loginPage(status === 401 ? undefined : { text: body.message, kind: "bad" }));
    return reply.code(status).header("cache-control", "no-store").send(body);
  };

  const requireAdmin = async (req: FastifyRequest, reply: FastifyReply) => {
    const outcome = auth.check(req);
    if (outcome.ok) {
      who.set(req, outcome.who);
      return;
    }
    return deny(req, reply, outcome.status, outcome.status === 429 ? outcome.retryAfterSec : 0);
  };

  /** State-changing requests from a browser session must carry the session's form token. */
  const csrfOk = (req: FastifyRequest, given: unknown): boolean => {
    const id = who.get(req);
    if (!id) return false;
    if (id.via === "bearer") return true;
    return auth.formTokenValid(id.session, given ?? req.headers["x-csrf-token"]);
  };

  const badRequest = (req: FastifyRequest, reply: FastifyReply, message: string) =>
    wantsHtml(req) || req.headers["content-type"]?.startsWith("application/x-www-form-urlencoded")
      ? sendHtml(
          reply,
          400,
          messagePage("Chưa gửi được", `<p class="bad">${esc(message)}</p><p><a href="/admin#thong-bao">Quay lại</a></p>`),
        )
      : reply.code(400).send({ error: "bad_request", message });

  if (deps.metrics) {
    const registry = deps.metrics;
    app.get("/metrics", { onRequest: requireAdmin }, async (_req, reply) =>
      reply
        .header("content-type", registry.contentType)
        .header("cache-control", "no-store")
        .send(await registry.metrics()),
    );
  }

  app.register(
    async (admin) => {
      if (!admin.hasContentTypeParser("application/x-www-form-urlencoded")) {
        admin.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 16 * 1024 }, formParser);
      }

      admin.get("/login", (req, reply) => {
        const outcome = auth.check(req);
        if (outcome.ok) return reply.redirect("/admin", 303);
        return sendHtml(reply, 200, loginPage());
      });

      admin.post("/login", (req, reply) => {
        const parsed = loginBody.safeParse(req.body);
        const result = auth.login(req, parsed.success ? parsed.data.token : "");
        // Who: the client's address (behind a proxy, with TRUST_PROXY) and a short tag of the session; never the token.
        if (!result.ok) {
          req.log.warn({ admin: "login_failed", address: req.ip, locked: result.status === 429 }, "admin login failed");
          return deny(req, reply, result.status, result.status === 429 ? result.retryAfterSec : 0);
        }
        req.log.info({ admin: "login", address: req.ip, session: sessionTag(result.cookie.split(".")[0] ?? "") }, "admin logged in");
        return reply.header("set-cookie", auth.cookieHeader(req, result.cookie)).redirect("/admin", 303);
      });

      admin.post("/logout", { onRequest: requireAdmin }, (req, reply) => {
        const id = who.get(req);
        const body = req.body as { csrf?: unknown } | undefined;
        if (id?.via === "cookie") {
          if (!csrfOk(req, body?.csrf)) return deny(req, reply, 403, 0, staleForm);
          auth.logout(id.session);
        }
        return reply.header("set-cookie", auth.cookieHeader(req, null)).redirect("/admin/login", 303);
      });

      // Compute the dashboard's figures once in the background at start, so the first visit to a
      // large installation is served from a snapshot instead of waiting for the big scans.
      admin.addHook("onReady", async () => {
        const curriculum = deps.curriculum();
        void pseudonymizer(deps.store)
          .then((pseudonym) =>
            renderDashboard({
              store: deps.store,
              curriculum,
              status: deps.curriculumStatus(),
              targets: readTargets(deps.targetsFile, new Set(curriculum.tracks.map((t) => t.id))),
              now: Date.now(),
              days: 30,
              pseudonym,
            }),
          )
          .catch(() => undefined);
      });

      admin.get("/", { onRequest: requireAdmin }, async (req, reply) => {
        const query = dashboardQuery.safeParse(req.query);
        if (!query.success)
          return reply.code(400).send({ error: "bad_request", message: query.error.issues.map((i) => i.message).join("; ") });
        const curriculum = deps.curriculum();
        const id = who.get(req);
        const html = await renderDashboard({
          store: deps.store,
          curriculum,
          status: deps.curriculumStatus(),
          targets: readTargets(deps.targetsFile, new Set(curriculum.tracks.map((t) => t.id))),
          now: Date.now(),
          days: query.data.days,
          pseudonym: await pseudonymizer(deps.store),
          ...(deps.replyWindows ? { replyWindows: deps.replyWindows } : {}),
          ...(deps.channelProblems ? { channelProblems: deps.channelProblems() } : {}),
          ...(id?.via === "cookie" ? { formToken: auth.formToken(id.session) } : {}),
          ...(deps.publicBaseUrl ? { publicBaseUrl: deps.publicBaseUrl } : {}),
        });
        return sendHtml(reply, 200, html);
      });

      admin.post("/announce", { onRequest: requireAdmin }, async (req, reply) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        if (!csrfOk(req, body.csrf)) return deny(req, reply, 403, 0, staleForm);
        const parsed = announceBody.safeParse(body);
        if (!parsed.success) return badRequest(req, reply, parsed.error.issues.map((i) => i.message).join(" "));
        const sent = await deps.announce(parsed.data.text);
        const by = who.get(req);
        req.log.info(
          { recipients: sent, address: req.ip, by: by?.via === "cookie" ? sessionTag(by.session) : "bearer" },
          "announcement queued",
        );
        if (req.headers["content-type"]?.startsWith("application/json")) return reply.send({ sent });
        return sendHtml(
          reply,
          200,
          messagePage(
            "Đã gửi thông báo",
            `<p class="notice" role="status">Đã gửi tới ${esc(fmtInt(sent))} người học.</p><p class="muted">Tin nhắn được gửi dần theo giới hạn của từng kênh.</p><p><a class="button" href="/admin">Về bảng điều khiển</a></p>`,
          ),
        );
      });

      const csv = (reply: FastifyReply, kind: string) =>
        reply
          .type("text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="${csvFileName(kind, Date.now())}"`)
          .header("cache-control", "no-store")
          .header("x-content-type-options", "nosniff");

      admin.get("/reports/progress.csv", { onRequest: requireAdmin }, async (_req, reply) =>
        csv(reply, "tien-do-nguoi-hoc").send(await progressCsv(deps.store, deps.curriculum(), channelName)),
      );
      admin.get("/reports/lessons.csv", { onRequest: requireAdmin }, (_req, reply) =>
        csv(reply, "tong-hop-bai-hoc").send(lessonsCsv(deps.store, deps.curriculum())),
      );
      admin.get("/reports/tickets.csv", { onRequest: requireAdmin }, async (_req, reply) =>
        csv(reply, "phieu-gap-can-bo").send(await ticketsCsv(deps.store, deps.curriculum(), channelName)),
      );
    },
    { prefix: "/admin" },
  );
}
