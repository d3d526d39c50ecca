/**
 * The WeChat secrets the companion uses (the AppSecrets of the official account, website app and mini program, the
 * push Token and EncodingAESKey, WeChat Pay's keys): each comes either from the config (a literal or an `env:`
 * reference, kept in memory only) or from `secrets.put`, sealed in the database. A secret the config sets is the
 * config's: the API refuses to change it, so there is one source of truth per secret. No route ever returns a secret;
 * only whether it is configured.
 */
import type Database from 'better-sqlite3';
import type { CompanionConfig } from '../config';
import { CompanionError } from '../errors';
import { SecretBox, type Sealed } from './secret-box';

export const SECRET_NAMES = [
  'officialAccount.appSecret',
  'officialAccount.token',
  'officialAccount.encodingAesKey',
  'websiteApp.appSecret',
  // The mini program of the online second opinion (msg_sec_check).
  'miniProgram.appSecret',
  // WeChat Pay: the merchant API private key (PEM), the APIv3 key, the WeChat Pay public key (PEM).
  'pay.merchantPrivateKey',
  'pay.apiV3Key',
  'pay.publicKey',
] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

const KEY_CHECK = '__key_check__';
const KEY_CHECK_PLAINTEXT = 'creator-studio companion master key check v1';

/** The secrets a config sets (literals or resolved `env:` references). */
export function secretsFromConfig(config: CompanionConfig): Partial<Record<SecretName, string>> {
  const oa = config.wechat.officialAccount;
  const web = config.wechat.websiteApp;
  const mini = config.wechat.miniProgram;
  const pay = config.wechat.pay;
  return {
    ...(pay.merchantPrivateKeyPem ? { 'pay.merchantPrivateKey': pay.merchantPrivateKeyPem } : {}),
    ...(pay.apiV3Key ? { 'pay.apiV3Key': pay.apiV3Key } : {}),
    ...(pay.publicKeyPem ? { 'pay.publicKey': pay.publicKeyPem } : {}),
    ...(oa.appSecret ? { 'officialAccount.appSecret': oa.appSecret } : {}),
    ...(oa.token ? { 'officialAccount.token': oa.token } : {}),
    ...(oa.encodingAesKey ? { 'officialAccount.encodingAesKey': oa.encodingAesKey } : {}),
    ...(web.appSecret ? { 'websiteApp.appSecret': web.appSecret } : {}),
    ...(mini.appSecret ? { 'miniProgram.appSecret': mini.appSecret } : {}),
  };
}

export class MasterKeyMismatchError extends Error {
  constructor() {
    super(
      'The master key does not open this companion database: it was written with another key. ' +
        'Start the companion with the key it was created with (secretsKeyFile / CREATOR_STUDIO_COMPANION_KEY, or the studio that embeds it).',
    );
    this.name = 'MasterKeyMismatchError';
  }
}

export class SecretsService {
  private readonly box: SecretBox;
  private readonly fromConfig: Partial<Record<SecretName, string>>;
  private readonly cache = new Map<SecretName, string | null>();
  private readonly listeners: ((names: SecretName[]) => void)[] = [];

  /** Throws MasterKeyMismatchError when `masterKey` is not the key this database's secrets were sealed with. */
  constructor(
    private readonly db: Database.Database,
    masterKey: Buffer,
    fromConfig: Partial<Record<SecretName, string>>,
    private readonly now: () => Date,
  ) {
    this.box = new SecretBox(masterKey);
    this.fromConfig = { ...fromConfig };
    this.checkKey();
  }

  /** On first use, stores a sealed known value; afterwards, refuses a key that does not open it. */
  private checkKey(): void {
    const row = this.readRow(KEY_CHECK);
    if (!row) {
      this.writeRow(KEY_CHECK, KEY_CHECK_PLAINTEXT, null);
      return;
    }
    let opened: string;
    try {
      opened = this.box.open(KEY_CHECK, row);
    } catch {
      throw new MasterKeyMismatchError();
    }
    if (opened !== KEY_CHECK_PLAINTEXT) throw new MasterKeyMismatchError();
  }

  private readRow(name: string): Sealed | undefined {
    return this.db.prepare<[string], Sealed>('SELECT nonce, ciphertext, tag FROM secrets WHERE name = ?').get(name);
  }

  private writeRow(name: string, value: string, memberId: string | null): void {
    const sealed = this.box.seal(name, value);
    this.db
      .prepare(
        `INSERT INTO secrets (name, nonce, ciphertext, tag, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET nonce = excluded.nonce, ciphertext = excluded.ciphertext, tag = excluded.tag,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(name, sealed.nonce, sealed.ciphertext, sealed.tag, this.now().toISOString(), memberId);
  }

  /** The secret's value, or null when neither the config nor the database has it. */
  get(name: SecretName): string | null {
    const configured = this.fromConfig[name];
    if (configured !== undefined) return configured;
    if (this.cache.has(name)) return this.cache.get(name)!;
    const row = this.readRow(name);
    const value = row ? this.box.open(name, row) : null;
    this.cache.set(name, value);
    return value;
  }

  has(name: SecretName): boolean {
    return this.get(name) !== null;
  }

  source(name: SecretName): 'config' | 'stored' | null {
    if (this.fromConfig[name] !== undefined) return 'config';
    return this.get(name) === null ? null : 'stored';
  }

  /** Seals and stores the given secrets in one transaction; returns their names. CONFLICT for one the config sets. */
  put(values: Partial<Record<SecretName, string>>, memberId: string | null): SecretName[] {
    const names = SECRET_NAMES.filter((n) => values[n] !== undefined);
    const fromConfig = names.filter((n) => this.fromConfig[n] !== undefined);
    if (fromConfig.length > 0) {
      throw new CompanionError('CONFLICT', `Set in the companion's configuration, so not changeable here: ${fromConfig.join(', ')}`, {
        keys: fromConfig.join(','),
      });
    }
    this.db.transaction(() => {
      for (const name of names) this.writeRow(name, values[name]!, memberId);
    })();
    for (const name of names) this.cache.set(name, values[name]!);
    if (names.length > 0) for (const listener of this.listeners) listener(names);
    return names;
  }

  /** Called with the names after secrets change (the WeChat client drops cached tokens, the event crypto is rebuilt). */
  onChange(listener: (names: SecretName[]) => void): void {
    this.listeners.push(listener);
  }

  toJSON(): string {
    return '[SecretsService]';
  }
}
