/**
 * `wechat.pay` in the companion's config: the merchant (mchId, certificate serial, API private key), the APIv3 key,
 * how answers are verified (platform certificates or the WeChat Pay public key), where notifications go, and how often
 * reconciliation runs. Key files are read here, so a wrong path or a key that is not an RSA key in PEM is reported at
 * start with the setting's name — never with the secret. Everything but the reconcile interval may instead be set
 * later through `pay.updateSettings` (secrets sealed at rest); a value the config sets is the config's.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PAY_VERIFY_MODES, type PayVerifyMode } from '../../shared/companion/api';

export const PAY_HOST = 'https://api.mch.weixin.qq.com';
/** The path WeChat Pay posts notifications to, behind publicBaseUrl. */
export const PAY_NOTIFY_PATH = '/wechat/pay/notify';
export const DEFAULT_RECONCILE_INTERVAL_SECONDS = 300;

export const payFileSchema = z.strictObject({
  appId: z.string().regex(/^wx[0-9a-f]{16}$/, 'must be "wx" followed by 16 lowercase hex digits (the AppID linked to the merchant)').optional(),
  mchId: z.string().regex(/^\d{8,12}$/, 'must be the 商户号: 8–12 digits').optional(),
  merchantSerialNo: z
    .string()
    .regex(/^[0-9A-Fa-f]{8,64}$/, 'must be the merchant API certificate serial, in hex (商户平台 → 账户中心 → API安全 → 管理证书)')
    .optional(),
  /** A path to apiclient_key.pem (relative to the config file), or `env:NAME` holding the PEM itself. */
  merchantPrivateKeyFile: z.string().min(1).optional(),
  apiV3Key: z.string().optional(),
  verifyMode: z.enum(PAY_VERIFY_MODES).optional(),
  publicKeyId: z.string().regex(/^PUB_KEY_ID_[0-9A-Za-z_]{1,64}$/, 'must look like PUB_KEY_ID_0112… (商户平台 → 账户中心 → API安全 → 微信支付公钥)').optional(),
  /** A path to pub_key.pem, or `env:NAME` holding the PEM. */
  publicKeyFile: z.string().min(1).optional(),
  notifyUrl: z.string().optional(),
  reconcileIntervalSeconds: z.number().int().min(0).max(86_400).default(DEFAULT_RECONCILE_INTERVAL_SECONDS),
});

export interface PayConfig {
  appId: string | null;
  mchId: string | null;
  merchantSerialNo: string | null;
  /** PEM; secret. */
  merchantPrivateKeyPem: string | null;
  /** Secret; exactly 32 bytes when set. */
  apiV3Key: string | null;
  /** null: not fixed by the config (the studio's settings choose). */
  verifyMode: PayVerifyMode | null;
  publicKeyId: string | null;
  publicKeyPem: string | null;
  /** null: `<publicBaseUrl>/wechat/pay/notify`. */
  notifyUrl: string | null;
  /** 0 = only at start. */
  reconcileIntervalSeconds: number;
}

export const EMPTY_PAY_CONFIG: PayConfig = {
  appId: null,
  mchId: null,
  merchantSerialNo: null,
  merchantPrivateKeyPem: null,
  apiV3Key: null,
  verifyMode: null,
  publicKeyId: null,
  publicKeyPem: null,
  notifyUrl: null,
  reconcileIntervalSeconds: DEFAULT_RECONCILE_INTERVAL_SECONDS,
};

interface Problem {
  key: string;
  message: string;
}

/** A merchant API private key: RSA, at least 2048 bits (WECHATPAY2-SHA256-RSA2048). Throws with a message naming no secret. */
export function parseMerchantPrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error('is not a private key in PEM (apiclient_key.pem, "-----BEGIN PRIVATE KEY-----")');
  }
  if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new Error('must be an RSA key of at least 2048 bits');
  return key;
}

/** A WeChat Pay public key (pub_key.pem): RSA. */
export function parseWechatPayPublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error('is not a public key in PEM (pub_key.pem, "-----BEGIN PUBLIC KEY-----")');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new Error('must be an RSA public key');
  return key;
}

