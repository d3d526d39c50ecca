/**
 * Paints a poster document with @napi-rs/canvas for export: the shared painter (shared/poster/paint.ts) on a Node
 * canvas at exactly the document's pixel size, with the same bundled font and text layout the editor draws with.
 * Used by the single export in the host and by the batch workers (poster-worker.ts); it does no I/O except decoding
 * the image bytes it is handed.
 */
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

/** Encodes the canvas; JPEG has no alpha, so the poster's own background is what shows. */
export function encodePoster(canvas: Canvas, format: PosterFormat, quality: number): Buffer {
  return format === 'png' ? canvas.toBuffer('image/png') : canvas.toBuffer('image/jpeg', quality);
}

export const FORMAT_INFO: Record<PosterFormat, { mime: string; ext: string }> = {
  png: { mime: 'image/png', ext: 'png' },
  jpeg: { mime: 'image/jpeg', ext: 'jpg' },
};
