/**
 * Paints poster elements on a 2D canvas context — the same code in the editor (inside each Konva shape's sceneFunc,
 * on the browser's context) and in the host's export (on an @napi-rs/canvas context). Both sides hand in their own
 * images and QR matrices; everything about geometry, text lines and colours is decided here, so the two pictures agree.
 */
import { PREVIEW_FONT_FAMILY } from '../preview/index';
import { resolveColor, type BrandKit, type ImageElement, type PosterDocument, type PosterElement, type QrElement, type ShapeElement, type TextElement } from './model';
import { qrRuns, type QrMatrix } from './qr';
import { layoutPosterText, type PosterTextLayout } from './text';
import { substitute } from './variables';

/** An image either side can draw: an HTMLImageElement or an @napi-rs/canvas Image. */
export interface PaintImage {
  readonly width: number;
  readonly height: number;
}

interface Gradient {
  addColorStop(offset: number, color: string): void;
}

/** The part of CanvasRenderingContext2D the painter uses (structural, so shared/ needs no DOM types). */
export interface PaintContext {
  save(): void;
  restore(): void;
  translate(x: number, y: number): void;
  rotate(angle: number): void;
  beginPath(): void;
  closePath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  arcTo(x1: number, y1: number, x2: number, y2: number, r: number): void;
  ellipse(x: number, y: number, rx: number, ry: number, rotation: number, start: number, end: number): void;
  rect(x: number, y: number, w: number, h: number): void;
  fill(): void;
  stroke(): void;
  clip(): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  createLinearGradient(x0: number, y0: number, x1: number, y1: number): Gradient;
  // Each side's own image type; the painter only passes through what `images` gave it.
  drawImage(image: never, sx: number, sy: number, sw: number, sh: number, dx: number, dy: number, dw: number, dh: number): void;
  globalAlpha: number;
  fillStyle: unknown;
  strokeStyle: unknown;
  lineWidth: number;
  font: string;
  textBaseline: string;
  textAlign: string;
}

export interface PaintResources {
  brand: BrandKit;
  /** Variable values (a batch row, or the document's samples in the editor). */
  values: Readonly<Record<string, string | undefined>>;
  /** The decoded image for an image element, or null (the placeholder is drawn). */
  image(el: ImageElement): PaintImage | null;
  /** The QR matrix for a QR element, or null while it is not known. */
  qr(el: QrElement): QrMatrix | null;
}

export function posterFont(size: number, weight: 'regular' | 'bold'): string {
  return `${weight === 'bold' ? 'bold ' : ''}${size}px "${PREVIEW_FONT_FAMILY}"`;
}

function roundedRect(ctx: PaintContext, w: number, h: number, radius: number): void {
  const r = Math.max(0, Math.min(radius, w / 2, h / 2));
  ctx.beginPath();
  ctx.moveTo(r, 0);
  ctx.lineTo(w - r, 0);
  ctx.arcTo(w, 0, w, r, r);
  ctx.lineTo(w, h - r);
  ctx.arcTo(w, h, w - r, h, r);
  ctx.lineTo(r, h);
  ctx.arcTo(0, h, 0, h - r, r);
  ctx.lineTo(0, r);
  ctx.arcTo(0, 0, r, 0, r);
  ctx.closePath();
}

function ellipsePath(ctx: PaintContext, w: number, h: number): void {
  ctx.beginPath();
  ctx.ellipse(w / 2, h / 2, w / 2, h / 2, 0, 0, Math.PI * 2);
  ctx.closePath();
}

/** The source rectangle of an image: the element's crop, or the centred crop with the box's aspect ratio (cover). */
export function imageSourceRect(el: Pick<ImageElement, 'crop' | 'width' | 'height'>, image: PaintImage): [number, number, number, number] {
  if (el.crop) return [el.crop.x * image.width, el.crop.y * image.height, el.crop.width * image.width, el.crop.height * image.height];
  const box = el.width / el.height;
  const img = image.width / image.height;
  if (img > box) {
    const sw = image.height * box;
    return [(image.width - sw) / 2, 0, sw, image.height];
  }
  const sh = image.width / box;
  return [0, (image.height - sh) / 2, image.width, sh];
}

// Elements are immutable, so a layout stays valid for as long as its element object and its substituted text: the
// editor repaints every shape on each drag frame, and 200 elements would otherwise be laid out again every time.
const layouts = new WeakMap<TextElement, { text: string; layout: PosterTextLayout }>();

