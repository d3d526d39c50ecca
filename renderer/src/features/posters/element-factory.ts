/** New elements the toolbar adds, centred on the poster, with ids of their own. */
import type { PosterDocument, PosterElement } from '../../../../shared/poster/index';

export function newElementId(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

const base = (doc: PosterDocument, prefix: string, name: string, width: number, height: number) => ({
  id: newElementId(prefix),
  name,
  x: Math.round((doc.width - width) / 2),
  y: Math.round((doc.height - height) / 2),
  width,
  height,
  rotation: 0,
  opacity: 1,
  locked: false,
  hidden: false,
  groupId: null,
});

export type NewElementKind = 'text' | 'rect' | 'ellipse' | 'avatar' | 'logo' | 'qr';

/** An image from the media library, sized to its aspect ratio within half the poster's width. */
export function newImageElement(doc: PosterDocument, name: string, hash: string, width: number, height: number): PosterElement {
  const w = Math.round(doc.width / 2);
  const h = Math.max(1, Math.round((w * height) / Math.max(1, width)));
  return { ...base(doc, 'image', name, w, h), type: 'image', source: { kind: 'media', hash }, crop: null, mask: 'rounded', radius: 0, placeholder: '#D9D9D9' };
}

export function newElement(doc: PosterDocument, kind: NewElementKind, name: string, text = ''): PosterElement {
  switch (kind) {
    case 'text':
      return {
        ...base(doc, 'text', name, Math.round(doc.width * 0.7), 120),
        type: 'text',
        text,
        fontSize: 56,
        fontWeight: 'regular',
        lineHeight: 1.4,
        color: 'brand.text',
        align: 'left',
        verticalAlign: 'top',
        autoFit: true,
        minFontSize: 24,
      };
    case 'rect':
    case 'ellipse':
      return { ...base(doc, 'shape', name, 400, 300), type: 'shape', shape: kind, fill: 'brand.primary', fill2: null, stroke: null, strokeWidth: 0, radius: kind === 'rect' ? 24 : 0 };
    case 'avatar':
      return { ...base(doc, 'avatar', name, 200, 200), type: 'image', source: { kind: 'avatar' }, crop: null, mask: 'circle', radius: 0, placeholder: '#D9D9D9' };
    case 'logo':
      return { ...base(doc, 'logo', name, 160, 160), type: 'image', source: { kind: 'brandLogo' }, crop: null, mask: 'rounded', radius: 16, placeholder: '#00000000' };
    case 'qr':
      return { ...base(doc, 'qr', name, 280, 280), type: 'qr', content: { kind: 'tracking' }, errorCorrection: 'M', foreground: '#111111', background: '#FFFFFF' };
  }
}
