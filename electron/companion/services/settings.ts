/**
 * What the studio's settings page shows and may change. The WeChat accounts come from the config (appIds, message
 * mode) and the secrets store (whether each secret is set — never the secret); the binding mode and the mini
 * program's review openid (unless the config sets it) are stored here.
 */
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { maskOpenid, type companionSettingsSchema } from '../../../shared/companion/api';
import type { CompanionConfig } from '../config';
import { CompanionError } from '../errors';
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

  miniProgramConfigured(): boolean {
    return Boolean(this.config.wechat.miniProgram.appId && this.secrets.has('miniProgram.appSecret'));
  }

  /** The openid msg_sec_check runs as for members without their own in the mini program: the config's, else stored. */
  reviewOpenid(): string | null {
    return this.config.wechat.miniProgram.reviewOpenid ?? this.stored('miniProgram.reviewOpenid');
  }

  /** Stored, else website QR login when a website app is set up (it works from any browser), else OA web auth. */
  bindingMode(): BindingMode {
    const stored = this.stored('bindingMode');
    if (stored === 'qrconnect' || stored === 'oauth') return stored;
    return this.websiteAppConfigured() ? 'qrconnect' : 'oauth';
  }

  get(): CompanionSettings {
    const oa = this.config.wechat.officialAccount;
    const review = this.reviewOpenid();
    return {
      sandbox: this.config.sandbox,
      publicBaseUrl: this.publicBaseUrl(),
      officialAccount: { appId: oa.appId ?? '', messageMode: oa.messageMode, configured: this.officialAccountConfigured() },
      websiteApp: { appId: this.config.wechat.websiteApp.appId ?? '', configured: this.websiteAppConfigured() },
      miniProgram: {
        appId: this.config.wechat.miniProgram.appId ?? '',
        configured: this.miniProgramConfigured(),
        reviewOpenidMasked: review === null ? null : maskOpenid(review),
      },
      bindingMode: this.bindingMode(),
    };
  }

  update(patch: { bindingMode?: BindingMode | undefined; miniProgram?: { reviewOpenid: string | null } | undefined }): CompanionSettings {
    // Checked before anything is written: a refused patch changes nothing.
    if (patch.miniProgram && this.config.wechat.miniProgram.reviewOpenid !== null) {
      throw new CompanionError('CONFLICT', "Set in the companion's configuration, so not changeable here: wechat.miniProgram.reviewOpenid", {
        keys: 'miniProgram.reviewOpenid',
      });
    }
    if (patch.bindingMode) this.store('bindingMode', patch.bindingMode);
    if (patch.miniProgram) {
      const { reviewOpenid } = patch.miniProgram;
      if (reviewOpenid === null) this.db.prepare('DELETE FROM settings WHERE key = ?').run('miniProgram.reviewOpenid');
      else this.store('miniProgram.reviewOpenid', reviewOpenid);
    }
    return this.get();
  }

  private store(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
      .run(key, value, this.now().toISOString());
  }
}
