/**
 * The media library's domain: what kinds and formats the studio stores, and WeChat's permanent-material limits
 * (wechat-protocols.md §6.1, `material/add_material`) as data, with one pure check that the host (on every read, so
 * a changed limit needs no migration) and the renderer (before an upload starts) both apply.
 */

export const MEDIA_KINDS = ['image', 'audio', 'video'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** Containers the host can read without a decoder. */
export const MEDIA_FORMATS = ['png', 'jpeg', 'gif', 'webp', 'bmp', 'mp3', 'm4a', 'wav', 'mp4', 'mov'] as const;
export type MediaFormat = (typeof MEDIA_FORMATS)[number];

/** What the file picker offers; the host decides by the bytes, never by these. */
export const MEDIA_ACCEPT =
  'image/png,image/jpeg,image/gif,image/webp,image/bmp,audio/mpeg,audio/mp4,audio/x-m4a,audio/wav,audio/x-wav,video/mp4,video/quicktime,.mp3,.m4a,.wav,.mp4,.mov';

const MB = 1024 * 1024;

export const MEDIA_LIMITS = {
  /** The largest file the library takes (a long course video); WeChat's own limits are checked separately. */
  maxBytes: 8 * 1024 * MB,
  /** The largest chunk one `media.importChunk` call carries. */
  maxChunkBytes: 8 * MB,
  /** The chunk size the host asks for: large enough that per-call overhead vanishes, small enough to cancel quickly. */
  chunkBytes: 4 * MB,
  /** Import sessions idle this long are cancelled and their partial file removed (a closed tab never comes back). */
  sessionIdleMs: 10 * 60 * 1000,
} as const;

/** WeChat's permanent material types (`type=image|voice|video|thumb`). */
export const WECHAT_MATERIALS = ['image', 'thumb', 'voice', 'video'] as const;
export type WechatMaterial = (typeof WECHAT_MATERIALS)[number];

export interface WechatMaterialLimit {
  maxBytes: number;
  formats: readonly string[];
  maxDurationMs?: number;
}

/**
 * Current doc, checked 2025 (wechat-protocols.md §6.1): image 10 MB bmp/png/jpeg/jpg/gif — CONFLICT: older copies of
 * the page say 2 MB; we follow the current page —, voice 2 MB and ≤ 60 s mp3/wma/wav/amr, video 10 MB mp4, thumb 64 KB
 * jpg. `formats` names our MediaFormat values (wma and amr are accepted by WeChat but not read by the studio).
 */
export const WECHAT_MATERIAL_LIMITS: Record<WechatMaterial, WechatMaterialLimit> = {
  image: { maxBytes: 10 * MB, formats: ['png', 'jpeg', 'gif', 'bmp'] },
  thumb: { maxBytes: 64 * 1024, formats: ['jpeg'] },
  voice: { maxBytes: 2 * MB, formats: ['mp3', 'wav', 'amr', 'wma'], maxDurationMs: 60_000 },
  video: { maxBytes: 10 * MB, formats: ['mp4'] },
};

/** Which material types a file of each kind could be uploaded as. */
export const MATERIALS_FOR_KIND: Record<MediaKind, readonly WechatMaterial[]> = {
  image: ['image', 'thumb'],
  audio: ['voice'],
  video: ['video'],
};

/** One broken limit: `format` (not an accepted format), `tooLarge` (bytes), `tooLong` (duration), `durationUnknown`. */
export interface WechatProblem {
  code: 'format' | 'tooLarge' | 'tooLong' | 'durationUnknown';
  /** The limit (bytes or milliseconds; for `format` the accepted formats joined by "/"). */
  limit: number | string;
  /** The file's value (bytes, milliseconds or its format). */
  actual: number | string | null;
}

export interface WechatCheck {
  material: WechatMaterial;
  ok: boolean;
  problems: WechatProblem[];
}

export interface WechatCheckInput {
  format: MediaFormat;
  size: number;
  durationMs: number | null;
}

export function checkWechatMaterial(material: WechatMaterial, file: WechatCheckInput): WechatCheck {
  const limit = WECHAT_MATERIAL_LIMITS[material];
  const problems: WechatProblem[] = [];
  if (!limit.formats.includes(file.format)) problems.push({ code: 'format', limit: limit.formats.join('/'), actual: file.format });
  if (file.size > limit.maxBytes) problems.push({ code: 'tooLarge', limit: limit.maxBytes, actual: file.size });
  if (limit.maxDurationMs !== undefined) {
    if (file.durationMs === null) problems.push({ code: 'durationUnknown', limit: limit.maxDurationMs, actual: null });
    else if (file.durationMs > limit.maxDurationMs) problems.push({ code: 'tooLong', limit: limit.maxDurationMs, actual: file.durationMs });
  }
  return { material, ok: problems.length === 0, problems };
}

/** Every material type a file of this kind could become, each with its verdict. */
export function checkWechatMaterials(kind: MediaKind, file: WechatCheckInput): WechatCheck[] {
  return MATERIALS_FOR_KIND[kind].map((material) => checkWechatMaterial(material, file));
}

/** The kind a format belongs to (an M4A or MOV holding only sound is audio; the probe decides that case). */
export function kindOfFormat(format: MediaFormat): MediaKind {
  if (format === 'mp3' || format === 'm4a' || format === 'wav') return 'audio';
  if (format === 'mp4' || format === 'mov') return 'video';
  return 'image';
}
