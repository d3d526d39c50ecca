/**
 * What the studio's settings page shows and may change. The WeChat accounts come from the config (appIds, message
 * mode) and the secrets store (whether each secret is set — never the secret); the binding mode is stored here.
 */
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import type { companionSettingsSchema } from '../../../shared/companion/api';
import type { CompanionConfig } from '../config';
import type { SecretsService } from './secrets';

export type CompanionSettings = z.infer<typeof companionSettingsSchema>;
export type BindingMode = CompanionSettings['bindingMode'];

export class SettingsService {
  constructor(
    private readonly db: Database.Database,
    private readonly config: CompanionConfig,
    private readonly secrets: SecretsService,
    private readonly publicBaseUrl: () => string,
    private readonly now: () => Date,
  ) {}

  private stored(key: string): string | null {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key)?.value ?? null;
  }

  officialAccountConfigured(): boolean {
    return Boolean(this.config.wechat.officialAccount.appId && this.secrets.has('officialAccount.appSecret'));
  }

  websiteAppConfigured(): boolean {
    return Boolean(this.config.wechat.websiteApp.appId && this.secrets.has('websiteApp.appSecret'));
  }

  /** Stored, else website QR login when a website app is set up (it works from any browser), else OA web auth. */
  bindingMode(): BindingMode {
    const stored = this.stored('bindingMode');
    if (stored === 'qrconnect' || stored === 'oauth') return stored;
    return this.websiteAppConfigured() ? 'qrconnect' : 'oauth';
  }

  get(): CompanionSettings {
    const oa = this.config.wechat.officialAccount;
    return {
      sandbox: this.config.sandbox,
      publicBaseUrl: this.publicBaseUrl(),
      officialAccount: { appId: oa.appId ?? '', messageMode: oa.messageMode, configured: this.officialAccountConfigured() },
      websiteApp: { appId: this.config.wechat.websiteApp.appId ?? '', configured: this.websiteAppConfigured() },
      bindingMode: this.bindingMode(),
    };
  }

  update(patch: { bindingMode?: BindingMode | undefined }): CompanionSettings {
    if (patch.bindingMode) {
      this.db
        .prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
        .run('bindingMode', patch.bindingMode, this.now().toISOString());
    }
    return this.get();
  }
}
