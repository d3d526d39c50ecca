/**
 * Line breaking and truncation as WeChat's native views do them (UILabel / TextView with a line limit and tail
 * truncation): lines fill greedily, breaking between CJK characters and emoji anywhere, between Latin words only at
 * spaces, never before closing punctuation or after opening punctuation (禁则); a word wider than the line is broken
 * between characters. When the text needs more lines than allowed, the last line takes everything that is left and is
 * cut at the last character that still fits together with the ellipsis "…" — mid-word if need be, trailing spaces
 * dropped — which is where WeChat puts it (not after the last whole word, as CSS line-clamp does).
 */
import { clustersCached, unitsToPx, type Cluster, type FontSpec } from './measure';

export const ELLIPSIS = '…';

export interface TextLine {
  text: string;
  /** Width in CSS pixels, ellipsis included. */
  width: number;
}

export interface TextLayout {
  lines: TextLine[];
  /** True when the text did not fit and the last line ends with the ellipsis. */
  truncated: boolean;
  /** The part of the text a reader sees (without the ellipsis). */
  visible: string;
  /** The part WeChat hides; empty when nothing is cut. */
  hidden: string;
  /** Height of the laid-out lines in CSS pixels. */
  height: number;
  /** Width of the widest line. */
  width: number;
}

export interface TextBox {
  font: FontSpec;
  maxWidth: number;
  /** Lines before truncation; Infinity for no limit. */
  maxLines: number;
}

/** Whether a line may break between clusters a and b (before b). */
export function canBreakBetween(a: Cluster, b: Cluster): boolean {
  if (b.cls === 'close' || b.cls === 'infix' || b.cls === 'space') return false;
  if (a.cls === 'open') return false;
  if (a.cls === 'space') return true;
  if (a.cls === 'wide' || a.cls === 'emoji' || a.cls === 'close') return true;
  if (b.cls === 'wide' || b.cls === 'emoji' || b.cls === 'open') return true;
  if (a.cls === 'infix') return false; // 3.5, a.b, 1,000 — followed by a letter or digit
  if (a.cls === 'hyphen') return b.cls === 'alnum';
  return false;
}

/** Collapses runs of white space (line breaks included) into one space and trims: how cards show a title or digest. */
export function collapseWhitespace(text: string): string {
  // Ideographic spaces (U+3000) are kept: creators use them on purpose, and WeChat shows them.
  return text.replace(/[ \t\r\n\f\v\u00a0]+/g, ' ').trim();
}

function sumUnits(cs: readonly Cluster[], from: number, to: number): number {
  let u = 0;
  for (let i = from; i < to; i++) u += cs[i]!.units;
  return u;
}

function joinText(cs: readonly Cluster[], from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += cs[i]!.text;
  return s;
}

/** The end of a line starting at `start`, trailing spaces excluded (they hang past the edge). */
function trimEnd(cs: readonly Cluster[], start: number, end: number): number {
  while (end > start && cs[end - 1]!.cls === 'space') end--;
  return end;
}

/**
 * Where the line that starts at `start` ends (exclusive), breaking at the last allowed opportunity that fits in
 * `maxUnits`, or between characters when a single word is wider than the line.
 */
function lineEnd(cs: readonly Cluster[], start: number, maxUnits: number): number {
  let units = 0;
  let lastBreak = -1;
  let i = start;
  while (i < cs.length) {
    const c = cs[i]!;
    // A space may hang past the edge: it never forces the break by itself.
    if (c.cls !== 'space' && units + c.units > maxUnits + 1e-6) break;
    units += c.units;
    i++;
    if (i < cs.length && canBreakBetween(cs[i - 1]!, cs[i]!)) lastBreak = i;
  }
  if (i >= cs.length) return cs.length;
  if (lastBreak > start) return lastBreak;
  return Math.max(i, start + 1);
}

/** Lays text out in a box: lines, truncation with the ellipsis, and what was hidden. */
export function layoutText(text: string, box: TextBox): TextLayout {
  const { font, maxWidth, maxLines } = box;
  const cs = clustersCached(text, font.weight);
  const maxUnits = (maxWidth * 1000) / font.size;
  const lines: TextLine[] = [];
  let start = 0;
  let truncated = false;
  let visibleEnd = 0;
  while (start < cs.length) {
    while (start < cs.length && cs[start]!.cls === 'space') start++;
    if (start >= cs.length) break;
    const end = lineEnd(cs, start, maxUnits);
    const isLastAllowed = lines.length + 1 >= maxLines;
    if (isLastAllowed && trimEnd(cs, start, cs.length) > end) {
      // The last allowed line takes what is left and is cut where the ellipsis still fits.
      const ellipsisUnits = clustersCached(ELLIPSIS, font.weight)[0]!.units;
      let units = 0;
      let cut = start;
      while (cut < cs.length && units + cs[cut]!.units + ellipsisUnits <= maxUnits + 1e-6) units += cs[cut++]!.units;
      cut = trimEnd(cs, start, cut);
      const text = joinText(cs, start, cut) + ELLIPSIS;
      lines.push({ text, width: unitsToPx(sumUnits(cs, start, cut) + ellipsisUnits, font.size) });
      truncated = true;
      visibleEnd = cut;
      break;
    }
    const shown = trimEnd(cs, start, end);
    lines.push({ text: joinText(cs, start, shown), width: unitsToPx(sumUnits(cs, start, shown), font.size) });
    visibleEnd = end;
    start = end;
  }
  const visible = joinText(cs, 0, visibleEnd).trimEnd();
  return {
    lines,
    truncated,
    visible,
    hidden: truncated ? joinText(cs, visibleEnd, cs.length).trim() : '',
    height: lines.length * font.lineHeight,
    width: lines.reduce((w, l) => Math.max(w, l.width), 0),
  };
}