/** The APIv3 key's problem, or null: AEAD_AES_256_GCM needs exactly 32 bytes (§9.6). */
export function apiV3KeyProblem(value: string): string | null {
  const bytes = Buffer.byteLength(value, 'utf8');
  return bytes === 32 ? null : `must be exactly 32 bytes (the APIv3 密钥 of 账户中心 → API安全); this one has ${bytes}`;
}

/** notify_url rules (§9.4): absolute, HTTPS (plain HTTP only towards the sandbox), no query string, ≤ 255 characters. */
export function notifyUrlProblem(value: string, sandbox: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(sandbox && url.protocol === 'http:')) return 'must start with https:// (WeChat Pay notifies HTTPS addresses only)';
  if (url.search || url.hash) return 'must not carry a query string or fragment (§9.4)';
  if (value.length > 255) return 'must be at most 255 characters';
  return null;
}

function readPem(value: string, baseDir: string): string {
  if (value.trimStart().startsWith('-----BEGIN')) return value;
  try {
    return fs.readFileSync(path.resolve(baseDir, value), 'utf8');
  } catch (error) {
    throw new Error(`cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'} (${path.resolve(baseDir, value)})`, { cause: error });
  }
}

/** Reads key files and checks what zod cannot: key formats, the APIv3 key's length, the notify URL. */
export function resolvePayConfig(
  raw: z.output<typeof payFileSchema>,
  ctx: { baseDir: string; sandbox: boolean; publicBaseUrl: string | null },
): { pay: PayConfig; problems: Problem[] } {
  const problems: Problem[] = [];
  const pem = (key: string, value: string | undefined, parse: (pem: string) => KeyObject): string | null => {
    if (value === undefined) return null;
    try {
      const text = readPem(value, ctx.baseDir);
      parse(text);
      return text;
    } catch (error) {
      problems.push({ key, message: (error as Error).message });
      return null;
    }
  };
  const merchantPrivateKeyPem = pem('wechat.pay.merchantPrivateKeyFile', raw.merchantPrivateKeyFile, parseMerchantPrivateKey);
  const publicKeyPem = pem('wechat.pay.publicKeyFile', raw.publicKeyFile, parseWechatPayPublicKey);
  if (raw.apiV3Key !== undefined) {
    const problem = apiV3KeyProblem(raw.apiV3Key);
    if (problem) problems.push({ key: 'wechat.pay.apiV3Key', message: problem });
  }
  if (raw.publicKeyFile !== undefined && raw.publicKeyId === undefined) {
    problems.push({ key: 'wechat.pay.publicKeyId', message: 'is required beside publicKeyFile (the PUB_KEY_ID_… shown with the key)' });
  }
  if (raw.notifyUrl !== undefined) {
    const problem = notifyUrlProblem(raw.notifyUrl, ctx.sandbox);
    if (problem) problems.push({ key: 'wechat.pay.notifyUrl', message: problem });
  } else if (raw.mchId !== undefined && !ctx.sandbox && !ctx.publicBaseUrl?.startsWith('https://')) {
    problems.push({
      key: 'wechat.pay.notifyUrl',
      message: `WeChat Pay notifies HTTPS addresses only: set notifyUrl, or a publicBaseUrl starting with https:// (then ${PAY_NOTIFY_PATH} behind it is used)`,
    });
  }
  return {
    problems,
    pay: {
      appId: raw.appId ?? null,
      mchId: raw.mchId ?? null,
      merchantSerialNo: raw.merchantSerialNo?.toUpperCase() ?? null,
      merchantPrivateKeyPem,
      apiV3Key: raw.apiV3Key !== undefined && !apiV3KeyProblem(raw.apiV3Key) ? raw.apiV3Key : null,
      verifyMode: raw.verifyMode ?? null,
      publicKeyId: raw.publicKeyId ?? null,
      publicKeyPem,
      notifyUrl: raw.notifyUrl ?? null,
      reconcileIntervalSeconds: raw.reconcileIntervalSeconds,
    },
  };
}
