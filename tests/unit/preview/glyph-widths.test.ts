/**
 * The committed glyph-width table must describe the committed fonts: lines measured with the table are checked against
 * the fonts themselves, drawn the way the previews draw them (kerning off). If the fonts are regenerated without the
 * table (or the other way round), this fails.
 */
import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { registerPreviewFonts } from '../../../electron/studio/services/preview-render';
import { PREVIEW_FONT_FAMILY, measureText, type FontWeight } from '../../../shared/preview/index';

registerPreviewFonts();
const ctx = createCanvas(10, 10).getContext('2d');
ctx.fontKerning = 'none';

function canvasWidth(text: string, size: number, weight: FontWeight): number {
  ctx.font = `${weight === 'bold' ? 'bold ' : ''}${size}px "${PREVIEW_FONT_FAMILY}"`;
  return ctx.measureText(text).width;
}

const SAMPLES = [
  '21 天写作训练营：从零开始写出爆款文章',
  'Learn Python in 30 Days — a practical guide (2nd ed.)',
  '¥199.90 / 限时 5 折！“早鸟价”仅剩 3 天',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789',
  '《小红书运营入门》【第 1 期】——从 0 到 10,000 粉丝',
  '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
];

describe('the glyph-width table', () => {
  for (const weight of ['regular', 'bold'] as const) {
    it(`agrees with the ${weight} font for CJK, Latin, digits and punctuation`, () => {
      for (const sample of SAMPLES) {
        for (const size of [12, 15, 17]) {
          // The table keeps the font's own integer advances (1/1000 em); the rasteriser's sums differ by float noise.
          expect(Math.abs(measureText(sample, { size, weight }) - canvasWidth(sample, size, weight)), `${sample} @${size}`).toBeLessThan(0.15);
        }
      }
    });
  }
});
