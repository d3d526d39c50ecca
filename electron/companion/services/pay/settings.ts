/**
 * WeChat Pay settings as they apply now: each value from the config (which wins, and which the API may not change) or
 * else from what an owner set through `pay.updateSettings` — non-secret values in the settings table, secrets sealed
 * by the secrets service. Parsed keys are cached and dropped when anything changes. Answers never carry a secret.
 */
import type { KeyObject } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { PaySettings, PayVerifyMode } from '../../../../shared/companion/api';
import type { CompanionConfig } from '../../config';
import { PAY_NOTIFY_PATH, apiV3KeyProblem, notifyUrlProblem, parseMerchantPrivateKey, parseWechatPayPublicKey } from '../../config-pay';
import { CompanionError } from '../../errors';
import type { PlatformCertificates } from '../../wechat/pay/certificates';
import type { PayCredentials } from '../../wechat/pay/client';
import type { SecretName, SecretsService } from '../secrets';

const PLAIN_KEYS = ['appId', 'mchId', 'merchantSerialNo', 'verifyMode', 'publicKeyId'] as const;
type PlainKey = (typeof PLAIN_KEYS)[number];

export interface PaySettingsUpdate {
  appId?: string | undefined;
  mchId?: string | undefined;
  merchantSerialNo?: string | undefined;
  verifyMode?: PayVerifyMode | undefined;
  publicKeyId?: string | undefined;
  merchantPrivateKeyPem?: string | undefined;
  apiV3Key?: string | undefined;
  publicKeyPem?: string | undefined;
}

const SECRET_OF = { merchantPrivateKeyPem: 'pay.merchantPrivateKey', apiV3Key: 'pay.apiV3Key', publicKeyPem: 'pay.publicKey' } as const satisfies Record<string, SecretName>;

