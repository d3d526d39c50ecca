/**
 * The two pages a phone visits while binding: `/oauth/start?s=<state>` (what the QR encodes; redirects to WeChat)
 * and `/oauth/callback?code=…&state=…` (where WeChat sends it back). Both answer small self-contained pages —
 * Chinese first, then English — with a strict CSP; nothing on them comes from the request unescaped.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PhoneAnswer } from '../services/bindings';

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

export function phonePage(title: string, message: string, ok: boolean): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:48px 24px;text-align:center;color:#222}
h1{font-size:22px;margin:0 0 16px;color:${ok ? '#07c160' : '#c0392b'}}p{font-size:16px;line-height:1.6;max-width:32em;margin:0 auto}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>
`;
}

function answer(reply: FastifyReply, result: PhoneAnswer): FastifyReply {
  if (result.kind === 'redirect') return reply.redirect(result.location, 302);
  return reply
    .code(result.status)
    .header('Content-Type', 'text/html; charset=utf-8')
    .header('Content-Security-Policy', PAGE_CSP)
    .send(phonePage(result.title, result.message, result.ok));
}

export async function oauthRoutes(app: FastifyInstance): Promise<void> {
  const bindings = app.companion.bindings;

  app.get('/oauth/start', async (request, reply) => {
    const { s } = request.query as { s?: unknown };
    return answer(reply, bindings.start(typeof s === 'string' ? s : undefined));
  });

  app.get('/oauth/callback', async (request, reply) => {
    const { code, state } = request.query as { code?: unknown; state?: unknown };
    const result = await bindings.callback({
      code: typeof code === 'string' && code !== '' ? code : undefined,
      state: typeof state === 'string' ? state : undefined,
    });
    return answer(reply, result);
  });
}
