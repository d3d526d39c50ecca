/**
 * WeChat Pay APIv3 signatures (wechat-protocols.md §9.1, §9.2, §9.4), all SHA256withRSA (RSASSA-PKCS1-v1_5):
 * the merchant signs every request and every JSAPI pay bundle with its API private key; WeChat Pay signs every answer
 * and notification with a platform certificate's key or the WeChat Pay public key. Pure functions over node:crypto.
 */
import { createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';

export const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';

/** 32 hexadecimal characters, as WeChat's own examples use for `nonce_str`. */
export function newNonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/**
 * §9.1: method, canonical URL (path plus raw query, exactly as sent), timestamp, nonce and body, each line ending in
 * `\n` — the body line too, even when the body is empty (GET).
 */
export function requestMessage(method: string, canonicalUrl: string, timestamp: string, nonce: string, body: string): string {
  return `${method}\n${canonicalUrl}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** §9.2: what WeChat Pay signs in an answer or notification; `body` is the raw body (empty for 204). */
export function responseMessage(timestamp: string, nonce: string, body: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), typeof body === 'string' ? Buffer.from(body, 'utf8') : body, Buffer.from('\n')]);
}

/** Base64 SHA256withRSA of `message` under `privateKey`. */
export function rsaSign(message: string | Buffer, privateKey: KeyObject | string): string {
  return createSign('RSA-SHA256').update(message).sign(privateKey, 'base64');
}

/** Whether `signatureBase64` is a valid SHA256withRSA signature of `message` under `publicKey`. Never throws. */
export function rsaVerify(message: string | Buffer, signatureBase64: string, publicKey: KeyObject | string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureBase64)) return false;
  try {
    return createVerify('RSA-SHA256').update(message).verify(publicKey, signatureBase64, 'base64');
  } catch {
    return false;
  }
}

export interface AuthorizationParts {
  mchId: string;
  serialNo: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

/** The `Authorization` header value of §9.1. */
export function authorizationHeader(p: AuthorizationParts): string {
  return `${AUTH_SCHEMA} mchid="${p.mchId}",nonce_str="${p.nonce}",signature="${p.signature}",timestamp="${p.timestamp}",serial_no="${p.serialNo}"`;
}

/** Signs one request: the Authorization header for it. */
export function signRequest(input: {
  method: string;
  canonicalUrl: string;
  body: string;
  mchId: string;
  serialNo: string;
  privateKey: KeyObject | string;
  timestamp: string;
  nonce: string;
}): string {
  const signature = rsaSign(requestMessage(input.method, input.canonicalUrl, input.timestamp, input.nonce, input.body), input.privateKey);
  return authorizationHeader({ mchId: input.mchId, serialNo: input.serialNo, timestamp: input.timestamp, nonce: input.nonce, signature });
}

/** What a WeChat page passes to `getBrandWCPayRequest` (§9.4): timeStamp is a string of unix seconds. */
export interface JsapiPayParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

/** §9.4: paySign over `appId\ntimeStamp\nnonceStr\npackage\n`, package = `prepay_id=<id>`. */
export function jsapiPayParams(input: { appId: string; prepayId: string; timeStamp: string; nonceStr: string; privateKey: KeyObject | string }): JsapiPayParams {
  const pkg = `prepay_id=${input.prepayId}`;
  const paySign = rsaSign(`${input.appId}\n${input.timeStamp}\n${input.nonceStr}\n${pkg}\n`, input.privateKey);
  return { appId: input.appId, timeStamp: input.timeStamp, nonceStr: input.nonceStr, package: pkg, signType: 'RSA', paySign };
}
