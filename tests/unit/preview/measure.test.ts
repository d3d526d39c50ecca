import { describe, expect, it } from 'vitest';
import { EMOJI_UNITS, clusters, graphemeLength, measureText, utf8Length } from '../../../shared/preview/measure';

const at = (size: number, weight: 'regular' | 'bold' = 'regular') => ({ size, weight });

describe('grapheme clusters', () => {
  it('keeps emoji sequences whole: ZWJ families, flags, keycaps, skin tones, VS16', () => {
    const cs = clusters('👨‍👩‍👧🇨🇳1️⃣👍🏽❤️', 'regular');
    expect(cs.map((c) => c.text)).toEqual(['👨‍👩‍👧', '🇨🇳', '1️⃣', '👍🏽', '❤️']);
    expect(cs.every((c) => c.cls === 'emoji' && c.units === EMOJI_UNITS)).toBe(true);
  });

  it('keeps a letter and its combining mark together, and a text-style symbol is not an emoji', () => {
    expect(clusters('e\u0301a', 'regular').map((c) => c.text)).toEqual(['e\u0301', 'a']);
    expect(clusters('❤\uFE0E', 'regular')[0]!.cls).not.toBe('emoji');
    expect(clusters('1', 'regular')[0]!.cls).toBe('alnum');
  });

  it('counts what a person counts as characters', () => {
    expect(graphemeLength('写作👍🏽AI')).toBe(5);
  });
});

describe('widths from the glyph table', () => {
  it('gives every CJK ideograph and full-width punctuation one em, in both weights', () => {
    expect(measureText('中文课程', at(17))).toBe(68);
    expect(measureText('，。：「」', at(10))).toBe(50);
    expect(measureText('龘', at(16, 'bold'))).toBe(16); // not in the subset font: still one em
  });

  it('uses the measured advances for Latin and digits (Noto Sans CJK SC)', () => {
    // Advances in thousandths of an em, as scripts/gen-preview-glyph-widths.js measured them.
    expect(measureText('1', at(1000))).toBe(555);
    expect(measureText('W', at(1000))).toBe(878);
    expect(measureText('W', at(1000, 'bold'))).toBe(915);
    expect(measureText('i', at(1000))).toBe(275);
    expect(measureText(' ', at(1000))).toBe(224);
    expect(measureText('2024', at(10))).toBeCloseTo(22.2, 5);
  });

  it('gives every emoji the same advance, whatever its sequence', () => {
    expect(measureText('👍', at(16))).toBeCloseTo((16 * EMOJI_UNITS) / 1000, 6);
    expect(measureText('👨‍👩‍👧', at(16))).toBeCloseTo((16 * EMOJI_UNITS) / 1000, 6);
  });
});

describe('UTF-8 length (WeCom counts bytes)', () => {
  it('is 1 for ASCII, 3 for a Chinese character, 4 for an emoji', () => {
    expect(utf8Length('AI')).toBe(2);
    expect(utf8Length('写作')).toBe(6);
    expect(utf8Length('😀')).toBe(4);
    expect(utf8Length('¥')).toBe(2);
  });
});
