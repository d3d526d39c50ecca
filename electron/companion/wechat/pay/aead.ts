/**
 * AEAD_AES_256_GCM as WeChat Pay uses it for notification resources and downloaded platform certificates
 * (wechat-protocols.md §9.6): key = the APIv3 key's bytes, IV = the 12-character `nonce` as UTF-8, AAD =
 * `associated_data` as UTF-8, input = base64 ciphertext whose last 16 bytes are the GCM tag.
 *
 * The AES variant follows the key length, as WeChat's Go SDK does: a real APIv3 key is 32 bytes (AES-256), and the
 * config refuses anything else; 16-byte keys appear only in the SDK's published test vectors (Appendix A.3, V-P2/V-P4).
 */
import { createDecipheriv } from 'node:crypto';

/** An encrypted resource as WeChat Pay sends it. */
export interface EncryptedResource {
  algorithm?: string;
  ciphertext: string;
  nonce: string;
  associated_data?: string | null;
}

export class AeadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AeadError';
  }
}

const TAG_BYTES = 16;
const CIPHERS: Record<number, 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm'> = { 16: 'aes-128-gcm', 24: 'aes-192-gcm', 32: 'aes-256-gcm' };

/** Decrypts and authenticates; throws AeadError (never a partial plaintext) when anything is off. */
export function decryptResource(resource: EncryptedResource, key: Buffer | string): string {
  const keyBytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const cipher = CIPHERS[keyBytes.length];
  if (!cipher) throw new AeadError(`The APIv3 key must be 32 bytes (got ${keyBytes.length})`);
  if (resource.algorithm !== undefined && resource.algorithm !== 'AEAD_AES_256_GCM') throw new AeadError(`Unsupported algorithm ${resource.algorithm}`);
  if (typeof resource.ciphertext !== 'string' || typeof resource.nonce !== 'string') throw new AeadError('ciphertext and nonce are required');
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length <= TAG_BYTES) throw new AeadError('The ciphertext is too short to hold a GCM tag');
  const iv = Buffer.from(resource.nonce, 'utf8');
  if (iv.length === 0) throw new AeadError('Empty nonce');
  try {
    const decipher = createDecipheriv(cipher, keyBytes, iv);
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new AeadError('Decryption failed: wrong APIv3 key, or the ciphertext, nonce, associated data or tag was altered');
  }
}
