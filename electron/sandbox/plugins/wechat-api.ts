/**
 * The WeChat API surface (cgi-bin, sns, wxa): one encapsulated context whose hooks apply injected faults before any
 * route runs, read every body as text (WeChat parses JSON itself and answers 47001, not 415), and turn unexpected
 * errors into WeChat's `-1 system error`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context';
import { callerIp, pathOf, queryParam } from '../http-helpers';
import { ipAllowed, type SandboxApp } from '../state/apps';
import { wechatError, type WechatError } from '../wechat-errors';
import { messageRoutes } from './message-routes';
import { publishRoutes } from './publish-routes';
import { qrcodeRoutes } from './qrcode-routes';
import { secCheckRoutes } from './sec-check-routes';
import { snsRoutes } from './sns-routes';
import { tokenRoutes } from './token-routes';

/** Bodies of JSON APIs are small; WeChat's own limits are far below this. */
const BODY_LIMIT = 1024 * 1024;

export async function wechatApi(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.addHook('onRequest', async (request, reply) => {
    const fault = ctx.faults.take(pathOf(request));
    if (!fault) return;
    // unref: a pending slow answer must not keep a closed sandbox's process alive.
    if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs).unref());
    if (fault.errcode !== null) return reply.send(wechatError(fault.errcode, { ip: callerIp(request) }));
  });

  app.setErrorHandler((error, request, reply) => {
    request.log.error({ err: error }, 'sandbox API failed');
    return reply.status(200).send(wechatError(-1));
  });

  await app.register(tokenRoutes, ctx);
  await app.register(snsRoutes, ctx);
  await app.register(qrcodeRoutes, ctx);
  await app.register(secCheckRoutes, ctx);
  await app.register(publishRoutes, ctx);
  await app.register(messageRoutes, ctx);
}

/** The JSON object in a WeChat API body, or null when it is not one (the route answers 47001). */
export function jsonBody(request: FastifyRequest): Record<string, unknown> | null {
  const raw = request.body;
  if (typeof raw !== 'string' || raw.length === 0) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The official account behind `?access_token=` for an API that needs the base token: 41001 when missing,
 * 40001/42001 from the token service, 40164 when the app has a whitelist without the caller.
 */
export function appOfAccessToken(ctx: SandboxContext, request: FastifyRequest): SandboxApp | WechatError {
  const token = queryParam(request, 'access_token');
  if (!token) return wechatError(41001);
  const check = ctx.tokens.check(token);
  if (!check.ok) return wechatError(check.errcode);
  const app = ctx.apps.get(check.appId);
  if (!app) return wechatError(40001);
  if (!ipAllowed(app, callerIp(request))) return wechatError(40164, { ip: callerIp(request) });
  return app;
}

export function isWechatError(value: unknown): value is WechatError {
  return typeof value === 'object' && value !== null && 'errcode' in value && 'errmsg' in value;
}

/** Sends WeChat's error body (HTTP 200, §0). */
export function sendWechatError(reply: FastifyReply, error: WechatError): FastifyReply {
  return reply.status(200).send(error);
}
