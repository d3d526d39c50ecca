/**
 * The lesson-body part of the method table (spread into `methods` in methods.ts). Bodies are saved apart from the
 * course document: a body can be close to 1 MB while the course document is saved after every pause in typing, and
 * each body has its own version, so two lessons edited in two windows never conflict with each other.
 */
import { z } from 'zod';
import { RICH_TEXT_SCHEMA_VERSION } from '../rich-text/schema';
import { VERSION_LABEL_MAX_CHARS } from './library';

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

/** Why a lesson body version was stored (the course versions' rules, for one body). */
export const LESSON_VERSION_REASONS = [
  /** The first save of a body since versions of bodies exist. */
  'created',
  /** The first save at least LESSON_VERSION_POLICY.intervalMs after the previous version. */
  'interval',
  /** A save that changed at least LESSON_VERSION_POLICY.largeEditChars characters of text since the previous version. */
  'largeEdit',
  /** The creator asked for one. */
  'manual',
  /** The body just before a restore replaced it: restoring this one undoes the restore. */
  'beforeRestore',
  /** The body as a restore left it. */
  'restored',
  /** Taken by sync before it changes anything. */
  'beforeSync',
] as const;
export type LessonVersionReason = (typeof LESSON_VERSION_REASONS)[number];

export const lessonVersionSummarySchema = z.object({
  /** Per lesson, 1, 2, 3… in the order versions were taken. */
  seq: z.number().int(),
  reason: z.enum(LESSON_VERSION_REASONS),
  label: z.string(),
  /** The body's `version` (save counter) when the snapshot was taken. */
  bodyVersion: z.number().int(),
  /** Text characters of the body, as WeChat counts them. */
  chars: z.number().int(),
  /** Compressed size in bytes. */
  size: z.number().int(),
  createdAt: z.string(),
  /** For `restored`: the version restored; for `beforeRestore`: the version whose restore followed. */
  restoredSeq: z.number().int().nullable(),
});
export type LessonVersionSummary = z.infer<typeof lessonVersionSummarySchema>;

const textOpSchema = z.object({ op: z.enum(['equal', 'insert', 'delete']), text: z.string() });
const lessonRef = { courseId: id, lessonId: id };

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
  /** A lesson body's versions, newest first. */
  'lessonVersions.list': { input: z.object(lessonRef), output: z.object({ items: z.array(lessonVersionSummarySchema) }) },
  /** Stores the body as it is now, with an optional name. */
  'lessonVersions.snapshot': {
    input: z.object({ ...lessonRef, label: z.string().trim().max(VERSION_LABEL_MAX_CHARS, 'label.tooLong').default('') }),
    output: lessonVersionSummarySchema,
  },
  /** The character diff of the body text from version `from` to version `to` (`to` omitted: the body as it is now). */
  'lessonVersions.compare': {
    input: z.object({ ...lessonRef, from: z.number().int().min(1), to: z.number().int().min(1).optional() }),
    output: z.object({ text: z.array(textOpSchema) }),
  },
  /**
   * Makes version `seq` the lesson's body through the normal body save (sanitizer, limits, images, `baseVersion`
   * check). The body as it was is stored first (`beforeRestore`), so restoring that version undoes this.
   */
  'lessonVersions.restore': {
    input: z.object({ ...lessonRef, seq: z.number().int().min(1), baseVersion: z.number().int().min(0) }),
    output: z.object({ body: lessonBodySchema, before: lessonVersionSummarySchema, restored: lessonVersionSummarySchema }),
  },
} as const;
