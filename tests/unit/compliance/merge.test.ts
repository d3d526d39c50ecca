import { describe, expect, it } from 'vitest';
import { defaultCharTables, defaultRuleSet } from '../../../shared/compliance/default-scanner';
import type { Rule, RuleSet } from '../../../shared/compliance/rule-data';
import { createScanner } from '../../../shared/compliance/scanner';
import type { Category, Finding } from '../../../shared/compliance/types';

/** A term rule on rare characters, so the shipped rules stay out of the way. */
function termRule(id: string, category: Category, terms: string[], severity?: 'block' | 'must_fix' | 'info'): Rule {
  return {
    id,
    kind: 'term',
    category,
    terms,
    ...(severity ? { severity } : {}),
    message: { zh: id, en: id },
    examples: { positive: [terms[0] as string], negative: ['-'] },
  };
}

function scannerWith(rules: Rule[]) {
  const ruleSet: RuleSet = { ...defaultRuleSet(), rules };
  return createScanner(ruleSet, defaultCharTables());
}

const spans = (findings: Finding[]) => findings.map((f) => [f.category, f.start, f.end, f.rule, f.text]);

describe('merging findings', () => {
  it('resolves the same span from two rules of one category by rule id, whatever order the rules come in', () => {
    const b = termRule('test.b_rule', 'induce_share', ['甴甹甶']);
    const a = termRule('test.a_rule', 'induce_share', ['甴甹甶']);
    for (const rules of [
      [b, a],
      [a, b],
    ]) {
      const findings = scannerWith(rules).scan('前面甴甹甶后面');
      expect(spans(findings)).toEqual([['induce_share', 2, 5, 'test.a_rule', '甴甹甶']]);
    }
  });

  it('keeps the more severe rule when overlapping findings merge, spanning both', () => {
    const scanner = scannerWith([termRule('test.mild', 'induce_share', ['甴甹'], 'info'), termRule('test.harsh', 'induce_share', ['甹甶甽'], 'block')]);
    const [finding, ...rest] = scanner.scan('一甴甹甶甽二');
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ start: 1, end: 5, text: '甴甹甶甽', rule: 'test.harsh', severity: 'block', category: 'induce_share' });
  });

  // Hits arrive in order of end, so a short term inside a longer one comes first and the rows must be sorted before
  // they merge (else the merged span would start inside the word). Few rows take the insertion sort, many the general one.
  for (const reps of [5, 15, 40]) {
    it(`sorts nested findings before merging them (${reps * 3} rows in one document)`, () => {
      const scanner = scannerWith([
        termRule('test.whole', 'induce_share', ['甴甹甶甽']),
        termRule('test.inner', 'induce_share', ['甹甶']),
        termRule('test.tail', 'ad_absolute', ['甹甶甽']),
      ]);
      const unit = '甴甹甶甽。';
      const expected: unknown[] = [];
      for (let r = 0; r < reps; r++) {
        const at = r * unit.length;
        expected.push(['induce_share', at, at + 4, 'test.whole', '甴甹甶甽'], ['ad_absolute', at + 1, at + 4, 'test.tail', '甹甶甽']);
      }
      expect(spans(scanner.scan(unit.repeat(reps)))).toEqual(expected);
    });
  }
});
