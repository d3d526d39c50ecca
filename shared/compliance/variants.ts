/**
 * Spelling variants generated from a pattern, never from the scanned document (whole-document pinyin runs at
 * ~2 MB/s, compliance-rules.md §5): full pinyin and hanzi/pinyin mixes ("zhuanfa", "转fa"), initials ("zf"), and
 * homophones (one or two characters swapped for common characters with the same reading and tone: 薇信, 威信).
 */
import type { CharTables } from './chars';
import type { Evasion } from './types';

export interface Variant {
  text: string;
  evasion: Evasion;
}

const MAX_READING_COMBOS = 8;
/** Single swaps are what evaders use most; double swaps only while the set stays small. */
const MAX_HOMOPHONES = 48;

function readingCombos(tables: CharTables, term: string): string[][] | null {
  let combos: string[][] = [[]];
  for (const ch of term) {
    const readings = tables.readings.get(ch);
    if (!readings) return null;
    const next: string[][] = [];
    for (const combo of combos) for (const r of readings) if (next.length < MAX_READING_COMBOS) next.push([...combo, r]);
    combos = next;
  }
  return combos;
}

export function generateVariants(tables: CharTables, term: string, kinds: readonly string[]): Variant[] {
  const chars = [...term];
  const out: Variant[] = [];
  const cjk = chars.map((c) => tables.readings.has(c));
  if (kinds.includes('pinyin') || kinds.includes('initials')) {
    const combos = readingCombos(tables, chars.filter((_, i) => cjk[i]).join('')) ?? [];
    for (const combo of combos) {
      if (kinds.includes('pinyin')) {
        // Every non-empty subset of the CJK positions written in pinyin (terms are short; capped at 4 positions).
        const positions = chars.map((_, i) => i).filter((i) => cjk[i]);
        const subsets = positions.length <= 4 ? 1 << positions.length : 2;
        for (let mask = 1; mask < subsets; mask++) {
          let k = 0;
          const text = chars
            .map((c, i) => {
              if (!cjk[i]) return c;
              const r = combo[k] as string;
              const bit = positions.length <= 4 ? (mask >> k) & 1 : 1;
              k++;
              return bit ? r : c;
            })
            .join('');
          out.push({ text, evasion: 'pinyin' });
        }
      }
      if (kinds.includes('initials') && cjk.filter(Boolean).length >= 2) {
        let k = 0;
        const text = chars.map((c, i) => (cjk[i] ? (combo[k++] as string)[0] : c)).join('');
        out.push({ text, evasion: 'initials' });
      }
    }
  }
  if (kinds.includes('homophone')) {
    const subs = chars.map((c) => {
      const readings = tables.tonedReadings.get(c) ?? [];
      const set = new Set<string>();
      for (const r of readings) for (const h of tables.homophones.get(r) ?? '') if (h !== c) set.add(h);
      return [...set];
    });
    const seen = new Set<string>();
    const push = (text: string) => {
      if (seen.size < MAX_HOMOPHONES && !seen.has(text)) {
        seen.add(text);
        out.push({ text, evasion: 'homophone' });
      }
    };
    for (let i = 0; i < chars.length; i++) {
      for (const h of subs[i] as string[]) push(chars.map((c, k) => (k === i ? h : c)).join(''));
    }
    if (chars.length <= 3 && seen.size < MAX_HOMOPHONES / 2) {
      for (let i = 0; i < chars.length; i++) {
        for (let j = i + 1; j < chars.length; j++) {
          for (const hi of subs[i] as string[]) {
            for (const hj of subs[j] as string[]) push(chars.map((c, k) => (k === i ? hi : k === j ? hj : c)).join(''));
          }
        }
      }
    }
  }
  return out;
}
