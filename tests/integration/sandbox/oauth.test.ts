/**
 * Web OAuth codes and user tokens (§2): codes from the simulated phone's consent, exchanged over loopback HTTP.
 */
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../electron/sandbox/index';
import { OA_APP_ID, OA_SECRET, WEB_APP_ID, WEB_SECRET, control, startLocalServer, startSandbox, wx, type LocalServer } from '../../helpers/sandbox';

async function website(): Promise<LocalServer> {
  return startLocalServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>ok</h1>'));
}

interface CodeOptions {
  userId?: string;
  scope?: string;
  appId?: string;
}

/** A code for `userId`, as the website's callback receives it after the phone consents. */
async function codeFor(sandbox: Sandbox, site: LocalServer, options: CodeOptions = {}): Promise<string> {
  const { userId = 'lin-xiaoman', scope = 'snsapi_userinfo', appId = OA_APP_ID } = options;
  const path = scope === 'snsapi_login' ? '/connect/qrconnect' : '/connect/oauth2/authorize';
  const redirect = encodeURIComponent(`${site.url}/callback`);
  const url = `${sandbox.url}${path}?appid=${appId}&redirect_uri=${redirect}&response_type=code&scope=${scope}&state=s1#wechat_redirect`;
  const scan = await control(sandbox, 'phone.scan', { userId, url });
  if (scan.step === 'consent') await control(sandbox, 'phone.decide', { sessionId: scan.sessionId, allow: true });
  const code = site.requests.at(-1)?.url.searchParams.get('code');
  if (!code) throw new Error(`no code reached the website: ${JSON.stringify(scan)}`);
  return code;
}

const exchange = (sandbox: Sandbox, code: string, appId = OA_APP_ID, secret = OA_SECRET) =>
  wx(sandbox, `/sns/oauth2/access_token?appid=${appId}&secret=${secret}&code=${code}&grant_type=authorization_code`);

const userinfo = (sandbox: Sandbox, token: unknown, openid: unknown) =>
  wx(sandbox, `/sns/userinfo?access_token=${encodeURIComponent(String(token))}&openid=${String(openid)}&lang=zh_CN`);

describe('OAuth codes', () => {
  it('are single use: the second exchange answers 40163', async () => {
    const sandbox = await startSandbox();
    const code = await codeFor(sandbox, await website());
    const first = await exchange(sandbox, code);
    expect(first).toMatchObject({ expires_in: 7200, scope: 'snsapi_userinfo', openid: expect.stringMatching(/^o[A-Za-z0-9_-]{27}$/) });
    expect(await exchange(sandbox, code)).toMatchObject({ errcode: 40163, errmsg: expect.stringMatching(/^code been used rid: /) });
  });

  it('expire after 5 minutes with 40029; unknown codes and codes of another app are 40029 too', async () => {
    const sandbox = await startSandbox();
    const site = await website();
    const late = await codeFor(sandbox, site);
    const onTime = await codeFor(sandbox, site);
    await control(sandbox, 'clock.advance', { seconds: 299 });
    expect(await exchange(sandbox, onTime)).toHaveProperty('access_token');
    await control(sandbox, 'clock.advance', { seconds: 2 });
    expect(await exchange(sandbox, late)).toMatchObject({ errcode: 40029 });
    expect(await exchange(sandbox, 'garbage')).toMatchObject({ errcode: 40029 });
    const other = await codeFor(sandbox, site);
    expect(await exchange(sandbox, other, WEB_APP_ID, WEB_SECRET)).toMatchObject({ errcode: 40029 });
    expect(await exchange(sandbox, other, OA_APP_ID, 'wrong-secret')).toMatchObject({ errcode: 40125 });
  });

  it('give a unionid only for snsapi_userinfo / snsapi_login and users that have one; openids differ per app', async () => {
    const sandbox = await startSandbox();
    const site = await website();
    const oa = await exchange(sandbox, await codeFor(sandbox, site));
    const web = await exchange(sandbox, await codeFor(sandbox, site, { appId: WEB_APP_ID, scope: 'snsapi_login' }), WEB_APP_ID, WEB_SECRET);
    expect(oa.unionid).toMatch(/^o6_bm/);
    expect(web.unionid).toBe(oa.unionid);
    expect(web.openid).not.toBe(oa.openid);

    const base = await exchange(sandbox, await codeFor(sandbox, site, { scope: 'snsapi_base' }));
    expect(base.openid).toBe(oa.openid);
    expect(base).not.toHaveProperty('unionid');
    const without = await exchange(sandbox, await codeFor(sandbox, site, { userId: 'su-wanqing' }));
    expect(without).not.toHaveProperty('unionid');
    expect(without.openid).not.toBe(oa.openid);
  });
});

