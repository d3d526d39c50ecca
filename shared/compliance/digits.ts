/**
 * Digit runs in any dress (ASCII, full-width, circled, keycap, superscript, Chinese numerals incl. 幺 and 壹), with the
 * separators people put inside phone and card numbers, classified by the validators: mobile numbers, resident IDs,
 * bank cards and IPv4 addresses. A run is taken whole: a mobile number inside a longer run is not one (§4).
 */
import type { CharTables } from './chars';
import { KIND_INVISIBLE, KIND_NOISE } from './chars';
import { isBankCard, isMobile, isResidentId } from './validators';

export type DigitKind = 'cn_mobile' | 'cn_resident_id' | 'bank_card' | 'ip_address';

export interface DigitMatch {
  kind: DigitKind;
  start: number;
  end: number;
  value: string;
  /** Any digit written other than in ASCII (circled, Chinese, full-width …). */
  disguised: boolean;
}

const SEPARATORS = new Set([' ', '-', '－', '—', '–', '‐', '_', '.', '．', '·', '/', '\u3000', '\u00a0', '(', ')', '（', '）']);
const MIN_CJK_RUN = 7;

interface Group {
  digits: string;
  start: number;
  end: number;
}

/** Scratch for one run, reused across runs and scans: most runs (years, prices, 一) are too short to be anything. */
let runUnits = new Uint8Array(64);
let groupBounds = new Int32Array(48);
const UNIT_X = 10;

export function findDigitMatches(tables: CharTables, text: string, today?: Date): DigitMatch[] {
  const out: DigitMatch[] = [];
  const { digit } = tables;
  const n = text.length;
  let i = 0;
  while (i < n) {
    if ((digit[text.charCodeAt(i)] as number) < 0) i++;
    else i = readRun(tables, text, i, out, today);
  }
  return out;
}

/**
 * The same, reading runs only at `starts` (ascending; the first `count` entries): the offsets where a digit follows
 * something other than a digit, which the matcher records as it passes (no second pass over the text).
 */
export function findDigitMatchesAt(tables: CharTables, text: string, starts: Int32Array, count: number, today?: Date): DigitMatch[] {
  const out: DigitMatch[] = [];
  const { digit, kind } = tables;
  const n = text.length;
  let i = 0;
  for (let r = 0; r < count; r++) {
    const start = starts[r] as number;
    if (start < i) continue;
    // readRun's own first check, here: nearly every run (一, 2017年) ends at once, without a call.
    let end = start + 1;
    while (end < n && (digit[text.charCodeAt(end)] as number) >= 0) end++;
    if (end - start < MIN_NUMBER_DIGITS && (end === n || !mayContinueRun(digit, kind, text.charCodeAt(end)))) i = end;
    else i = readRun(tables, text, start, out, today);
  }
  return out;
}

/** Reads the run that starts with the digit at i into `out` (when it is a number looked for); returns where to go on. */
function readRun(tables: CharTables, text: string, i: number, out: DigitMatch[], today?: Date): number {
  const { digit, cjkDigit, kind } = tables;
  const n = text.length;
  // Most runs are a few digits followed by a word (2017年, 3个): nothing can continue them and they are too short to
  // be anything, so they are passed over at once.
  let end = i + 1;
  while (end < n && (digit[text.charCodeAt(end)] as number) >= 0) end++;
  if (end - i < MIN_NUMBER_DIGITS && (end === n || !mayContinueRun(digit, kind, text.charCodeAt(end)))) return end;
  // One run: digit groups separated by at most two separator or invisible units. Digits and group bounds go into
  // scratch arrays; strings and objects are made only for a run long enough to be a number we look for.
  let total = 0; // digits (and an ID's X) in the run
  let groupCount = 0;
  let cjkCount = 0;
  let plainCount = 0;
  let disguised = false;
  let dotted = true;
  let j = i;
  let groupStart = i;
  let inGroup = false;
  let lastDigitEnd = i;
  while (j < n) {
    const c = text.charCodeAt(j);
    const d = digit[c] as number;
    if (d >= 0) {
      if (!inGroup) {
        groupStart = j;
        inGroup = true;
      }
      if (total === runUnits.length) runUnits = grown(runUnits);
      runUnits[total++] = d;
      if (cjkDigit[c]) cjkCount++;
      else plainCount++;
      if (c > 0x7f) disguised = true;
      j++;
      lastDigitEnd = j;
      continue;
    }
    // An ID's final X belongs to the digits.
    if ((c === 0x58 || c === 0x78 || c === 0xff38 || c === 0xff58) && inGroup && total === 17) {
      if (total === runUnits.length) runUnits = grown(runUnits);
      runUnits[total++] = UNIT_X;
      j++;
      lastDigitEnd = j;
      continue;
    }
    let k = j;
    let seps = 0;
    let onlyDots = true;
    while (k < n && seps <= 2) {
      const u = text.charCodeAt(k);
      if (kind[u] === KIND_INVISIBLE) {
        k++;
        continue;
      }
      // An emoji between digit groups (159🌸3731🌸4077) is a separator: one, two units long.
      if (u >= 0xd83c && u <= 0xd83e) {
        seps++;
        k += 2;
        onlyDots = false;
        continue;
      }
      if (!SEPARATOR_UNITS.has(u) && !(kind[u] === KIND_NOISE && u >= 0x2000)) break;
      if (u !== 0x2e) onlyDots = false;
      seps++;
      k++;
    }
    if (inGroup) groupCount = closeGroup(groupCount, groupStart, lastDigitEnd, total);
    inGroup = false;
    if (k < n && seps <= 2 && (digit[text.charCodeAt(k)] as number) >= 0 && k > j) {
      if (!onlyDots || seps !== 1) dotted = false;
      j = k;
      continue;
    }
    break;
  }
  if (inGroup) groupCount = closeGroup(groupCount, groupStart, lastDigitEnd, total);
  const next = Math.max(j, i + 1);
  // Chinese numerals count only in long runs (一二三 in prose is not a number).
  if (cjkCount > 0 && cjkCount + plainCount < MIN_CJK_RUN) return next;
  // Every number looked for has at least 11 digits, except an IPv4 address (four dotted groups).
  if (total < MIN_NUMBER_DIGITS && !(dotted && groupCount === 4)) return next;
  const groups: Group[] = [];
  for (let g = 0; g < groupCount; g++) {
    const from = g === 0 ? 0 : (groupBounds[(g - 1) * 3 + 2] as number);
    const to = groupBounds[g * 3 + 2] as number;
    let digits = '';
    for (let u = from; u < to; u++) digits += runUnits[u] === UNIT_X ? 'X' : String.fromCharCode(48 + (runUnits[u] as number));
    groups.push({ digits, start: groupBounds[g * 3] as number, end: groupBounds[g * 3 + 1] as number });
  }
  classifyRun(groups, text, dotted, disguised, out, today);
  return next;
}

