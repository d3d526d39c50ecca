/**
 * Secrets at rest: AES-256-GCM under the 32-byte master key, a fresh 12-byte nonce per value, and the secret's name
 * as associated data, so a ciphertext copied onto another row does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface Sealed {
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

const AAD_PREFIX = 'creator-studio/companion/secret:';

export class SecretBox {
  readonly #key: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('The master key must be 32 bytes');
    // A private copy: the caller may wipe its buffer.
    this.#key = Buffer.from(masterKey);
  }

  seal(name: string, plaintext: string): Sealed {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(AAD_PREFIX + name, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { nonce, ciphertext, tag: cipher.getAuthTag() };
  }

  /** Throws when the key is wrong or the row was tampered with (GCM authentication). */
  open(name: string, sealed: Sealed): string {
    const decipher = createDecipheriv('aes-256-gcm', this.#key, sealed.nonce);
    decipher.setAAD(Buffer.from(AAD_PREFIX + name, 'utf8'));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  }

  /** Never print the key, whatever logs or inspects this object. */
  toJSON(): string {
    return '[SecretBox]';
  }
}
