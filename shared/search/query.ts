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

/** Lower case, character by character, only where that keeps the UTF-16 length (so offsets stay the original's). */
export function foldCase(text: string): string {
  let out = '';
  for (const ch of text) {
    const lower = ch.toLowerCase();
    out += lower.length === ch.length ? lower : ch;
  }
  return out;
}

/** Every occurrence of each term, case folded as `foldCase` (as the gram index matches). */
export function findTerms(text: string, terms: readonly string[]): Range[] {
  const folded = foldCase(text);
  const ranges: Range[] = [];
  for (const term of terms) {
    const needle = foldCase(term);
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

/**
 * The gram index for 1–2 character terms, which trigrams cannot find: a text becomes one token per position — the
 * character there and the next one (a bigram), or the last character alone — each written as 6 hex digits per code
 * point, so the FTS5 tokenizer sees plain ASCII words and never splits or folds them. A 2-character term is then one
 * exact token, a 1-character term a 6-digit prefix (FTS5 `prefix='6'` keeps that fast). Case is folded first.
 */
export function gramTokens(text: string): string {
  const points = [...foldCase(text)].map((ch) => ch.codePointAt(0)!.toString(16).padStart(6, '0'));
  return points.map((p, i) => (i + 1 < points.length ? p + points[i + 1]! : p)).join(' ');
}

/** The FTS5 query for a 1–2 character term against `gramTokens` output. */
export function gramQuery(term: string): string {
  const points = [...foldCase(term)].map((ch) => ch.codePointAt(0)!.toString(16).padStart(6, '0'));
  return points.length === 1 ? `${points[0]}*` : points.join('');
}
