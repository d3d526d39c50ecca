/**
 * The studio's settings: one schema for electron-store (inside Electron) and conf (everywhere else), so both read and
 * write the same `settings.json` in the data folder.
 */
import { z } from 'zod';

export const LOCALES = ['zh-CN', 'en-US'] as const;
export type Locale = (typeof LOCALES)[number];

export const settingsSchema = z.object({
  /** UI language; Chinese by default, English on request. */
  locale: z.enum(LOCALES),
  /** How the course list was last sorted, so it opens the same way. */
  courseSort: z.enum(['updatedDesc', 'createdDesc', 'titleAsc', 'priceAsc', 'priceDesc']),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = { locale: 'zh-CN', courseSort: 'updatedDesc' };

/** JSON Schema of the same settings, as electron-store and conf validate with it (ajv). */
export const settingsJsonSchema = {
  locale: { type: 'string', enum: [...LOCALES], default: DEFAULT_SETTINGS.locale },
  courseSort: {
    type: 'string',
    enum: ['updatedDesc', 'createdDesc', 'titleAsc', 'priceAsc', 'priceDesc'],
    default: DEFAULT_SETTINGS.courseSort,
  },
} as const;

/** Reads stored settings leniently: unknown keys dropped, invalid values replaced by defaults, never throws. */
export function normalizeSettings(raw: unknown): Settings {
  const source = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const out: Settings = { ...DEFAULT_SETTINGS };
  for (const key of Object.keys(settingsSchema.shape) as (keyof Settings)[]) {
    const parsed = settingsSchema.shape[key].safeParse(source[key]);
    if (parsed.success) (out as Record<string, unknown>)[key] = parsed.data;
  }
  return out;
}
