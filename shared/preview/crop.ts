/**
 * Cover crops. WeChat shows one cover in two shapes: 2.35:1 for the lead article and 1:1 for secondary articles and
 * thumbnails (wechat-surfaces.md B1, [T1]); the creator picks both boxes on the cover, and draft/add takes them as
 * `pic_crop_235_1` and `pic_crop_1_1`: the box's corners in a coordinate system where the image's top-left corner is
 * (0, 0) and its bottom-right (1, 1), joined as `X1_Y1_X2_Y2` with at most six decimals (wechat-protocols.md §6.3,
 * e.g. `0.1945_0_1_0.5236`). A box that is not set means WeChat's own default: the largest centred box of that shape.
 *
 * The creator may also mark the cover's key region (the face, the course name): every surface then says whether its
 * crop keeps it whole.
 */

/** A box in normalised image coordinates: 0 ≤ x1 < x2 ≤ 1, 0 ≤ y1 < y2 ≤ 1. */
export interface CropBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** The crops saved with a course; null means "not set" (WeChat's default, or no key region). */
export interface CoverCrops {
  /** pic_crop_235_1 */
  crop235: CropBox | null;
  /** pic_crop_1_1 */
  crop11: CropBox | null;
  /** The part of the cover that must stay visible on every surface; free aspect ratio. */
  focus: CropBox | null;
}

export const EMPTY_COVER_CROPS: CoverCrops = { crop235: null, crop11: null, focus: null };

export type CropKind = 'crop235' | 'crop11';

/** Width ÷ height of each crop WeChat asks for. */
export const CROP_RATIOS: Record<CropKind, number> = { crop235: 2.35, crop11: 1 };

/** Digits after the point WeChat accepts in a coordinate. */
export const CROP_DECIMALS = 6;

/** The smallest crop side we accept, in image pixels: anything smaller is a slip of the mouse, not a choice. */
export const MIN_CROP_PX = 8;

export type CropErrorCode = 'crop.outOfBounds' | 'crop.inverted' | 'crop.wrongRatio' | 'crop.tooSmall' | 'crop.precision' | 'crop.noCover';

export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const EPS = 1e-9;

export function roundCoordinate(v: number): number {
  const f = 10 ** CROP_DECIMALS;
  return Math.round(v * f) / f;
}

export function roundCrop(box: CropBox): CropBox {
  return { x1: roundCoordinate(box.x1), y1: roundCoordinate(box.y1), x2: roundCoordinate(box.x2), y2: roundCoordinate(box.y2) };
}

/** `X1_Y1_X2_Y2` as draft/add wants it: six decimals at most, no trailing zeros (0.1945_0_1_0.5236). */
export function formatPicCrop(box: CropBox): string {
  const r = roundCrop(box);
  return [r.x1, r.y1, r.x2, r.y2].map((v) => String(Object.is(v, -0) ? 0 : v)).join('_');
}

/** Reads `X1_Y1_X2_Y2`; null when it is not four numbers. Bounds are checked by `checkCrop`. */
export function parsePicCrop(text: string): CropBox | null {
  const parts = text.trim().split('_');
  if (parts.length !== 4 || parts.some((p) => !/^-?(\d+(\.\d*)?|\.\d+)$/.test(p))) return null;
  const [x1, y1, x2, y2] = parts.map(Number) as [number, number, number, number];
  return { x1, y1, x2, y2 };
}

function hasAtMostDecimals(v: number, decimals: number): boolean {
  const f = 10 ** decimals;
  return Math.abs(Math.round(v * f) - v * f) < 1e-6;
}

/** The box in image pixels (not rounded). */
export function cropToPixels(box: CropBox, width: number, height: number): PixelRect {
  return { x: box.x1 * width, y: box.y1 * height, width: (box.x2 - box.x1) * width, height: (box.y2 - box.y1) * height };
}

/**
 * Checks a crop against its image: inside the image, not inverted, at most six decimals, at least MIN_CROP_PX on each
 * side, and — for the 2.35:1 and 1:1 crops — the right shape, within one pixel of height (the corners are rounded to
 * six decimals and the backend works in whole pixels).
 */
export function checkCrop(box: CropBox, imageWidth: number | null, imageHeight: number | null, ratio: number | null): CropErrorCode | null {
  const values = [box.x1, box.y1, box.x2, box.y2];
  if (values.some((v) => !Number.isFinite(v) || v < -EPS || v > 1 + EPS)) return 'crop.outOfBounds';
  if (box.x2 <= box.x1 || box.y2 <= box.y1) return 'crop.inverted';
  if (values.some((v) => !hasAtMostDecimals(v, CROP_DECIMALS))) return 'crop.precision';
  if (imageWidth === null || imageHeight === null || imageWidth <= 0 || imageHeight <= 0) return null;
  const px = cropToPixels(box, imageWidth, imageHeight);
  if (px.width < MIN_CROP_PX - EPS || px.height < MIN_CROP_PX - EPS) return 'crop.tooSmall';
  if (ratio !== null && Math.abs(px.width - ratio * px.height) > ratio * 1.001 + 1e-6) return 'crop.wrongRatio';
  return null;
}

/**
 * The largest box of the given shape inside the image, centred (WeChat's default for an unset crop) or anchored at the
 * top-left corner (how a mini-program card crops an image that is not 5:4, [T12]).
 */
export function defaultCrop(imageWidth: number, imageHeight: number, ratio: number, anchor: 'center' | 'topLeft' = 'center'): CropBox {
  const imageRatio = imageWidth / imageHeight;
  let w = 1;
  let h = 1;
  if (imageRatio > ratio) w = (ratio * imageHeight) / imageWidth;
  else h = imageWidth / ratio / imageHeight;
  const x1 = anchor === 'center' ? (1 - w) / 2 : 0;
  const y1 = anchor === 'center' ? (1 - h) / 2 : 0;
  return roundCrop({ x1, y1, x2: x1 + w, y2: y1 + h });
}

/** The crop a surface uses for a kind: the creator's box when set, else WeChat's centred default. */
export function effectiveCrop(crops: CoverCrops, kind: CropKind, imageWidth: number, imageHeight: number): CropBox {
  return crops[kind] ?? defaultCrop(imageWidth, imageHeight, CROP_RATIOS[kind]);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Moves a box by (dx, dy) in normalised units, keeping it inside the image and its size unchanged. */
export function moveCrop(box: CropBox, dx: number, dy: number): CropBox {
  const w = box.x2 - box.x1;
  const h = box.y2 - box.y1;
  const x1 = clamp(box.x1 + dx, 0, 1 - w);
  const y1 = clamp(box.y1 + dy, 0, 1 - h);
  return roundCrop({ x1, y1, x2: x1 + w, y2: y1 + h });
}

/**
 * A box of the given shape whose width (in normalised units) is `widthNorm`, kept around `center` and inside the
 * image; the width is limited so that the box fits. With `ratio` null the box keeps the height it is given.
 */
export function sizeCrop(
  center: { x: number; y: number },
  widthNorm: number,
  imageWidth: number,
  imageHeight: number,
  ratio: number | null,
  heightNorm?: number,
): CropBox {
  const minW = MIN_CROP_PX / imageWidth;
  const minH = MIN_CROP_PX / imageHeight;
  let w = clamp(widthNorm, minW, 1);
  let h = ratio === null ? clamp(heightNorm ?? w, minH, 1) : (w * imageWidth) / ratio / imageHeight;
  if (ratio !== null && h > 1) {
    h = 1;
    w = (ratio * imageHeight) / imageWidth;
  }
  if (ratio !== null && h < minH) {
    h = minH;
    w = Math.min(1, (ratio * h * imageHeight) / imageWidth);
  }
  const x1 = clamp(center.x - w / 2, 0, 1 - w);
  const y1 = clamp(center.y - h / 2, 0, 1 - h);
  return roundCrop({ x1, y1, x2: x1 + w, y2: y1 + h });
}

/** Whether `inner` lies inside `outer` (normalised units, with rounding slack). */
export function containsBox(outer: CropBox, inner: CropBox): boolean {
  const slack = 2e-6;
  return inner.x1 >= outer.x1 - slack && inner.y1 >= outer.y1 - slack && inner.x2 <= outer.x2 + slack && inner.y2 <= outer.y2 + slack;
}

/** Share of `inner`'s area that `outer` shows (1 when wholly inside). */
export function visibleShare(outer: CropBox, inner: CropBox): number {
  const w = Math.max(0, Math.min(outer.x2, inner.x2) - Math.max(outer.x1, inner.x1));
  const h = Math.max(0, Math.min(outer.y2, inner.y2) - Math.max(outer.y1, inner.y1));
  const area = (inner.x2 - inner.x1) * (inner.y2 - inner.y1);
  return area > 0 ? (w * h) / area : 1;
}

/** Checks every crop of a course against its cover; the first problem per crop, by field path. */
export function checkCoverCrops(
  crops: CoverCrops,
  cover: { width: number | null; height: number | null } | null,
): { path: string; code: CropErrorCode }[] {
  const issues: { path: string; code: CropErrorCode }[] = [];
  const entries: [keyof CoverCrops, number | null][] = [
    ['crop235', CROP_RATIOS.crop235],
    ['crop11', CROP_RATIOS.crop11],
    ['focus', null],
  ];
  for (const [key, ratio] of entries) {
    const box = crops[key];
    if (!box) continue;
    if (!cover) {
      issues.push({ path: `coverCrops.${key}`, code: 'crop.noCover' });
      continue;
    }
    const code = checkCrop(box, cover.width, cover.height, ratio);
    if (code) issues.push({ path: `coverCrops.${key}`, code });
  }
  return issues;
}

/**
 * Resizes a box by dragging its bottom-right corner: the top-left corner stays, the box stays inside the image and at
 * least MIN_CROP_PX on each side, and — with a ratio — keeps its shape (the width decides, the height follows).
 */
export function resizeFromCorner(
  box: CropBox,
  widthNorm: number,
  heightNorm: number,
  imageWidth: number,
  imageHeight: number,
  ratio: number | null,
): CropBox {
  const minW = MIN_CROP_PX / imageWidth;
  const minH = MIN_CROP_PX / imageHeight;
  let w = clamp(widthNorm, minW, 1 - box.x1);
  let h: number;
  if (ratio === null) {
    h = clamp(heightNorm, minH, 1 - box.y1);
  } else {
    h = (w * imageWidth) / ratio / imageHeight;
    if (h > 1 - box.y1) {
      h = 1 - box.y1;
      w = (ratio * h * imageHeight) / imageWidth;
    }
    if (h < minH) {
      h = minH;
      w = Math.min(1 - box.x1, (ratio * h * imageHeight) / imageWidth);
    }
  }
  return roundCrop({ x1: box.x1, y1: box.y1, x2: box.x1 + w, y2: box.y1 + h });
}

/**
 * The crop fields of a draft/add article for a course's cover: only the crops the creator set (a field left out means
 * WeChat's centred default). The key region is ours alone and is not sent.
 */
export function draftCropFields(crops: CoverCrops): { pic_crop_235_1?: string; pic_crop_1_1?: string } {
  return {
    ...(crops.crop235 ? { pic_crop_235_1: formatPicCrop(crops.crop235) } : {}),
    ...(crops.crop11 ? { pic_crop_1_1: formatPicCrop(crops.crop11) } : {}),
  };
}
