/**
 * Images: the format and pixel size from the header (PNG, JPEG, GIF, WebP through the cover sniffer, and BMP, which
 * WeChat accepts as image material). A header that starts right but ends early is `media.truncated`.
 */
import { sniffImage } from '../image-sniff';
import { ProbeError, emptyMeta, type ByteSource, type ProbeResult } from './source';

const HEAD = 256 * 1024;

export function looksLikeImage(head: Buffer): boolean {
  return (
    (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47) ||
    (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) ||
    head.toString('latin1', 0, 4) === 'GIF8' ||
    (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') ||
    // BMP's magic is only two letters: its four reserved bytes must be zero too, or any "BM…" text would pass.
    (head.length >= 10 && head.toString('latin1', 0, 2) === 'BM' && head.readUInt32LE(6) === 0)
  );
}

export function probeImage(src: ByteSource): ProbeResult {
  // JPEG frame headers can sit after large EXIF blocks; 256 KB covers real cameras' APP1 segments.
  const head = src.read(0, Math.min(src.size, HEAD));
  if (head.toString('latin1', 0, 2) === 'BM' && head.length >= 10 && head.readUInt32LE(6) === 0) return probeBmp(head);
  const sniffed = sniffImage(head);
  if (!sniffed) throw new ProbeError('media.truncated', 'The image header is incomplete');
  if (sniffed.width === null || sniffed.height === null) {
    throw new ProbeError(head.length < src.size ? 'media.corrupt' : 'media.truncated', `No ${sniffed.ext} frame size found`);
  }
  if (sniffed.width === 0 || sniffed.height === 0) throw new ProbeError('media.corrupt', 'The image says it has no pixels');
  const format = sniffed.ext === 'jpg' ? 'jpeg' : sniffed.ext;
  return { ...emptyMeta, kind: 'image', format, mime: sniffed.mime, ext: sniffed.ext, width: sniffed.width, height: sniffed.height };
}

function probeBmp(head: Buffer): ProbeResult {
  if (head.length < 26) throw new ProbeError('media.truncated', 'The BMP header is incomplete');
  const dibSize = head.readUInt32LE(14);
  let width: number;
  let height: number;
  if (dibSize === 12) {
    width = head.readUInt16LE(18);
    height = head.readUInt16LE(20);
  } else if (dibSize >= 40) {
    width = head.readInt32LE(18);
    // Negative height: rows stored top-down.
    height = Math.abs(head.readInt32LE(22));
  } else {
    throw new ProbeError('media.corrupt', `Unknown BMP header size ${dibSize}`);
  }
  if (width <= 0 || height <= 0) throw new ProbeError('media.corrupt', 'The BMP says it has no pixels');
  return { ...emptyMeta, kind: 'image', format: 'bmp', mime: 'image/bmp', ext: 'bmp', width, height };
}
