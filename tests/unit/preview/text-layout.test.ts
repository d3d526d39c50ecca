import { describe, expect, it } from 'vitest';
import { measureText, type FontSpec } from '../../../shared/preview/measure';
import { ELLIPSIS, collapseWhitespace, layoutText } from '../../../shared/preview/text-layout';

// 10 px text: a CJK character is exactly 10 px wide, which makes the expected lines easy to read.
const F: FontSpec = { size: 10, weight: 'regular', lineHeight: 14 };
const box = (maxWidth: number, maxLines: number) => ({ font: F, maxWidth, maxLines });

describe('line breaking', () => {
  it('breaks CJK between any two characters', () => {
    expect(layoutText('一二三四五六七八', box(30, Infinity)).lines.map((l) => l.text)).toEqual(['一二三', '四五六', '七八']);
  });

  it('never starts a line with closing punctuation: the character before it moves down too', () => {
    const layout = layoutText('一二三，四五', box(30, Infinity));
    expect(layout.lines.map((l) => l.text)).toEqual(['一二', '三，四', '五']);
  });

  it('never ends a line with opening punctuation', () => {
    expect(layoutText('一二《三》', box(30, Infinity)).lines.map((l) => l.text)).toEqual(['一二', '《三》']);
  });

  it('keeps Latin words and numbers together and breaks at spaces', () => {
    const layout = layoutText('Learn Python in 30 days', box(measureText('Learn Python ', F), Infinity));
    expect(layout.lines.map((l) => l.text)).toEqual(['Learn Python', 'in 30 days']);
    expect(layoutText('版本3.5发布', box(30, Infinity)).lines.map((l) => l.text)).toEqual(['版本', '3.5发', '布']);
  });

  it('breaks between a Latin word and a CJK character', () => {
    expect(layoutText('学AI写作', box(25, Infinity)).lines.map((l) => l.text)).toEqual(['学AI', '写作']);
  });

  it('breaks a word wider than the line between characters', () => {
    const layout = layoutText('Supercalifragilistic', box(40, Infinity));
    expect(layout.lines.length).toBeGreaterThan(1);
    expect(layout.lines.map((l) => l.text).join('')).toBe('Supercalifragilistic');
    for (const line of layout.lines) expect(line.width).toBeLessThanOrEqual(40 + 1e-9);
  });

  it('keeps emoji whole and breaks around them like CJK', () => {
    const layout = layoutText('一二👨‍👩‍👧三四', box(35, Infinity));
    expect(layout.lines.map((l) => l.text)).toEqual(['一二👨‍👩‍👧', '三四']);
  });
});

describe('truncation: the ellipsis goes where WeChat puts it', () => {
  it('cuts CJK at the last character that fits together with "…"', () => {
    const layout = layoutText('一二三四五六七八九十', box(40, 2));
    expect(layout.lines.map((l) => l.text)).toEqual(['一二三四', `五六七${ELLIPSIS}`]);
    expect(layout.truncated).toBe(true);
    expect(layout.visible).toBe('一二三四五六七');
    expect(layout.hidden).toBe('八九十');
    expect(layout.lines[1]!.width).toBe(40);
  });

  it('cuts Latin mid-word on the last line (tail truncation), not after the last whole word', () => {
    const w = measureText('Hello wor', F) + measureText(ELLIPSIS, F);
    const layout = layoutText('Hello world, and more', box(w, 1));
    expect(layout.lines.map((l) => l.text)).toEqual([`Hello wor${ELLIPSIS}`]);
  });

  it('cuts digits one by one', () => {
    const w = measureText('1234', F) + measureText(ELLIPSIS, F);
    expect(layoutText('12345678', box(w, 1)).lines[0]!.text).toBe(`1234${ELLIPSIS}`);
  });

  it('never splits an emoji sequence', () => {
    const layout = layoutText('一二三👍🏽四五', box(40, 1));
    expect(layout.lines[0]!.text).toBe(`一二三${ELLIPSIS}`);
    const wider = layoutText('一二三👍🏽四五', box(55, 1));
    expect(wider.lines[0]!.text).toBe(`一二三👍🏽${ELLIPSIS}`);
  });

  it('drops the spaces before the ellipsis', () => {
    const w = measureText('Hello ', F) + measureText(ELLIPSIS, F);
    expect(layoutText('Hello world', box(w, 1)).lines[0]!.text).toBe(`Hello${ELLIPSIS}`);
  });

  it('adds no ellipsis when the text fits exactly', () => {
    const layout = layoutText('一二三四五六七八', box(40, 2));
    expect(layout.truncated).toBe(false);
    expect(layout.lines.map((l) => l.text)).toEqual(['一二三四', '五六七八']);
    expect(layout.hidden).toBe('');
  });

  it('reports the height and width of what it laid out', () => {
    const layout = layoutText('一二三四五', box(30, 3));
    expect(layout.height).toBe(28);
    expect(layout.width).toBe(30);
    expect(layoutText('', box(30, 3)).lines).toEqual([]);
  });
});

describe('white space in card fields', () => {
  it('collapses line breaks and runs of spaces, keeps ideographic spaces', () => {
    expect(collapseWhitespace('  第一行\n\n第二行  \t末尾 ')).toBe('第一行 第二行 末尾');
    expect(collapseWhitespace('课程\u3000简介')).toBe('课程\u3000简介');
  });
});
