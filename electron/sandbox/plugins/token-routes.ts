/**
 * `GET /cgi-bin/token` and `POST /cgi-bin/stable_token` (§1.1–1.3).
 */
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context';
import { callerIp, queryParam } from '../http-helpers';
import { ipAllowed, type SandboxApp } from '../state/apps';
import { wechatError, type WechatError } from '../wechat-errors';
import { jsonBody } from './wechat-api';

/** The checks both token APIs share, in WeChat's order: parameters, appid, secret, then the caller's IP. */
function credentials(ctx: SandboxContext, ip: string, grantType: unknown, appId: unknown, secret: unknown): SandboxApp | WechatError {
  if (grantType !== 'client_credential') return wechatError(40002);
  if (typeof appId !== 'string' || appId === '') return wechatError(41002);
  if (typeof secret !== 'string' || secret === '') return wechatError(41004);
  const app = ctx.apps.get(appId);
  if (!app) return wechatError(40013);
  if (app.appSecret !== secret) return wechatError(40125);
  if (!ipAllowed(app, ip)) return wechatError(40164, { ip });
  return app;
}

export async function tokenRoutes(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  app.get('/cgi-bin/token', async (request) => {
    const found = credentials(ctx, callerIp(request), queryParam(request, 'grant_type'), queryParam(request, 'appid'), queryParam(request, 'secret'));
    if ('errcode' in found) return found;
    if (!ctx.tokens.takeTokenQuota(found.appId)) return wechatError(45009);
    return ctx.tokens.issueToken(found.appId);
  });

  app.post('/cgi-bin/stable_token', async (request) => {
    // POST JSON only (§1.2): a form or broken body is a format error.
    const body = jsonBody(request);
    if (!body) return wechatError(47001);
    const found = credentials(ctx, callerIp(request), body.grant_type, body.appid, body.secret);
    if ('errcode' in found) return found;
    return ctx.tokens.stableToken(found.appId, body.force_refresh === true);
  });
}
