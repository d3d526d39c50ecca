/**
 * Paints the shared preview layout (shared/preview) on a @napi-rs/canvas canvas for the PNG export. It draws the
 * display list as it is — text lines at their computed positions in the bundled font, kerning off — and measures
 * nothing itself, so the exported picture shows the same lines, cuts and ellipses as the gallery in the page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GlobalFonts, Path2D, createCanvas, loadImage, type Image, type SKRSContext2D } from '@napi-rs/canvas';
import {
  GALLERY_CAPTION,
  GALLERY_GAP,
  GALLERY_HEADING,
  GALLERY_SUBHEADING,
  ICONS,
  PREVIEW_FONT_FAMILY,
  fontMetrics,
  type DisplayNode,
  type FontSpec,
  type GalleryLayout,
  type Paint,
  type SurfaceLayout,
  type TextLayout,
} from '../../../shared/preview/index';

const FONT_FILES = ['NotoSansSC-Regular.subset.woff2', 'NotoSansSC-Bold.subset.woff2'];

/**
 * Where the preview fonts are: resources/preview/fonts in the source tree (tests, `tsx`) and beside out/ in a build,
 * or resources/preview/fonts inside a packaged app (electron-builder's extraResources, `process.resourcesPath`).
 */
export function findPreviewFontDir(start = import.meta.dirname): string {
  const candidates: string[] = [];
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) candidates.push(path.join(resourcesPath, 'preview', 'fonts'));
  for (let dir = start; ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'resources', 'preview', 'fonts'));
    if (path.dirname(dir) === dir) break;
  }
  const found = candidates.find((dir) => FONT_FILES.every((f) => fs.existsSync(path.join(dir, f))));
  if (!found) throw new Error(`The preview fonts (${FONT_FILES.join(', ')}) were not found in ${candidates.join(', ')}`);
  return found;
}

let fontsRegistered = false;

/** Registers both weights of the bundled font under the family name the layout uses; once per process. */
export function registerPreviewFonts(dir = findPreviewFontDir()): void {
  if (fontsRegistered) return;
  for (const file of FONT_FILES) {
    if (!GlobalFonts.registerFromPath(path.join(dir, file), PREVIEW_FONT_FAMILY)) throw new Error(`Cannot load the font ${file}`);
  }
  fontsRegistered = true;
}

function cssFont(spec: FontSpec): string {
  return `${spec.weight === 'bold' ? 'bold ' : ''}${spec.size}px "${PREVIEW_FONT_FAMILY}"`;
}

/** The baseline of a line box of `lineHeight` whose top is at y, as CSS places it (half-leading above and below). */
export function baselineOf(y: number, spec: FontSpec): number {
  const { ascent, descent } = fontMetrics(spec.weight);
  return y + (spec.lineHeight - (ascent + descent) * spec.size) / 2 + ascent * spec.size;
}

function roundedPath(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, radius: number | [number, number, number, number] | undefined): void {
  const [tl, tr, br, bl] = (Array.isArray(radius) ? radius : [radius ?? 0, radius ?? 0, radius ?? 0, radius ?? 0]).map((r) =>
    Math.max(0, Math.min(r, w / 2, h / 2)),
  ) as [number, number, number, number];
  ctx.beginPath();
  ctx.moveTo(x + tl, y);
  ctx.lineTo(x + w - tr, y);
  ctx.arcTo(x + w, y, x + w, y + tr, tr);
  ctx.lineTo(x + w, y + h - br);
  ctx.arcTo(x + w, y + h, x + w - br, y + h, br);
  ctx.lineTo(x + bl, y + h);
  ctx.arcTo(x, y + h, x, y + h - bl, bl);
  ctx.lineTo(x, y + tl);
  ctx.arcTo(x, y, x + tl, y, tl);
  ctx.closePath();
}

function fillStyle(ctx: SKRSContext2D, paint: Paint, y: number, h: number): SKRSContext2D['fillStyle'] {
  if (typeof paint === 'string') return paint;
  const gradient = ctx.createLinearGradient(0, y, 0, y + h);
  for (const [offset, color] of paint.stops) gradient.addColorStop(offset, color);
  return gradient;
}

function drawText(ctx: SKRSContext2D, text: string, x: number, y: number, spec: FontSpec, color: string): void {
  ctx.font = cssFont(spec);
  ctx.fillStyle = color;
  ctx.fillText(text, x, baselineOf(y, spec));
}

