/**
 * The companion's configuration: the documented file, the same settings from CREATOR_STUDIO_COMPANION_* variables,
 * `env:NAME` references for secrets, and errors that name the key and where it came from — without echoing values.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_PORT,
  MASTER_KEY_ENV,
  WECHAT_HOSTS,
  loadConfig,
  loadMasterKey,
  parseConfig,
  type ConfigProblem,
} from '../../../electron/companion/config';
import { ROOT } from '../../helpers/fixtures';
import { tempDir } from '../../helpers/temp-dir';

const SECRET = '0123456789abcdef0123456789abcdef';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

function problems(fn: () => unknown): ConfigProblem[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function writeConfig(dir: string, content: unknown): string {
  const file = path.join(dir, 'companion.json');
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('companion config', () => {
  it('has sensible defaults: loopback, port 8720, data beside the file, the real WeChat hosts, safe mode', () => {
    const dir = tempDir();
    const config = loadConfig({ file: writeConfig(dir, {}), env: {} });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: DEFAULT_PORT,
      dataDir: path.join(dir, 'companion-data'),
      publicBaseUrl: null,
      sandbox: false,
      secretsKeyFile: null,
      wechat: { officialAccount: { appId: null, appSecret: null, messageMode: 'safe' }, baseUrls: WECHAT_HOSTS },
    });
  });

  it('reads the committed example (with its env: references set)', () => {
    const env = { WECHAT_OA_APP_SECRET: SECRET, WECHAT_OA_TOKEN: 'tokentoken', WECHAT_OA_AES_KEY: AES_KEY, WECHAT_WEB_APP_SECRET: SECRET, WECHAT_MINI_APP_SECRET: SECRET };
    const example = path.join(ROOT, 'electron', 'companion', 'companion.example.json');
    const config = loadConfig({ file: example, env });
    expect(config.wechat.officialAccount).toEqual({
      appId: 'wx0123456789abcdef',
      appSecret: SECRET,
      token: 'tokentoken',
      encodingAesKey: AES_KEY,
      messageMode: 'safe',
    });
    expect(config.wechat.miniProgram).toEqual({ appId: 'wx2468ace013579bdf', appSecret: SECRET, reviewOpenid: null });
    expect(config.secretsKeyFile).toBe(path.join(ROOT, 'electron', 'companion', 'companion.key'));
    expect(config.publicBaseUrl).toBe('https://studio.example.com');
  });

  it('takes every setting from CREATOR_STUDIO_COMPANION_* variables, which win over the file', () => {
    const dir = tempDir();
    const file = writeConfig(dir, { port: 9000, wechat: { officialAccount: { appId: 'wx1111111111111111' } } });
    const config = loadConfig({
      file,
      env: {
        CREATOR_STUDIO_COMPANION_PORT: '9100',
        CREATOR_STUDIO_COMPANION_HOST: '0.0.0.0',
        CREATOR_STUDIO_COMPANION_OA_APP_ID: 'wx2222222222222222',
        CREATOR_STUDIO_COMPANION_OA_APP_SECRET: SECRET,
        CREATOR_STUDIO_COMPANION_OA_MESSAGE_MODE: 'compatible',
        CREATOR_STUDIO_COMPANION_PUBLIC_BASE_URL: 'https://team.example.com/',
        CREATOR_STUDIO_COMPANION_API_BASE_URL: 'https://api.example.com',
      },
    });
    expect(config).toMatchObject({ host: '0.0.0.0', port: 9100, publicBaseUrl: 'https://team.example.com' });
    expect(config.wechat.officialAccount).toMatchObject({ appId: 'wx2222222222222222', appSecret: SECRET, messageMode: 'compatible' });
    expect(config.wechat.baseUrls.api).toBe('https://api.example.com');
  });

  it('works from the environment alone (no file), paths relative to the working folder', () => {
    const cwd = tempDir();
    const config = loadConfig({ env: { CREATOR_STUDIO_COMPANION_DATA_DIR: 'data', CREATOR_STUDIO_COMPANION_SANDBOX: 'true', CREATOR_STUDIO_COMPANION_SANDBOX_URL: 'http://127.0.0.1:4100' }, cwd });
    expect(config.dataDir).toBe(path.join(cwd, 'data'));
    expect(config.sandbox).toBe(true);
  });

  it('sandbox: true points every WeChat host at the sandbox', () => {
    const config = parseConfig({ sandbox: true, sandboxUrl: 'http://127.0.0.1:4100/', wechat: { baseUrls: { api: 'https://api.weixin.qq.com' } } });
    expect(config.wechat.baseUrls).toEqual({ api: 'http://127.0.0.1:4100', open: 'http://127.0.0.1:4100', mp: 'http://127.0.0.1:4100', pay: 'http://127.0.0.1:4100' });
  });

  it('resolves env:NAME references for secrets and keeps the value out of the file', () => {
    const config = parseConfig(
      { wechat: { officialAccount: { appSecret: 'env:MY_OA_SECRET', token: 'env:MY_TOKEN', encodingAesKey: 'env:MY_AES' }, websiteApp: { appSecret: 'env:MY_WEB' } } },
      { env: { MY_OA_SECRET: SECRET, MY_TOKEN: 'abc123', MY_AES: AES_KEY, MY_WEB: SECRET } },
    );
    expect(config.wechat.officialAccount).toMatchObject({ appSecret: SECRET, token: 'abc123', encodingAesKey: AES_KEY });
    expect(config.wechat.websiteApp.appSecret).toBe(SECRET);
  });

  it('names the key and the variable when an env: reference points at nothing', () => {
    const found = problems(() => parseConfig({ wechat: { officialAccount: { appSecret: 'env:NOT_SET_ANYWHERE' } } }, { env: {} }));
    expect(found).toEqual([
      { key: 'wechat.officialAccount.appSecret', source: 'companion.json', message: 'refers to the environment variable NOT_SET_ANYWHERE, which is not set' },
    ]);
  });

  it('allows env: references only for secrets', () => {
    const found = problems(() => parseConfig({ host: 'env:HOST' }, { env: { HOST: '0.0.0.0' } }));
    expect(found[0]).toMatchObject({ key: 'host' });
    expect(found[0]!.message).toMatch(/secrets only/);
  });

  it('lists every problem with its key, and does not echo a wrong secret', () => {
    const badSecret = 'short-secret-!!';
    const error = (() => {
      try {
        parseConfig({ port: 70000, wechat: { officialAccount: { appId: 'wxNOPE', appSecret: badSecret, messageMode: 'loud' } } });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected an error');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems.map((p) => p.key).sort()).toEqual([
      'port',
      'wechat.officialAccount.appId',
      'wechat.officialAccount.appSecret',
      'wechat.officialAccount.messageMode',
    ]);
    expect(error.message).toContain('wechat.officialAccount.appId (companion.json): must be "wx" followed by 16 lowercase hex digits');
    expect(error.message).not.toContain(badSecret);
  });

  it('names the environment variable a bad value came from', () => {
    expect(problems(() => parseConfig({}, { env: { CREATOR_STUDIO_COMPANION_PORT: 'eighty' } }))).toEqual([
      { key: 'port', source: 'CREATOR_STUDIO_COMPANION_PORT', message: 'must be a whole number' },
    ]);
    const found = problems(() => parseConfig({}, { env: { CREATOR_STUDIO_COMPANION_OA_APP_ID: 'wx12' } }));
    expect(found[0]).toMatchObject({ key: 'wechat.officialAccount.appId', source: 'CREATOR_STUDIO_COMPANION_OA_APP_ID' });
  });

  it('refuses unknown keys (a typo would otherwise be silently ignored)', () => {
    const found = problems(() => parseConfig({ wechat: { officalAccount: {} } }));
    expect(found).toEqual([{ key: 'wechat.officalAccount', source: 'companion.json', message: 'is not a known setting (a typo?)' }]);
  });

  it('requires sandboxUrl with sandbox: true', () => {
    expect(problems(() => parseConfig({ sandbox: true }))).toEqual([{ key: 'sandboxUrl', source: 'companion.json', message: 'is required when sandbox is true' }]);
  });

  it('explains an unreadable or invalid file', () => {
    const dir = tempDir();
    expect(problems(() => loadConfig({ file: path.join(dir, 'missing.json'), env: {} }))[0]!.message).toMatch(/cannot be read/);
    expect(problems(() => loadConfig({ file: writeConfig(dir, '{ "port": 1, }'), env: {} }))[0]!.message).toMatch(/not valid JSON/);
    expect(problems(() => loadConfig({ file: writeConfig(dir, '[1]'), env: {} }))[0]!.message).toMatch(/one JSON object/);
  });
});

describe('companion master key (standalone)', () => {
  it('comes from the key file (base64, whitespace ignored) or, without one, from the environment', () => {
    const dir = tempDir();
    const key = randomBytes(32);
    fs.writeFileSync(path.join(dir, 'companion.key'), `${key.toString('base64')}\n`);
    const fromFile = parseConfig({ secretsKeyFile: 'companion.key' }, { baseDir: dir });
    expect(loadMasterKey(fromFile, {}).equals(key)).toBe(true);
    expect(loadMasterKey(parseConfig({}), { [MASTER_KEY_ENV]: key.toString('base64') }).equals(key)).toBe(true);
  });

  it('refuses a missing key with instructions, and a key that is not 32 bytes', () => {
    expect(problems(() => loadMasterKey(parseConfig({}), {}))[0]!.message).toMatch(/openssl rand -base64 32/);
    expect(problems(() => loadMasterKey(parseConfig({}), { [MASTER_KEY_ENV]: randomBytes(16).toString('base64') }))[0]).toMatchObject({
      source: MASTER_KEY_ENV,
      message: 'must be base64 of exactly 32 bytes',
    });
  });
});
