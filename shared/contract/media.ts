/**
 * The media library's contract methods, spread into the method table (shared/contract/methods.ts).
 *
 * Import is a session of chunks so a file never has to be in memory whole and a page (which cannot hand the host a
 * file path) can send it: `media.importStart` (name, declared size, optionally the WeChat material it must qualify
 * as) → `media.importChunk` in order (raw bytes: a Uint8Array over IPC, the request body over loopback HTTP; see
 * transport.ts) → `media.importFinish`, or `media.importCancel` at any time. The host hashes and writes each chunk as
 * it arrives (one pass), into a temporary file that only `importFinish` renames into the content-addressed store.
 */
import { z } from 'zod';
import { MEDIA_FORMATS, MEDIA_KINDS, MEDIA_LIMITS, WECHAT_MATERIALS } from '../domain/media';

const hash = z.string().regex(/^[0-9a-f]{64}$/, 'hash.invalid');
const sessionId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'id.invalid');

export const wechatCheckSchema = z.object({
  /** The permanent material type (`add_material?type=`) this verdict is for. */
  material: z.enum(WECHAT_MATERIALS),
  ok: z.boolean(),
  /** Each broken limit: `format`, `tooLarge` (bytes), `tooLong` (ms), `durationUnknown`, with the limit and the file's value. */
  problems: z.array(
    z.object({
      code: z.enum(['format', 'tooLarge', 'tooLong', 'durationUnknown']),
      limit: z.union([z.number(), z.string()]),
      actual: z.union([z.number(), z.string()]).nullable(),
    }),
  ),
});

/** One stored file as the library shows it. Nulls: the format does not say (an image has no duration). */
export const mediaItemSchema = z.object({
  hash,
  kind: z.enum(MEDIA_KINDS),
  format: z.enum(MEDIA_FORMATS),
  mime: z.string(),
  size: z.number().int(),
  /** The name of the file when it was first imported (the store itself names files by hash). */
  originalName: z.string(),
  createdAt: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  /** RFC 6381 style for MP4 (`avc1`, `hvc1`, `mp4a.40.2`), `mp3`, `pcm_s16le`…; null for images. */
  codec: z.string().nullable(),
  /** A video's audio track codec. */
  audioCodec: z.string().nullable(),
  /** Bits per second. */
  bitrate: z.number().int().nullable(),
  sampleRate: z.number().int().nullable(),
  channels: z.number().int().nullable(),
  /** A small WebP at `/media/<hash>.thumb` (images only; video has a placeholder: no decoder, no poster frame). */
  thumbnail: z.boolean(),
  /** Peaks 0..1 over the file's length (WAV only: MP3 and AAC would need a decoder). */
  waveform: z.array(z.number()).nullable(),
  /** The verdict for each WeChat permanent material type this kind of file could be uploaded as. */
  wechat: z.array(wechatCheckSchema),
});
export type MediaItem = z.infer<typeof mediaItemSchema>;

/**
 * Where a file is used. `kind` names the place (`courseCover` today; lesson media and rich-text images add theirs);
 * `inTrash` when the using course is in the trash (it can be restored, so it still counts).
 */
export const mediaUsageSchema = z.object({
  kind: z.string(),
  courseId: z.string(),
  courseTitle: z.string(),
  lessonId: z.string().nullable(),
  lessonTitle: z.string().nullable(),
  inTrash: z.boolean(),
});
export type MediaUsage = z.infer<typeof mediaUsageSchema>;

export const mediaMethods = {
  /** The library, newest first, optionally one kind. */
  'media.list': {
    input: z.object({
      kind: z.enum(MEDIA_KINDS).optional(),
      limit: z.number().int().min(1).max(200).default(60),
      offset: z.number().int().min(0).default(0),
    }),
    output: z.object({ items: z.array(mediaItemSchema), total: z.number().int() }),
  },
  'media.get': { input: z.object({ hash }), output: mediaItemSchema },
  /**
   * Opens an import. `size` is the file's exact length; `material`, when given, makes the import refuse a file WeChat
   * would refuse as that material (INVALID_INPUT naming each broken limit) instead of only reporting it.
   */
  'media.importStart': {
    input: z.object({
      fileName: z.string().max(255),
      size: z.number().int().min(0),
      material: z.enum(WECHAT_MATERIALS).optional(),
    }),
    output: z.object({ sessionId: z.string(), chunkBytes: z.number().int() }),
  },
  /** The next bytes of the file: `offset` must be where the previous chunk ended; at most MEDIA_LIMITS.maxChunkBytes. */
  'media.importChunk': {
    input: z.object({
      sessionId,
      offset: z.number().int().min(0),
      data: z
        .custom<Uint8Array>((value) => value instanceof Uint8Array, 'chunk.notBytes')
        .refine((d) => d.byteLength <= MEDIA_LIMITS.maxChunkBytes, 'chunk.tooLarge'),
    }),
    output: z.object({ received: z.number().int() }),
  },
  /** Checks, probes and stores the file; `duplicate` when the same bytes were already in the library. */
  'media.importFinish': {
    input: z.object({ sessionId }),
    output: z.object({ item: mediaItemSchema, duplicate: z.boolean() }),
  },
  /** Drops an import and its partial file; `cancelled` is false when the session was already gone. */
  'media.importCancel': { input: z.object({ sessionId }), output: z.object({ cancelled: z.boolean() }) },
  'media.usages': { input: z.object({ hash }), output: z.object({ items: z.array(mediaUsageSchema) }) },
  /** Removes a file no one uses; a used file is refused with CONFLICT and one field problem per usage. */
  'media.delete': { input: z.object({ hash }), output: z.object({ hash }) },
} as const;
