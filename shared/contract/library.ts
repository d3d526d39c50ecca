/**
 * Versions, full-text search and course packages (spread into `methods` in methods.ts through `libraryMethods`, which
 * takes the course document schema so this file does not import methods.ts back).
 *
 * For later callers (sync): call `snapshotCourse(courseId, 'beforeSync')` on the host's VersionService before every
 * sync of a course, inside the same host call; it stores the course document as `courses.get` answers it.
 */
import { z } from 'zod';
import { SEARCH_QUERY_MAX_CHARS } from '../search/query';

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id.invalid');

/** Why a version was stored. */
export const VERSION_REASONS = [
  /** The course as it was created (or first saved after this feature arrived). */
  'created',
  /** The first save at least VERSION_POLICY.intervalMs after the previous version. */
  'interval',
  'typeChanged',
  /** A save that changed at least VERSION_POLICY.largeEditChars characters since the previous version. */
  'largeEdit',
  /** The creator asked for one (保存版本). */
  'manual',
  /** The course just before a restore replaced it: restoring this one undoes the restore. */
  'beforeRestore',
  /** The course as a restore left it. */
  'restored',
  /** The course as a package import created it. */
  'imported',
  /** Taken by sync before it changes anything. */
  'beforeSync',
] as const;
export type VersionReason = (typeof VERSION_REASONS)[number];

export const VERSION_LABEL_MAX_CHARS = 60;

export const versionSummarySchema = z.object({
  /** Per course, 1, 2, 3… in the order versions were taken. */
  seq: z.number().int(),
  reason: z.enum(VERSION_REASONS),
  /** The creator's name for a manual version, else ''. */
  label: z.string(),
  /** The course's `version` (save counter) when the snapshot was taken. */
  courseVersion: z.number().int(),
  title: z.string(),
  /** Compressed size in bytes. */
  size: z.number().int(),
  createdAt: z.string(),
  /** For `restored`: the version restored; for `beforeRestore`: the version whose restore followed. */
  restoredSeq: z.number().int().nullable(),
});
export type VersionSummary = z.infer<typeof versionSummarySchema>;

const textOpSchema = z.object({ op: z.enum(['equal', 'insert', 'delete']), text: z.string() });
export type TextOp = z.infer<typeof textOpSchema>;

export const courseDiffSchema = z.object({
  /** Top-level fields that differ (outline apart); strings also carry a character diff. */
  fields: z.array(
    z.object({
      field: z.string(),
      before: z.string(),
      after: z.string(),
      text: z.array(textOpSchema).nullable(),
    }),
  ),
  /** Chapters and lessons added, removed, renamed or moved (between chapters or in order). */
  outline: z.array(
    z.object({
      kind: z.enum(['chapter', 'lesson']),
      id: z.string(),
      change: z.enum(['added', 'removed', 'renamed', 'moved', 'renamedMoved']),
      title: z.string(),
      beforeTitle: z.string().nullable(),
      /** The character diff of the title when renamed. */
      text: z.array(textOpSchema).nullable(),
      /** For lessons: the chapter's title before and after (moves between chapters). */
      fromChapter: z.string().nullable(),
      toChapter: z.string().nullable(),
    }),
  ),
});
export type CourseDiff = z.infer<typeof courseDiffSchema>;

const snippetSchema = z.array(z.object({ text: z.string(), hit: z.boolean() }));

export const searchResultSchema = z.object({
  courseId: z.string(),
  courseTitle: z.string(),
  courseType: z.string(),
  /** Where the course matched, best first: the course's own title or summary, a chapter or a lesson title. */
  hits: z.array(
    z.object({
      kind: z.enum(['course', 'chapter', 'lesson']),
      /** The course's, chapter's or lesson's id. */
      targetId: z.string(),
      field: z.string(),
      snippet: snippetSchema,
    }),
  ),
});
export type SearchResult = z.infer<typeof searchResultSchema>;

/**
 * The largest course package (32 GiB; zip64 past 4 GiB). Export refuses a course whose package would be larger before
 * writing anything; an upload announcing more is refused before its first byte.
 */
export const PACKAGE_MAX_BYTES = 32 * 1024 * 1024 * 1024;
/** The chunk size the host asks for in a package upload (browser mode), and the most one chunk may carry. */
export const PACKAGE_UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;
export const PACKAGE_UPLOAD_MAX_CHUNK_BYTES = 8 * 1024 * 1024;

/** Chosen by the caller so it can cancel the job and follow its `packages.progressed` events while the call runs. */
const jobId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'id.invalid');
const uploadId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'id.invalid');

