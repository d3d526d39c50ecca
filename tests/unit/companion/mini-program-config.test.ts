/**
 * The mini program of the online second opinion in the companion's config: file keys, environment variables, `env:`
 * for its secret only, and errors that name the key without the value.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../electron/companion/config';
import { secretsFromConfig } from '../../../electron/companion/services/secrets';

const SECRET = 'mini-secret-0123456789abcdef';

describe('wechat.miniProgram', () => {
  it('is empty by default', () => {
    expect(parseConfig({}).wechat.miniProgram).toEqual({ appId: null, appSecret: null, reviewOpenid: null });
  });

  it('comes from the file or from CREATOR_STUDIO_COMPANION_MINI_PROGRAM_* (which win), its secret also by env:', () => {
    const config = parseConfig(
      { wechat: { miniProgram: { appId: 'wx1111111111111111', appSecret: 'env:MY_MINI_SECRET', reviewOpenid: 'o-file-openid-123' } } },
      {
        env: {
          MY_MINI_SECRET: SECRET,
          CREATOR_STUDIO_COMPANION_MINI_PROGRAM_APP_ID: 'wx2222222222222222',
          CREATOR_STUDIO_COMPANION_MINI_PROGRAM_REVIEW_OPENID: 'oEnvOpenid_0123456789',
        },
      },
    );
    expect(config.wechat.miniProgram).toEqual({ appId: 'wx2222222222222222', appSecret: SECRET, reviewOpenid: 'oEnvOpenid_0123456789' });
    expect(secretsFromConfig(config)['miniProgram.appSecret']).toBe(SECRET);
  });

  it('names the key of a bad value and refuses env: outside secrets, never echoing a secret', () => {
    const bad = () => parseConfig({ wechat: { miniProgram: { appId: 'wxNOPE', appSecret: 'short', reviewOpenid: 'has spaces in it' } } });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (error) {
      const keys = (error as ConfigError).problems.map((p) => p.key);
      expect(keys).toEqual(expect.arrayContaining(['wechat.miniProgram.appId', 'wechat.miniProgram.appSecret', 'wechat.miniProgram.reviewOpenid']));
      expect((error as Error).message).not.toContain('short');
    }
    expect(() => parseConfig({ wechat: { miniProgram: { reviewOpenid: 'env:OPENID' } } }, { env: { OPENID: 'oAbcdef' } })).toThrow(/allowed for secrets only/);
  });
});
