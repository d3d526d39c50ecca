/**
 * A mini program for content-security tests (msg_sec_check v2, wechat-protocols.md §8.1): its sandbox registration,
 * a user's openid in it, and plain calls to the sandbox's msg_sec_check.
 */
import type { AppInput, Sandbox } from '../../electron/sandbox/index';
import { baseToken, control, wx } from './sandbox';

export const MINI_APP_ID = 'wx5e6f7a8b9c0d1e2f';
export const MINI_SECRET = 'mini-secret-0123456789abcdef';

export const miniProgram = (extra: Partial<AppInput> = {}): AppInput => ({
  appId: MINI_APP_ID,
  appSecret: MINI_SECRET,
  kind: 'miniProgram',
  name: '小满读书会小程序',
  ...extra,
});

/** Registers the mini program with the sandbox; answers an access token for it and the openid of `userId` in it. */
export async function setUpMiniProgram(sandbox: Sandbox, userId = 'lin-xiaoman'): Promise<{ token: string; openid: string }> {
  sandbox.putApp(miniProgram());
  const token = await baseToken(sandbox, MINI_APP_ID, MINI_SECRET);
  const { openid } = await control(sandbox, 'users.openid', { appId: MINI_APP_ID, userId });
  return { token, openid };
}

/** POST /wxa/msg_sec_check with `body` as JSON (or as the raw string given). */
export async function secCheck(sandbox: Sandbox, token: string, body: unknown): Promise<Record<string, unknown>> {
  return wx(sandbox, `/wxa/msg_sec_check?access_token=${encodeURIComponent(token)}`, body);
}
