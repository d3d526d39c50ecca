/**
 * WeChat Pay APIv3 signatures and AEAD as WeChat's side computes them (§9.1, §9.2, §9.4, §9.6), written for the
 * sandbox alone with node:crypto: the companion has its own implementation, so a mistake on one side cannot cancel
 * out a mistake on the other. Both are checked against Appendix A.3.
 */
import { createCipheriv, createDecipheriv, sign, verify, type KeyLike } from 'node:crypto';

export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';
const TAG_BYTES = 16;

/** The 5-line message a merchant signs (§9.1): method, path + query as sent, timestamp, nonce, body — each + `\n`. */
export function requestMessage(method: string, url: string, timestamp: string, nonce: string, body: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${method}\n${url}\n${timestamp}\n${nonce}\n`, 'utf8'), Buffer.from(body), Buffer.from('\n')]);
}

/** The 3-line message of a response or notification (§9.2); an empty body leaves the last line as just `\n`. */
export function responseMessage(timestamp: string, nonce: string, body: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), Buffer.from(body), Buffer.from('\n')]);
}

/** The JSAPI pay-sign message (§9.4): appId, timeStamp, nonceStr, package (`prepay_id=…`), each + `\n`. */
export function jsapiPayMessage(appId: string, timeStamp: string, nonceStr: string, pkg: string): Buffer {
  return Buffer.from(`${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`, 'utf8');
}

/** Base64 SHA256withRSA (RSASSA-PKCS1-v1_5). */
export function rsaSign(message: Buffer, privateKey: KeyLike): string {
  return sign('sha256', message, privateKey).toString('base64');
}

/** Checks a base64 SHA256withRSA signature; false (never a throw) for malformed input. */
export function rsaVerify(message: Buffer, signature: string, publicKey: KeyLike): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  try {
    return verify('sha256', message, publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** The five `key="value"` pairs of an Authorization header (§9.1). */
export interface AuthorizationFields {
  mchid: string;
  nonce_str: string;
  signature: string;
  timestamp: string;
  serial_no: string;
}

const AUTH_KEYS = ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'] as const;

/** Parses `WECHATPAY2-SHA256-RSA2048 k="v",…` (any order); null when the scheme, a key or the quoting is wrong. */
export function parseAuthorization(header: string | undefined): AuthorizationFields | null {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space) !== AUTH_SCHEME) return null;
  const fields: Partial<Record<string, string>> = {};
  const pair = /\s*([a-z_]+)="([^"]*)"\s*(?:,|$)/gy;
  const rest = header.slice(space + 1);
  let match: RegExpExecArray | null;
  while (pair.lastIndex < rest.length && (match = pair.exec(rest)) !== null) {
    if (fields[match[1]!] !== undefined) return null;
    fields[match[1]!] = match[2]!;
  }
  if (pair.lastIndex !== rest.length && rest.slice(pair.lastIndex).trim() !== '') return null;
  for (const key of AUTH_KEYS) if (!fields[key]) return null;
  return fields as unknown as AuthorizationFields;
}

function gcmCipherName(key: Buffer): 'aes-128-gcm' | 'aes-256-gcm' {
  // Real APIv3 keys are 32 bytes; the published SDK vectors use 16-byte keys, which Go reads as AES-128 (A.3 V-P2).
  if (key.length === 32) return 'aes-256-gcm';
  if (key.length === 16) return 'aes-128-gcm';
  throw new Error('the AEAD key must be 32 bytes (or 16 for the SDK test vectors)');
}

/** AEAD_AES_256_GCM (§9.6): base64(ciphertext ‖ 16-byte tag); nonce and AAD are UTF-8 text. */
export function aeadEncrypt(key: string | Buffer, nonce: string, associatedData: string, plaintext: string): string {
  const k = Buffer.from(key);
  const cipher = createCipheriv(gcmCipherName(k), k, Buffer.from(nonce, 'utf8'), { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
}

/** The inverse of aeadEncrypt; throws when the tag, key, nonce or AAD do not match. */
export function aeadDecrypt(key: string | Buffer, nonce: string, associatedData: string, ciphertext: string): string {
  const k = Buffer.from(key);
  const data = Buffer.from(ciphertext, 'base64');
  if (data.length < TAG_BYTES) throw new Error('ciphertext shorter than the GCM tag');
  const decipher = createDecipheriv(gcmCipherName(k), k, Buffer.from(nonce, 'utf8'), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}