/** Where a package job stands (the `packages.progressed` event): bytes of media written (export) or read and checked (import). */
export const packageProgressSchema = z.object({
  jobId: z.string(),
  /** `export`: writing the package; `verify`: reading, hashing and staging an import's media; `store`: committing it. */
  phase: z.enum(['export', 'verify', 'store']),
  doneBytes: z.number().int(),
  totalBytes: z.number().int(),
});
export type PackageProgress = z.infer<typeof packageProgressSchema>;

export function libraryMethods<Course extends z.ZodType>(course: Course) {
  return {
    /**
     * Full-text search over every live course: titles, summaries, chapter and lesson titles. White space separates
     * terms that must all occur in the same text. Courses are ranked by their best hit.
     */
    'search.query': {
      input: z.object({
        query: z.string().trim().min(1, 'query.required').max(SEARCH_QUERY_MAX_CHARS, 'query.tooLong'),
        limit: z.number().int().min(1).max(100).default(20),
      }),
      output: z.object({ items: z.array(searchResultSchema), more: z.boolean() }),
    },
    /** A course's versions, newest first. */
    'versions.list': { input: z.object({ courseId: id }), output: z.object({ items: z.array(versionSummarySchema) }) },
    /** Stores the course as it is now, with an optional name. */
    'versions.snapshot': {
      input: z.object({ courseId: id, label: z.string().trim().max(VERSION_LABEL_MAX_CHARS, 'label.tooLong').default('') }),
      output: versionSummarySchema,
    },
    /** What changed from version `from` to version `to` (`to` omitted: the course as it is now). */
    'versions.compare': {
      input: z.object({ courseId: id, from: z.number().int().min(1), to: z.number().int().min(1).optional() }),
      output: courseDiffSchema,
    },
    /**
     * Makes version `seq` the course's content. The course as it was is stored first (`beforeRestore`), so restoring
     * that version undoes this; the result is stored too (`restored`). `baseVersion` guards against a stale editor.
     */
    'versions.restore': {
      input: z.object({ courseId: id, seq: z.number().int().min(1), baseVersion: z.number().int().min(1) }),
      output: z.object({ course, before: versionSummarySchema, restored: versionSummarySchema }),
    },
    /**
     * Writes the course as one package file (zip: manifest, course document, bodies, its media by hash), streaming.
     * Desktop: the host asks where to save (`saved`, or `dismissed` when the dialog is closed). Browser: the file waits
     * for one download at `HTTP_PATHS.packageDownload + downloadId` (`download`). Progress: `packages.progressed`;
     * `packages.cancel({ id: jobId })` stops it and leaves no file.
     */
    'packages.export': {
      input: z.object({ courseId: id, jobId }),
      output: z.discriminatedUnion('outcome', [
        z.object({ outcome: z.literal('saved'), fileName: z.string(), size: z.number().int(), path: z.string() }),
        z.object({ outcome: z.literal('download'), fileName: z.string(), size: z.number().int(), downloadId: z.string() }),
        z.object({ outcome: z.literal('dismissed') }),
      ]),
    },
    /** Opens a package upload (browser mode: the page has a File, not a path); `size` is the file's exact length. */
    'packages.uploadStart': {
      input: z.object({ fileName: z.string().max(255), size: z.number().int().min(1).max(PACKAGE_MAX_BYTES, 'package.tooLarge') }),
      output: z.object({ sessionId: z.string(), chunkBytes: z.number().int() }),
    },
    /** The next bytes of an upload (raw bytes, like `media.importChunk`); `offset` is where the previous chunk ended. */
    'packages.uploadChunk': {
      input: z.object({
        sessionId: uploadId,
        offset: z.number().int().min(0),
        data: z
          .custom<Uint8Array>((value) => value instanceof Uint8Array, 'chunk.notBytes')
          .refine((d) => d.byteLength <= PACKAGE_UPLOAD_MAX_CHUNK_BYTES, 'chunk.tooLarge'),
      }),
      output: z.object({ received: z.number().int() }),
    },
    /**
     * Creates a new course from a package: an upload (consumed whatever the outcome) or, on the desktop, a file the
     * host asks the creator to pick. Nothing is written unless the whole package is valid.
     */
    'packages.import': {
      input: z.object({
        jobId,
        source: z.discriminatedUnion('kind', [z.object({ kind: z.literal('upload'), sessionId: uploadId }), z.object({ kind: z.literal('pick') })]),
      }),
      output: z.discriminatedUnion('outcome', [
        z.object({ outcome: z.literal('imported'), course, media: z.number().int() }),
        z.object({ outcome: z.literal('dismissed') }),
      ]),
    },
    /** Cancels a running export or import (by job id) or an open upload (by session id). */
    'packages.cancel': {
      input: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'id.invalid') }),
      output: z.object({ cancelled: z.boolean() }),
    },
  } as const;
}
