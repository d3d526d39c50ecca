import { describe, expect, it } from 'vitest';
import { foldLetters, KIND_BREAK, KIND_INVISIBLE, KIND_LETTER } from '../../../shared/compliance/chars';
import { defaultCharTables } from '../../../shared/compliance/default-scanner';
import { findDigitMatches, findDigitMatchesAt } from '../../../shared/compliance/digits';
import { compileMatcher, newHitBuffer } from '../../../shared/compliance/matcher';
import { prng } from '../../helpers/prng';

const tables = defaultCharTables();

/**
 * The naive reading of the matcher's contract: fold the letters of the text (noise and invisible units skipped, an
 * emoji taken whole), cut at sentence breaks, and look for every key at every position of each piece with startsWith.
 */
function naiveHits(keys: readonly string[], text: string): string[] {
  const out: string[] = [];
  let letters = '';
  let at: number[] = [];
  const flush = () => {
    for (let i = 0; i < letters.length; i++) {
      keys.forEach((key, k) => {
        if (key.length > 0 && letters.startsWith(key, i)) out.push(`${k}@${at[i]}-${(at[i + key.length - 1] as number) + 1}`);
      });
    }
    letters = '';
    at = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const kind = tables.kind[c];
    if (kind === KIND_LETTER) {
      letters += String.fromCharCode(tables.fold[c] as number);
      at.push(i);
      continue;
    }
    if (kind === KIND_INVISIBLE) continue;
    if (c >= 0xd83c && c <= 0xd83e) i++;
    if (kind === KIND_BREAK) flush();
  }
  flush();
  return out.sort();
}

function matcherHits(keys: readonly string[], text: string): string[] {
  const m = compileMatcher(tables, keys);
  const buffer = newHitBuffer();
  m.collect(text, buffer);
  const out: string[] = [];
  for (let h = 0; h < buffer.count; h++) {
    out.push(`${buffer.keys[h]}@${buffer.starts[h]}-${buffer.ends[h]}`);
    if (h > 0) expect(buffer.ends[h]).toBeGreaterThanOrEqual(buffer.ends[h - 1] as number); // in order of end
  }
  return out.sort();
}

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)] as T;
}

describe('matcher layout', () => {
  // Few letters and many keys: states with one child (kept in the state's record), a few (a short run) and many (a
  // hash table), long failure chains, nested and overlapping keys, keys sharing prefixes and suffixes.
  const letters = [...'转发有礼微信加群红包领取abcxyz0123'];
  const dressed: Record<string, string[]> = { a: ['A', 'ａ', 'Ａ'], '1': ['１', '①'], 转: ['轉'], 发: ['發'], 礼: ['禮'] };
  const filler = [' ', '，', '\u200b', '🎉', '。', '\n', '好', '的'];

  it('agrees with a naive startsWith search on random keys and texts (folding, noise, invisible units, breaks)', () => {
    const rnd = prng(20_261_127);
    for (let round = 0; round < 120; round++) {
      const keyCount = 1 + Math.floor(rnd() * (round % 3 === 0 ? 400 : 40));
      const keys = new Set<string>();
      while (keys.size < keyCount) {
        const length = 1 + Math.floor(rnd() * 6);
        let key = '';
        for (let i = 0; i < length; i++) key += pick(rnd, letters);
        keys.add(key);
      }
      const keyList = [...keys];
      let text = '';
      const length = Math.floor(rnd() * 300);
      for (let i = 0; i < length; i++) {
        const roll = rnd();
        if (roll < 0.7) {
          const letter = pick(rnd, letters);
          text += dressed[letter] && rnd() < 0.3 ? pick(rnd, dressed[letter]) : letter;
        } else if (roll < 0.8) text += pick(rnd, keyList);
        else text += pick(rnd, filler);
      }
      expect(matcherHits(keyList, text), `round ${round}: ${JSON.stringify(text)}`).toEqual(naiveHits(keyList, text));
    }
  });

  it('keeps a state with hundreds of children exact (its hash table) next to one with a single child', () => {
    const rnd = prng(7);
    const hanzi = Array.from({ length: 600 }, (_, i) => String.fromCharCode(0x4e00 + i * 7));
    const keys = [...new Set([...hanzi.map((h) => `转${h}`), '转发有礼', '发有', '有礼品'])];
    let text = '';
    for (let i = 0; i < 2000; i++) text += rnd() < 0.3 ? '转' : rnd() < 0.05 ? '发有礼品' : pick(rnd, hanzi);
    expect(matcherHits(keys, text)).toEqual(naiveHits(keys, text));
  });

  it('records where digit runs start, so the digit reader finds what a full pass finds', () => {
    const rnd = prng(11);
    const parts = ['1', '3', '8', '0', '5', '9', '7', '4', '6', '2', 'X', '一', '幺', '壹', '參', '参', '⑧', '１', ' ', '-', '.', '·', '\u200b', '🌸', '（', '）', '+', '的', '。', 'a', '138', '0013'];
    const m = compileMatcher(tables, ['微信', 'wx', '参加', '13']);
    const buffer = newHitBuffer();
    const today = new Date('2026-01-01T00:00:00Z');
    let found = 0;
    for (let round = 0; round < 3000; round++) {
      let text = '';
      const length = 1 + Math.floor(rnd() * 40);
      for (let i = 0; i < length; i++) text += pick(rnd, parts);
      if (rnd() < 0.3) text += `13${Math.floor(rnd() * 1e9).toString().padStart(9, '0')}`;
      if (rnd() < 0.1) text = `11010519491231002X ${text}`;
      m.collect(text, buffer);
      const expected = findDigitMatches(tables, text, today);
      found += expected.length;
      expect(findDigitMatchesAt(tables, text, buffer.digitStarts, buffer.digitStartCount, today), JSON.stringify(text)).toEqual(expected);
    }
    expect(found).toBeGreaterThan(300);
  });

  it('reports repeated keys once, under the first of them, and maps every key to the one reported', () => {
    const keys = ['发有', 'x', '转发有', '发有', '', 'a'.repeat(65), '转发有', 'x'];
    const m = compileMatcher(tables, keys);
    expect([...m.canonical]).toEqual([0, 1, 2, 0, -1, -1, 2, 1]);
    const buffer = newHitBuffer();
    m.collect('转发有x', buffer);
    const found = Array.from({ length: buffer.count }, (_, h) => `${buffer.keys[h]}@${buffer.starts[h]}-${buffer.ends[h]}`);
    expect(found.sort()).toEqual(['0@1-3', '1@3-4', '2@0-3']);
  });

  it('folds keys the way the scanner does (a sanity check of the helper above)', () => {
    expect(naiveHits([foldLetters(tables, '轉發')], '轉 發')).toEqual(['0@0-3']);
  });
});
