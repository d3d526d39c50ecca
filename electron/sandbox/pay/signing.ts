/**
 * Both directions of APIv3 authentication on WeChat's side: checking a merchant's `Authorization` (§9.1; 401
 * SIGN_ERROR with `sign_information` otherwise) and the `Wechatpay-*` headers of every answer and notification
 * (§9.2). Timestamps are real (wall-clock) seconds: `clock.advance` moves business time (expiry, refunds), and a
 * merchant on the same machine would otherwise see every signature as stale.
 */
import { randomBytes } from 'node:crypto';
import { AUTH_SCHEME, parseAuthorization, requestMessage, responseMessage, rsaSign, rsaVerify } from '../crypto/pay-crypto';
import { PayApiError } from './errors';
import { newNonce } from './ids';
import type { MerchantRegistry, PayMerchant, PlatformSigner } from './merchants';

/** §9.2: ±5 minutes, the window merchants use too. */
export const MAX_CLOCK_OFFSET_SECONDS = 300;
/** The start of the signed message shown back in SIGN_ERROR (the documented example shows 64 characters). */
const TRUNCATED_CHARS = 64;

export interface SignedRequest {
  method: string;
  /** Path and query exactly as sent. */
  url: string;
  body: Buffer;
  authorization: string | undefined;
}

/** Who sent a request, or why it is refused; `merchant` is known even for most refusals (their answer is signed). */
export interface Authentication {
  merchant: PayMerchant | null;
  error: PayApiError | null;
}

function signError(message: string, field: string, issue: string, request: SignedRequest, signed?: Buffer): PayApiError {
  const detail: Record<string, unknown> = { field, location: 'authorization', detail: { issue } };
  if (signed) {
    detail.sign_information = {
      method: request.method,
      url: request.url,
      sign_message_length: signed.length,
      truncated_sign_message: `${signed.toString('utf8').slice(0, TRUNCATED_CHARS)}\n`,
    };
  }
  return new PayApiError('SIGN_ERROR', message, detail);
}

/** Checks a request's Authorization header against the registered merchant's key, serial and the clock. */
export function authenticate(request: SignedRequest, merchants: MerchantRegistry, wallNow: number): Authentication {
  const fields = parseAuthorization(request.authorization);
  if (!fields) {
    const error = signError(`Http头Authorization值格式错误，应为 ${AUTH_SCHEME} mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"`, 'authorization', 'malformed', request);
    return { merchant: null, error };
  }
  const merchant = merchants.get(fields.mchid) ?? null;
  if (!merchant) return { merchant: null, error: new PayApiError('MCH_NOT_EXISTS', '商户号不存在') };
  const signed = requestMessage(request.method, request.url, fields.timestamp, fields.nonce_str, request.body);
  if (fields.serial_no.toUpperCase() !== merchant.certificateSerial.toUpperCase()) {
    return { merchant, error: signError('商户证书序列号有误。请使用签名私钥匹配的证书序列号', 'serial_no', 'serial_no not match', request, signed) };
  }
  const timestamp = /^\d{1,12}$/.test(fields.timestamp) ? Number(fields.timestamp) : Number.NaN;
  if (!(Math.abs(wallNow / 1000 - timestamp) <= MAX_CLOCK_OFFSET_SECONDS)) {
    return { merchant, error: signError('Authorization中的timestamp与当前时间相差过大，请检查时钟或重新签名', 'timestamp', 'timestamp expired', request, signed) };
  }
  if (!rsaVerify(signed, fields.signature, merchant.requestKey)) {
    return { merchant, error: signError('错误的签名，验签失败', 'signature', 'sign not match', request, signed) };
  }
  return { merchant, error: null };
}

/** The `Wechatpay-*` headers for `body` signed by `signer` now; a probe carries a `WECHATPAY/SIGNTEST/` value (§9.2). */
export function signedHeaders(signer: PlatformSigner, body: string | Buffer, wallNow: number, probe = false): Record<string, string> {
  const timestamp = String(Math.floor(wallNow / 1000));
  const nonce = newNonce();
  const signature = probe ? `WECHATPAY/SIGNTEST/${randomBytes(256).toString('base64')}` : rsaSign(responseMessage(timestamp, nonce, body), signer.privateKey);
  return {
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-signature': signature,
    'wechatpay-serial': signer.serial,
    'wechatpay-signature-type': AUTH_SCHEME,
  };
}
