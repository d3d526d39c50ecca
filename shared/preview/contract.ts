/**
 * The preview's contract methods, spread into the method table (shared/contract/methods.ts).
 */
import { z } from 'zod';
import { SURFACE_IDS } from './model';
import { previewCourseInputSchema, previewSettingsSchema } from './schemas';
import { APPEARANCES, DEVICE_IDS } from './theme';

export const EXPORT_SCALES = [1, 2, 3] as const;

const surfaceId = z.enum(SURFACE_IDS);

export const previewMethods = {
  /** The workspace's preview settings: the account name and the option chosen for each CONFLICT limit. */
  'preview.settings': { input: z.object({}), output: previewSettingsSchema },
  'preview.updateSettings': { input: previewSettingsSchema.partial(), output: previewSettingsSchema },
  /** What the previews need to know about a cover: its pixel size (crops, warnings) and its file size. */
  'preview.coverInfo': {
    input: z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/, 'hash.invalid') }),
    output: z.object({ hash: z.string(), mime: z.string(), size: z.number().int(), width: z.number().int().nullable(), height: z.number().int().nullable() }),
  },
  /**
   * One surface, or the gallery of several, drawn by the host from the shared layout as a PNG (base64) for the renderer
   * to save. `scale` is device pixels per CSS pixel; the PNG is the layout's size times `scale`.
   */
  'preview.exportPng': {
    input: z.object({
      course: previewCourseInputSchema,
      surfaces: z
        .array(surfaceId)
        .min(1, 'surfaces.required')
        .max(SURFACE_IDS.length)
        .refine((ids) => new Set(ids).size === ids.length, 'surfaces.duplicate'),
      /** `gallery`: every listed surface on one page under its caption; `surface`: the only listed surface alone. */
      mode: z.enum(['surface', 'gallery']),
      device: z.enum(DEVICE_IDS),
      appearance: z.enum(APPEARANCES),
      scale: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(2),
      /** The gallery's heading and captions, in the creator's language (the host has no UI strings). */
      texts: z
        .object({
          heading: z.string().max(200),
          subheading: z.string().max(200),
          captions: z.partialRecord(surfaceId, z.string().max(60)),
        })
        .optional(),
      /** Used in the file name. */
      fileTitle: z.string().max(100).default(''),
    }),
    output: z.object({ fileName: z.string(), pngBase64: z.string(), width: z.number().int(), height: z.number().int() }),
  },
} as const;
