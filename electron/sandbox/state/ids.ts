/**
 * Random and derived identifiers shaped like WeChat's, so clients that store or display them meet realistic values.
 */
import { createHash, randomBytes } from 'node:crypto';

/** URL-safe random text of `length` characters (A–Z, a–z, 0–9, `-`, `_`). */
export function randomToken(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4) + 1).toString('base64url').slice(0, length);
}

/** Random letters and digits only (codes, URL ids). */
export function randomAlnum(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Random decimal digits (push nonces). */
export function randomDigits(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += String(b % 10);
  return out;
}

function derived(label: string, length: number): string {
  return createHash('sha256').update(label).digest('base64url').slice(0, length);
}

/** A user's openid for one app: stable, 28 characters starting with `o`, different per app (§2.6 "openid is per-app"). */
export function openidOf(appId: string, userId: string): string {
  return `o${derived(`openid:${appId}:${userId}`, 27)}`;
}

/** A user's unionid: the same for every app of the sandbox's one Open Platform account. */
export function unionidOf(userId: string): string {
  return `o6_bm${derived(`unionid:${userId}`, 23)}`;
}
