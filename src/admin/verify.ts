import type { FastifyInstance } from "fastify";
import { vnDateDmy } from "./format.js";
import { esc, page, sendHtml } from "./html.js";

// The public certificate check: anyone holding a code (an employer, a relative, the commune office)
// can confirm it. It shows the track, the date and the first name the learner chose, and nothing
// else about them.

const CODE = /^[A-Z0-9]{8,16}$/;

function notFound(): string {
  return page({
    title: "Không tìm thấy chứng nhận — Bình dân học AI",
    body: `<div class="narrow"><section class="card"><h1>Không tìm thấy chứng nhận</h1>
<p>Không có chứng nhận nào với mã này. Xin kiểm tra lại từng chữ và số của mã (chữ in hoa, không có dấu cách).</p>
<p class="muted">Bình dân học AI</p></section></div>`,
  });
}

/** A certificate as the public check shows it. */
export interface CertificateView {
  trackTitle: string;
  firstName: string | null;
  issuedAt: number;
}
export type CertificateLookup = (code: string) => Promise<CertificateView | undefined>;

export function registerVerify(app: FastifyInstance, deps: { certificates: CertificateLookup }): void {
  app.get<{ Params: { code: string } }>("/verify/:code", async (req, reply) => {
    const code = req.params.code;
    // Anything that is not a code is refused before the database is touched.
    if (!CODE.test(code)) return sendHtml(reply, 404, notFound());
    const cert = await deps.certificates(code);
    if (!cert) return sendHtml(reply, 404, notFound());
    const name = cert.firstName ? `<p>Cấp cho</p><p class="big">${esc(cert.firstName)}</p>` : "";
    return sendHtml(
      reply,
      200,
      page({
        title: `Chứng nhận “${cert.trackTitle}” — Bình dân học AI`,
        body: `<div class="narrow"><section class="card cert"><p class="ok"><b>✓ Chứng nhận hợp lệ</b></p>
${name}<p>đã học xong chủ đề</p><p class="big">${esc(cert.trackTitle)}</p>
<p>ngày ${esc(vnDateDmy(cert.issuedAt))}</p>
<p class="muted">Bình dân học AI · mã <span class="mono">${esc(code)}</span></p></section></div>`,
      }),
    );
  });
}
