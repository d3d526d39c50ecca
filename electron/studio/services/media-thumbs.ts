/**
 * Thumbnails for the library: images only, decoded and downscaled with @napi-rs/canvas (Skia) to at most 320 px on
 * the long side, stored as WebP. Video gets none — a poster frame would need a video decoder, which the studio does
 * not ship — and audio shows its waveform (WAV) or an icon.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';

export const THUMB_MAX_SIDE = 320;
/** Files larger than this are not read into memory for a thumbnail (a camera JPEG is a few MB). */
export const THUMB_MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Above this many pixels decoding costs more memory and time than a thumbnail is worth; the original is shown. */
const MAX_DECODE_PIXELS = 40_000_000;

/** A WebP thumbnail, or null when the image is too large to decode cheaply or cannot be decoded. */
export async function makeThumbnail(bytes: Buffer, width: number, height: number): Promise<Buffer | null> {
  if (width * height > MAX_DECODE_PIXELS) return null;
  try {
    const image = await loadImage(bytes);
    const scale = Math.min(1, THUMB_MAX_SIDE / Math.max(image.width, image.height));
    const w = Math.max(1, Math.round(image.width * scale));
    const h = Math.max(1, Math.round(image.height * scale));
    const canvas = createCanvas(w, h);
    canvas.getContext('2d').drawImage(image, 0, 0, w, h);
    return await canvas.encode('webp', 80);
  } catch {
    // A file whose header parses but whose pixels Skia cannot decode: stored all the same, shown without a thumbnail.
    return null;
  }
}
