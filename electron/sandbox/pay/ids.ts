/**
 * Identifiers shaped like WeChat Pay's (§9.4, §9.7, §9.8), so clients that store, index or display them meet
 * realistic values.
 */
import { randomBytes } from 'node:crypto';
import { randomAlnum, randomDigits } from '../state/ids';
import { beijingDate, beijingStamp } from './time';

/** `weixin://wxpay/bizpayurl?pr=` + 9 letters and digits. */
export function newCodeUrl(): string {
  return `weixin://wxpay/bizpayurl?pr=${randomAlnum(9)}`;
}

/** `wx` + yyyyMMddHHmmss + 20 characters (36 in all, like `wx201410272009395522657a690389285100`). */
export function newPrepayId(now: number): string {
  return `wx${beijingStamp(now)}${randomBytes(10).toString('hex')}`;
}

/** 28 digits starting `42000`, with the Beijing date inside. */
export function newTransactionId(now: number): string {
  return `42000${randomDigits(5)}${beijingDate(now)}${randomDigits(10)}`;
}

/** 29 digits starting `50`. */
export function newRefundId(now: number): string {
  return `50300${randomDigits(6)}${beijingDate(now)}${randomDigits(10)}`;
}

/** 40 upper-case hex digits; the first is 1–7 so the DER INTEGER of the certificate needs no leading zero. */
export function newCertificateSerial(): string {
  const bytes = randomBytes(20);
  bytes[0] = 0x10 + (bytes[0]! % 0x70);
  return bytes.toString('hex').toUpperCase();
}

/** `PUB_KEY_ID_` + `01` + the mchid (10 digits, padded) + yyyyMMdd + digits: 34 digits, like the documented one. */
export function newPublicKeyId(mchId: string, now: number): string {
  const mch = mchId.padStart(10, '0').slice(-10);
  return `PUB_KEY_ID_01${mch}${beijingDate(now)}${randomDigits(14)}`;
}

/** A Wechatpay-Nonce: 32 hex characters. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}
