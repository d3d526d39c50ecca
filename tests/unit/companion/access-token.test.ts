/**
 * The access-token holder's concurrency rules, with a controllable clock and fetch (the WeChat side of these rules
 * is exercised against the sandbox in tests/integration/companion/wechat-client.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { AccessTokenManager, type IssuedToken } from '../../../electron/companion/wechat/access-token';

function setup(expiresIn = 7200) {
  let now = 1_000_000;
  let issued = 0;
  const calls: boolean[] = [];
  let release: (() => void) | null = null;
  let hold = false;
  const manager = new AccessTokenManager({
    now: () => now,
    fetch: async (force): Promise<IssuedToken> => {
      calls.push(force);
      if (hold) await new Promise<void>((resolve) => (release = resolve));
      issued++;
      return { accessToken: `T${issued}`, expiresIn };
    },
  });
  return {
    manager,
    calls,
    advance: (ms: number) => (now += ms),
    holdNext: () => (hold = true),
    releaseHeld: () => {
      hold = false;
      release?.();
    },
  };
}

describe('AccessTokenManager', () => {
  it('100 concurrent callers without a token: one fetch, everyone gets its token', async () => {
    const t = setup();
    const tokens = await Promise.all(Array.from({ length: 100 }, () => t.manager.get()));
    expect(new Set(tokens)).toEqual(new Set(['T1']));
    expect(t.calls).toEqual([false]);
  });

  it('100 concurrent callers with an expired token: exactly one refresh', async () => {
    const t = setup();
    await t.manager.get();
    t.advance(7200_000);
    const tokens = await Promise.all(Array.from({ length: 100 }, () => t.manager.get()));
    expect(new Set(tokens)).toEqual(new Set(['T2']));
    expect(t.calls).toHaveLength(2);
  });

  it('refreshes proactively in the last 5 minutes without making callers wait: they keep the old token meanwhile', async () => {
    const t = setup();
    await t.manager.get();
    t.advance(7200_000 - 299_000);
    t.holdNext();
    // The refresh has started but not finished: callers are not blocked and still get T1, which WeChat keeps valid.
    const during = await Promise.all(Array.from({ length: 10 }, () => t.manager.get()));
    expect(new Set(during)).toEqual(new Set(['T1']));
    expect(t.calls).toHaveLength(2);
    t.releaseHeld();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await t.manager.get()).toBe('T2');
    expect(t.calls).toHaveLength(2);
  });

  it('a token rejected by 100 callers at once is refreshed once; late reports of the old token change nothing', async () => {
    const t = setup();
    const old = await t.manager.get();
    await Promise.all(Array.from({ length: 100 }, () => t.manager.rejected(old)));
    expect(t.manager.peek()).toBe('T2');
    await t.manager.rejected(old);
    expect(t.calls).toEqual([false, false]);
  });

  it('forces a rotation when WeChat hands back the very token it rejected', async () => {
    let n = 0;
    const calls: boolean[] = [];
    const manager = new AccessTokenManager({
      now: () => 0,
      fetch: async (force) => {
        calls.push(force);
        n++;
        return { accessToken: n <= 2 ? 'SAME' : 'NEW', expiresIn: 7200 };
      },
    });
    await manager.get();
    await manager.rejected('SAME');
    expect(calls).toEqual([false, false, true]);
    expect(manager.peek()).toBe('NEW');
  });

  it('does not cache a failure: the next caller tries again', async () => {
    let fail = true;
    const manager = new AccessTokenManager({
      now: () => 0,
      fetch: async () => {
        if (fail) throw new Error('40125');
        return { accessToken: 'OK', expiresIn: 7200 };
      },
    });
    await expect(manager.get()).rejects.toThrow('40125');
    fail = false;
    expect(await manager.get()).toBe('OK');
  });

  it('a short-lived token (stable_token near its end) is refreshed at half its life, not in a loop', async () => {
    const t = setup(300);
    await t.manager.get();
    t.advance(100_000);
    await t.manager.get();
    expect(t.calls).toHaveLength(1);
    t.advance(60_000);
    await t.manager.get();
    expect(t.calls).toHaveLength(2);
  });
});
