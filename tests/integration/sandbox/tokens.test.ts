/**
 * Access token semantics of §1.3 over real loopback HTTP, time moved with the control API's clock.advance.
 */
import { describe, expect, it } from 'vitest';
import { OA_APP_ID, OA_SECRET, baseToken, control, officialAccount, startSandbox, wx } from '../../helpers/sandbox';

const QR_BODY = { action_name: 'QR_STR_SCENE', expire_seconds: 600, action_info: { scene: { scene_str: 'probe' } } };
const TOKEN_PATH = `/cgi-bin/token?grant_type=client_credential&appid=${OA_APP_ID}&secret=${OA_SECRET}`;

/** The errcode an API answers with this token (0 when the call succeeds). */
async function use(sandbox: Awaited<ReturnType<typeof startSandbox>>, token: string): Promise<number> {
  const answer = await wx(sandbox, `/cgi-bin/qrcode/create?access_token=${encodeURIComponent(token)}`, QR_BODY);
  return typeof answer.errcode === 'number' ? answer.errcode : 0;
}

const stable = (force = false) => ({ grant_type: 'client_credential', appid: OA_APP_ID, secret: OA_SECRET, force_refresh: force });

describe('GET /cgi-bin/token', () => {
  it('issues a new token each call; the previous one overlaps 5 minutes, older ones are 40001 at once', async () => {
    const sandbox = await startSandbox();
    const first = await baseToken(sandbox);
    const second = await baseToken(sandbox);
    expect(second).not.toBe(first);
    expect(await use(sandbox, first)).toBe(0);
    expect(await use(sandbox, second)).toBe(0);

    await control(sandbox, 'clock.advance', { seconds: 299 });
    expect(await use(sandbox, first)).toBe(0);
    await control(sandbox, 'clock.advance', { seconds: 2 });
    expect(await use(sandbox, first)).toBe(40001);
    expect(await use(sandbox, second)).toBe(0);

    const third = await baseToken(sandbox);
    const fourth = await baseToken(sandbox);
    expect(await use(sandbox, second)).toBe(40001);
    expect(await use(sandbox, third)).toBe(0);
    expect(await use(sandbox, fourth)).toBe(0);
  });

  it('answers 42001 once a token expires naturally, and 40001 for garbage', async () => {
    const sandbox = await startSandbox();
    const token = await baseToken(sandbox);
    await control(sandbox, 'clock.advance', { seconds: 7199 });
    expect(await use(sandbox, token)).toBe(0);
    await control(sandbox, 'clock.advance', { seconds: 1 });
    expect(await use(sandbox, token)).toBe(42001);
    expect(await use(sandbox, 'not-a-token')).toBe(40001);
  });

  it('checks grant_type, appid and secret with errmsg ending in a rid', async () => {
    const sandbox = await startSandbox();
    expect(await wx(sandbox, `/cgi-bin/token?grant_type=client_credential&appid=wx0000000000000000&secret=${OA_SECRET}`)).toMatchObject({
      errcode: 40013,
      errmsg: expect.stringMatching(/^invalid appid rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/),
    });
    expect(await wx(sandbox, `/cgi-bin/token?grant_type=client_credential&appid=${OA_APP_ID}&secret=wrong`)).toMatchObject({ errcode: 40125 });
    expect(await wx(sandbox, `/cgi-bin/token?grant_type=password&appid=${OA_APP_ID}&secret=${OA_SECRET}`)).toMatchObject({ errcode: 40002 });
    expect(await wx(sandbox, `/cgi-bin/token?grant_type=client_credential&secret=${OA_SECRET}`)).toMatchObject({ errcode: 41002 });
  });

  it('answers 40164 naming the caller IP when the app has a whitelist without it', async () => {
    const sandbox = await startSandbox({ apps: [officialAccount({ ipWhitelist: ['203.0.113.7'] })] });
    const answer = await wx(sandbox, TOKEN_PATH);
    expect(answer.errcode).toBe(40164);
    expect(answer.errmsg).toMatch(/^invalid ip 127\.0\.0\.1 ipv6 ::ffff:127\.0\.0\.1, not in whitelist rid: /);

    await control(sandbox, 'apps.put', officialAccount({ ipWhitelist: ['127.0.0.1'] }));
    expect(await wx(sandbox, TOKEN_PATH)).toHaveProperty('access_token');
  });

  it('stops at 2000 calls a day with 45009, and counts again the next Beijing day', async () => {
    const sandbox = await startSandbox();
    for (let i = 0; i < 2000; i++) {
      const answer = await wx(sandbox, TOKEN_PATH);
      if (!answer.access_token) throw new Error(`call ${i + 1} failed: ${JSON.stringify(answer)}`);
    }
    expect(await wx(sandbox, TOKEN_PATH)).toMatchObject({ errcode: 45009, errmsg: expect.stringMatching(/^reach max api daily quota limit rid: /) });
    await control(sandbox, 'clock.advance', { seconds: 86_400 });
    expect(await wx(sandbox, TOKEN_PATH)).toHaveProperty('access_token');
  });

  it('tokens.invalidate makes every token of the app 40001, in both chains', async () => {
    const sandbox = await startSandbox();
    const token = await baseToken(sandbox);
    const stableToken = (await wx(sandbox, '/cgi-bin/stable_token', stable())).access_token as string;
    await control(sandbox, 'tokens.invalidate', { appId: OA_APP_ID });
    expect(await use(sandbox, token)).toBe(40001);
    expect(await use(sandbox, stableToken)).toBe(40001);
    const fresh = (await wx(sandbox, '/cgi-bin/stable_token', stable())).access_token as string;
    expect(fresh).not.toBe(stableToken);
    expect(await use(sandbox, fresh)).toBe(0);
  });
});