export class PaySettingsService {
  private creds: PayCredentials | null = null;
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly db: Database.Database,
    private readonly config: CompanionConfig,
    private readonly secrets: SecretsService,
    private readonly certificates: PlatformCertificates,
    private readonly publicBaseUrl: () => string,
    private readonly now: () => Date,
  ) {
    secrets.onChange(() => this.changed());
  }

  private fromConfig(key: PlainKey): string | null {
    return this.config.wechat.pay[key];
  }

  private value(key: PlainKey): string | null {
    const configured = this.fromConfig(key);
    if (configured !== null) return configured;
    return this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(`pay.${key}`)?.value ?? null;
  }

  appId(): string | null {
    return this.value('appId') ?? this.config.wechat.officialAccount.appId;
  }

  mchId(): string | null {
    return this.value('mchId');
  }

  verifyMode(): PayVerifyMode {
    const chosen = this.value('verifyMode');
    if (chosen === 'publicKey' || chosen === 'platformCertificates') return chosen;
    return this.value('publicKeyId') && this.secrets.has('pay.publicKey') ? 'publicKey' : 'platformCertificates';
  }

  notifyUrl(): string {
    return this.config.wechat.pay.notifyUrl ?? `${this.publicBaseUrl()}${PAY_NOTIFY_PATH}`;
  }

  /** What is still needed before orders can be made, as setting names. */
  missing(): string[] {
    const missing: string[] = [];
    if (!this.appId()) missing.push('appId');
    if (!this.mchId()) missing.push('mchId');
    if (!this.value('merchantSerialNo')) missing.push('merchantSerialNo');
    if (!this.secrets.has('pay.merchantPrivateKey')) missing.push('merchantPrivateKeyPem');
    if (!this.secrets.has('pay.apiV3Key')) missing.push('apiV3Key');
    if (this.verifyMode() === 'publicKey') {
      if (!this.value('publicKeyId')) missing.push('publicKeyId');
      if (!this.secrets.has('pay.publicKey')) missing.push('publicKeyPem');
    }
    if (notifyUrlProblem(this.notifyUrl(), this.config.sandbox)) missing.push('notifyUrl');
    return missing;
  }

  /** The credentials for the pay client; NOT_CONFIGURED naming what is missing. */
  credentials(): PayCredentials {
    if (this.creds) return this.creds;
    const missing = this.missing();
    if (missing.length > 0) {
      throw new CompanionError('NOT_CONFIGURED', `微信支付尚未配置完整，缺少：${missing.join(', ')}。 / WeChat Pay is not fully set up; missing: ${missing.join(', ')}.`, {
        missing: missing.join(','),
      });
    }
    const publicKeyPem = this.secrets.get('pay.publicKey');
    this.creds = {
      mchId: this.mchId()!,
      serialNo: this.value('merchantSerialNo')!.toUpperCase(),
      privateKey: parseMerchantPrivateKey(this.secrets.get('pay.merchantPrivateKey')!),
      apiV3Key: Buffer.from(this.secrets.get('pay.apiV3Key')!, 'utf8'),
      verifyMode: this.verifyMode(),
      publicKeyId: this.value('publicKeyId'),
      publicKey: publicKeyPem ? parseWechatPayPublicKey(publicKeyPem) : null,
    };
    return this.creds;
  }

  /** The merchant private key (for JSAPI paySign). */
  privateKey(): KeyObject {
    return this.credentials().privateKey;
  }

  managedByConfig(): string[] {
    const pay = this.config.wechat.pay;
    return [
      ...PLAIN_KEYS.filter((k) => pay[k] !== null),
      ...(pay.merchantPrivateKeyPem ? ['merchantPrivateKeyPem'] : []),
      ...(pay.apiV3Key ? ['apiV3Key'] : []),
      ...(pay.publicKeyPem ? ['publicKeyPem'] : []),
    ];
  }

  get(): PaySettings {
    return {
      configured: this.missing().length === 0,
      sandbox: this.config.sandbox,
      appId: this.appId() ?? '',
      mchId: this.mchId() ?? '',
      merchantSerialNo: this.value('merchantSerialNo') ?? '',
      verifyMode: this.verifyMode(),
      publicKeyId: this.value('publicKeyId') ?? '',
      notifyUrl: this.notifyUrl(),
      secrets: {
        merchantPrivateKey: this.secrets.has('pay.merchantPrivateKey'),
        apiV3Key: this.secrets.has('pay.apiV3Key'),
        publicKey: this.secrets.has('pay.publicKey'),
      },
      managedByConfig: this.managedByConfig(),
      platformCertificates: this.certificates.list(),
      reconcileIntervalSeconds: this.config.wechat.pay.reconcileIntervalSeconds,
    };
  }

  /**
   * Validates everything first (keys parse, the APIv3 key is 32 bytes, a public key comes with its id), then stores.
   * CONFLICT for a setting the config fixes. A new merchant or APIv3 key makes the downloaded certificates moot.
   */
  update(patch: PaySettingsUpdate, memberId: string | null): { updated: string[]; settings: PaySettings } {
    const given = (Object.keys(patch) as (keyof PaySettingsUpdate)[]).filter((k) => patch[k] !== undefined);
    const fixed = given.filter((k) => this.managedByConfig().includes(k));
    if (fixed.length > 0) {
      throw new CompanionError('CONFLICT', `Set in the companion's configuration, so not changeable here: ${fixed.join(', ')}`, { keys: fixed.join(',') });
    }
    const invalid = (key: string, message: string) => new CompanionError('INVALID_INPUT', `body.${key}: ${message}`, { part: 'body' });
    if (patch.merchantPrivateKeyPem !== undefined) {
      try {
        parseMerchantPrivateKey(patch.merchantPrivateKeyPem);
      } catch (error) {
        throw invalid('merchantPrivateKeyPem', (error as Error).message);
      }
    }
    if (patch.publicKeyPem !== undefined) {
      try {
        parseWechatPayPublicKey(patch.publicKeyPem);
      } catch (error) {
        throw invalid('publicKeyPem', (error as Error).message);
      }
      if (!patch.publicKeyId && !this.value('publicKeyId')) throw invalid('publicKeyId', 'is required with publicKeyPem (the PUB_KEY_ID_… shown beside the key)');
    }
    if (patch.apiV3Key !== undefined) {
      const problem = apiV3KeyProblem(patch.apiV3Key);
      if (problem) throw invalid('apiV3Key', problem);
    }
    const resetCertificates = (patch.mchId !== undefined && patch.mchId !== this.mchId()) || patch.apiV3Key !== undefined;

    const at = this.now().toISOString();
    const upsert = this.db.prepare(
      'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    this.db.transaction(() => {
      for (const key of PLAIN_KEYS) {
        const value = patch[key];
        if (value !== undefined) upsert.run(`pay.${key}`, key === 'merchantSerialNo' ? value.toUpperCase() : value, at);
      }
    })();
    const secretValues: Partial<Record<SecretName, string>> = {};
    for (const [field, name] of Object.entries(SECRET_OF) as [keyof typeof SECRET_OF, SecretName][]) {
      if (patch[field] !== undefined) secretValues[name] = patch[field];
    }
    this.secrets.put(secretValues, memberId);
    if (resetCertificates) this.certificates.clear();
    this.changed();
    return { updated: given, settings: this.get() };
  }

  /** Called after any pay setting changes (the client's cached credentials are dropped). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    this.creds = null;
    for (const listener of this.listeners) listener();
  }
}
