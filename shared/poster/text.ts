/**
 * Text layout for poster text elements, pure and shared: the editor (Konva) and the host's export draw exactly the
 * lines computed here, at the baselines computed here, with the bundled Noto Sans SC. Line breaking is the preview's
 * (shared/preview/text-layout.ts: CJK anywhere, Latin at spaces, 禁则 punctuation), measured with its glyph-width table;
 * explicit line breaks start new paragraphs. Auto-fit shrinks the font one pixel at a time until the text fits the box.
 */
import { fontMetrics, layoutText, type FontWeight } from '../preview/index';
import type { TextElement } from './model';

export interface PosterTextLine {
  text: string;
  /** Left edge of the line inside the element's box. */
  x: number;
  /** Baseline inside the element's box. */
  baseline: number;
  width: number;
}

export interface PosterTextLayout {
  lines: PosterTextLine[];
  /** The font size used (smaller than the element's when auto-fit shrank it). */
  fontSize: number;
  weight: FontWeight;
  /** True when text was cut with "…" (auto-fit off, or the minimum size still too large). */
  truncated: boolean;
}

function layoutAt(text: string, el: Pick<TextElement, 'width' | 'height' | 'lineHeight' | 'fontWeight'>, fontSize: number, clamp: boolean) {
  const lineHeight = fontSize * el.lineHeight;
  const maxLines = Math.max(1, Math.floor((el.height + 0.5) / lineHeight));
  const font = { size: fontSize, weight: el.fontWeight, lineHeight };
  const out: { text: string; width: number }[] = [];
  let truncated = false;
  const paragraphs = text.replace(/\r\n?/g, '\n').split('\n');
  for (let p = 0; p < paragraphs.length; p++) {
    const remaining = clamp ? maxLines - out.length : Infinity;
    if (remaining <= 0) {
      truncated = true;
      break;
    }
    const para = paragraphs[p]!;
    if (para.trim() === '') {
      out.push({ text: '', width: 0 });
      continue;
    }
    // The last allowed line of a paragraph with more paragraphs after it also gets the ellipsis when they are cut.
    const laid = layoutText(para, { font, maxWidth: el.width, maxLines: remaining });
    out.push(...laid.lines);
    if (laid.truncated) {
      truncated = true;
      break;
    }
  }
  return { lines: out, truncated, lineHeight, overflow: out.length * lineHeight > el.height + 0.5 };
}

/** Lays out the (already substituted) text of an element in its box. */
export function layoutPosterText(text: string, el: Pick<TextElement, 'width' | 'height' | 'fontSize' | 'minFontSize' | 'lineHeight' | 'fontWeight' | 'align' | 'verticalAlign' | 'autoFit'>): PosterTextLayout {
  let size = el.fontSize;
  let laid = layoutAt(text, el, size, false);
  if (el.autoFit) {
    const min = Math.min(el.minFontSize, el.fontSize);
    while (laid.overflow && size > min) {
      size = Math.max(min, size - 1);
      laid = layoutAt(text, el, size, false);
    }
  }
  if (laid.overflow) laid = layoutAt(text, el, size, true);
  const { ascent, descent } = fontMetrics(el.fontWeight);
  const lineHeight = laid.lineHeight;
  const blockHeight = laid.lines.length * lineHeight;
  const top = el.verticalAlign === 'top' ? 0 : el.verticalAlign === 'middle' ? (el.height - blockHeight) / 2 : el.height - blockHeight;
  // CSS places the glyphs of a line box with half the leading above and half below; so do we, on both sides.
  const baselineOffset = (lineHeight - (ascent + descent) * size) / 2 + ascent * size;
  const lines = laid.lines.map((line, i) => ({
    text: line.text,
    width: line.width,
    x: el.align === 'left' ? 0 : el.align === 'center' ? (el.width - line.width) / 2 : el.width - line.width,
    baseline: top + i * lineHeight + baselineOffset,
  }));
  return { lines, fontSize: size, weight: el.fontWeight, truncated: laid.truncated };
}
