/**
 * The sandbox's HTML pages: escaping, one layout with the sandbox label on every page, and a strict CSP (scripts and
 * styles only from the sandbox itself, no inline code).
 */
import type { FastifyReply } from 'fastify';

export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'";

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A whole page; `body` must already be escaped HTML. */
export function layout(title: string, body: string, options: { script?: string } = {}): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · 微信沙箱</title>
<link rel="stylesheet" href="/phone/phone.css">
${options.script ? `<script src="${escapeHtml(options.script)}" defer></script>` : ''}
</head>
<body>
<header class="banner"><strong>微信沙箱</strong><span class="badge">模拟环境 · 不是真实微信</span></header>
<main>
${body}
</main>
</body>
</html>`;
}

export function sendPage(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(html);
}
