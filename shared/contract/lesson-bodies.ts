/**
 * The lesson-body part of the method table (spread into `methods` in methods.ts). Bodies are saved apart from the
 * course document: a body can be close to 1 MB while the course document is saved after every pause in typing, and
 * each body has its own version, so two lessons edited in two windows never conflict with each other.
 */
import { z } from 'zod';
import { RICH_TEXT_SCHEMA_VERSION } from '../rich-text/schema';

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id.invalid');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'hash.invalid');

/** The largest body the host will even read (sanitizing may shrink pasted HTML a lot; WeChat's limit is checked after). */
export const BODY_INPUT_MAX_CHARS = 8_000_000;

export const bodyImageSchema = z.object({
  hash: sha256,
  mime: z.string(),
  size: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** `pending` until sync uploads it with WeChat's `media/uploadimg` (an article may only show such images). */
  uploadState: z.enum(['pending', 'uploaded']),
  /** Whether `media/uploadimg` takes it as it is: JPEG or PNG under 1 MB (wechat-protocols.md §6.2). */
  fitsArticle: z.boolean(),
});
export type BodyImage = z.infer<typeof bodyImageSchema>;

export const lessonBodySchema = z.object({
  courseId: z.string(),
  lessonId: z.string(),
  /** Sanitized HTML in the lesson-body subset (shared/rich-text/schema.ts); '' for a lesson never written. */
  html: z.string(),
  schemaVersion: z.literal(RICH_TEXT_SCHEMA_VERSION),
  /** 0 before the first save; sent back as `baseVersion`. */
  version: z.number().int().min(0),
  updatedAt: z.string().nullable(),
  /** Text characters and UTF-8 bytes, as WeChat's limits count them (shared/rich-text/stats.ts). */
  chars: z.number().int(),
  bytes: z.number().int(),
  /** The stored images the body shows, in order. */
  images: z.array(bodyImageSchema),
  /** What the host's sanitizer removed from the HTML it was sent (empty when the editor's output was clean). */
  dropped: z.object({ images: z.array(z.string()), elements: z.array(z.string()) }),
});
export type LessonBody = z.infer<typeof lessonBodySchema>;

export const lessonBodyMethods = {
  /** A lesson's body (empty for a lesson never written). NOT_FOUND when the lesson is not in the saved course. */
  'lessons.getBody': { input: z.object({ courseId: id, lessonId: id }), output: lessonBodySchema },
  /**
   * Sanitizes and saves a lesson's body against `baseVersion` (CONFLICT if stale). Refused with INVALID_INPUT and a
   * field problem on `html` when the sanitized body reaches WeChat's limits (`body.tooManyChars`, `body.tooLarge`) or
   * shows an image that is not in the workspace (`body.unknownImage`). Nothing is written when refused.
   */
  'lessons.saveBody': {
    input: z.object({
      courseId: id,
      lessonId: id,
      baseVersion: z.number().int().min(0),
      html: z.string().max(BODY_INPUT_MAX_CHARS, 'body.tooLarge'),
    }),
    output: lessonBodySchema,
  },
} as const;
