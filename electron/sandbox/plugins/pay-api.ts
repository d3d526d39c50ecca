/**
 * WeChat Pay APIv3 (`/v3/…`) as one encapsulated context: raw bodies kept as bytes (the signature covers them),
 * every request authenticated before any route runs (§9.1), injected faults applied after that (so even they are
 * answered as the merchant's), and every answer — errors and 204s included — signed with the merchant's platform
 * key (§9.2). Errors use the APIv3 body (§9.5).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context';
import { pathOf } from '../http-helpers';
import { PayApiError } from '../pay/errors';
import { authenticate, signedHeaders } from '../pay/signing';
import { randomAlnum } from '../state/ids';
import { faultError, payRequests } from './pay-request-state';
import { payRoutes } from './pay-routes';

const BODY_LIMIT = 1024 * 1024;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendError(reply: FastifyReply, error: PayApiError): FastifyReply {
  return reply.status(error.status).type('application/json').send(error.toBody());
}

export async function payApi(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.addHook('preHandler', async (request, reply) => {
    ctx.pay.refunds.tick();
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const auth = authenticate({ method: request.method, url: request.raw.url ?? request.url, body, authorization: header(request, 'authorization') }, ctx.pay.merchants, ctx.pay.deps.wallNow());
    if (auth.merchant) payRequests.set(request, { merchant: auth.merchant, fault: null });
    if (auth.error) return sendError(reply, auth.error);
    const fault = ctx.faults.take(pathOf(request), 'pay');
    if (!fault) return;
    // unref: a pending slow answer must not keep a closed sandbox's process alive.
    if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs).unref());
    if (fault.code === null) return;
    if (!fault.applied) return sendError(reply, faultError(fault.code));
    payRequests.get(request)!.fault = fault;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const state = payRequests.get(request);
    if (!state) return payload;
    const body = payload === undefined || payload === null ? '' : typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : null;
    if (body === null) throw new Error('pay answers must be serialized before signing');
    const signer = ctx.pay.merchants.signerFor(state.merchant, header(request, 'wechatpay-serial'));
    for (const [name, value] of Object.entries(signedHeaders(signer, body, ctx.pay.deps.wallNow()))) reply.header(name, value);
    reply.header('request-id', `08${randomAlnum(30)}`);
    return payload;
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof PayApiError) return sendError(reply, error);
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) return sendError(reply, new PayApiError('PARAM_ERROR', (error as Error).message));
    request.log.error({ err: error }, 'sandbox pay API failed');
    return sendError(reply, faultError('SYSTEM_ERROR'));
  });

  await app.register(payRoutes, ctx);
}
