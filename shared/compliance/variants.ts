/**
 * Spelling variants generated from a pattern, never from the scanned document (whole-document pinyin runs at
 * ~2 MB/s, compliance-rules.md §5): full pinyin and hanzi/pinyin mixes ("zhuanfa", "转fa"), initials ("zf"), and
 * homophones (one character swapped for a common character with the same reading and tone — 薇信 — or, in longer
 * terms, the same toneless reading — 发轮功; two swapped with the same reading and tone), and Chinese numerals written as digits (6合彩).
 */
import type { CharTables } from './chars';
import type { RuleSet } from './rule-data';
import type { Evasion } from './types';

export interface Variant {
  text: string;
  evasion: Evasion;
}

const MAX_READING_COMBOS = 8;
const PARTICLES = '的了吗呢吧啊着地得之乎者也';
/** Single swaps are what evaders use most; double swaps only while the set stays small. */
const MAX_HOMOPHONES = 64;

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
      // Initials of two-character terms (dt, sd …) collide with everyday Latin; three or more only.
      if (kinds.includes('initials') && cjk.filter(Boolean).length >= 3) {
        let k = 0;
        const text = chars.map((c, i) => (cjk[i] ? (combo[k++] as string)[0] : c)).join('');
        out.push({ text, evasion: 'initials' });
      }
    }
  }
  // Same-tone swaps in two-character terms spell too many real words (保底 → 保提) outside the block categories,
  // whose rules ask for homophone_loose.
  if ((kinds.includes('homophone') && chars.length >= 3) || kinds.includes('homophone_loose')) {
    const substitutes = (c: string, toned: boolean) => {
      const set = new Set<string>();
      for (const r of (toned ? tables.tonedReadings : tables.readings).get(c) ?? []) {
        for (const h of (toned ? tables.homophones : tables.tonelessHomophones).get(r) ?? '') if (h !== c) set.add(h);
      }
      return [...set];
    };
    // Particles (的, 了 …) are never what an evader swaps, and swapping them only spells other words.
    const loose = chars.map((c) => (PARTICLES.includes(c) ? [] : substitutes(c, false)));
    const subs = chars.map((c) => (PARTICLES.includes(c) ? [] : substitutes(c, true)));
    const seen = new Set<string>();
    const push = (text: string) => {
      if (seen.size < MAX_HOMOPHONES && !seen.has(text)) {
        seen.add(text);
        out.push({ text, evasion: 'homophone' });
      }
    };
    // Same-tone single swaps first: when the cap bites, they are the likelier spellings.
    // Toneless swaps (homophone_loose, for the block categories whose evaders ignore tones) only in terms of three or
    // more characters or with a Latin anchor (k粉 → k分): in two-character Chinese terms they mostly spell real words
    // (开房 → 开方, 保分 → 报分).
    // (A spelling is only built while the set has room: past the cap, push would drop it anyway.)
    for (const list of kinds.includes('homophone_loose') && (chars.length >= 3 || /[a-z]/i.test(term)) ? [subs, loose] : [subs]) {
      for (let i = 0; i < chars.length && seen.size < MAX_HOMOPHONES; i++) {
        const before = chars.slice(0, i).join('');
        const after = chars.slice(i + 1).join('');
        for (const h of list[i] as string[]) {
          if (seen.size >= MAX_HOMOPHONES) break;
          push(before + h + after);
        }
      }
    }
    if (chars.length <= 3 && seen.size < MAX_HOMOPHONES / 2) {
      for (let i = 0; i < chars.length; i++) {
        for (let j = i + 1; j < chars.length; j++) {
          for (const hi of subs[i] as string[]) {
            for (const hj of subs[j] as string[]) {
              if (seen.size >= MAX_HOMOPHONES) break;
              push(chars.map((c, k) => (k === i ? hi : k === j ? hj : c)).join(''));
            }
          }
        }
      }
    }
  }
  if (/[零〇一二三四五六七八九]/.test(term)) {
    const digits = term.replace(/[零〇一二三四五六七八九]/g, (c) => String('零一二三四五六七八九'.indexOf(c === '〇' ? '零' : c)));
    out.push({ text: digits, evasion: 'numeral' });
  }
  return out;
}

/**
 * Variant spellings of the rule terms that ask for them, ahead of time: by variant kinds as the rule lists them
 * ("pinyin,initials") and term, each spelling prefixed with its evasion's code letter (p, i, h, n). The shipped rules'
 * data is resources/compliance/variants.json, written by scripts/gen-compliance-variants.ts (a unit test checks it is
 * what generateVariants makes today), so building a scanner does not generate them.
 */
export type VariantData = Record<string, Record<string, string[]>>;

const EVASION_CODE: Partial<Record<Evasion, string>> = { pinyin: 'p', initials: 'i', homophone: 'h', numeral: 'n' };
const CODE_EVASION: Record<string, Evasion> = { p: 'pinyin', i: 'initials', h: 'homophone', n: 'numeral' };

/** The (variant kinds, terms) a rule set asks variants for, with @lists expanded: what the scanner looks up. */
export function ruleVariantData(ruleSet: RuleSet, tables: CharTables): VariantData {
  const data: VariantData = {};
  const add = (terms: readonly string[], kinds: readonly string[] | undefined) => {
    if (!kinds || kinds.length === 0) return;
    const byTerm = (data[kinds.join(',')] ??= {});
    for (const term of expandTerms(ruleSet, terms)) {
      byTerm[term] ??= generateVariants(tables, term, kinds).map((v) => {
        const code = EVASION_CODE[v.evasion];
        if (code === undefined) throw new Error(`variant evasion without a code: ${v.evasion}`);
        return code + v.text;
      });
    }
  };
  for (const rule of ruleSet.rules) {
    if (rule.kind === 'term') add(rule.terms, rule.variants);
    else if (rule.kind === 'pair') {
      add(rule.a, rule.variants?.a);
      add(rule.b, rule.variants?.b);
    }
  }
  return data;
}

/** One entry of VariantData as a Variant. */
export function decodeVariant(entry: string): Variant {
  return { text: entry.slice(1), evasion: variantEvasion(entry) };
}

/** The evasion of one entry of VariantData (its first letter's). */
export function variantEvasion(entry: string): Evasion {
  const evasion = CODE_EVASION[entry[0] as string];
  if (evasion === undefined) throw new Error(`variant data: unknown evasion code in ${JSON.stringify(entry)}`);
  return evasion;
}

/** A rule's terms with "@list" references replaced by the list's terms. */
export function expandTerms(ruleSet: Pick<RuleSet, 'lists'>, terms: readonly string[]): readonly string[] {
  if (!terms.some((t) => t.startsWith('@'))) return terms;
  return terms.flatMap((t) => {
    if (!t.startsWith('@')) return [t];
    const list = ruleSet.lists[t.slice(1)];
    if (!list) throw new Error(`rule data: unknown list ${t}`);
    return list;
  });
}

/** VariantData as the committed JSON file: one line per term, so a rule change shows as a readable diff. */
export function formatVariantData(data: VariantData): string {
  const kinds = Object.keys(data).sort();
  const blocks = kinds.map((k) => {
    const byTerm = data[k] as Record<string, string[]>;
    const lines = Object.keys(byTerm)
      .sort()
      .map((term) => `    ${JSON.stringify(term)}: ${JSON.stringify(byTerm[term])}`);
    return `  ${JSON.stringify(k)}: {\n${lines.join(',\n')}\n  }`;
  });
  return `{\n${blocks.join(',\n')}\n}\n`;
}
