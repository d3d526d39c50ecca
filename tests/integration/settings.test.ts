import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callError, callOk, openHost, recordEvents } from '../helpers/host';
import { tempDir } from '../helpers/temp-dir';

function settingsFile(dir: string): string {
  return path.join(dir, 'settings.json');
}

describe('settings', () => {
  it('start in Chinese with the default sort', async () => {
    const host = openHost(tempDir());
    expect(await callOk(host, 'settings.get', {})).toEqual({ locale: 'zh-CN', courseSort: 'updatedDesc' });
  });

  it('are written to settings.json in the data folder and survive a new host', async () => {
    const dir = tempDir();
    const first = openHost(dir);
    expect(await callOk(first, 'settings.update', { locale: 'en-US' })).toEqual({ locale: 'en-US', courseSort: 'updatedDesc' });
    expect(await callOk(first, 'settings.update', { courseSort: 'priceAsc' })).toEqual({ locale: 'en-US', courseSort: 'priceAsc' });
    expect(JSON.parse(fs.readFileSync(settingsFile(dir), 'utf8'))).toEqual({ locale: 'en-US', courseSort: 'priceAsc' });
    first.close();

    const second = openHost(dir);
    expect(await callOk(second, 'settings.get', {})).toEqual({ locale: 'en-US', courseSort: 'priceAsc' });
  });

  it('announce every change to all windows', async () => {
    const host = openHost(tempDir());
    const events = recordEvents(host);
    await callOk(host, 'settings.update', { locale: 'en-US' });
    expect(events).toEqual([{ event: 'settings.changed', payload: { locale: 'en-US', courseSort: 'updatedDesc' } }]);
  });

  it.each([
    [{ locale: 'fr-FR' }, 'locale'],
    [{ locale: 42 }, 'locale'],
    [{ courseSort: 'random' }, 'courseSort'],
  ])('refuses %j through the contract and keeps what was stored', async (patch, field) => {
    const dir = tempDir();
    const host = openHost(dir);
    await callOk(host, 'settings.update', { locale: 'en-US' });
    const error = await callError(host, 'settings.update', patch);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: field }] });
    expect(await callOk(host, 'settings.get', {})).toEqual({ locale: 'en-US', courseSort: 'updatedDesc' });
    expect(JSON.parse(fs.readFileSync(settingsFile(dir), 'utf8')).locale).toBe('en-US');
  });

  it.each([
    ['broken JSON', '{"locale": "en-US",'],
    ['values outside the schema', JSON.stringify({ locale: 'klingon', courseSort: 'random' })],
    ['JSON that is not an object', 'null'],
    ['binary junk', '\u0000\u0001\u0002'],
  ])('do not stop the host from starting when settings.json holds %s', async (_name, content) => {
    const dir = tempDir();
    fs.writeFileSync(settingsFile(dir), content);
    const host = openHost(dir);
    expect(await callOk(host, 'settings.get', {})).toEqual({ locale: 'zh-CN', courseSort: 'updatedDesc' });
    expect((await callOk(host, 'workspace.status', {})).state).toBe('ready');
    expect(await callOk(host, 'settings.update', { locale: 'en-US' })).toMatchObject({ locale: 'en-US' });
  });
});
