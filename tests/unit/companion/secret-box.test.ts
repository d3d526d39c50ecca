/** AES-256-GCM for secrets at rest: a fresh nonce each time, bound to the secret's name, the wrong key refused. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../../electron/companion/services/secret-box';

describe('SecretBox', () => {
  it('round-trips, with a new nonce and ciphertext each time and no plaintext in the sealed bytes', () => {
    const box = new SecretBox(randomBytes(32));
    const a = box.seal('officialAccount.appSecret', 'appsecret-0123456789');
    const b = box.seal('officialAccount.appSecret', 'appsecret-0123456789');
    expect(a.nonce.equals(b.nonce)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(Buffer.concat([a.nonce, a.ciphertext, a.tag]).includes('appsecret')).toBe(false);
    expect(box.open('officialAccount.appSecret', a)).toBe('appsecret-0123456789');
  });

  it('refuses another key, another name (a row copied elsewhere) and a flipped bit', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal('websiteApp.appSecret', 'value');
    expect(() => new SecretBox(randomBytes(32)).open('websiteApp.appSecret', sealed)).toThrow();
    expect(() => box.open('officialAccount.appSecret', sealed)).toThrow();
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0]! ^= 1;
    expect(() => box.open('websiteApp.appSecret', { ...sealed, ciphertext: flipped })).toThrow();
  });

  it('wants exactly 32 bytes and never serializes its key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
    const key = randomBytes(32);
    expect(JSON.stringify({ box: new SecretBox(key) })).not.toContain(key.toString('base64'));
  });
});
