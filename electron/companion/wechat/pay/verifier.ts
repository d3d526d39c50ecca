/**
 * Verifying what WeChat Pay sends — answers and notifications alike (wechat-protocols.md §9.2): the
 * `Wechatpay-Serial` picks the key (a platform certificate's serial or `PUB_KEY_ID_…`), the signature must verify
 * over timestamp, nonce and the raw body, and the timestamp must be within 5 minutes of our clock. A missing header,
 * an unknown serial, a signature probe (`WECHATPAY/SIGNTEST/…`) or a bad signature is a PaySignatureError: the
 * message is never trusted.
 */
import type { KeyObject } from 'node:crypto';
import { AUTH_SCHEMA, responseMessage, rsaVerify } from './signing';

/** §9.2: the SDKs' MAXIMUM_CLOCK_OFFSET. */
export const MAX_CLOCK_SKEW_SECONDS = 300;
const PROBE_PREFIX = 'WECHATPAY/SIGNTEST/';

export type SignatureFailure = 'missing_headers' | 'stale_timestamp' | 'unknown_serial' | 'signature_probe' | 'bad_signature' | 'unsupported_type';

export class PaySignatureError extends Error {
  constructor(
    readonly reason: SignatureFailure,
    readonly serial: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'PaySignatureError';
  }
}

export type HeaderBag = Record<string, string | string[] | number | undefined>;

function header(headers: HeaderBag, name: string): string | null {
  const value = headers[name] ?? headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === null ? null : String(first);
}

export interface SignedHeaders {
  timestamp: string;
  nonce: string;
  signature: string;
  serial: string;
}

/** The four Wechatpay-* headers, or null when any is missing. */
export function signedHeaders(headers: HeaderBag): SignedHeaders | null {
  const timestamp = header(headers, 'wechatpay-timestamp');
  const nonce = header(headers, 'wechatpay-nonce');
  const signature = header(headers, 'wechatpay-signature');
  const serial = header(headers, 'wechatpay-serial');
  if (!timestamp || !nonce || !signature || !serial) return null;
  return { timestamp, nonce, signature, serial };
}

/**
 * Verifies a signed answer or notification and returns the serial it was verified with. `keyFor` returns the key
 * for a serial, or null when the serial is not one we trust.
 */
export function verifySignature(
  headers: HeaderBag,
  body: string | Buffer,
  keyFor: (serial: string) => KeyObject | null,
  nowSeconds: number,
): string {
  const h = signedHeaders(headers);
  if (!h) throw new PaySignatureError('missing_headers', null, 'No Wechatpay-Timestamp/Nonce/Signature/Serial headers: an unsigned answer is treated as forged (§9.2)');
  const type = header(headers, 'wechatpay-signature-type');
  if (type !== null && type !== AUTH_SCHEMA) throw new PaySignatureError('unsupported_type', h.serial, `Unsupported Wechatpay-Signature-Type ${type}`);
  if (!/^\d{1,12}$/.test(h.timestamp) || Math.abs(nowSeconds - Number(h.timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    throw new PaySignatureError('stale_timestamp', h.serial, 'Wechatpay-Timestamp is more than 5 minutes from our clock (replay protection, §9.2)');
  }
  if (h.signature.startsWith(PROBE_PREFIX)) {
    throw new PaySignatureError('signature_probe', h.serial, 'A WeChat Pay signature probe (WECHATPAY/SIGNTEST/): refused, as WeChat expects (§9.2)');
  }
  const key = keyFor(h.serial);
  if (!key) throw new PaySignatureError('unknown_serial', h.serial, `Signed with an unknown key (Wechatpay-Serial ${h.serial}): not trusted`);
  if (!rsaVerify(responseMessage(h.timestamp, h.nonce, body), h.signature, key)) {
    throw new PaySignatureError('bad_signature', h.serial, `The signature does not verify with the key ${h.serial}`);
  }
  return h.serial;
}