function drawNode(ctx: SKRSContext2D, node: DisplayNode, cover: Image | null): void {
  switch (node.kind) {
    case 'rect':
      ctx.fillStyle = fillStyle(ctx, node.fill, node.y, node.h);
      roundedPath(ctx, node.x, node.y, node.w, node.h, node.radius);
      ctx.fill();
      return;
    case 'text':
      drawText(ctx, node.text, node.x, node.y, node.font, node.color);
      return;
    case 'image': {
      if (!cover) return;
      ctx.save();
      roundedPath(ctx, node.x, node.y, node.w, node.h, node.radius);
      ctx.clip();
      const sx = node.crop.x1 * cover.width;
      const sy = node.crop.y1 * cover.height;
      const sw = (node.crop.x2 - node.crop.x1) * cover.width;
      const sh = (node.crop.y2 - node.crop.y1) * cover.height;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(cover, sx, sy, sw, sh, node.x, node.y, node.w, node.h);
      ctx.restore();
      return;
    }
    case 'icon': {
      const icon = ICONS[node.name];
      ctx.save();
      ctx.translate(node.x, node.y);
      ctx.scale(node.size / 24, node.size / 24);
      ctx.fillStyle = node.color;
      ctx.fill(new Path2D(icon.d), icon.fillRule);
      ctx.restore();
    }
  }
}

/** Draws one surface with its top-left corner at (x, y). */
export function paintSurface(ctx: SKRSContext2D, layout: SurfaceLayout, cover: Image | null, x = 0, y = 0): void {
  ctx.save();
  ctx.translate(x, y);
  roundedPath(ctx, 0, 0, layout.width, layout.height, 0);
  ctx.clip();
  ctx.fillStyle = layout.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  for (const node of layout.nodes) drawNode(ctx, node, cover);
  ctx.restore();
}

function newContext(width: number, height: number, scale: number) {
  const canvas = createCanvas(Math.round(width * scale), Math.round(height * scale));
  const ctx = canvas.getContext('2d');
  ctx.scale(scale, scale);
  ctx.fontKerning = 'none';
  ctx.lang = 'zh-CN';
  ctx.textBaseline = 'alphabetic';
  return { canvas, ctx };
}

export async function loadCover(file: string | null): Promise<Image | null> {
  if (!file) return null;
  return loadImage(await fs.promises.readFile(file));
}

/** One surface as a PNG: its layout's size times `scale`. */
export function renderSurfacePng(layout: SurfaceLayout, cover: Image | null, scale: number): Buffer {
  registerPreviewFonts();
  const { canvas, ctx } = newContext(layout.width, layout.height, scale);
  paintSurface(ctx, layout, cover);
  return canvas.toBuffer('image/png');
}

function drawLines(ctx: SKRSContext2D, layout: TextLayout, x: number, y: number, spec: FontSpec, color: string): void {
  layout.lines.forEach((line, i) => drawText(ctx, line.text, x, y + i * spec.lineHeight, spec, color));
}

/** Every surface under its caption on one page (shared/preview/gallery.ts decides where). */
export function renderGalleryPng(gallery: GalleryLayout, surfaces: readonly SurfaceLayout[], cover: Image | null, scale: number): Buffer {
  registerPreviewFonts();
  const { canvas, ctx } = newContext(gallery.width, gallery.height, scale);
  ctx.fillStyle = gallery.background;
  ctx.fillRect(0, 0, gallery.width, gallery.height);
  drawLines(ctx, gallery.heading, GALLERY_GAP, GALLERY_GAP, GALLERY_HEADING, gallery.headingColor);
  drawLines(ctx, gallery.subheading, GALLERY_GAP, GALLERY_GAP + gallery.heading.height + 4, GALLERY_SUBHEADING, gallery.captionColor);
  for (const cell of gallery.cells) {
    const surface = surfaces.find((s) => s.id === cell.id);
    if (!surface) continue;
    drawLines(ctx, cell.caption, cell.x, cell.captionY, GALLERY_CAPTION, gallery.captionColor);
    paintSurface(ctx, surface, cover, cell.x, cell.surfaceY);
  }
  return canvas.toBuffer('image/png');
}
