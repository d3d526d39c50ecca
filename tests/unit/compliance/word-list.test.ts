import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDefaultScanner } from '../../../shared/compliance/default-scanner';
import { parseWordList } from '../../../shared/compliance/word-list';
import { lexiconsDir } from '../../helpers/lexicons';

const LEXICONS = lexiconsDir();
const read = (rel: string) => fs.readFileSync(path.join(LEXICONS, rel), 'utf8');

describe('word lists', () => {
  it('reads terms, category columns (ids, Chinese labels, houbb tags) and comma-separated terms', () => {
    const r = parseWordList('# team list\n竞品A\tad_absolute\n竞品B,色情\n竞品C 3\n高压气枪,气枪子弹\n\n带 空格 的词\n', { defaultCategory: 'fraud' });
    expect(r).toEqual({
      ok: true,
      skipped: 0,
      skippedLines: [],
      terms: [
        { term: '竞品A', category: 'ad_absolute' },
        { term: '竞品B', category: 'porn' },
        { term: '竞品C', category: 'gambling' },
        { term: '高压气枪', category: 'fraud' },
        { term: '气枪子弹', category: 'fraud' },
        { term: '带 空格 的词', category: 'fraud' },
      ],
    });
  });

  it('names the line of a malformed entry', () => {
    expect(parseWordList('好词\n坏词\t不存在的分类\n', { defaultCategory: 'fraud' })).toMatchObject({ ok: false, error: { line: 2, code: 'wordList.unknownCategory' } });
    expect(parseWordList('一\n二\n三')).toMatchObject({ ok: false, error: { line: 1, code: 'wordList.noCategory' } });
    expect(parseWordList('a\nb\u0000c', { defaultCategory: 'fraud' })).toMatchObject({ ok: false, error: { line: 2, code: 'wordList.binary' } });
    expect(parseWordList('ok\n\ufffd\ufffd', { defaultCategory: 'fraud' })).toMatchObject({ ok: false, error: { line: 2, code: 'wordList.invalidText' } });
    expect(parseWordList('\n# only comments\n', { defaultCategory: 'fraud' })).toMatchObject({ ok: false, error: { code: 'wordList.empty' } });
    expect(parseWordList(`${'x'.repeat(2000)}\n`, { defaultCategory: 'fraud' })).toMatchObject({ ok: false, error: { line: 1, code: 'wordList.lineTooLong' } });
    const r = parseWordList('第二行有错\tnope', { defaultCategory: 'fraud' });
    expect(!r.ok && r.error.message.zh).toMatch(/第 1 行/);
    expect(!r.ok && r.error.message.en).toMatch(/Line 1/);
  });

  it('imports every list shipped in the shared data folder', () => {
    const files = [
      'houbb-sensitive-word-v0.26.1/sensitive_word_dict.txt',
      'houbb-sensitive-word-v0.26.1/sensitive_word_tags.txt',
      'houbb-sensitive-word-v0.26.1/sensitive_word_allow.txt',
      'houbb-sensitive-word-v0.26.1/sensitive_word_dict_en.txt',
      ...fs.readdirSync(path.join(LEXICONS, 'houbb-sensitive-word-v0.26.1/by-tag')).map((f) => `houbb-sensitive-word-v0.26.1/by-tag/${f}`),
      ...fs.readdirSync(path.join(LEXICONS, 'fwwdn-sensitive-stop-words')).filter((f) => f !== 'LICENSE').map((f) => `fwwdn-sensitive-stop-words/${f}`),
    ];
    for (const file of files) {
      const r = parseWordList(read(file), { defaultCategory: 'politics' });
      expect(r.ok, file).toBe(true);
      if (r.ok) expect(r.terms.length, file).toBeGreaterThan(2);
    }
    const tags = parseWordList(read('houbb-sensitive-word-v0.26.1/sensitive_word_tags.txt'));
    expect(tags.ok).toBe(true);
    if (tags.ok) {
      // Every line of the tags file carries a tag, so no default category is needed; the tags map to our ids.
      expect(new Set(tags.terms.map((t) => t.category))).toEqual(new Set(['politics', 'drugs', 'porn', 'gambling', 'fraud']));
      expect(tags.terms.length).toBeGreaterThan(40_000);
    }
  });

  it('matches imported terms literally: a regex-like term cannot blow up the scan', () => {
    const r = parseWordList('(a+)+$\n.*\n[^x]{1000}\n', { defaultCategory: 'fraud' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const scanner = createDefaultScanner({ customTerms: r.terms });
    // The input that makes (a+)+$ backtrack exponentially as a regular expression: matched literally, it is one linear
    // pass (a hang would show as the test's timeout).
    const evil = `${'a'.repeat(200_000)}!`;
    expect(scanner.scan(evil)).toEqual([]);
    // Punctuation at the edges is not part of the match (only letters are matched; noise between them is skipped).
    expect(scanner.scan('看这里 (a+)+$ 和 .*').map((f) => f.text)).toEqual(['a+)+$']);
  });

  it('builds a scanner from the whole houbb dictionary', () => {
    const r = parseWordList(read('houbb-sensitive-word-v0.26.1/sensitive_word_dict.txt'), { defaultCategory: 'politics' });
    if (!r.ok) throw new Error(r.error.message.en);
    const scanner = createDefaultScanner({ customTerms: r.terms });
    expect(scanner.stats.patterns).toBeGreaterThan(60_000);
    expect(scanner.scan('课程介绍：数据结构').length).toBe(0);
  }, 30_000);
});
