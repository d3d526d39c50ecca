import { describe, expect, it } from 'vitest';
import {
  CROP_RATIOS,
  checkCoverCrops,
  checkCrop,
  containsBox,
  cropToPixels,
  defaultCrop,
  draftCropFields,
  formatPicCrop,
  moveCrop,
  parsePicCrop,
  resizeFromCorner,
  sizeCrop,
  visibleShare,
} from '../../../shared/preview/crop';

describe("draft/add's pic_crop format (X1_Y1_X2_Y2, normalised, ≤ 6 decimals)", () => {
  it('reads and writes the documented example 0.1945_0_1_0.5236', () => {
    const box = parsePicCrop('0.1945_0_1_0.5236');
    expect(box).toEqual({ x1: 0.1945, y1: 0, x2: 1, y2: 0.5236 });
    expect(formatPicCrop(box!)).toBe('0.1945_0_1_0.5236');
  });

  it('rounds to six decimals and drops trailing zeros', () => {
    expect(formatPicCrop({ x1: 1 / 3, y1: 0.1, x2: 2 / 3, y2: 0.5 })).toBe('0.333333_0.1_0.666667_0.5');
  });

  it('maps the crops the creator set to draft/add fields, and leaves unset ones to WeChat', () => {
    const crop235 = { x1: 0.1945, y1: 0, x2: 1, y2: 0.5236 };
    expect(draftCropFields({ crop235, crop11: null, focus: { x1: 0, y1: 0, x2: 1, y2: 1 } })).toEqual({ pic_crop_235_1: '0.1945_0_1_0.5236' });
    expect(draftCropFields({ crop235: null, crop11: null, focus: null })).toEqual({});
  });

  it('refuses text that is not four numbers', () => {
    for (const bad of ['', '0_0_1', '0_0_1_1_1', 'a_0_1_1', '0,1_0_1_1', '0__1_1']) expect(parsePicCrop(bad)).toBeNull();
  });
});

describe('the crops WeChat proposes (the largest centred box)', () => {
  it('cuts a 900 × 500 cover to 900 × 383 for 2.35:1 [T1] and 500 × 500 for 1:1', () => {
    const wide = defaultCrop(900, 500, CROP_RATIOS.crop235);
    const px = cropToPixels(wide, 900, 500);
    expect(Math.round(px.width)).toBe(900);
    expect(Math.round(px.height)).toBe(383);
    expect(wide.y1).toBeCloseTo((1 - 383 / 500) / 2, 3);
    const square = defaultCrop(900, 500, CROP_RATIOS.crop11);
    expect(square).toEqual({ x1: 0.222222, y1: 0, x2: 0.777778, y2: 1 });
    expect(checkCrop(wide, 900, 500, 2.35)).toBeNull();
    expect(checkCrop(square, 900, 500, 1)).toBeNull();
  });

  it('anchors at the top-left corner as mini-program cards crop a non-5:4 image [T12]', () => {
    expect(defaultCrop(900, 500, 1.25, 'topLeft')).toEqual({ x1: 0, y1: 0, x2: 0.694444, y2: 1 });
    expect(defaultCrop(400, 800, 1.25, 'topLeft')).toEqual({ x1: 0, y1: 0, x2: 1, y2: 0.4 });
  });
});