describe('user tokens', () => {
  it('/sns/userinfo gives nickname, a served avatar, sex 0 and empty region; 48001 for snsapi_base', async () => {
    const sandbox = await startSandbox();
    const site = await website();
    const grant = await exchange(sandbox, await codeFor(sandbox, site, { userId: 'zhou-yiming' }));
    const info = await userinfo(sandbox, grant.access_token, grant.openid);
    expect(info).toMatchObject({ openid: grant.openid, nickname: '周一鸣', sex: 0, province: '', city: '', country: '', privilege: [], unionid: grant.unionid });
    const avatar = await fetch(String(info.headimgurl));
    expect(avatar.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await avatar.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    expect(String(info.headimgurl).startsWith(sandbox.url)).toBe(true);

    expect(await userinfo(sandbox, grant.access_token, 'o-someone-else')).toMatchObject({ errcode: 40003 });
    const base = await exchange(sandbox, await codeFor(sandbox, site, { scope: 'snsapi_base' }));
    expect(await userinfo(sandbox, base.access_token, base.openid)).toMatchObject({ errcode: 48001 });
    expect(await wx(sandbox, `/sns/userinfo?openid=${String(grant.openid)}`)).toMatchObject({ errcode: 41001 });
  });

  it('/sns/auth and /sns/oauth2/refresh_token: 42001 after 2 hours, refresh gives a working token, 40030 after 30 days', async () => {
    const sandbox = await startSandbox();
    const grant = await exchange(sandbox, await codeFor(sandbox, await website()));
    const auth = (token: unknown, openid = grant.openid) => wx(sandbox, `/sns/auth?access_token=${encodeURIComponent(String(token))}&openid=${String(openid)}`);
    const refresh = (token: unknown) =>
      wx(sandbox, `/sns/oauth2/refresh_token?appid=${OA_APP_ID}&grant_type=refresh_token&refresh_token=${encodeURIComponent(String(token))}`);

    expect(await auth(grant.access_token)).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(await auth(grant.access_token, 'oWrong')).toMatchObject({ errcode: 40003 });
    expect(await refresh(grant.refresh_token)).toMatchObject({ access_token: grant.access_token, refresh_token: grant.refresh_token, openid: grant.openid });

    await control(sandbox, 'clock.advance', { seconds: 7201 });
    expect(await userinfo(sandbox, grant.access_token, grant.openid)).toMatchObject({ errcode: 42001 });
    const renewed = await refresh(grant.refresh_token);
    expect(renewed.access_token).not.toBe(grant.access_token);
    expect(await userinfo(sandbox, renewed.access_token, grant.openid)).toMatchObject({ nickname: '林小满' });

    expect(await refresh('not-a-refresh-token')).toMatchObject({ errcode: 40030 });
    await control(sandbox, 'clock.advance', { seconds: 30 * 86_400 });
    expect(await refresh(grant.refresh_token)).toMatchObject({ errcode: 40030 });
  });
});

describe('authorize pages', () => {
  it('show the §2.1 errors as pages, not JSON', async () => {
    const sandbox = await startSandbox({ apps: [] });
    await control(sandbox, 'apps.put', {
      appId: OA_APP_ID,
      appSecret: OA_SECRET,
      kind: 'officialAccount',
      name: '小满读书会',
      redirectDomains: ['creator.example.com'],
    });
    await control(sandbox, 'apps.put', { appId: WEB_APP_ID, appSecret: WEB_SECRET, kind: 'websiteApp', name: '网站' });
    const page = async (query: string, path = '/connect/oauth2/authorize') => {
      const res = await fetch(`${sandbox.url}${path}?${query}`);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      return res.text();
    };
    const redirect = encodeURIComponent('https://creator.example.com/cb');
    expect(await page(`redirect_uri=${redirect}&scope=snsapi_base`)).toContain('10012');
    expect(await page(`appid=${OA_APP_ID}&scope=snsapi_base`)).toContain('10011');
    expect(await page(`appid=${OA_APP_ID}&redirect_uri=${encodeURIComponent('https://evil.example.net/cb')}&scope=snsapi_base`)).toContain('10003');
    expect(await page(`appid=${OA_APP_ID}&redirect_uri=${redirect}`)).toContain('10010');
    expect(await page(`appid=${OA_APP_ID}&redirect_uri=${redirect}&scope=snsapi_login`)).toContain('10005');
    expect(await page(`appid=${OA_APP_ID}&redirect_uri=${redirect}&scope=snsapi_base&state=${'a'.repeat(129)}`)).toContain('10013');
    expect(await page(`appid=${WEB_APP_ID}&redirect_uri=${redirect}&scope=snsapi_userinfo`)).toContain('10016');
    expect(await page(`appid=${OA_APP_ID}&redirect_uri=${redirect}&scope=snsapi_login`, '/connect/qrconnect')).toContain('10005');

    const ok = await page(`appid=${OA_APP_ID}&redirect_uri=${redirect}&response_type=code&scope=snsapi_userinfo&state=abc`);
    expect(ok).toContain('小满读书会');
    expect(ok).toContain('/phone?url=');
    expect(ok).not.toMatch(/<script(?![^>]*\ssrc=)/);
  });
});
