/**
 * A WeChat Pay merchant for sandbox tests: the Appendix B test key as its API key, requests signed and answers
 * verified and decrypted with a few lines of node:crypto written from wechat-protocols.md §9 — deliberately not the
 * sandbox's code, so a mistake there cannot hide behind the same mistake here.
 */
import { createDecipheriv, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import type { Sandbox, SandboxOptions } from '../../electron/sandbox/index';
import type { PayMerchantInput, PayPlatform } from '../../electron/sandbox/index';
import { openidOf } from '../../electron/sandbox/state/ids';
import { OA_APP_ID, WEB_APP_ID, control, startSandbox } from './sandbox';

/** Appendix B: wechatpay-go's published TEST key (never used outside tests). */
export const TEST_PRIVATE_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDZUJN33V+dSfvd
fL0Mu+39XrZNXFFMQSy1V15FpncHeV47SmV0TzTqZc7hHB0ddqAdDi8Z5k3TKqb7
6sOwYr5TcAfuR6PIPaleyE0/0KrljBum2Isa2Nyq7Dgc3ElBQ6YN4l/a+DpvKaz1
FSKmKrhLNskqokWVSlu4g8OlKlbPXQ9ibII14MZRQrrkTmHYHzfi7GXXM0thAKuR
0HNvyhTHBh4/lrYM3GaMvmWwkwvsMavnOex6+eioZHBOb1/EIZ/LzC6zuHArPpyW
3daGaZ1rtQB1vVzTyERAVVFsXXgBHvfFud3w3ShsJYk8JvMwK2RpJ5/gV0QSARcm
LDRUAlPzAgMBAAECggEBAMc7rDeUaXiWv6bMGbZ3BTXpg1FhdddnWUnYE8HfX/km
OFI7XtBHXcgYFpcjYz4D5787pcsk7ezPidAj58zqenuclmjKnUmT3pfbI5eCA2v4
C9HnbYDrmUPK1ZcADtka4D6ScDccpNYNa1g2TFHzkIrEa6H+q7S3O2fqxY/DRVtN
0JIXalBb8daaqL5QVzSmM2BMVnHy+YITJWIkP2a3pKs9C0W65JGDsnG0wVrHinHF
+cnhFZIbaPEI//DAFMc9NkrWOKVRTEgcCUxCFaHOZVNxDWZD7A2ZfJB2rK6eg//y
gEiFDR2h6mTaDowMB4YF2n2dsIO4/dCG8vPHI20jn4ECgYEA/ZGu6lEMlO0XZnam
AZGtiNgLcCfM/C2ZERZE7QTRPZH1WdK92Al9ndldsswFw4baJrJLCmghjF/iG4zi
hhBvLnOLksnZUfjdumxoHDWXo2QBWbI5QsWIE7AuTiWgWj1I7X4fCXSQf6i+M/y2
6TogQ7d0ANpZFyOkTNMn/tiJvLECgYEA22XqlamG/yfAGWery5KNH2DGlTIyd6xJ
WtJ9j3jU99lZ0bCQ5xhiBbU9ImxCi3zgTsoqLWgA/p00HhNFNoUcTl9ofc0G3zwT
D1y0ZzcnVKxGJdZ6ohW52V0hJStAigtjYAsUgjm7//FH7PiQDBDP1Wa6xSRkDQU/
aSbQxvEE8+MCgYEA3bb8krW7opyM0XL9RHH0oqsFlVO30Oit5lrqebS0oHl3Zsr2
ZGgoBlWBsEzk3UqUhTFwm/DhJLTSJ/TQPRkxnhQ5/mewNhS9C7yua7wQkzVmWN+V
YeUGTvDGDF6qDz12/vJAgSwDDRym8x4NcXD5tTw7mmNRcwIfL22SkysThIECgYAV
BgccoEoXWS/HP2/u6fQr9ZIR6eV8Ij5FPbZacTG3LlS1Cz5XZra95UgebFFUHHtC
EY1JHJY7z8SWvTH8r3Su7eWNaIAoFBGffzqqSVazfm6aYZsOvRY6BfqPHT3p/H1h
Tq6AbBffxrcltgvXnCTORjHPglU0CjSxVs7awW3AEQKBgB5WtaC8VLROM7rkfVIq
+RXqE5vtJfa3e3N7W3RqxKp4zHFAPfr82FK5CX2bppEaxY7SEZVvVInKDc5gKdG/
jWNRBmvvftZhY59PILHO2X5vO4FXh7suEjy6VIh0gsnK36mmRboYIBGsNuDHjXLe
BDa+8mDLkWu5nHEhOxy2JJZl
-----END PRIVATE KEY-----
`;

export const TEST_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2VCTd91fnUn73Xy9DLvt
/V62TVxRTEEstVdeRaZ3B3leO0pldE806mXO4RwdHXagHQ4vGeZN0yqm++rDsGK+
U3AH7kejyD2pXshNP9Cq5YwbptiLGtjcquw4HNxJQUOmDeJf2vg6byms9RUipiq4
SzbJKqJFlUpbuIPDpSpWz10PYmyCNeDGUUK65E5h2B834uxl1zNLYQCrkdBzb8oU
xwYeP5a2DNxmjL5lsJML7DGr5znsevnoqGRwTm9fxCGfy8wus7hwKz6clt3Whmmd
a7UAdb1c08hEQFVRbF14AR73xbnd8N0obCWJPCbzMCtkaSef4FdEEgEXJiw0VAJT
8wIDAQAB
-----END PUBLIC KEY-----
`;

export const MCH_ID = '1900009191';
export const MCH_SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
export const API_V3_KEY = '0123456789abcdef0123456789abcdef';

export const merchantInput = (extra: Partial<PayMerchantInput> = {}): PayMerchantInput => ({
  mchId: MCH_ID,
  name: '小满读书会',
  certificateSerial: MCH_SERIAL,
  publicKeyPem: TEST_PUBLIC_KEY_PEM,
  apiV3Key: API_V3_KEY,
  appIds: [OA_APP_ID, WEB_APP_ID],
  ...extra,
});

/** A sandbox (closed after the test) with the test merchant registered through the control API. */
export async function startPaySandbox(options: SandboxOptions = {}, merchant: Partial<PayMerchantInput> = {}): Promise<{ sandbox: Sandbox; platform: PayPlatform }> {
  const sandbox = await startSandbox(options);
  const platform = await control(sandbox, 'pay.merchants.put', merchantInput(merchant));
  return { sandbox, platform };
}

export interface PayAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

export interface SignOptions {
  key?: string;
  serial?: string;
  mchid?: string;
  timestamp?: string;
  nonce?: string;
  /** Extra request headers (e.g. Wechatpay-Serial). */
  headers?: Record<string, string>;
  /** Sign this body but send another (tampering). */
  sendBody?: string;
}

/** A signed APIv3 call (§9.1): method, path + query, timestamp, nonce, body — each line ending in \n. */
export async function payCall(sandbox: Sandbox, method: 'GET' | 'POST', path: string, body?: unknown, options: SignOptions = {}): Promise<PayAnswer> {
  const text = body === undefined ? '' : JSON.stringify(body);
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomBytes(16).toString('hex').toUpperCase();
  const signature = sign('sha256', Buffer.from(`${method}\n${path}\n${timestamp}\n${nonce}\n${text}\n`), options.key ?? TEST_PRIVATE_KEY_PEM).toString('base64');
  const auth = `WECHATPAY2-SHA256-RSA2048 mchid="${options.mchid ?? MCH_ID}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${options.serial ?? MCH_SERIAL}"`;
  const headers: Record<string, string> = { authorization: auth, accept: 'application/json', 'user-agent': 'creator-studio-test', ...options.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sandbox.url}${path}`, { method, headers, body: body === undefined ? undefined : (options.sendBody ?? text) });
  const answer = await res.text();
  return { status: res.status, headers: res.headers, text: answer, json: answer === '' ? {} : (JSON.parse(answer) as Record<string, unknown>) };
}

/** The platform public key a `Wechatpay-Serial` names: the public key id, or one of the certificates. */
export function platformKeyFor(platform: PayPlatform, serial: string | null): string | null {
  if (serial === platform.publicKeyId) return platform.publicKeyPem;
  return platform.certificates.find((c) => c.serialNo === serial)?.certificatePem ?? null;
}

/** Independent §9.2 check of an answer or notification: timestamp \n nonce \n body \n, SHA256withRSA. */
export function signatureValid(headers: { get(name: string): string | null }, body: string, platform: PayPlatform): boolean {
  const key = platformKeyFor(platform, headers.get('wechatpay-serial'));
  const [timestamp, nonce, signature] = ['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature'].map((h) => headers.get(h));
  if (!key || !timestamp || !nonce || !signature) return false;
  return verify('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), createPublicKey(key), Buffer.from(signature, 'base64'));
}

/** Independent AEAD_AES_256_GCM decryption (§9.6): the last 16 bytes of the ciphertext are the tag. */
export function decryptResource(resource: { ciphertext: string; nonce: string; associated_data: string }, key = API_V3_KEY): string {
  const data = Buffer.from(resource.ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key), Buffer.from(resource.nonce));
  decipher.setAAD(Buffer.from(resource.associated_data));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

/** Node's fetch Headers for a node:http request's headers, so signatureValid reads both alike. */
export function headersOf(raw: Record<string, string | string[] | undefined>): { get(name: string): string | null } {
  return { get: (name) => (typeof raw[name] === 'string' ? (raw[name] as string) : null) };
}

/** A Native order body for the test merchant. */
export function nativeOrder(outTradeNo: string, notifyUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { appid: OA_APP_ID, mchid: MCH_ID, description: '写作训练营 · 第 3 期', out_trade_no: outTradeNo, notify_url: notifyUrl, amount: { total: 1234, currency: 'CNY' }, ...extra };
}

/** A sandbox user's openid for an app, as the sandbox's OAuth would give it to that app. */
export const openidFor = (appId: string, userId: string): string => openidOf(appId, userId);

/** A JSAPI order body for a sandbox user. */
export function jsapiOrder(outTradeNo: string, notifyUrl: string, userId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...nativeOrder(outTradeNo, notifyUrl), payer: { openid: openidFor(OA_APP_ID, userId) }, ...extra };
}

/** The paySign bundle a WeChat page passes to getBrandWCPayRequest (§9.4), signed with the test merchant key. */
export function payBundle(prepayId: string, appId = OA_APP_ID, key = TEST_PRIVATE_KEY_PEM) {
  const timeStamp = String(Math.floor(Date.now() / 1000));
  const nonceStr = randomBytes(16).toString('hex');
  const pkg = `prepay_id=${prepayId}`;
  const paySign = sign('sha256', Buffer.from(`${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`), key).toString('base64');
  return { appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
}
