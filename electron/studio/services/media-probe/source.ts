/**
 * Random access to the bytes of a file being probed: the parsers read headers and boxes wherever they sit (an MP4's
 * moov is often at the end) without loading the file. A file source reads through a small block cache, so the MP3
 * frame scan's many 4-byte reads become a few 64 KB reads.
 */
import fs from 'node:fs';
import type { MediaFormat, MediaKind } from '../../../../shared/domain/media';

export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes at `offset`; shorter (possibly empty) at the end of the file. */
  read(offset: number, length: number): Buffer;
}

/** Why a file cannot be probed: a code the renderer translates as `field.<code>` and an English detail for logs. */
export class ProbeError extends Error {
  constructor(
    readonly code: 'media.empty' | 'media.unsupported' | 'media.truncated' | 'media.corrupt',
    message: string,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

export function bufferSource(bytes: Buffer): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => bytes.subarray(Math.max(0, offset), Math.max(0, Math.min(bytes.length, offset + length))),
  };
}

const BLOCK = 64 * 1024;

export function fileSource(fd: number, size: number): ByteSource {
  let blockStart = -1;
  let block = Buffer.alloc(0);
  return {
    size,
    read(offset, length) {
      if (offset >= size || length <= 0) return Buffer.alloc(0);
      const end = Math.min(size, offset + length);
      if (blockStart >= 0 && offset >= blockStart && end <= blockStart + block.length) {
        return block.subarray(offset - blockStart, end - blockStart);
      }
      if (end - offset > BLOCK) {
        const out = Buffer.alloc(end - offset);
        const n = fs.readSync(fd, out, 0, out.length, offset);
        return out.subarray(0, n);
      }
      blockStart = offset;
      block = Buffer.alloc(Math.min(BLOCK, size - offset));
      const n = fs.readSync(fd, block, 0, block.length, offset);
      block = block.subarray(0, n);
      return block.subarray(0, Math.min(n, end - offset));
    },
  };
}

/** Reads exactly `length` bytes or fails as truncated, naming what was being read. */
export function readExact(src: ByteSource, offset: number, length: number, what: string): Buffer {
  const bytes = src.read(offset, length);
  if (bytes.length < length) throw new ProbeError('media.truncated', `The file ends inside ${what} (at byte ${offset})`);
  return bytes;
}

/** What a probe learns from a file's bytes; null where the format does not say. */
export interface ProbeResult {
  kind: MediaKind;
  format: MediaFormat;
  mime: string;
  /** The extension the stored file gets. */
  ext: string;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  /** The codec: RFC 6381 style for MP4 (`avc1`, `hvc1`, `mp4a.40.2`), `mp3`, `pcm_s16le`…; null for images. */
  codec: string | null;
  /** A video's audio track codec, if it has one. */
  audioCodec: string | null;
  /** Bits per second over the whole file (container overhead included), or the stream's own rate where known. */
  bitrate: number | null;
  sampleRate: number | null;
  channels: number | null;
}

export const emptyMeta = {
  width: null,
  height: null,
  durationMs: null,
  codec: null,
  audioCodec: null,
  bitrate: null,
  sampleRate: null,
  channels: null,
} as const;