function layoutOf(el: TextElement, values: PaintResources['values']): PosterTextLayout {
  const text = substitute(el.text, values);
  const hit = layouts.get(el);
  if (hit && hit.text === text) return hit.layout;
  const layout = layoutPosterText(text, el);
  layouts.set(el, { text, layout });
  return layout;
}

function paintText(ctx: PaintContext, el: TextElement, res: PaintResources): void {
  const layout = layoutOf(el, res.values);
  ctx.font = posterFont(layout.fontSize, layout.weight);
  ctx.fillStyle = resolveColor(el.color, res.brand);
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  for (const line of layout.lines) if (line.text) ctx.fillText(line.text, line.x, line.baseline);
}

function maskPath(ctx: PaintContext, el: ImageElement): void {
  if (el.mask === 'circle') ellipsePath(ctx, el.width, el.height);
  else roundedRect(ctx, el.width, el.height, el.mask === 'rounded' ? el.radius : 0);
}

function paintImage(ctx: PaintContext, el: ImageElement, res: PaintResources): void {
  const image = res.image(el);
  ctx.save();
  maskPath(ctx, el);
  ctx.clip();
  if (image && image.width > 0 && image.height > 0) {
    const [sx, sy, sw, sh] = imageSourceRect(el, image);
    ctx.drawImage(image as never, sx, sy, sw, sh, 0, 0, el.width, el.height);
  } else {
    ctx.fillStyle = resolveColor(el.placeholder, res.brand);
    ctx.fillRect(0, 0, el.width, el.height);
  }
  ctx.restore();
}

function paintShape(ctx: PaintContext, el: ShapeElement, res: PaintResources): void {
  if (el.shape === 'line') {
    ctx.beginPath();
    ctx.moveTo(0, el.height / 2);
    ctx.lineTo(el.width, el.height / 2);
    ctx.strokeStyle = resolveColor(el.stroke ?? el.fill ?? '#000000', res.brand);
    ctx.lineWidth = Math.max(1, el.strokeWidth || el.height);
    ctx.stroke();
    return;
  }
  if (el.shape === 'ellipse') ellipsePath(ctx, el.width, el.height);
  else roundedRect(ctx, el.width, el.height, el.radius);
  if (el.fill) {
    if (el.fill2) {
      const g = ctx.createLinearGradient(0, 0, 0, el.height);
      g.addColorStop(0, resolveColor(el.fill, res.brand));
      g.addColorStop(1, resolveColor(el.fill2, res.brand));
      ctx.fillStyle = g;
    } else ctx.fillStyle = resolveColor(el.fill, res.brand);
    ctx.fill();
  }
  if (el.stroke && el.strokeWidth > 0) {
    ctx.strokeStyle = resolveColor(el.stroke, res.brand);
    ctx.lineWidth = el.strokeWidth;
    ctx.stroke();
  }
}

function paintQr(ctx: PaintContext, el: QrElement, res: PaintResources): void {
  const side = Math.min(el.width, el.height);
  ctx.fillStyle = resolveColor(el.background, res.brand);
  ctx.fillRect(0, 0, side, side);
  const matrix = res.qr(el);
  if (!matrix) return;
  ctx.fillStyle = resolveColor(el.foreground, res.brand);
  for (const [x, y, w, h] of qrRuns(matrix, side)) ctx.fillRect(x, y, w, h);
}

/** Paints one element in its own coordinates (the caller has moved the origin to its corner and rotated). */
export function paintElementLocal(ctx: PaintContext, el: PosterElement, res: PaintResources): void {
  const alpha = ctx.globalAlpha;
  ctx.globalAlpha = alpha * el.opacity;
  switch (el.type) {
    case 'text':
      paintText(ctx, el, res);
      break;
    case 'image':
      paintImage(ctx, el, res);
      break;
    case 'shape':
      paintShape(ctx, el, res);
      break;
    case 'qr':
      paintQr(ctx, el, res);
      break;
  }
  ctx.globalAlpha = alpha;
}

/** Paints the whole document (background, then every visible element in order) at 1 px per poster pixel. */
export function paintPoster(ctx: PaintContext, doc: PosterDocument, res: PaintResources): void {
  ctx.fillStyle = resolveColor(doc.background, res.brand);
  ctx.fillRect(0, 0, doc.width, doc.height);
  for (const el of doc.elements) {
    if (el.hidden) continue;
    ctx.save();
    ctx.translate(el.x, el.y);
    if (el.rotation) ctx.rotate((el.rotation * Math.PI) / 180);
    paintElementLocal(ctx, el, res);
    ctx.restore();
  }
}
