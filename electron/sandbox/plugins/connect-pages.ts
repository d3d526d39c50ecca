/**
 * `GET /connect/oauth2/authorize` and `GET /connect/qrconnect` as a desktop browser sees them. Real WeChat asks for
 * the WeChat app (authorize) or shows a QR to scan (qrconnect); the sandbox shows the same, with a link into the
 * simulated phone. Invalid requests show the authorize-page errors of §2.1 as pages, never JSON.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { SandboxContext } from '../context';
import { escapeHtml, layout, sendPage } from '../html';
import { AUTHORIZE_PATH, QRCONNECT_PATH, SCOPE_LABELS, checkAuthorizeRequest, isPageError, type ConnectKind } from '../oauth/authorize-request';

export async function connectPages(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const handler = (kind: ConnectKind) =>
    async function page(request: FastifyRequest, reply: FastifyReply) {
      const fullUrl = `${ctx.baseUrl()}${request.url}`;
      const query = new URL(fullUrl).searchParams;
      const checked = checkAuthorizeRequest(ctx, kind, query);
      if (isPageError(checked)) {
        const body = `<section class="card error"><h1>无法完成授权</h1><p class="code">错误码 ${checked.code}</p><p>${escapeHtml(checked.message)}</p></section>`;
        return sendPage(reply, layout('授权错误', body));
      }
      const phoneLink = `/phone?url=${encodeURIComponent(fullUrl)}`;
      const scope = escapeHtml(SCOPE_LABELS[checked.scope]);
      const name = escapeHtml(checked.app.name);
      if (kind === 'authorize') {
        const body = `<section class="card"><h1>「${name}」申请使用微信授权</h1><p>${scope}</p>
<p class="hint">这是公众号网页授权链接，需要在微信里打开。在沙箱中，请用模拟手机打开它。</p>
<p><a class="button" href="${escapeHtml(phoneLink)}">在模拟手机中打开</a></p></section>`;
        return sendPage(reply, layout('网页授权', body));
      }
      const qr = await QRCode.toDataURL(fullUrl, { margin: 1, width: 240 });
      const body = `<section class="card center"><h1>微信登录「${name}」</h1><img class="qr" alt="登录二维码" src="${qr}">
<p>请使用沙箱模拟手机扫描二维码登录</p>
<p class="hint">确认后，模拟手机会打开网站的回调地址（redirect_uri），网站据此完成登录。</p>
<p><a class="button" href="${escapeHtml(phoneLink)}">在模拟手机中打开</a></p></section>`;
      return sendPage(reply, layout('微信登录', body));
    };
  app.get(AUTHORIZE_PATH, handler('authorize'));
  app.get(QRCONNECT_PATH, handler('qrconnect'));
}
