/**
 * The simulated phone's page and the small API behind it (`/phone/api/*`): the same scan and decide as the control
 * API, without the control token — a phone in the sandbox is as public as a phone in the world — but with a custom
 * header so other websites cannot call it from a visitor's browser (see phone/script.ts).
 */
import type { FastifyInstance } from 'fastify';
import { sandboxControl as control } from '../../../shared/wechat-sandbox/control';
import { avatarUrlOf, type SandboxContext } from '../context';
import { SandboxError, toSandboxError } from '../errors';
import { escapeHtml, layout, sendPage } from '../html';
import { H5_PATH } from '../pay/pay-service';
import { phonePage } from '../phone/page';
import { PHONE_SCRIPT } from '../phone/script';
import { PAGE_CSS } from '../phone/styles';
import { parseWith } from './validate';

export const PHONE_HEADER = 'x-sandbox-phone';
const SCAN_BODY_LIMIT = 10 * 1024 * 1024;

export async function phoneRoutes(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  app.get('/', async (_request, reply) => {
    const body = `<section class="card"><h1>微信沙箱正在运行</h1>
<p>这里模拟微信的接口（access_token、网页授权、带参数二维码、事件推送、微信支付 APIv3），供离线开发、演示和测试使用。</p>
<p><a class="button" href="/phone">打开模拟手机</a></p>
<p class="hint">${escapeHtml(ctx.baseUrl())}</p></section>`;
    return sendPage(reply, layout('首页', body));
  });
  // An h5_url opened in a desktop browser: real WeChat Pay hands over to the WeChat app; here, to the phone.
  app.get(H5_PATH, async (request, reply) => {
    const phoneLink = `/phone?url=${encodeURIComponent(`${ctx.baseUrl()}${request.url}`)}`;
    const body = `<section class="card"><h1>请在微信中完成支付</h1><p>这是微信支付 H5 支付链接（h5_url），需要在手机上唤起微信支付。在沙箱中，请用模拟手机打开它。</p>
<p><a class="button" href="${escapeHtml(phoneLink)}">在模拟手机中打开</a></p></section>`;
    return sendPage(reply, layout('微信支付', body));
  });
  app.get('/favicon.ico', async (_request, reply) => reply.status(204).send());
  app.get('/phone', async (_request, reply) => sendPage(reply, phonePage()));
  app.get('/phone/phone.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(PHONE_SCRIPT));
  app.get('/phone/phone.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(PAGE_CSS));

  await app.register(async (api) => {
    api.addHook('onRequest', async (request, reply) => {
      if (request.headers[PHONE_HEADER] !== '1') {
        return reply.status(403).send(new SandboxError('UNAUTHORIZED', `phone requests carry ${PHONE_HEADER}: 1`).toBody());
      }
    });
    api.setErrorHandler((error, request, reply) => {
      const known = toSandboxError(error);
      if (known.code === 'INTERNAL') request.log.error({ err: error }, 'phone API failed');
      return reply.status(known.status).send(known.toBody());
    });
    api.get('/phone/api/users', async () => ({
      items: ctx.users.list().map((u) => ({ id: u.id, nickname: u.nickname, avatarUrl: avatarUrlOf(ctx, u.id), hasUnionid: u.hasUnionid })),
    }));
    api.post('/phone/api/scan', { bodyLimit: SCAN_BODY_LIMIT }, async (request) => ctx.phone.scan(parseWith(control['phone.scan'].body, request.body)));
    api.post('/phone/api/decide', async (request) => {
      const { sessionId, allow } = parseWith(control['phone.decide'].body, request.body);
      return ctx.phone.decide(sessionId, allow);
    });
  });
}
