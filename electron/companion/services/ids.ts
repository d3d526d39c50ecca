/** Random identifiers, codes and tokens, and the one-way hash under which codes and tokens are stored. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

// Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper survives.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A pairing code people can type: 16 characters (80 bits) in groups of four, `7K3M-Q9XD-…`. */
export function humanCode(): string {
  const bytes = randomBytes(16);
  let out = '';
  for (let i = 0; i < 16; i++) out += CROCKFORD[bytes[i]! & 31];
  return out.match(/.{4}/g)!.join('-');
}

/** The form a typed code is compared in: capitals, no separators, and the look-alikes Crockford folds. */
export function canonicalCode(code: string): string {
  return code
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
}

/** A device token: 32 random bytes, base64url, with a prefix that makes a leaked one recognizable. */
export function deviceToken(): string {
  return `csd_${randomBytes(32).toString('base64url')}`;
}

/** A base62 string of the given length (OAuth `state` allows only a-zA-Z0-9; scene_str likes it short). */
export function base62(length: number): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      // 248 = 4 × 62: rejecting the top bytes keeps every character equally likely.
      if (b < 248 && out.length < length) out += alphabet[b % 62];
    }
  }
  return out;
}
