/**
 * A companion taking WeChat Pay from a sandbox, both on real loopback and sharing the sandbox's virtual clock: the
 * sandbox knows the test merchant (Appendix B key as its API key) and the official account; the companion gets the
 * same merchant through `pay.updateSettings`, verifying by the sandbox's WeChat Pay public key or by its platform
 * certificates. Reconciliation is left to explicit runs. Plus a forger of notifications, written from §9.2/§9.6 with
 * node:crypto alone, and the sandbox phone paying a code_url.
 */
import { createCipheriv, randomBytes, randomUUID, sign } from 'node:crypto';
import type { Sandbox, SandboxOptions } from '../../electron/sandbox/index';
import type { PayMerchantInput, PayPlatform } from '../../electron/sandbox/index';
import { ok, openCompanion, pairOwner, type TestCompanion, type TestCompanionOptions } from './companion';
import { API_V3_KEY, MCH_ID, MCH_SERIAL, TEST_PRIVATE_KEY_PEM, startPaySandbox } from './pay';
import { OA_APP_ID, control } from './sandbox';

export interface PayPair {
  sandbox: Sandbox;
  platform: PayPlatform;
  companion: TestCompanion;
  ownerToken: string;
}

export interface PayPairOptions {
  verifyMode?: 'publicKey' | 'platformCertificates';
  merchant?: Partial<PayMerchantInput>;
  sandbox?: SandboxOptions;
  deps?: TestCompanionOptions['deps'];
  /** Extra settings for pay.updateSettings (e.g. a second, forger-controlled public key). */
  settings?: Record<string, unknown>;
}

export async function startPayPair(options: PayPairOptions = {}): Promise<PayPair> {
  const mode = options.verifyMode ?? 'publicKey';
  const { sandbox, platform } = await startPaySandbox(
    { payTimeScale: 0.001, payNotifyTimeoutMs: 3000, ...options.sandbox },
    { verification: mode === 'publicKey' ? 'publicKey' : 'platformCertificate', ...options.merchant },
  );
  const companion = await openCompanion({
    listen: true,
    config: { sandbox: true, sandboxUrl: sandbox.url, wechat: { officialAccount: { appId: OA_APP_ID } } },
    deps: { now: () => new Date(sandbox.clock.now()), pay: { retry: { baseDelayMs: 1, maxDelayMs: 5 }, reconcileOnStart: false }, ...options.deps },
  });
  const ownerToken = await pairOwner(companion.app);
  await ok(companion.app, 'pay.updateSettings', ownerToken, {
    body: {
      mchId: MCH_ID,
      merchantSerialNo: MCH_SERIAL,
      merchantPrivateKeyPem: TEST_PRIVATE_KEY_PEM,
      apiV3Key: API_V3_KEY,
      verifyMode: mode,
      ...(mode === 'publicKey' ? { publicKeyId: platform.publicKeyId, publicKeyPem: platform.publicKeyPem } : {}),
      ...options.settings,
    },
  });
  return { sandbox, platform, companion, ownerToken };
}

export const COURSE = { courseId: 'course-writing-3', title: '写作训练营 · 第 3 期', priceFen: 19900 };
export const COURSE_B = { courseId: 'course-photo-1', title: '手机摄影入门', priceFen: 9900 };

/** Scans a code_url with the sandbox phone as `userId` and confirms the payment step. */
export async function payByPhone(sandbox: Sandbox, codeUrl: string, userId = 'lin-xiaoman'): Promise<string> {
  const scanned = await control(sandbox, 'phone.scan', { userId, url: codeUrl });
  if (scanned.step !== 'consent' || scanned.consent !== 'pay') throw new Error(`the phone did not reach the payment step: ${JSON.stringify(scanned)}`);
  const decided = await control(sandbox, 'phone.decide', { sessionId: scanned.sessionId, allow: true });
  return decided.pageText ?? '';
}

/** Polls until `check` holds (the companion applies notifications asynchronously to the test). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface ForgeOptions {
  /** The key id the headers claim (`Wechatpay-Serial`). */
  serial: string;
  /** The key that signs (PEM); default the Appendix B private key. */
  signingKey?: string;
  apiV3Key?: string;
  eventType?: string;
  originalType?: 'transaction' | 'refund';
  id?: string;
  timestamp?: number;
  /** Changes the encrypted bytes after encryption (a tampered ciphertext or tag), before signing. */
  tamper?: (ciphertext: Buffer) => Buffer;
  /** Changes the body after signing (a bad signature). */
  afterSigning?: (body: string) => string;
}

/** A notification as WeChat Pay would send it (§9.6), encrypted and signed by whoever holds the keys given. */
export function forgeNotification(plaintext: Record<string, unknown>, options: ForgeOptions): { headers: Record<string, string>; body: string } {
  const key = Buffer.from(options.apiV3Key ?? API_V3_KEY, 'utf8');
  const nonce = randomBytes(6).toString('hex');
  const aad = options.originalType ?? 'transaction';
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(nonce));
  cipher.setAAD(Buffer.from(aad));
  let data: Buffer = Buffer.concat([cipher.update(JSON.stringify(plaintext), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  if (options.tamper) data = options.tamper(data);
  const body = JSON.stringify({
    id: options.id ?? randomUUID(),
    create_time: '2024-01-01T12:00:06+08:00',
    resource_type: 'encrypt-resource',
    event_type: options.eventType ?? 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: { original_type: aad, algorithm: 'AEAD_AES_256_GCM', ciphertext: data.toString('base64'), associated_data: aad, nonce },
  });
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const headerNonce = randomBytes(16).toString('hex');
  const signature = sign('sha256', Buffer.from(`${timestamp}\n${headerNonce}\n${body}\n`), options.signingKey ?? TEST_PRIVATE_KEY_PEM).toString('base64');
  return {
    headers: { 'content-type': 'application/json', 'wechatpay-timestamp': timestamp, 'wechatpay-nonce': headerNonce, 'wechatpay-serial': options.serial, 'wechatpay-signature': signature },
    body: options.afterSigning ? options.afterSigning(body) : body,
  };
}

/** Posts a (forged) notification to the companion over real loopback. */
export async function postNotification(companionUrl: string, n: { headers: Record<string, string>; body: string }): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${companionUrl}/wechat/pay/notify`, { method: 'POST', headers: n.headers, body: n.body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}
