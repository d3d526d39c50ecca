import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, normalizeSettings, settingsSchema } from '../../shared/settings';

describe('normalizeSettings', () => {
  it('defaults to Chinese and the most recently updated courses first', () => {
    expect(DEFAULT_SETTINGS).toEqual({ locale: 'zh-CN', courseSort: 'updatedDesc' });
  });

  it.each([undefined, null, 42, 'zh-CN', [], true])('turns %j into the defaults', (raw) => {
    expect(normalizeSettings(raw)).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps valid values', () => {
    expect(normalizeSettings({ locale: 'en-US', courseSort: 'priceDesc' })).toEqual({ locale: 'en-US', courseSort: 'priceDesc' });
  });

  it('replaces each invalid value by its default and keeps the valid ones', () => {
    expect(normalizeSettings({ locale: 'fr-FR', courseSort: 'titleAsc' })).toEqual({ locale: 'zh-CN', courseSort: 'titleAsc' });
    expect(normalizeSettings({ locale: 'en-US', courseSort: 7 })).toEqual({ locale: 'en-US', courseSort: 'updatedDesc' });
  });

  it('drops unknown keys', () => {
    const out = normalizeSettings({ locale: 'en-US', theme: 'dark', __proto__: { polluted: true } });
    expect(Object.keys(out).sort()).toEqual(['courseSort', 'locale']);
    expect(settingsSchema.strict().safeParse(out).success).toBe(true);
  });

  it('returns a new object, never the shared defaults', () => {
    const out = normalizeSettings({});
    out.locale = 'en-US';
    expect(DEFAULT_SETTINGS.locale).toBe('zh-CN');
  });
});
