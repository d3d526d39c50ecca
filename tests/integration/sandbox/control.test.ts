/**
 * The control API's guard and its simple methods.
 */
import { describe, expect, it } from 'vitest';
import { sandboxControl, type SandboxControl } from '../../../shared/wechat-sandbox/control';
import { OA_APP_ID, control, controlRaw, startSandbox } from '../../helpers/sandbox';

describe('control API', () => {
  it('answers 401 on every route without the header or with a wrong token, and changes nothing', async () => {
    const sandbox = await startSandbox();
    for (const name of Object.keys(sandboxControl) as (keyof SandboxControl)[]) {
      for (const token of [null, 'wrong-token', `${sandbox.controlToken}x`]) {
        const { status, body } = await controlRaw(sandbox, name, undefined, token);
        expect(status, `${name} with ${String(token)}`).toBe(401);
        expect(body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      }
    }
    const res = await fetch(`${sandbox.url}/__sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seconds":3600}' });
    expect(res.status).toBe(401);
    expect(Math.abs(sandbox.clock.now() - Date.now())).toBeLessThan(60_000);
  });

  it('uses the token it was given', async () => {
    const sandbox = await startSandbox({ controlToken: 'fixed-control-token-for-tests' });
    expect(sandbox.controlToken).toBe('fixed-control-token-for-tests');
    expect((await control(sandbox, 'users.list')).items).toHaveLength(4);
  });

  it('lists four seeded users, three with a unionid, avatars served by the sandbox', async () => {
    const sandbox = await startSandbox();
    const { items } = await control(sandbox, 'users.list');
    expect(items.filter((u) => u.hasUnionid)).toHaveLength(3);
    for (const user of items) {
      const res = await fetch(user.avatarUrl);
      expect(res.headers.get('content-type')).toBe('image/png');
    }
    expect((await fetch(`${sandbox.url}/mmopen/lin-xiaoman/0`)).status).toBe(200);
    expect((await fetch(`${sandbox.url}/mmopen/lin-xiaoman/50`)).status).toBe(404);
    expect((await fetch(`${sandbox.url}/mmopen/nobody/132`)).status).toBe(404);
  });

  it('validates bodies with clear errors; clock.advance answers the new time', async () => {
    const sandbox = await startSandbox();
    const bad = await controlRaw(sandbox, 'apps.put', { appId: 'not-an-appid', appSecret: 'short', kind: 'officialAccount', name: 'x' });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { message: string } }).error.message).toMatch(/appId/);
    expect(await controlRaw(sandbox, 'tokens.invalidate', { appId: 'wx0000000000000000' })).toMatchObject({ status: 404 });
    await control(sandbox, 'tokens.invalidate', { appId: OA_APP_ID });

    const before = sandbox.clock.now();
    const { now } = await control(sandbox, 'clock.advance', { seconds: 86_400 });
    expect(Date.parse(now) - before).toBeGreaterThanOrEqual(86_400_000);
  });
});
