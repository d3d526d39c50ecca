/**
 * The web OAuth server APIs (§2.2–2.5): code exchange, refresh, userinfo and token check.
 */
import type { FastifyInstance } from 'fastify';
import { avatarUrlOf, type SandboxContext } from '../context';
import { queryParam } from '../http-helpers';
import type { IssuedUserToken, OAuthScope } from '../state/oauth';
import { wechatError } from '../wechat-errors';

/** unionid only for scopes that may see it and users that have one (§2.2: snsapi_userinfo; snsapi_login, §2.6). */
function unionidFor(ctx: SandboxContext, userId: string, scope: OAuthScope): string | null {
  return scope === 'snsapi_base' ? null : ctx.users.unionid(userId);
}

function tokenAnswer(ctx: SandboxContext, issued: IssuedUserToken): Record<string, unknown> {
  const unionid = unionidFor(ctx, issued.userId, issued.scope);
  return {
    access_token: issued.accessToken,
    expires_in: issued.expiresIn,
    refresh_token: issued.refreshToken,
    openid: ctx.users.openid(issued.appId, issued.userId),
    scope: issued.scope,
    ...(unionid ? { unionid } : {}),
  };
}

export async function snsRoutes(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  app.get('/sns/oauth2/access_token', async (request) => {
    if (queryParam(request, 'grant_type') !== 'authorization_code') return wechatError(40002);
    const appId = queryParam(request, 'appid');
    const secret = queryParam(request, 'secret');
    const code = queryParam(request, 'code');
    if (!appId) return wechatError(41002);
    if (!secret) return wechatError(41004);
    if (!code) return wechatError(41008);
    const found = ctx.apps.get(appId);
    if (!found) return wechatError(40013);
    if (found.appSecret !== secret) return wechatError(40125);
    const issued = ctx.oauth.exchange(appId, code);
    if ('errcode' in issued) return wechatError(issued.errcode);
    return tokenAnswer(ctx, issued);
  });

  app.get('/sns/oauth2/refresh_token', async (request) => {
    if (queryParam(request, 'grant_type') !== 'refresh_token') return wechatError(40002);
    const appId = queryParam(request, 'appid');
    const refreshToken = queryParam(request, 'refresh_token');
    if (!appId) return wechatError(41002);
    if (!refreshToken) return wechatError(41003);
    if (!ctx.apps.get(appId)) return wechatError(40013);
    const issued = ctx.oauth.refresh(appId, refreshToken);
    if ('errcode' in issued) return wechatError(issued.errcode);
    return tokenAnswer(ctx, issued);
  });

  app.get('/sns/userinfo', async (request) => {
    const token = queryParam(request, 'access_token');
    if (!token) return wechatError(41001);
    const grant = ctx.oauth.checkUserToken(token);
    if ('errcode' in grant) return wechatError(grant.errcode);
    const openid = ctx.users.openid(grant.appId, grant.userId);
    if (queryParam(request, 'openid') !== openid) return wechatError(40003);
    if (grant.scope === 'snsapi_base') return wechatError(48001);
    const user = ctx.users.get(grant.userId);
    if (!user) return wechatError(40003);
    const unionid = unionidFor(ctx, user.id, grant.scope);
    // Since 2021-10 WeChat no longer returns gender or region: sex 0 and empty strings (§2.7).
    return {
      openid,
      nickname: user.nickname,
      sex: 0,
      province: '',
      city: '',
      country: '',
      headimgurl: avatarUrlOf(ctx, user.id),
      privilege: [],
      ...(unionid ? { unionid } : {}),
    };
  });

  app.get('/sns/auth', async (request) => {
    const token = queryParam(request, 'access_token');
    if (!token) return wechatError(41001);
    const grant = ctx.oauth.checkUserToken(token);
    if ('errcode' in grant) return wechatError(grant.errcode);
    if (queryParam(request, 'openid') !== ctx.users.openid(grant.appId, grant.userId)) return wechatError(40003);
    return { errcode: 0, errmsg: 'ok' };
  });
}
