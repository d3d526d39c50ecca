/**
 * Validation of the browser-facing OAuth entry points, `/connect/oauth2/authorize` (official account web
 * authorization) and `/connect/qrconnect` (website QR login), with the authorize-page errors of §2.1. Shared by the
 * pages a desktop browser sees and by the simulated phone.
 */
import type { SandboxContext } from '../context';
import type { SandboxApp } from '../state/apps';
import type { OAuthScope } from '../state/oauth';

export const AUTHORIZE_PATH = '/connect/oauth2/authorize';
export const QRCONNECT_PATH = '/connect/qrconnect';
export type ConnectKind = 'authorize' | 'qrconnect';

export interface AuthorizeRequest {
  kind: ConnectKind;
  app: SandboxApp;
  scope: OAuthScope;
  redirectUri: string;
  /** Echoed back to the redirect_uri; empty when the caller sent none. */
  state: string;
}

/** An error the authorize page shows instead of proceeding (§2.1; these are pages, not JSON). */
export interface AuthorizePageError {
  code: number;
  message: string;
}

/** The scope words the page shows beside the app name on the consent step. */
export const SCOPE_LABELS: Record<OAuthScope, string> = {
  snsapi_base: '获取你的身份标识（静默授权）',
  snsapi_userinfo: '获取你的昵称、头像',
  snsapi_login: '使用微信帐号登录网站，获取你的昵称、头像',
};

function hostAllowed(app: SandboxApp, redirect: URL): boolean {
  if (app.redirectDomains.length === 0) return true;
  return app.redirectDomains.some((domain) => domain.toLowerCase() === redirect.hostname.toLowerCase());
}

/** Checks an authorize or qrconnect query; `#wechat_redirect` never reaches a server, so it is not looked for (§12.2). */
export function checkAuthorizeRequest(ctx: SandboxContext, kind: ConnectKind, query: URLSearchParams): AuthorizeRequest | AuthorizePageError {
  const appId = query.get('appid') ?? '';
  const redirectUri = query.get('redirect_uri') ?? '';
  const scope = query.get('scope') ?? '';
  const state = query.get('state') ?? '';

  if (appId === '') return { code: 10012, message: 'appid 参数为空' };
  const app = ctx.apps.get(appId);
  // §2.1 lists no page code for an unknown appid; the sandbox shows the API's 40013.
  if (!app) return { code: 40013, message: `appid ${appId} 不存在（invalid appid）` };
  if (kind === 'authorize' && app.kind === 'websiteApp') return { code: 10016, message: '不支持开放平台网站应用的 appid，请使用公众号的 appid' };
  if (redirectUri === '') return { code: 10011, message: 'redirect_uri 参数为空' };
  let redirect: URL;
  try {
    redirect = new URL(redirectUri);
  } catch {
    return { code: 10003, message: 'redirect_uri 不是完整的 http(s) 地址' };
  }
  if (redirect.protocol !== 'http:' && redirect.protocol !== 'https:') return { code: 10003, message: 'redirect_uri 不是完整的 http(s) 地址' };
  if (!hostAllowed(app, redirect)) return { code: 10003, message: `redirect_uri 域名 ${redirect.hostname} 与后台配置不一致` };
  if (scope === '') return { code: 10010, message: 'scope 参数为空' };
  const allowed: readonly string[] = kind === 'authorize' ? ['snsapi_base', 'snsapi_userinfo'] : app.kind === 'websiteApp' ? ['snsapi_login'] : [];
  if (!allowed.includes(scope)) return { code: 10005, message: `此应用没有 ${scope} 的权限` };
  // §2.1: state is optional but limited to a-zA-Z0-9 and 128 bytes.
  if (!/^[A-Za-z0-9]{0,128}$/.test(state)) return { code: 10013, message: 'state 参数错误（只能是 a-zA-Z0-9，最长 128 字节）' };
  return { kind, app, scope: scope as OAuthScope, redirectUri, state };
}

export function isPageError(value: AuthorizeRequest | AuthorizePageError): value is AuthorizePageError {
  return 'code' in value;
}

/** Where WeChat sends the browser after a decision: `redirect_uri?code=CODE&state=STATE`, or only the state on a refusal. */
export function callbackUrl(redirectUri: string, state: string, code: string | null): string {
  const url = new URL(redirectUri);
  if (code !== null) url.searchParams.set('code', code);
  url.searchParams.set('state', state);
  return url.toString();
}
