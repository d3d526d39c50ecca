/**
 * The share-poster contract methods, spread into the method table (shared/contract/methods.ts), and the batch
 * progress event (shared/contract/events.ts).
 */
import { z } from 'zod';
import { CATEGORIES, SEVERITIES } from '../compliance/types';
import { POSTER_KINDS, brandKitSchema, posterDocumentSchema } from './model';
import { posterTemplateSchema } from './templates';

const posterId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'id.invalid');
const posterName = z.string().trim().min(1, 'poster.nameRequired').max(60, 'poster.nameTooLong');

/** A saved poster: its document and the bookkeeping around it. `version` grows by one with every save. */
export const posterSchema = z.object({
  id: posterId,
  name: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  document: posterDocumentSchema,
});
export type Poster = z.infer<typeof posterSchema>;

export const posterSummarySchema = z.object({
  id: posterId,
  name: z.string(),
  kind: z.enum(POSTER_KINDS),
  width: z.number().int(),
  height: z.number().int(),
  version: z.number().int(),
  updatedAt: z.string(),
});

/** A compliance finding in one text element (after variables were filled in). */
export const posterFindingSchema = z.object({
  elementId: z.string(),
  category: z.enum(CATEGORIES),
  severity: z.enum(SEVERITIES),
  start: z.number().int(),
  end: z.number().int(),
  text: z.string(),
  message: z.object({ zh: z.string(), en: z.string() }),
});
export type PosterFinding = z.infer<typeof posterFindingSchema>;

export const qrCheckSchema = z.object({
  elementId: z.string(),
  /** What the code carries at export (for a batch, the first person's). */
  payload: z.string(),
  /** `companion`: a parametric official-account QR; `link`: the local tracking link; `text`: fixed content. */
  source: z.enum(['companion', 'link', 'text']),
  modulePx: z.number(),
  warnings: z.array(z.object({ code: z.enum(['qr.tooSmall', 'qr.lowContrast', 'qr.inverted', 'qr.tooMuchData', 'qr.placeholderLink']), value: z.number() })),
});

export const EXPORT_FORMATS = ['png', 'jpeg'] as const;

const batchSource = z.discriminatedUnion('kind', [
  /** CSV text (the renderer reads the file): a heading row, one person per row. */
  z.object({ kind: z.literal('csv'), text: z.string().max(5_000_000, 'csv.tooLarge') }),
  /** The companion's team members (nickname and avatar from their bound WeChat). */
  z.object({ kind: z.literal('members') }),
]);

export const BATCH_STATES = ['running', 'done', 'cancelled', 'failed'] as const;

export const batchProgressSchema = z.object({
  jobId: z.string(),
  posterId: z.string(),
  state: z.enum(BATCH_STATES),
  total: z.number().int(),
  /** Posters written so far. */
  done: z.number().int(),
  /** People whose poster could not be made (listed in `errors`, at most 20). */
  failed: z.number().int(),
  outputDir: z.string(),
  errors: z.array(z.object({ line: z.number().int(), name: z.string(), code: z.string() })),
});
export type BatchProgress = z.infer<typeof batchProgressSchema>;

export const posterMethods = {
  'posters.list': { input: z.object({}), output: z.object({ items: z.array(posterSummarySchema) }) },
  'posters.get': { input: z.object({ id: posterId }), output: posterSchema },
  /** A new poster from a template (`templateId`) or blank at a size. */
  'posters.create': {
    input: z.object({
      name: posterName,
      templateId: z.string().max(80).nullable().default(null),
      width: z.number().int().min(100).max(4096).default(1080),
      height: z.number().int().min(100).max(4096).default(1920),
    }),
    output: posterSchema,
  },
  /** Saves the whole document; CONFLICT when `baseVersion` is not the stored version. */
  'posters.save': { input: z.object({ id: posterId, baseVersion: z.number().int(), name: posterName, document: posterDocumentSchema }), output: posterSchema },
  'posters.delete': { input: z.object({ id: posterId }), output: z.object({ id: posterId }) },
  'posters.templates': { input: z.object({}), output: z.object({ items: z.array(posterTemplateSchema) }) },
  'posters.brand': { input: z.object({}), output: brandKitSchema },
  'posters.updateBrand': {
    input: brandKitSchema.omit({ schemaVersion: true, colors: true }).extend({ colors: brandKitSchema.shape.colors.partial() }).partial(),
    output: brandKitSchema,
  },
  /** The compliance scan of every text element and the QR checks, for the document as it would be exported. */
  'posters.check': {
    input: z.object({ id: posterId, document: posterDocumentSchema }),
    output: z.object({ findings: z.array(posterFindingSchema), qr: z.array(qrCheckSchema) }),
  },
  /**
   * One poster at its exact pixel size (PNG or JPEG, base64) with the document's sample values, for the renderer to
   * save. COMPLIANCE_BLOCKED when a text has a block finding, or a must-fix one not acknowledged.
   */
  'posters.export': {
    input: z.object({
      id: posterId,
      document: posterDocumentSchema,
      format: z.enum(EXPORT_FORMATS).default('png'),
      /** JPEG quality, 50–100. */
      quality: z.number().int().min(50).max(100).default(92),
      acknowledgeMustFix: z.boolean().default(false),
      fileTitle: z.string().max(100).default(''),
    }),
    output: z.object({
      fileName: z.string(),
      mime: z.string(),
      dataBase64: z.string(),
      width: z.number().int(),
      height: z.number().int(),
      qr: z.array(qrCheckSchema),
    }),
  },
  /**
   * One poster per person into a folder, each with its own invitation QR, in worker threads; progress arrives as
   * `posters.batchProgressed`. Nothing is written when the list cannot be read or a person's poster is blocked by
   * compliance; existing files are never overwritten (a number is added instead).
   */
  'posters.batchStart': {
    input: z.object({
      id: posterId,
      document: posterDocumentSchema,
      source: batchSource,
      /** An absolute folder; omitted: `exports/posters/<name>-<time>` in the workspace. Created when missing. */
      outputDir: z.string().max(1000).optional(),
      /** `{{nickname}}`, `{{inviteCode}}`, `{{index}}` … */
      fileNamePattern: z.string().trim().min(1, 'pattern.required').max(120).default('{{nickname}}-{{index}}'),
      format: z.enum(EXPORT_FORMATS).default('png'),
      acknowledgeMustFix: z.boolean().default(false),
    }),
    output: z.object({ jobId: z.string(), total: z.number().int(), outputDir: z.string() }),
  },
  'posters.batchCancel': { input: z.object({ jobId: z.string().max(64) }), output: batchProgressSchema },
} as const;
