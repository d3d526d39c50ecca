/**
 * Secrets at rest: whatever `secrets.put` (or the config) gives the companion is never in an API answer, never in a
 * log line, never in the bytes of any file in its data folder; it survives a restart with the same master key, and a
 * different key is refused at start.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { companionRoutes, type CompanionRouteName } from '../../../shared/companion/api';
import { MasterKeyMismatchError } from '../../../electron/companion/services/secrets';
import { BOOTSTRAP_CODE, call, ok, openCompanion, pairOwner } from '../../helpers/companion';
import { listFiles } from '../../helpers/temp-dir';

const OA_SECRET = 'OaSecret7c1f0e9d8b2a4c6e8f0a1b2c';
const OA_TOKEN = 'PushTokenQ7x9';
const OA_AES = 'Zyxwvutsrqponmlkjihgfedcba9876543210ZYXWVUT';
const WEB_SECRET = 'WebSecret5e4d3c2b1a0f9e8d7c6b5a4';
const SECRETS = [OA_SECRET, OA_TOKEN, OA_AES, WEB_SECRET];

const config = { wechat: { officialAccount: { appId: 'wx1234567890abcdef', messageMode: 'safe' }, websiteApp: { appId: 'wxfedcba0987654321' } } };

/** Every byte of every file in the data folder (database, WAL, shared memory, backups). */
function folderBytes(dir: string): Buffer {
  return Buffer.concat(listFiles(dir).map((f) => fs.readFileSync(path.join(dir, f))));
}

function containsAny(haystack: Buffer | string, needles: string[]): string[] {
  return needles.filter((n) => (typeof haystack === 'string' ? haystack.includes(n) : haystack.includes(Buffer.from(n)) || haystack.includes(Buffer.from(n, 'utf16le'))));
}

describe('secrets', () => {
  it('secrets.put answers only which were updated, and settings show only whether they are configured', async () => {
    const c = await openCompanion({ config });
    const owner = await pairOwner(c.app);
    expect(await ok(c.app, 'settings.get', owner)).toMatchObject({ officialAccount: { configured: false }, websiteApp: { configured: false } });
    const put = await ok(c.app, 'secrets.put', owner, {
      body: { officialAccount: { appSecret: OA_SECRET, token: OA_TOKEN, encodingAesKey: OA_AES }, websiteApp: { appSecret: WEB_SECRET } },
    });
    expect(put.updated).toEqual(['officialAccount.appSecret', 'officialAccount.token', 'officialAccount.encodingAesKey', 'websiteApp.appSecret']);
    expect(await ok(c.app, 'settings.get', owner)).toMatchObject({
      officialAccount: { appId: 'wx1234567890abcdef', configured: true, messageMode: 'safe' },
      websiteApp: { appId: 'wxfedcba0987654321', configured: true },
      bindingMode: 'qrconnect',
    });
  });

  it('never appear in any API answer, any log line, or the bytes of the data folder', async () => {
    const c = await openCompanion({ config });
    const owner = await pairOwner(c.app);
    await ok(c.app, 'secrets.put', owner, {
      body: { officialAccount: { appSecret: OA_SECRET, token: OA_TOKEN, encodingAesKey: OA_AES }, websiteApp: { appSecret: WEB_SECRET } },
    });
    // The secrets are in use: a binding session needs the AppSecret, event crypto needs Token and key.
    await ok(c.app, 'bindings.create', owner, { body: { newMember: { name: '小李', role: 'editor' }, mode: 'oauth' } });
    await ok(c.app, 'scenes.get', owner, { params: { sceneStr: 'none' } }).catch(() => undefined);

    const answers: string[] = [];
    for (const name of Object.keys(companionRoutes) as CompanionRouteName[]) {
      if (companionRoutes[name].method !== 'GET') continue;
      const res = await call(c.app, name, owner, { params: { id: 'x', sceneStr: 'x' } });
      answers.push(res.text);
    }
    // Also a failed write: error messages must not echo what was sent.
    answers.push((await call(c.app, 'secrets.put', owner, { body: { officialAccount: { appSecret: `${OA_SECRET}!`, token: OA_TOKEN } } })).text);
    expect(containsAny(answers.join('\n'), SECRETS)).toEqual([]);

    expect(c.logs.lines.length).toBeGreaterThan(10);
    expect(containsAny(c.logs.text(), [...SECRETS, owner, BOOTSTRAP_CODE])).toEqual([]);

    await c.app.close();
    const bytes = folderBytes(c.dataDir);
    expect(bytes.length).toBeGreaterThan(0);
    expect(containsAny(bytes, [...SECRETS, owner, BOOTSTRAP_CODE, c.masterKey.toString('base64')])).toEqual([]);
    expect(bytes.includes(c.masterKey)).toBe(false);
  });

  it('survive a restart with the same master key; another key is refused before anything starts', async () => {
    const c = await openCompanion({ config });
    const owner = await pairOwner(c.app);
    await ok(c.app, 'secrets.put', owner, { body: { websiteApp: { appSecret: WEB_SECRET } } });
    await c.app.close();

    const again = await openCompanion({ config, dataDir: c.dataDir, masterKey: c.masterKey });
    expect(again.app.secrets.get('websiteApp.appSecret')).toBe(WEB_SECRET);
    expect((await ok(again.app, 'settings.get', owner)).websiteApp.configured).toBe(true);
    await again.app.close();

    await expect(openCompanion({ config, dataDir: c.dataDir, masterKey: randomBytes(32) })).rejects.toBeInstanceOf(MasterKeyMismatchError);
  });

  it('a secret the config sets is the config’s: secrets.put refuses to change it (CONFLICT), and it is not stored', async () => {
    const withConfigSecret = { wechat: { ...config.wechat, officialAccount: { ...config.wechat.officialAccount, appSecret: OA_SECRET } } };
    const c = await openCompanion({ config: withConfigSecret });
    const owner = await pairOwner(c.app);
    const res = await call(c.app, 'secrets.put', owner, { body: { officialAccount: { appSecret: 'AnotherSecret0123456789abcdef' } } });
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT', details: { keys: 'officialAccount.appSecret' } } } });
    expect(res.text).not.toContain(OA_SECRET);
    expect((await ok(c.app, 'settings.get', owner)).officialAccount.configured).toBe(true);
    await c.app.close();
    expect(containsAny(folderBytes(c.dataDir), [OA_SECRET])).toEqual([]);
  });
});
