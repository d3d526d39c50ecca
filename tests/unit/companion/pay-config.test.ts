/**
 * `wechat.pay` in the companion's config: key files read relative to the config file (or PEM from `env:`), the APIv3
 * key's 32 bytes, HTTPS notify URLs outside sandbox mode, the pay base URL — and errors that name the setting and its
 * source without ever echoing a secret.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, WECHAT_HOSTS, loadConfig, parseConfig, type ConfigProblem } from '../../../electron/companion/config';
import { secretsFromConfig } from '../../../electron/companion/services/secrets';
import { TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM } from '../../helpers/pay';
import { tempDir } from '../../helpers/temp-dir';

const API_V3_KEY = 'Zk3q9VbT1mXc7RwP2sLa8YdN4gHe6UjF';
const PUB_KEY_ID = 'PUB_KEY_ID_0112860886012025062700111588000000';

function problems(fn: () => unknown): ConfigProblem[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function errorText(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('wechat.pay config', () => {
  it('is empty by default, with WeChat Pay’s real host and a 5-minute reconciliation', () => {
    const config = parseConfig({});
    expect(config.wechat.baseUrls.pay).toBe(WECHAT_HOSTS.pay);
    expect(WECHAT_HOSTS.pay).toBe('https://api.mch.weixin.qq.com');
    expect(config.wechat.pay).toMatchObject({ mchId: null, merchantPrivateKeyPem: null, apiV3Key: null, verifyMode: null, notifyUrl: null, reconcileIntervalSeconds: 300 });
  });

  it('reads the merchant key and WeChat Pay public key files beside the config file', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'apiclient_key.pem'), TEST_PRIVATE_KEY_PEM);
    fs.mkdirSync(path.join(dir, 'keys'));
    fs.writeFileSync(path.join(dir, 'keys', 'pub_key.pem'), TEST_PUBLIC_KEY_PEM);
    const file = path.join(dir, 'companion.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        publicBaseUrl: 'https://studio.example.com',
        wechat: {
          pay: {
            mchId: '1900009191',
            merchantSerialNo: '5157f09efdc096de15ebe81a47057a7232f1b8e1',
            merchantPrivateKeyFile: 'apiclient_key.pem',
            apiV3Key: 'env:PAY_KEY',
            verifyMode: 'publicKey',
            publicKeyId: PUB_KEY_ID,
            publicKeyFile: 'keys/pub_key.pem',
          },
        },
      }),
    );
    const config = loadConfig({ file, env: { PAY_KEY: API_V3_KEY } });
    expect(config.wechat.pay).toMatchObject({
      mchId: '1900009191',
      merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
      merchantPrivateKeyPem: TEST_PRIVATE_KEY_PEM,
      apiV3Key: API_V3_KEY,
      verifyMode: 'publicKey',
      publicKeyId: PUB_KEY_ID,
      publicKeyPem: TEST_PUBLIC_KEY_PEM,
      notifyUrl: null,
    });
    // Secrets the config sets are the config's: held in memory, never stored by the secrets service.
    expect(Object.keys(secretsFromConfig(config)).sort()).toEqual(['pay.apiV3Key', 'pay.merchantPrivateKey', 'pay.publicKey']);
  });

  it('takes PEMs from env: references and every setting from CREATOR_STUDIO_COMPANION_PAY_* variables', () => {
    const config = parseConfig(
      { sandbox: true, sandboxUrl: 'http://127.0.0.1:4100', wechat: { pay: { merchantPrivateKeyFile: 'env:MCH_KEY' } } },
      {
        env: {
          MCH_KEY: TEST_PRIVATE_KEY_PEM,
          CREATOR_STUDIO_COMPANION_PAY_MCH_ID: '1230000109',
          CREATOR_STUDIO_COMPANION_PAY_API_V3_KEY: API_V3_KEY,
          CREATOR_STUDIO_COMPANION_PAY_VERIFY_MODE: 'platformCertificates',
          CREATOR_STUDIO_COMPANION_PAY_NOTIFY_URL: 'http://127.0.0.1:8720/wechat/pay/notify',
          CREATOR_STUDIO_COMPANION_PAY_RECONCILE_INTERVAL_SECONDS: '60',
        },
      },
    );
    expect(config.wechat.pay).toMatchObject({
      mchId: '1230000109',
      merchantPrivateKeyPem: TEST_PRIVATE_KEY_PEM,
      apiV3Key: API_V3_KEY,
      verifyMode: 'platformCertificates',
      notifyUrl: 'http://127.0.0.1:8720/wechat/pay/notify',
      reconcileIntervalSeconds: 60,
    });
    // Sandbox mode points WeChat Pay at the sandbox too.
    expect(config.wechat.baseUrls.pay).toBe('http://127.0.0.1:4100');
  });

  it('refuses an APIv3 key that is not exactly 32 bytes, naming its length but never its value', () => {
    for (const key of ['too-short-key', `${API_V3_KEY}x`, '支付密钥'.repeat(4)]) {
      const text = errorText(() => parseConfig({ wechat: { pay: { apiV3Key: key } } }));
      expect(text).toContain('wechat.pay.apiV3Key (companion.json): must be exactly 32 bytes');
      expect(text).not.toContain(key);
    }
    expect(problems(() => parseConfig({ wechat: { pay: { apiV3Key: '支付密钥'.repeat(4) } } }))[0]!.message).toMatch(/this one has 48$/);
  });

  it('names an unreadable key file, a file that is no key, and a key of the wrong kind', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'not-a-key.pem'), 'hello');
    const found = problems(() =>
      parseConfig(
        { wechat: { pay: { merchantPrivateKeyFile: 'missing.pem', publicKeyFile: 'not-a-key.pem', publicKeyId: PUB_KEY_ID } } },
        { baseDir: dir },
      ),
    );
    expect(found).toEqual([
      { key: 'wechat.pay.merchantPrivateKeyFile', source: 'companion.json', message: `cannot be read: ENOENT (${path.join(dir, 'missing.pem')})` },
      { key: 'wechat.pay.publicKeyFile', source: 'companion.json', message: 'is not a public key in PEM (pub_key.pem, "-----BEGIN PUBLIC KEY-----")' },
    ]);
    const wrongKind = problems(() => parseConfig({ wechat: { pay: { merchantPrivateKeyFile: 'env:K' } } }, { env: { K: TEST_PUBLIC_KEY_PEM } }));
    expect(wrongKind[0]).toMatchObject({ key: 'wechat.pay.merchantPrivateKeyFile', source: 'companion.json → env:K' });
    expect(JSON.stringify(wrongKind)).not.toContain('MIIB');
  });

  it('needs the public key id beside a public key file', () => {
    expect(problems(() => parseConfig({ wechat: { pay: { publicKeyFile: 'env:P' } } }, { env: { P: TEST_PUBLIC_KEY_PEM } }))).toEqual([
      { key: 'wechat.pay.publicKeyId', source: 'companion.json', message: 'is required beside publicKeyFile (the PUB_KEY_ID_… shown with the key)' },
    ]);
    expect(problems(() => parseConfig({ wechat: { pay: { publicKeyId: 'KEY_1' } } }))[0]).toMatchObject({ key: 'wechat.pay.publicKeyId' });
  });

  it('checks the shapes of mchId, the serial and the verification mode', () => {
    const found = problems(() => parseConfig({ wechat: { pay: { mchId: '12ab', merchantSerialNo: 'not-hex!', verifyMode: 'both' } } }));
    expect(found.map((p) => p.key).sort()).toEqual(['wechat.pay.mchId', 'wechat.pay.merchantSerialNo', 'wechat.pay.verifyMode']);
    expect(problems(() => parseConfig({ wechat: { pay: { mchid: '1900009191' } } }))).toEqual([
      { key: 'wechat.pay.mchid', source: 'companion.json', message: 'is not a known setting (a typo?)' },
    ]);
  });

  it('requires an HTTPS notify URL without a query outside sandbox mode', () => {
    expect(problems(() => parseConfig({ wechat: { pay: { notifyUrl: 'http://studio.example.com/wechat/pay/notify' } } }))[0]!.message).toMatch(/https:\/\//);
    expect(problems(() => parseConfig({ wechat: { pay: { notifyUrl: 'https://studio.example.com/n?x=1' } } }))[0]!.message).toMatch(/query string/);
    expect(problems(() => parseConfig({ wechat: { pay: { notifyUrl: `https://studio.example.com/${'n'.repeat(260)}` } } }))[0]!.message).toMatch(/255/);
    // A merchant without a notify URL needs an HTTPS public address to derive it from.
    const derived = problems(() => parseConfig({ publicBaseUrl: 'http://studio.example.com', wechat: { pay: { mchId: '1900009191' } } }));
    expect(derived[0]).toMatchObject({ key: 'wechat.pay.notifyUrl' });
    expect(parseConfig({ publicBaseUrl: 'https://studio.example.com', wechat: { pay: { mchId: '1900009191' } } }).wechat.pay.notifyUrl).toBeNull();
    // Towards the sandbox, plain HTTP on loopback is fine.
    expect(parseConfig({ sandbox: true, sandboxUrl: 'http://127.0.0.1:4100', wechat: { pay: { mchId: '1900009191', notifyUrl: 'http://127.0.0.1:1/n' } } }).wechat.pay.notifyUrl).toBe(
      'http://127.0.0.1:1/n',
    );
  });
});
