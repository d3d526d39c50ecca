/**
 * The gallery as one picture (the PNG export of every surface at once): surfaces in columns, each under its caption,
 * on a neutral page with a heading. Pure arithmetic over the surfaces' sizes, so the export's size is known before a
 * pixel is drawn (and tested).
 */
import type { FontSpec } from './measure';
import type { SurfaceId, SurfaceLayout } from './model';
import { layoutText, type TextLayout } from './text-layout';
import type { Appearance } from './theme';

export const GALLERY_GAP = 24;
export const GALLERY_CAPTION: FontSpec = { size: 14, weight: 'bold', lineHeight: 20 };
export const GALLERY_HEADING: FontSpec = { size: 20, weight: 'bold', lineHeight: 28 };
export const GALLERY_SUBHEADING: FontSpec = { size: 13, weight: 'regular', lineHeight: 18 };

export interface GalleryCell {
  id: SurfaceId;
  /** Where the caption and the surface go. */
  x: number;
  captionY: number;
  surfaceY: number;
  caption: TextLayout;
}

export interface GalleryLayout {
  width: number;
  height: number;
  background: string;
  headingColor: string;
  captionColor: string;
  heading: TextLayout;
  subheading: TextLayout;
  cells: GalleryCell[];
}

/** Columns fill left to right; a row is as tall as its tallest cell. */
export function layoutGallery(
  surfaces: readonly SurfaceLayout[],
  texts: { heading: string; subheading: string; captions: Partial<Record<SurfaceId, string>> },
  appearance: Appearance,
  columns = 3,
): GalleryLayout {
  const cols = Math.max(1, Math.min(columns, surfaces.length));
  const cellW = surfaces.reduce((w, s) => Math.max(w, s.width), 0);
  const width = cols * cellW + (cols + 1) * GALLERY_GAP;
  const heading = layoutText(texts.heading, { font: GALLERY_HEADING, maxWidth: width - 2 * GALLERY_GAP, maxLines: 2 });
  const subheading = layoutText(texts.subheading, { font: GALLERY_SUBHEADING, maxWidth: width - 2 * GALLERY_GAP, maxLines: 1 });
  let y = GALLERY_GAP + heading.height + 4 + subheading.height + GALLERY_GAP;
  const cells: GalleryCell[] = [];
  for (let row = 0; row * cols < surfaces.length; row++) {
    const inRow = surfaces.slice(row * cols, row * cols + cols);
    let rowH = 0;
    inRow.forEach((s, i) => {
      const caption = layoutText(texts.captions[s.id] ?? s.id, { font: GALLERY_CAPTION, maxWidth: cellW, maxLines: 1 });
      const x = GALLERY_GAP + i * (cellW + GALLERY_GAP);
      cells.push({ id: s.id, x, captionY: y, surfaceY: y + caption.height + 8, caption });
      rowH = Math.max(rowH, caption.height + 8 + s.height);
    });
    y += rowH + GALLERY_GAP;
  }
  const dark = appearance === 'dark';
  return {
    width,
    height: y,
    background: dark ? '#000000' : '#FFFFFF',
    headingColor: dark ? 'rgba(255,255,255,0.8)' : 'rgba(0,0,0,0.9)',
    captionColor: dark ? 'rgba(255,255,255,0.5)' : 'rgba(0,0,0,0.5)',
    heading,
    subheading,
    cells,
  };
}
