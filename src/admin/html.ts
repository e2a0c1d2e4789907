import { createHash } from "node:crypto";
import type { FastifyReply } from "fastify";
import { fmtInt } from "./format.js";

// The HTML shell shared by the dashboard, the login form and the certificate page: no external
// assets, no scripts, one stylesheet allowed by its hash in a strict Content-Security-Policy.

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML and SVG, in element content and in quoted attributes alike. */
export function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

const CSS = `
:root{color-scheme:light;--fg:#1f2933;--muted:#52606d;--bg:#f3f6f9;--card:#fff;--line:#d9e2ec;--accent:#0b5cad;--ok:#1f7a4d;--warn:#a14a0c;--bad:#b42318}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
header.top{background:#0b3d6b;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
header.top h1{font-size:1.15rem;margin:0}
header.top a,header.top button{color:#fff}
main{max-width:1180px;margin:0 auto;padding:1rem}
nav.toc{display:flex;flex-wrap:wrap;gap:.25rem .9rem;margin:0 0 1rem;font-size:.95rem}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr));align-items:start}
section.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1rem;margin:0 0 1rem;min-width:0}
.grid>section.card{margin:0}
h2{font-size:1.12rem;margin:0 0 .6rem}
h3{font-size:1rem;margin:1rem 0 .4rem}
p{margin:.4rem 0}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));gap:.75rem}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.7rem .9rem}
.kpi b{display:block;font-size:1.65rem;line-height:1.2}
.kpi span{color:var(--muted);font-size:.92rem}
.chart{margin:.4rem 0 .8rem}
svg.chart{display:block;width:100%;overflow:visible}
svg text{font-family:inherit;font-size:13.5px;fill:#1f2933}
svg text.val{font-weight:600}
svg text.axis{font-size:12px;fill:#52606d}
svg .grid-line{stroke:#e4e7eb;stroke-width:1}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.9rem;color:var(--muted)}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;vertical-align:-.05rem}
.sw-0{background:#0b5cad}.sw-1{background:#e8833a}.sw-2{background:#1f7a4d}.sw-3{background:#7b5ea7}.sw-bg{background:#cfe0f3}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.94rem}
th,td{padding:.4rem .5rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:#f8fafc;font-weight:600}
td:first-child,th:first-child{min-width:9rem}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.muted{color:var(--muted)}.ok{color:var(--ok)}.warn{color:var(--warn)}.bad{color:var(--bad)}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
.notice{border-left:4px solid var(--ok);background:#e9f6ef;padding:.6rem .8rem;border-radius:6px;margin:0 0 1rem}
.alert{border-left:4px solid var(--bad);background:#fdecea;padding:.6rem .8rem;border-radius:6px;margin:.4rem 0}
ul.problems{margin:.3rem 0;padding-left:1.2rem}
button,.button{font:inherit;font-size:1rem;padding:.55rem 1.1rem;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.link{background:transparent;border:1px solid rgba(255,255,255,.6);padding:.3rem .8rem}
textarea,input[type=password],input[type=text]{font:inherit;width:100%;padding:.6rem;border:1px solid #9aa5b1;border-radius:8px;background:#fff}
textarea{min-height:7rem}
label{display:block;margin:.4rem 0}
label.check{display:flex;gap:.5rem;align-items:flex-start}
label.check input{margin-top:.3rem}
form.inline{display:inline;margin:0}
details{border-top:1px solid var(--line);padding:.3rem 0}
details summary{cursor:pointer;font-weight:600;padding:.35rem 0}
.pill{display:inline-block;padding:0 .5rem;border-radius:999px;font-size:.85rem;background:#e4e7eb}
.pill.ok{background:#e3f4ea}.pill.bad{background:#fdecea}
.narrow{max-width:34rem;margin:2rem auto}
.cert{text-align:center;padding:2rem 1rem;border:3px double #0b5cad}
.cert .big{font-size:1.5rem;font-weight:700;margin:.6rem 0}
@media (max-width:640px){svg text{font-size:12.5px}main{padding:.6rem}section.card{padding:.75rem}th,td{padding:.35rem .4rem}.kpi b{font-size:1.4rem}}
`;

const STYLE_HASH = createHash("sha256").update(CSS).digest("base64");

/** No scripts at all; the only style is ours; forms post only here; never framed. */
export const CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export function page(opts: { title: string; body: string; header?: string; noindex?: boolean; refreshSeconds?: number }): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${opts.noindex === false ? "" : '<meta name="robots" content="noindex, nofollow">\n'}${opts.refreshSeconds ? `<meta http-equiv="refresh" content="${opts.refreshSeconds}">\n` : ""}<title>${esc(opts.title)}</title>
<style>${CSS}</style>
</head>
<body>
${opts.header ?? ""}<main>
${opts.body}
</main>
</body>
</html>
`;
}

const th = (label: string, num = false) => `<th scope="col"${num ? ' class="num"' : ""}>${esc(label)}</th>`;

/** A table cell: a number (formatted, escaped) or HTML already escaped; right-aligned for figures. */
export const td = (value: string | number, num = false) =>
  `<td${num ? ' class="num"' : ""}>${typeof value === "number" ? esc(fmtInt(value)) : value}</td>`;

/** A table that scrolls sideways on a phone; columns from `numericFrom` on hold figures. */
export const table = (head: string[], rows: string[], numericFrom = 99) =>
  `<div class="table-wrap"><table><thead><tr>${head.map((h, i) => th(h, i >= numericFrom)).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`;

/** The session's form token (CSRF), carried by every form of a browser session; nothing for Bearer clients. */
export function csrfField(token: string | undefined): string {
  return token ? `<input type="hidden" name="csrf" value="${esc(token)}">` : "";
}

/** Sends an HTML page with the security headers every page here needs. */
export function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .header("content-security-policy", CSP)
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "no-referrer")
    .header("x-frame-options", "DENY")
    .header("cache-control", "no-store")
    .send(html);
}
