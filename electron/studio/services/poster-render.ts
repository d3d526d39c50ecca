/**
 * Paints a poster document with @napi-rs/canvas for export: the shared painter (shared/poster/paint.ts) on a Node
 * canvas at exactly the document's pixel size, with the same bundled font and text layout the editor draws with.
 * Used by the single export in the host and by the batch workers (poster-worker.ts); it does no I/O except decoding
 * the image bytes it is handed.
 */
import zlib from 'node:zlib';
import QRCode from 'qrcode';
import { createCanvas, loadImage, type Canvas, type Image } from '@napi-rs/canvas';
import { paintPoster, type BrandKit, type PaintContext, type PosterDocument, type QrElement, type QrMatrix } from '../../../shared/poster/index';
import { registerPreviewFonts } from './preview-render';

/** Where an image's bytes come from, as the host resolved it (a media file, a data URL's bytes). */
export type ImageSourceRef = { kind: 'file'; path: string } | { kind: 'bytes'; data: Uint8Array };

/** The QR matrix of a text at an error-correction level (the `qrcode` package's encoder, byte/kanji modes chosen by it). */
export function qrMatrix(text: string, level: QrElement['errorCorrection']): QrMatrix {
  const code = QRCode.create(text, { errorCorrectionLevel: level });
  return { size: code.modules.size, data: code.modules.data };
}

export async function decodeImage(bytes: Uint8Array): Promise<Image | null> {
  try {
    const image = await loadImage(Buffer.from(bytes));
    return image.width > 0 && image.height > 0 ? image : null;
  } catch {
    // An unreadable avatar or file becomes the element's placeholder; the caller reports it.
    return null;
  }
}

export interface PosterPaintInput {
  doc: PosterDocument;
  brand: BrandKit;
  values: Readonly<Record<string, string | undefined>>;
  /** Decoded images by element id (missing: placeholder). */
  images: ReadonlyMap<string, Image>;
  /** What each QR element carries. */
  qrPayloads: ReadonlyMap<string, string>;
}

/** Paints the poster on a new canvas of the document's size. */
export function drawPoster(input: PosterPaintInput): Canvas {
  registerPreviewFonts();
  const { doc } = input;
  const canvas = createCanvas(doc.width, doc.height);
  const ctx = canvas.getContext('2d');
  ctx.fontKerning = 'none';
  ctx.lang = 'zh-CN';
  const matrices = new Map<string, QrMatrix>();
  for (const el of doc.elements) {
    if (el.type !== 'qr') continue;
    const payload = input.qrPayloads.get(el.id);
    if (payload) matrices.set(el.id, qrMatrix(payload, el.errorCorrection));
  }
  paintPoster(ctx as unknown as PaintContext, doc, {
    brand: input.brand,
    values: input.values,
    image: (el) => input.images.get(el.id) ?? null,
    qr: (el) => matrices.get(el.id) ?? null,
  });
  return canvas;
}

export type PosterFormat = 'png' | 'jpeg';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data, zlib.crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * PNG of the canvas's pixels (8-bit RGBA, no row filter, deflate level 3). Our own writer because the canvas's encoder
 * spends about three times as long compressing for files about a third smaller: for a batch of a thousand posters the
 * time matters more than the size (≈ 110 KB instead of 80 KB for a 1080×1920 template).
 */
export function encodePng(canvas: Canvas): Buffer {
  const { width, height } = canvas;
  // The canvas keeps premultiplied RGBA; PNG stores straight alpha, so translucent pixels are divided back out.
  const pixels = canvas.data();
  const stride = width * 4;
  const rows = Buffer.allocUnsafe((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const at = y * (stride + 1);
    rows[at] = 0;
    pixels.copy(rows, at + 1, y * stride, (y + 1) * stride);
  }
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1) + 1;
    for (let i = row + 3; i < row + stride; i += 4) {
      const a = rows[i]!;
      if (a === 255 || a === 0) continue;
      for (let c = i - 3; c < i; c++) rows[c] = Math.min(255, Math.round((rows[c]! * 255) / a));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(rows, { level: 3 })), chunk('IEND', Buffer.alloc(0))]);
}

/** Encodes the canvas; JPEG has no alpha, so the poster's own background is what shows. */
export function encodePoster(canvas: Canvas, format: PosterFormat, quality: number): Buffer {
  return format === 'png' ? encodePng(canvas) : canvas.toBuffer('image/jpeg', quality);
}

export const FORMAT_INFO: Record<PosterFormat, { mime: string; ext: string }> = {
  png: { mime: 'image/png', ext: 'png' },
  jpeg: { mime: 'image/jpeg', ext: 'jpg' },
};
