/**
 * Faults injected through the control API: errcodes for the next N calls of a path or of every API, and slow answers.
 */
import { describe, expect, it } from 'vitest';
import { OA_APP_ID, OA_SECRET, baseToken, control, controlRaw, startSandbox, wx } from '../../helpers/sandbox';

const TOKEN_PATH = `/cgi-bin/token?grant_type=client_credential&appid=${OA_APP_ID}&secret=${OA_SECRET}`;

describe('faults.add', () => {
  it('answers the errcode for exactly N calls of that path, then clears itself', async () => {
    const sandbox = await startSandbox();
    await control(sandbox, 'faults.add', { path: '/cgi-bin/token', errcode: 45009, count: 2 });
    expect(await wx(sandbox, `/sns/auth?access_token=x&openid=y`)).toMatchObject({ errcode: 40001 });
    expect(await wx(sandbox, TOKEN_PATH)).toMatchObject({ errcode: 45009, errmsg: expect.stringMatching(/^reach max api daily quota limit rid: /) });
    expect(await wx(sandbox, TOKEN_PATH)).toMatchObject({ errcode: 45009 });
    expect(await wx(sandbox, TOKEN_PATH)).toHaveProperty('access_token');
  });

  it('`*` hits whichever API comes next; faults apply in the order they were added', async () => {
    const sandbox = await startSandbox();
    const token = await baseToken(sandbox);
    await control(sandbox, 'faults.add', { path: '*', errcode: -1 });
    await control(sandbox, 'faults.add', { path: '/cgi-bin/qrcode/create', errcode: 45011 });
    const qr = (t: string) => wx(sandbox, `/cgi-bin/qrcode/create?access_token=${encodeURIComponent(t)}`, { action_name: 'QR_SCENE', action_info: { scene: { scene_id: 1 } } });
    expect(await qr(token)).toMatchObject({ errcode: -1, errmsg: expect.stringMatching(/^system error rid: /) });
    expect(await qr(token)).toMatchObject({ errcode: 45011 });
    expect(await qr(token)).toHaveProperty('ticket');
  });

  it('a 40164 fault names the caller IP', async () => {
    const sandbox = await startSandbox();
    await control(sandbox, 'faults.add', { path: '/cgi-bin/stable_token', errcode: 40164 });
    const answer = await wx(sandbox, '/cgi-bin/stable_token', { grant_type: 'client_credential', appid: OA_APP_ID, secret: OA_SECRET });
    expect(answer).toMatchObject({ errcode: 40164, errmsg: expect.stringContaining('invalid ip 127.0.0.1') });
  });

  it('delays answers: a client with a short deadline gives up, the next call is prompt and normal', async () => {
    const sandbox = await startSandbox();
    await control(sandbox, 'faults.add', { path: '/cgi-bin/token', delayMs: 5000 });
    await expect(fetch(`${sandbox.url}${TOKEN_PATH}`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect(await wx(sandbox, TOKEN_PATH)).toHaveProperty('access_token');
  });

  it('refuses malformed faults', async () => {
    const sandbox = await startSandbox();
    expect(await controlRaw(sandbox, 'faults.add', { path: '/cgi-bin/token', delayMs: -1 })).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
  });
});