describe('POST /cgi-bin/stable_token', () => {
  it('returns the same token while more than 5 minutes remain, then rotates with both valid to the end', async () => {
    const sandbox = await startSandbox();
    const first = await wx(sandbox, '/cgi-bin/stable_token', stable());
    expect(first.expires_in).toBe(7200);
    await control(sandbox, 'clock.advance', { seconds: 6000 });
    const same = await wx(sandbox, '/cgi-bin/stable_token', stable());
    expect(same.access_token).toBe(first.access_token);
    // Real time runs on under the virtual offset: up to a second may have passed since the token was issued.
    expect(same.expires_in).toBeGreaterThanOrEqual(1199);
    expect(same.expires_in).toBeLessThanOrEqual(1200);

    await control(sandbox, 'clock.advance', { seconds: 1000 }); // 200 s left: inside the last 5 minutes
    const rotated = await wx(sandbox, '/cgi-bin/stable_token', stable());
    expect(rotated.access_token).not.toBe(first.access_token);
    expect(rotated.expires_in).toBeGreaterThanOrEqual(300);
    expect(await use(sandbox, first.access_token as string)).toBe(0);
    expect(await use(sandbox, rotated.access_token as string)).toBe(0);
    expect((await wx(sandbox, '/cgi-bin/stable_token', stable())).access_token).toBe(rotated.access_token);

    await control(sandbox, 'clock.advance', { seconds: 200 });
    expect(await use(sandbox, first.access_token as string)).toBe(42001);
    expect(await use(sandbox, rotated.access_token as string)).toBe(0);
  });

  it('is isolated from /cgi-bin/token in both directions', async () => {
    const sandbox = await startSandbox();
    const stableToken = (await wx(sandbox, '/cgi-bin/stable_token', stable())).access_token as string;
    await baseToken(sandbox);
    await baseToken(sandbox);
    expect(await use(sandbox, stableToken)).toBe(0);
    const token = await baseToken(sandbox);
    await control(sandbox, 'clock.advance', { seconds: 31 });
    await wx(sandbox, '/cgi-bin/stable_token', stable(true));
    expect(await use(sandbox, token)).toBe(0);
  });

  it('force_refresh replaces the token at once, but only 30 s apart and 20 times a day', async () => {
    const sandbox = await startSandbox();
    const first = (await wx(sandbox, '/cgi-bin/stable_token', stable())).access_token as string;
    const forced = (await wx(sandbox, '/cgi-bin/stable_token', stable(true))).access_token as string;
    expect(forced).not.toBe(first);
    expect(await use(sandbox, first)).toBe(40001);

    // Within 30 s: no refresh happens, the current token comes back.
    await control(sandbox, 'clock.advance', { seconds: 29 });
    expect((await wx(sandbox, '/cgi-bin/stable_token', stable(true))).access_token).toBe(forced);
    await control(sandbox, 'clock.advance', { seconds: 1 });
    let last = (await wx(sandbox, '/cgi-bin/stable_token', stable(true))).access_token as string;
    expect(last).not.toBe(forced);

    for (let i = 3; i <= 20; i++) {
      await control(sandbox, 'clock.advance', { seconds: 31 });
      const next = (await wx(sandbox, '/cgi-bin/stable_token', stable(true))).access_token as string;
      expect(next).not.toBe(last);
      last = next;
    }
    await control(sandbox, 'clock.advance', { seconds: 31 });
    expect((await wx(sandbox, '/cgi-bin/stable_token', stable(true))).access_token).toBe(last);
    expect(await use(sandbox, last)).toBe(0);
  });

  it('wants a JSON body: a form post is 47001; bad credentials as for /cgi-bin/token', async () => {
    const sandbox = await startSandbox();
    const res = await fetch(`${sandbox.url}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credential&appid=${OA_APP_ID}&secret=${OA_SECRET}`,
    });
    expect(await res.json()).toMatchObject({ errcode: 47001 });
    expect(await wx(sandbox, '/cgi-bin/stable_token', { ...stable(), secret: 'nope' })).toMatchObject({ errcode: 40125 });
    expect(await wx(sandbox, '/cgi-bin/stable_token', { ...stable(), appid: 'wx0000000000000001' })).toMatchObject({ errcode: 40013 });
  });
});

describe('access_token checks on APIs', () => {
  it('answers 41001 without a token', async () => {
    const sandbox = await startSandbox();
    expect(await wx(sandbox, '/cgi-bin/qrcode/create', QR_BODY)).toMatchObject({ errcode: 41001 });
  });
});
