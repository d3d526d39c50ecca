/**
 * The simulated phone end to end: a local website whose landing page redirects to the sandbox's authorize page, a
 * callback that records what arrives, and the phone driven through the control API and through the /phone page's API.
 */
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../electron/sandbox/index';
import { pngBytes } from '../../helpers/images';
import { OA_APP_ID, OA_SECRET, WEB_APP_ID, WEB_SECRET, control, controlRaw, startLocalServer, startSandbox, wx, type LocalServer } from '../../helpers/sandbox';

/**
 * A website: `/login` sets a cookie and 302s to the sandbox's authorize (or qrconnect) URL; `/callback` answers a
 * page that says whether a code arrived; `/loop` redirects to itself.
 */
async function website(sandbox: Sandbox, options: { scope?: string; appId?: string; path?: string } = {}): Promise<LocalServer> {
  const { scope = 'snsapi_userinfo', appId = OA_APP_ID, path = '/connect/oauth2/authorize' } = options;
  const site: LocalServer = await startLocalServer((req, res) => {
    if (req.url.pathname === '/login') {
      const redirect = encodeURIComponent(`${site.url}/callback?from=login`);
      const location = `${sandbox.url}${path}?appid=${appId}&redirect_uri=${redirect}&response_type=code&scope=${scope}&state=st4te#wechat_redirect`;
      res.writeHead(302, { location, 'set-cookie': 'login_session=xyz; Path=/; HttpOnly' }).end();
    } else if (req.url.pathname === '/callback') {
      const code = req.url.searchParams.get('code');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(code ? '<h1>绑定成功</h1>' : '<h1>你拒绝了授权</h1>');
    } else if (req.url.pathname === '/loop') {
      res.writeHead(302, { location: '/loop' }).end();
    } else {
      res.writeHead(404).end();
    }
  });
  return site;
}

const callbacks = (site: LocalServer) => site.requests.filter((r) => r.url.pathname === '/callback');

