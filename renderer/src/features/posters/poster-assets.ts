/**
 * What the painter needs in the page besides the document: decoded images (media files by URL, the avatar sample,
 * the brand logo) and QR matrices (the `qrcode` package's encoder, the same one the host uses). Images load
 * asynchronously; `useAssetsVersion` re-renders the canvas when one arrives.
 */
import { useSyncExternalStore } from 'react';
import QRCode from 'qrcode';
import { trackingLink, type BrandKit, type ImageElement, type PaintResources, type PosterDocument, type QrElement, type QrMatrix } from '../../../../shared/poster/index';
import type { StudioClient } from '../../api/client';

const images = new Map<string, HTMLImageElement | 'loading' | 'failed'>();
const listeners = new Set<() => void>();
let version = 0;

function notify(): void {
  version++;
  for (const l of listeners) l();
}

function image(url: string): HTMLImageElement | null {
  const hit = images.get(url);
  if (hit instanceof HTMLImageElement) return hit;
  if (hit) return null;
  images.set(url, 'loading');
  const img = new Image();
  img.onload = () => {
    images.set(url, img);
    notify();
  };
  img.onerror = () => images.set(url, 'failed');
  img.src = url;
  return null;
}

/** Changes whenever an image finished loading. */
export function useAssetsVersion(): number {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => version,
  );
}

const matrices = new Map<string, QrMatrix | null>();

export function qrMatrixOf(text: string, level: QrElement['errorCorrection']): QrMatrix | null {
  const key = `${level}\u0000${text}`;
  if (!matrices.has(key)) {
    try {
      const code = QRCode.create(text, { errorCorrectionLevel: level });
      matrices.set(key, { size: code.modules.size, data: code.modules.data });
    } catch {
      matrices.set(key, null);
    }
    if (matrices.size > 200) matrices.delete(matrices.keys().next().value!);
  }
  return matrices.get(key) ?? null;
}

/** The URL of an image element's picture in the page, or null (placeholder). Avatar samples may be a hash or a data URL. */
export function imageUrl(el: ImageElement, doc: PosterDocument, brand: BrandKit, client: StudioClient): string | null {
  if (el.source.kind === 'media') return client.mediaUrl(el.source.hash);
  if (el.source.kind === 'brandLogo') return brand.logoHash ? client.mediaUrl(brand.logoHash) : null;
  const avatar = doc.sampleValues.avatar ?? '';
  if (/^[0-9a-f]{64}$/.test(avatar)) return client.mediaUrl(avatar);
  if (/^data:image\/(png|jpeg|gif|webp);base64,/.test(avatar)) return avatar;
  return null;
}

/** Paint resources for the editor: sample values, images as they load, the QR of the local tracking link or fixed text. */
export function editorResources(doc: PosterDocument, brand: BrandKit, posterId: string, client: StudioClient): PaintResources {
  return {
    brand,
    values: doc.sampleValues,
    image: (el) => {
      const url = imageUrl(el, doc, brand, client);
      return url ? image(url) : null;
    },
    qr: (el) => qrMatrixOf(el.content.kind === 'text' ? el.content.text : trackingLink(brand.linkBase, posterId, doc.sampleValues.inviteCode), el.errorCorrection),
  };
}