const MIN_NUMBER_DIGITS = 11;
const SEPARATOR_UNITS = new Set([...SEPARATORS].map((ch) => ch.charCodeAt(0)));
/** The same as a bit set over UTF-16 units (8 KB): the short-run check asks after nearly every digit. */
const SEPARATOR_BITS = new Int32Array(2048);
for (const u of SEPARATOR_UNITS) SEPARATOR_BITS[u >>> 5] = (SEPARATOR_BITS[u >>> 5] as number) | (1 << (u & 31));

/** Whether unit u after a digit can take a run on: a digit, an ID's X, or what the run reader skips between groups. */
function mayContinueRun(digit: Int8Array, kind: Uint8Array, u: number): boolean {
  if ((digit[u] as number) >= 0 || u === 0x58 || u === 0x78 || u === 0xff38 || u === 0xff58) return true;
  const k = kind[u] as number;
  return k === KIND_INVISIBLE || (u >= 0xd83c && u <= 0xd83e) || ((SEPARATOR_BITS[u >>> 5] as number) & (1 << (u & 31))) !== 0 || (k === KIND_NOISE && u >= 0x2000);
}

/** Records a group's start, end and the run's digit count after it; returns the new group count. */
function closeGroup(count: number, start: number, end: number, total: number): number {
  if (count * 3 + 3 > groupBounds.length) groupBounds = grown(groupBounds);
  groupBounds[count * 3] = start;
  groupBounds[count * 3 + 1] = end;
  groupBounds[count * 3 + 2] = total;
  return count + 1;
}

function grown<T extends Uint8Array | Int32Array>(a: T): T {
  const next = new (a.constructor as new (length: number) => T)(a.length * 2);
  next.set(a);
  return next;
}

function classifyRun(groups: Group[], text: string, dotted: boolean, disguised: boolean, out: DigitMatch[], today?: Date): void {
  if (groups.length === 0) return;
  const first = groups[0] as Group;
  const last = groups[groups.length - 1] as Group;
  const all = groups.map((g) => g.digits).join('');
  // Glued to Latin letters or more digits on either side (order numbers like DD1381234…, version strings).
  const before = first.start > 0 ? (text[first.start - 1] as string) : '';
  if (dotted && groups.length === 4 && groups.every((g) => /^\d{1,3}$/.test(g.digits) && Number(g.digits) <= 255)) {
    out.push({ kind: 'ip_address', start: first.start, end: last.end, value: groups.map((g) => g.digits).join('.'), disguised });
    return;
  }
  const prefixed = before === '+' || before === '＋' || first.digits === '86' || first.digits === '0086';
  const whole = classifyDigits(all, prefixed, today);
  if (whole) {
    out.push({ kind: whole.kind, start: first.start, end: last.end, value: whole.value, disguised });
    return;
  }
  // Whole groups inside a run separated by spaces ("订单 20231234 13812345678"): try each window of groups.
  for (let a = 0; a < groups.length; a++) {
    let digits = '';
    for (let b = a; b < groups.length; b++) {
      digits += (groups[b] as Group).digits;
      if (digits.length > 19) break;
      if (a === 0 && b === groups.length - 1) continue;
      const hit = classifyDigits(digits, false, today);
      if (hit) {
        out.push({ kind: hit.kind, start: (groups[a] as Group).start, end: (groups[b] as Group).end, value: hit.value, disguised });
        a = b;
        break;
      }
    }
  }
}

function classifyDigits(all: string, prefixed: boolean, today?: Date): { kind: DigitKind; value: string } | null {
  if (isMobile(all)) return { kind: 'cn_mobile', value: all };
  // +86 / 0086 country prefixes ("86" alone only when written as a prefix: +86…, 86 138…).
  if (/^00861[3-9]\d{9}$/.test(all) || (prefixed && /^861[3-9]\d{9}$/.test(all))) {
    return { kind: 'cn_mobile', value: all.slice(all.length - 11) };
  }
  if (all.length === 18 && isResidentId(all, today)) return { kind: 'cn_resident_id', value: all };
  if (isBankCard(all)) return { kind: 'bank_card', value: all };
  return null;
}