describe('phone.scan / phone.decide', () => {
  it('allow: landing page → consent → callback with code and state, cookies kept; the code works', async () => {
    const sandbox = await startSandbox();
    const site = await website(sandbox);
    const scan = await control(sandbox, 'phone.scan', { userId: 'lin-xiaoman', url: `${site.url}/login` });
    expect(scan).toMatchObject({ step: 'consent', consent: 'authorize', appName: '小满读书会', scope: 'snsapi_userinfo', landedUrl: null });
    expect(callbacks(site)).toHaveLength(0);
    expect(site.requests[0]!.headers['user-agent']).toContain('MicroMessenger');

    const decided = await control(sandbox, 'phone.decide', { sessionId: scan.sessionId, allow: true });
    expect(decided).toMatchObject({ step: 'done', status: 200, pageText: '绑定成功' });
    const [callback] = callbacks(site);
    expect(callback!.url.searchParams.get('state')).toBe('st4te');
    expect(callback!.url.searchParams.get('from')).toBe('login');
    expect(callback!.headers.cookie).toBe('login_session=xyz');
    expect(decided.landedUrl).toBe(`${site.url}/callback?from=login&code=${callback!.url.searchParams.get('code')}&state=st4te`);

    const code = callback!.url.searchParams.get('code')!;
    const grant = await wx(sandbox, `/sns/oauth2/access_token?appid=${OA_APP_ID}&secret=${OA_SECRET}&code=${code}&grant_type=authorization_code`);
    expect(grant).toHaveProperty('unionid');

    expect(await controlRaw(sandbox, 'phone.decide', { sessionId: scan.sessionId, allow: true })).toMatchObject({ status: 404 });
  });

  it('deny: back to redirect_uri with the state and no code', async () => {
    const sandbox = await startSandbox();
    const site = await website(sandbox);
    const scan = await control(sandbox, 'phone.scan', { userId: 'chen-siyuan', url: `${site.url}/login` });
    const decided = await control(sandbox, 'phone.decide', { sessionId: scan.sessionId, allow: false });
    expect(decided).toMatchObject({ step: 'done', pageText: '你拒绝了授权' });
    const [callback] = callbacks(site);
    expect(callback!.url.searchParams.get('state')).toBe('st4te');
    expect(callback!.url.searchParams.has('code')).toBe(false);
  });

  it('snsapi_base passes silently: no consent step, the callback gets a code at once', async () => {
    const sandbox = await startSandbox();
    const site = await website(sandbox, { scope: 'snsapi_base' });
    const scan = await control(sandbox, 'phone.scan', { userId: 'lin-xiaoman', url: `${site.url}/login` });
    expect(scan).toMatchObject({ step: 'done', consent: null, status: 200, pageText: '绑定成功' });
    expect(callbacks(site)[0]!.url.searchParams.get('code')).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('PNG upload: the QR image on the sandbox qrconnect page, scanned as an image, logs in to the website app', async () => {
    const sandbox = await startSandbox();
    const site = await website(sandbox, { scope: 'snsapi_login', appId: WEB_APP_ID, path: '/connect/qrconnect' });
    // The desktop browser follows the landing page to the QR page; the phone scans the picture it shows.
    const login = await fetch(`${site.url}/login`);
    const html = await login.text();
    const dataUrl = /<img class="qr" alt="[^"]*" src="(data:image\/png;base64,[^"]+)"/.exec(html)?.[1];
    expect(dataUrl).toBeDefined();

    const scan = await control(sandbox, 'phone.scan', { userId: 'zhou-yiming', pngBase64: dataUrl!.split(',')[1]! });
    expect(scan).toMatchObject({ step: 'consent', appName: '创作者工作台', scope: 'snsapi_login' });
    await control(sandbox, 'phone.decide', { sessionId: scan.sessionId, allow: true });
    const code = callbacks(site)[0]!.url.searchParams.get('code')!;
    const grant = await wx(sandbox, `/sns/oauth2/access_token?appid=${WEB_APP_ID}&secret=${WEB_SECRET}&code=${code}&grant_type=authorization_code`);
    expect(grant).toMatchObject({ scope: 'snsapi_login', unionid: expect.any(String) });
  });

  it('PNG upload of a QR made elsewhere, and a clear error for an image without a QR', async () => {
    const sandbox = await startSandbox();
    const site = await website(sandbox);
    const png = await QRCode.toBuffer(`${site.url}/login`, { type: 'png', width: 300 });
    const scan = await control(sandbox, 'phone.scan', { userId: 'lin-xiaoman', pngBase64: png.toString('base64') });
    expect(scan.step).toBe('consent');

    const noQr = await controlRaw(sandbox, 'phone.scan', { userId: 'lin-xiaoman', pngBase64: pngBytes(64, 64).toString('base64') });
    expect(noQr).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT', message: '图片中没有识别到二维码' } } });
    const notPng = await controlRaw(sandbox, 'phone.scan', { userId: 'lin-xiaoman', pngBase64: Buffer.from('not an image').toString('base64') });
    expect(notPng).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT', message: '图片不是有效的 PNG' } } });
  });

  it('stops after 5 redirects, refuses non-http URLs, shows authorize errors, and knows its users', async () => {
    const sandbox = await startSandbox();
    const site = await website(sandbox);
    const loop = await control(sandbox, 'phone.scan', { userId: 'lin-xiaoman', url: `${site.url}/loop` });
    expect(loop).toMatchObject({ step: 'error', pageText: expect.stringContaining('重定向次数过多') });
    expect(site.requests.filter((r) => r.url.pathname === '/loop')).toHaveLength(6);

    expect(await control(sandbox, 'phone.scan', { userId: 'lin-xiaoman', url: 'ftp://example.com/file' })).toMatchObject({ step: 'error' });
    const bad = await control(sandbox, 'phone.scan', { userId: 'lin-xiaoman', url: `${sandbox.url}/connect/oauth2/authorize?appid=${OA_APP_ID}&scope=snsapi_base` });
    expect(bad).toMatchObject({ step: 'error', pageText: expect.stringContaining('10011') });
    expect(await controlRaw(sandbox, 'phone.scan', { userId: 'nobody', url: `${site.url}/login` })).toMatchObject({ status: 404 });
  });

  it('treats open.weixin.qq.com links as its own pages and never contacts real WeChat hosts', async () => {
    const sandbox = await startSandbox();
    const site = await website(sandbox);
    const redirect = encodeURIComponent(`${site.url}/callback`);
    const real = `https://open.weixin.qq.com/connect/oauth2/authorize?appid=${OA_APP_ID}&redirect_uri=${redirect}&response_type=code&scope=snsapi_userinfo&state=x#wechat_redirect`;
    expect(await control(sandbox, 'phone.scan', { userId: 'lin-xiaoman', url: real })).toMatchObject({ step: 'consent', appName: '小满读书会' });
    expect(await control(sandbox, 'phone.scan', { userId: 'lin-xiaoman', url: 'https://mp.weixin.qq.com/s/article' })).toMatchObject({
      step: 'error',
      pageText: '沙箱手机不会访问真实的微信服务器',
    });
  });
});

describe('the /phone page', () => {
  it('is a page with its script as a separate file, labelled as the sandbox, under a strict CSP', async () => {
    const sandbox = await startSandbox();
    const res = await fetch(`${sandbox.url}/phone`);
    const html = await res.text();
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html).toContain('<script src="/phone/phone.js" defer></script>');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('模拟环境 · 不是真实微信');
    expect(html).toContain('允许');
    expect(html).toContain('拒绝');
    const script = await fetch(`${sandbox.url}/phone/phone.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain("'/phone/api/'");
  });

  it('its API needs the phone header, then scans and decides like the control API', async () => {
    const sandbox = await startSandbox();
    const site = await website(sandbox);
    const post = (path: string, body: unknown, headers: Record<string, string> = { 'x-sandbox-phone': '1' }) =>
      fetch(`${sandbox.url}/phone/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

    expect((await post('scan', { userId: 'lin-xiaoman', url: `${site.url}/login` }, {})).status).toBe(403);
    const users = (await (await fetch(`${sandbox.url}/phone/api/users`, { headers: { 'x-sandbox-phone': '1' } })).json()) as { items: { nickname: string }[] };
    expect(users.items.map((u) => u.nickname)).toEqual(['林小满', '周一鸣', '陈思远', '苏晚晴']);

    const scan = (await (await post('scan', { userId: 'su-wanqing', url: `${site.url}/login` })).json()) as { sessionId: string };
    expect(scan).toMatchObject({ step: 'consent' });
    const decided = await (await post('decide', { sessionId: scan.sessionId, allow: true })).json();
    expect(decided).toMatchObject({ step: 'done', pageText: '绑定成功' });
  });
});