describe('checking a crop against its image', () => {
  it('accepts the documented example on an image of the right shape', () => {
    // 0.8055 × 1528 px wide and 0.5236 × 1000 px high: 1230.8 × 523.6, i.e. 2.35:1 within a pixel.
    expect(checkCrop({ x1: 0.1945, y1: 0, x2: 1, y2: 0.5236 }, 1528, 1000, 2.35)).toBeNull();
  });

  it('names what is wrong', () => {
    expect(checkCrop({ x1: -0.1, y1: 0, x2: 0.5, y2: 0.5 }, 900, 500, null)).toBe('crop.outOfBounds');
    expect(checkCrop({ x1: 0, y1: 0, x2: 1.01, y2: 0.5 }, 900, 500, null)).toBe('crop.outOfBounds');
    expect(checkCrop({ x1: 0.5, y1: 0, x2: 0.4, y2: 0.5 }, 900, 500, null)).toBe('crop.inverted');
    expect(checkCrop({ x1: 0.1234567, y1: 0, x2: 0.5, y2: 0.5 }, 900, 500, null)).toBe('crop.precision');
    expect(checkCrop({ x1: 0, y1: 0, x2: 0.005, y2: 0.5 }, 900, 500, null)).toBe('crop.tooSmall');
    expect(checkCrop({ x1: 0, y1: 0, x2: 1, y2: 1 }, 900, 500, 2.35)).toBe('crop.wrongRatio');
    expect(checkCrop({ x1: 0, y1: 0, x2: 0.5, y2: 0.5 }, 900, 500, 1)).toBe('crop.wrongRatio');
  });

  it('without the image size checks only the numbers', () => {
    expect(checkCrop({ x1: 0, y1: 0, x2: 1, y2: 1 }, null, null, 2.35)).toBeNull();
  });

  it('checks every crop of a course, and refuses crops without a cover', () => {
    const crops = { crop235: { x1: 0, y1: 0, x2: 1, y2: 1 }, crop11: defaultCrop(900, 500, 1), focus: { x1: 0.2, y1: 0.2, x2: 0.3, y2: 0.9 } };
    expect(checkCoverCrops(crops, { width: 900, height: 500 })).toEqual([{ path: 'coverCrops.crop235', code: 'crop.wrongRatio' }]);
    expect(checkCoverCrops(crops, null).map((i) => i.code)).toEqual(['crop.noCover', 'crop.noCover', 'crop.noCover']);
  });
});

describe('editing a crop', () => {
  const start = defaultCrop(900, 500, 2.35);

  it('moves inside the image and keeps its size', () => {
    const moved = moveCrop(start, 0.5, -0.5);
    expect(moved.y1).toBe(0);
    expect(moved.x2).toBe(1);
    expect(moved.y2 - moved.y1).toBeCloseTo(start.y2 - start.y1, 6);
  });

  it('resizes from the corner keeping the ratio and the image bounds', () => {
    const small = resizeFromCorner({ x1: 0.1, y1: 0.1, x2: 0.9, y2: 0.5 }, 0.4, 0.9, 900, 500, 2.35);
    expect(checkCrop(small, 900, 500, 2.35)).toBeNull();
    expect(small.x1).toBe(0.1);
    expect(small.x2).toBeCloseTo(0.5, 6);
    const big = resizeFromCorner({ x1: 0.5, y1: 0.5, x2: 0.6, y2: 0.6 }, 5, 5, 900, 500, 1);
    expect(big.y2).toBe(1);
    expect(checkCrop(big, 900, 500, 1)).toBeNull();
    const free = resizeFromCorner({ x1: 0.5, y1: 0.5, x2: 0.6, y2: 0.6 }, 0.2, 0.3, 900, 500, null);
    expect(free).toEqual({ x1: 0.5, y1: 0.5, x2: 0.7, y2: 0.8 });
  });

  it('scales around a centre and stays the right shape', () => {
    const grown = sizeCrop({ x: 0.5, y: 0.5 }, 2, 900, 500, 1);
    expect(checkCrop(grown, 900, 500, 1)).toBeNull();
    expect(grown.y1).toBe(0);
    expect(grown.y2).toBe(1);
  });
});

describe('the key region against a crop', () => {
  it('knows whether a box is inside and how much of it shows', () => {
    const crop = { x1: 0.2, y1: 0, x2: 0.8, y2: 1 };
    expect(containsBox(crop, { x1: 0.3, y1: 0.2, x2: 0.7, y2: 0.8 })).toBe(true);
    expect(containsBox(crop, { x1: 0.1, y1: 0.2, x2: 0.5, y2: 0.8 })).toBe(false);
    expect(visibleShare(crop, { x1: 0.1, y1: 0.2, x2: 0.3, y2: 0.8 })).toBeCloseTo(0.5, 6);
  });
});
