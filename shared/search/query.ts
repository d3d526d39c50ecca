/**
 * Search text logic shared by the host (building the SQL) and the renderer (showing results): splitting a query into
 * terms, and turning a matched text into a short snippet of plain and highlighted segments. The renderer shows
 * segments as text nodes, never as HTML.
 */

/** FTS5's trigram tokenizer indexes 3-character sequences; shorter terms are matched by a scan instead. */
export const TRIGRAM_MIN_CHARS = 3;
export const SEARCH_QUERY_MAX_CHARS = 100;
export const SEARCH_MAX_TERMS = 8;
/** Private-use characters the host asks SQLite's highlight() to put around matches; never left in indexed text. */
export const HIGHLIGHT_OPEN = '\uE000';
export const HIGHLIGHT_CLOSE = '\uE001';

export interface SearchTerms {
  /** Terms of 3 or more characters: matched through the trigram index. */
  indexed: string[];
  /** Terms of 1 or 2 characters: matched by a substring scan. */
  short: string[];
}

/** One run of a snippet: `hit` runs are what matched. */
export interface SnippetSegment {
  text: string;
  hit: boolean;
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Splits a query on white space into distinct terms (all must match), sorted by length. Full-width spaces separate
 * too, as Chinese input methods type them.
 */
export function parseSearchQuery(query: string): SearchTerms {
  const terms = [...new Set(query.normalize('NFC').split(/[\s\u3000]+/u).filter((t) => t.length > 0))].slice(0, SEARCH_MAX_TERMS);
  const indexed = terms.filter((t) => codePoints(t) >= TRIGRAM_MIN_CHARS);
  const short = terms.filter((t) => codePoints(t) < TRIGRAM_MIN_CHARS);
  return { indexed, short };
}

/** The text as it is indexed: the highlight markers replaced, so highlight() output can be split unambiguously. */
export function searchText(text: string): string {
  return text.replace(/[\uE000\uE001]/g, '\uFFFD');
}

export interface Range {
  start: number;
  end: number;
}

/** Splits highlight() output into the plain text and the ranges between markers (UTF-16 offsets in the plain text). */
export function unmark(marked: string): { text: string; ranges: Range[] } {
  let text = '';
  const ranges: Range[] = [];
  let open = -1;
  for (const ch of marked) {
    if (ch === HIGHLIGHT_OPEN) open = text.length;
    else if (ch === HIGHLIGHT_CLOSE) {
      if (open >= 0 && text.length > open) ranges.push({ start: open, end: text.length });
      open = -1;
    } else text += ch;
  }
  return { text, ranges };
}

const foldAscii = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Every occurrence of each term, ASCII case folded (as SQLite's LIKE matches). */
export function findTerms(text: string, terms: readonly string[]): Range[] {
  const folded = foldAscii(text);
  const ranges: Range[] = [];
  for (const term of terms) {
    const needle = foldAscii(term);
    if (!needle) continue;
    for (let at = folded.indexOf(needle); at >= 0; at = folded.indexOf(needle, at + needle.length)) {
      ranges.push({ start: at, end: at + needle.length });
    }
  }
  return ranges;
}

/** Sorted, overlapping or touching ranges joined. */
export function mergeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * A window of about `maxChars` UTF-16 units around the first match, with an ellipsis where text was cut, as segments.
 * Never splits a surrogate pair.
 */
export function snippetSegments(text: string, ranges: readonly Range[], maxChars = 64, lead = 16): SnippetSegment[] {
  const merged = mergeRanges(ranges);
  let start = 0;
  if (text.length > maxChars && merged.length > 0) {
    start = Math.max(0, Math.min(merged[0]!.start - lead, text.length - maxChars));
  }
  let end = Math.min(text.length, start + maxChars);
  if (isLowSurrogate(text.charCodeAt(start))) start++;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end++;
  const segments: SnippetSegment[] = [];
  const push = (s: string, hit: boolean) => {
    if (!s) return;
    const last = segments[segments.length - 1];
    if (last && last.hit === hit) last.text += s;
    else segments.push({ text: s, hit });
  };
  if (start > 0) push('…', false);
  let at = start;
  for (const r of merged) {
    if (r.end <= start || r.start >= end) continue;
    push(text.slice(at, Math.max(at, r.start)), false);
    push(text.slice(Math.max(at, r.start), Math.min(end, r.end)), true);
    at = Math.min(end, r.end);
  }
  push(text.slice(at, end), false);
  if (end < text.length) push('…', false);
  return segments;
}
