/**
 * The sandbox CLI's config file: apps in the apps.put shape, with errors that say where and what.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadSandboxConfig } from '../../../electron/sandbox/config-file';
import { tempDir } from '../../helpers/temp-dir';

function write(content: string): string {
  const file = path.join(tempDir(), 'sandbox.json');
  fs.writeFileSync(file, content);
  return file;
}

const app = { appId: 'wx0123456789abcdef', appSecret: 'secret-0123456789ab', kind: 'officialAccount', name: '测试号' };

describe('loadSandboxConfig', () => {
  it('reads apps and fills defaults', () => {
    const config = loadSandboxConfig(write(JSON.stringify({ apps: [app] })));
    expect(config.apps[0]).toMatchObject({ appId: 'wx0123456789abcdef', ipWhitelist: [], redirectDomains: [] });
  });

  it('names the file and each bad field', () => {
    const file = write(JSON.stringify({ apps: [{ ...app, appId: 'nope', push: { url: 'x', token: 't', mode: 'safe' } }] }));
    let message = '';
    try {
      loadSandboxConfig(file);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain(file);
    expect(message).toContain('apps[0].appId');
    expect(message).toContain('apps[0].push.url');
    expect(message).toContain('apps[0].push.token');
  });

  it('refuses unknown keys, broken JSON, missing files, safe mode without a key and duplicate apps', () => {
    expect(() => loadSandboxConfig(write('{"apps": [], "extra": 1}'))).toThrow(/extra/);
    expect(() => loadSandboxConfig(write('{"apps": ['))).toThrow(/not valid JSON/);
    expect(() => loadSandboxConfig(path.join(tempDir(), 'missing.json'))).toThrow(/cannot read/);
    const safe = { ...app, push: { url: 'http://127.0.0.1:1/e', token: 'tok', mode: 'safe' } };
    expect(() => loadSandboxConfig(write(JSON.stringify({ apps: [safe] })))).toThrow(/encodingAesKey/);
    expect(() => loadSandboxConfig(write(JSON.stringify({ apps: [app, app] })))).toThrow(/twice/);
  });
});
