/**
 * Media blobs travelling with team sync (docs/features.md "Team sync: media"). Files are content-addressed by their
 * sha256: a desktop asks which hashes the companion lacks (`sync.mediaHas`), uploads those in chunks that a killed
 * upload resumes from where the companion's partial file ends, and downloads what a pulled row references. The
 * companion checks the sha256 of the assembled file before it keeps it.
 */
import { z } from 'zod';
import { MEDIA_LIMITS } from '../domain/media';

/** A sha256 in lower-case hex: the only name a blob has. */
export const mediaHashSchema = z.string().regex(/^[0-9a-f]{64}$/);

/** Bounds both sides keep to. */
export const SYNC_MEDIA_LIMITS = {
  /** Hashes per `sync.mediaHas` call. */
  hasItems: 500,
  /** The largest file (the media library's own limit). */
  maxBytes: MEDIA_LIMITS.maxBytes,
  /** The largest chunk one upload request carries; desktops send `MEDIA_LIMITS.chunkBytes`. */
  maxChunkBytes: MEDIA_LIMITS.maxChunkBytes,
} as const;

/** What the companion has of one blob: all of it, or the first `received` bytes of an upload in progress. */
export const syncMediaStateSchema = z.object({
  hash: mediaHashSchema,
  stored: z.boolean(),
  /** Bytes of an unfinished upload already kept (the offset to resume at); the size when stored. */
  received: z.number().int().min(0),
});
export type SyncMediaState = z.infer<typeof syncMediaStateSchema>;

/**
 * The binary routes, outside the JSON route table: an upload chunk is the raw body (`application/octet-stream`) of
 * `PUT uploadPath?offset&size`, answered with a `SyncMediaState`; a download is `GET downloadPath` streaming the file.
 */
export const SYNC_MEDIA_ROUTES = {
  upload: { method: 'PUT', path: '/api/sync/media/:hash', role: 'editor' },
  download: { method: 'GET', path: '/api/sync/media/:hash', role: 'viewer' },
} as const;

export const syncMediaUploadQuerySchema = z.object({
  /** Where this chunk starts: must equal what the companion has received so far. */
  offset: z.coerce.number().int().min(0),
  /** The whole file's size in bytes. */
  size: z.coerce.number().int().min(1).max(SYNC_MEDIA_LIMITS.maxBytes),
});

/** Substitutes the hash into a binary route's path. */
export function syncMediaPath(hash: string): string {
  return SYNC_MEDIA_ROUTES.upload.path.replace(':hash', hash);
}
