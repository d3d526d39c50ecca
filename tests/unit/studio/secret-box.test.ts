import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretBox, keyFileSealer } from '../../../electron/studio/companion-link/secret-box';
import { tempDir } from '../../helpers/temp-dir';

describe('the studio secret box (key-file sealer, browser mode)', () => {
  it('keeps secrets sealed on disk and reads them back', () => {
    const dir = tempDir();
    const box = new SecretBox<{ deviceToken: string; masterKey: string }>(dir, keyFileSealer(dir));
    box.write({ deviceToken: 'device-token-秘密-123456', masterKey: 'bWFzdGVyLWtleQ==' });

    const onDisk = fs.readFileSync(path.join(dir, 'secrets.sealed'));
    expect(onDisk.includes(Buffer.from('device-token'))).toBe(false);
    expect(onDisk.includes(Buffer.from('秘密'))).toBe(false);
    expect(new SecretBox(dir, keyFileSealer(dir)).read()).toEqual({ deviceToken: 'device-token-秘密-123456', masterKey: 'bWFzdGVyLWtleQ==' });
  });

  it('creates the key file for the owner only, and reuses it', () => {
    const dir = tempDir();
    keyFileSealer(dir);
    const keyFile = path.join(dir, 'studio.key');
    const key = fs.readFileSync(keyFile);
    expect(key).toHaveLength(32);
    if (process.platform !== 'win32') expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    keyFileSealer(dir);
    expect(fs.readFileSync(keyFile)).toEqual(key);
  });

  it('refuses a sealed file that was tampered with (authenticated encryption)', () => {
    const dir = tempDir();
    const box = new SecretBox<{ a: string }>(dir, keyFileSealer(dir));
    box.write({ a: 'value' });
    const file = path.join(dir, 'secrets.sealed');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1]! ^= 0x01;
    fs.writeFileSync(file, bytes);
    expect(() => box.read()).toThrow();
  });

  it('cannot be opened with another workspace’s key', () => {
    const a = tempDir();
    const b = tempDir();
    new SecretBox<{ a: string }>(a, keyFileSealer(a)).write({ a: 'value' });
    fs.copyFileSync(path.join(a, 'secrets.sealed'), path.join(b, 'secrets.sealed'));
    expect(() => new SecretBox(b, keyFileSealer(b)).read()).toThrow();
  });

  it('updates one value and keeps the others; an empty folder reads as empty', () => {
    const dir = tempDir();
    const box = new SecretBox<{ a: string; b: string }>(dir, keyFileSealer(dir));
    expect(box.read()).toEqual({});
    box.write({ a: '1', b: '2' });
    expect(box.update({ b: '3' })).toEqual({ a: '1', b: '3' });
    expect(box.read()).toEqual({ a: '1', b: '3' });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
