/**
 * Schemas for what crosses the wire or is stored: cover crops (saved with a course), the workspace's preview settings
 * and a course as the export needs it. Problems carry field codes (`crop.outOfBounds`, `accountName.tooLong`) that the
 * host returns in INVALID_INPUT and the renderer translates.
 */
import { z } from 'zod';
import { COURSE_TYPES } from '../domain/course';
import { checkCrop, type CoverCrops } from './crop';
import { DEFAULT_LIMIT_CHOICES, LIMIT_CHOICE_IDS, limitChoice, type LimitChoices } from './limits';
import type { PreviewSettings } from './model';

export const cropBoxSchema = z
  .object({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() })
  .check((ctx) => {
    // Without the image at hand only the shape of the numbers can be checked; the host checks the box against the
    // cover's pixel size (ratio, minimum size) when it saves.
    const code = checkCrop(ctx.value, null, null, null);
    if (code) ctx.issues.push({ code: 'custom', message: code, input: ctx.value });
  });

export const coverCropsSchema = z.object({
  crop235: cropBoxSchema.nullable(),
  crop11: cropBoxSchema.nullable(),
  focus: cropBoxSchema.nullable(),
}) satisfies z.ZodType<CoverCrops>;

export const ACCOUNT_NAME_MAX = 30;
export const DEFAULT_ACCOUNT_NAME = '我的公众号';

const limitChoicesSchema = z
  .object(Object.fromEntries(LIMIT_CHOICE_IDS.map((id) => [id, z.string()])) as Record<keyof LimitChoices, z.ZodString>)
  .check((ctx) => {
    for (const id of LIMIT_CHOICE_IDS) {
      if (!limitChoice(id).options.includes(ctx.value[id])) {
        ctx.issues.push({ code: 'custom', message: 'limitChoice.invalid', input: ctx.value[id], path: [id] });
      }
    }
  });

export const previewSettingsSchema = z.object({
  /** 公众号名称, at most 30 characters as WeChat allows. */
  accountName: z.string().trim().min(1, 'accountName.required').max(ACCOUNT_NAME_MAX, 'accountName.tooLong'),
  limitChoices: limitChoicesSchema,
}) satisfies z.ZodType<PreviewSettings>;

export const DEFAULT_PREVIEW_SETTINGS: PreviewSettings = { accountName: DEFAULT_ACCOUNT_NAME, limitChoices: DEFAULT_LIMIT_CHOICES };

/** The stored document: the settings with a schema version, migrated on load by `readPreviewSettings`. */
export const PREVIEW_SETTINGS_VERSION = 1;

/** Reads a stored settings document leniently: unknown keys dropped, invalid values replaced by defaults. */
export function readPreviewSettings(raw: unknown): PreviewSettings {
  const source = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const name = previewSettingsSchema.shape.accountName.safeParse(source.accountName);
  const choicesRaw = (source.limitChoices && typeof source.limitChoices === 'object' ? source.limitChoices : {}) as Record<string, unknown>;
  const limitChoices = { ...DEFAULT_LIMIT_CHOICES };
  for (const id of LIMIT_CHOICE_IDS) {
    const v = choicesRaw[id];
    if (typeof v === 'string' && limitChoice(id).options.includes(v)) limitChoices[id] = v;
  }
  return { accountName: name.success ? name.data : DEFAULT_ACCOUNT_NAME, limitChoices };
}

/** A course as the export draws it: the editor's draft (possibly unsaved, possibly not yet valid). */
export const previewCourseInputSchema = z.object({
  title: z.string().max(1000),
  summary: z.string().max(20_000),
  type: z.enum(COURSE_TYPES),
  priceFen: z.number().int().min(0),
  chapters: z
    .array(z.object({ title: z.string().max(1000), lessons: z.array(z.object({ title: z.string().max(1000) })).max(2000) }))
    .max(200),
  coverHash: z.string().regex(/^[0-9a-f]{64}$/, 'hash.invalid').nullable(),
  coverCrops: coverCropsSchema,
});
