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

export function findDigitMatches(tables: CharTables, text: string, today?: Date): DigitMatch[] {
  const { digit, cjkDigit, kind } = tables;
  const out: DigitMatch[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    if ((digit[text.charCodeAt(i)] as number) < 0) {
      i++;
      continue;
    }
    // One run: digit groups separated by at most two separator or invisible units.
    const groups: Group[] = [];
    let cjkCount = 0;
    let plainCount = 0;
    let disguised = false;
    let dotted = true;
    let j = i;
    let groupStart = i;
    let current = '';
    let lastDigitEnd = i;
    while (j < n) {
      const c = text.charCodeAt(j);
      const d = digit[c] as number;
      if (d >= 0) {
        if (current === '') groupStart = j;
        current += String.fromCharCode(48 + d);
        if (cjkDigit[c]) cjkCount++;
        else plainCount++;
        if (c > 0x7f) disguised = true;
        j++;
        lastDigitEnd = j;
        continue;
      }
      // An ID's final X belongs to the digits.
      if ((c === 0x58 || c === 0x78 || c === 0xff38 || c === 0xff58) && current.length > 0) {
        const total = groups.reduce((s, g) => s + g.digits.length, 0) + current.length;
        if (total === 17) {
          current += 'X';
          j++;
          lastDigitEnd = j;
          continue;
        }
      }
      let k = j;
      let seps = 0;
      let onlyDots = true;
      while (k < n && seps <= 2) {
        const u = text.charCodeAt(k);
        const ch = text[k] as string;
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
        if (!SEPARATORS.has(ch) && !(kind[u] === KIND_NOISE && u >= 0x2000)) break;
        if (ch !== '.') onlyDots = false;
        seps++;
        k++;
      }
      if (current) groups.push({ digits: current, start: groupStart, end: lastDigitEnd });
      current = '';
      if (k < n && seps <= 2 && (digit[text.charCodeAt(k)] as number) >= 0 && k > j) {
        if (!onlyDots || seps !== 1) dotted = false;
        j = k;
        continue;
      }
      break;
    }
    if (current) groups.push({ digits: current, start: groupStart, end: lastDigitEnd });
    i = Math.max(j, i + 1);
    // Chinese numerals count only in long runs (一二三 in prose is not a number).
    if (cjkCount > 0 && cjkCount + plainCount < MIN_CJK_RUN) continue;
    classifyRun(groups, text, dotted, disguised, out, today);
  }
  return out;
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
