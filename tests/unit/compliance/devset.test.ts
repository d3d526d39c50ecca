import { describe, expect, it } from 'vitest';
import { CATEGORIES, EVASIONS, type Finding } from '../../../shared/compliance/types';
import {
  QUALITY_BAR,
  findPersonalData,
  formatScore,
  isValidCardNumber,
  isValidResidentId,
  loadDevset,
  parseDevset,
  scoreDevset,
} from '../../helpers/compliance-devset';

const devset = loadDevset();
const positives = devset.examples.filter((e) => e.labels.length > 0);
const cleanLines = devset.examples.filter((e) => e.labels.length === 0);

describe('compliance dev set: structure', () => {
  it('has at least 300 examples, at least 40% of them clean', () => {
    expect(devset.examples.length).toBeGreaterThanOrEqual(300);
    expect(cleanLines.length / devset.examples.length).toBeGreaterThanOrEqual(0.4);
  });

  it('has at least 15 positive lines for every category', () => {
    const short = CATEGORIES.filter((c) => positives.filter((e) => e.labels.includes(c)).length < 15);
    expect(short).toEqual([]);
  });

  it('uses every evasion kind on at least 8 positive lines, spread over at least 4 categories', () => {
    const problems = EVASIONS.filter((k) => k !== 'none').flatMap((kind) => {
      const lines = positives.filter((e) => e.evasion === kind);
      const categories = new Set(lines.flatMap((e) => e.labels));
      return lines.length >= 8 && categories.size >= 4 ? [] : [`${kind}: ${lines.length} lines, ${categories.size} categories`];
    });
    expect(problems).toEqual([]);
  });

  it('has no duplicate texts and no tabs or line breaks inside a text', () => {
    const seen = new Map<string, number>();
    const duplicates = devset.examples.flatMap((e) => {
      const first = seen.get(e.text);
      seen.set(e.text, e.line);
      return first === undefined ? [] : [`line ${e.line} repeats line ${first}`];
    });
    expect(duplicates).toEqual([]);
    expect(devset.examples.filter((e) => /[\t\r\n]/.test(e.text)).map((e) => e.line)).toEqual([]);
  });

  it('declares the tenant whitelist the external_link labels assume', () => {
    expect(devset.whitelist).toEqual(expect.arrayContaining(['mp.weixin.qq.com', 'weixin.qq.com']));
    expect(devset.whitelist.length).toBeGreaterThan(2);
  });

  it('really contains the characters its zero_width and width lines claim', () => {
    const zeroWidth = devset.examples.filter((e) => e.evasion === 'zero_width' && !/[\u200B-\u200D\u2060\uFEFF]/.test(e.text));
    const width = devset.examples.filter((e) => e.evasion === 'width' && !/[\uFF01-\uFF5E]/.test(e.text));
    expect([...zeroWidth, ...width].map((e) => e.line)).toEqual([]);
  });

  it('has valid personal data on every personal_data line and on no other line', () => {
    const invalid = devset.examples.filter((e) => e.labels.includes('personal_data') && findPersonalData(e.text).length === 0);
    const hidden = devset.examples.filter((e) => !e.labels.includes('personal_data') && findPersonalData(e.text).length > 0);
    expect(invalid.map((e) => `line ${e.line}: ${e.text}`)).toEqual([]);
    expect(hidden.map((e) => `line ${e.line}: ${JSON.stringify(findPersonalData(e.text))} in ${e.text}`)).toEqual([]);
    // Each kind §4 names is represented.
    const kinds = new Set(positives.flatMap((e) => findPersonalData(e.text).map((p) => p.kind)));
    expect([...kinds].sort()).toEqual(['card', 'mobile', 'resident_id']);
  });

  it('rejects malformed lines with their line numbers', () => {
    expect(() => parseDevset('# header\nclean\tnone\tok\nspam\tnone\tx\nclean\tleet\ty\nclean\tnone\n')).toThrow(
      /line 3: unknown label "spam"[\s\S]*line 4: unknown evasion "leet"[\s\S]*line 5: expected 3 tab-separated columns/,
    );
  });
});

describe('personal-data validators of the dev-set helper', () => {
  it('checks GB 11643 check characters and birth dates', () => {
    expect(isValidResidentId('11010519491231002X')).toBe(true); // the standard's own example
    expect(isValidResidentId('110105194912310021')).toBe(false); // wrong check character
    expect(isValidResidentId('110105194902300020')).toBe(false); // 30 February, with a correct check character
    expect(isValidResidentId('11010519491231002')).toBe(false);
  });

  it('checks Luhn and the 16–19 digits starting 3–6 of card numbers', () => {
    expect(isValidCardNumber('4111111111111111')).toBe(true);
    expect(isValidCardNumber('4111111111111112')).toBe(false);
    expect(isValidCardNumber('8111111111111113')).toBe(false); // starts with 8
    expect(isValidCardNumber('411111111111')).toBe(false);
  });

  it('reads numerals, keycaps and separators, but not numbers inside longer runs', () => {
    const kinds = (text: string) => findPersonalData(text).map((p) => p.kind);
    expect(kinds('电话 幺三八零零幺三八零零零')).toEqual(['mobile']);
    expect(kinds('1️⃣3️⃣8️⃣0️⃣0️⃣1️⃣3️⃣8️⃣0️⃣0️⃣0️⃣')).toEqual(['mobile']);
    expect(kinds('+86 138 0013 8000')).toEqual(['mobile']);
    expect(kinds('138\u200B0013\u200B8000')).toEqual(['mobile']);
    expect(kinds('订单 2024031513800138000123')).toEqual([]);
    expect(kinds('座机 010-62345678，400-800-8000')).toEqual([]);
  });
});

describe('compliance dev set: quality bar (issue 5)', () => {
  it(`reaches recall ≥ ${QUALITY_BAR.minRecall} in every category and ≤ ${QUALITY_BAR.maxCleanFalsePositiveRate * 100}% false positives on clean lines`, async () => {
    const { createDefaultScanner } = await import('../../../shared/compliance/default-scanner');
    const scanner = createDefaultScanner({ whitelist: devset.whitelist });
    const score = scoreDevset(devset, (text): readonly Finding[] => scanner.scan(text));
    expect(score.failures, formatScore(score)).toEqual([]);
  });
});
