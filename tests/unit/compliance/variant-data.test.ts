import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import tablesJson from '../../../resources/compliance/tables.json' with { type: 'json' };
import { buildCharTables } from '../../../shared/compliance/chars';
import { createDefaultScanner, defaultRuleSet } from '../../../shared/compliance/default-scanner';
import { createScanner } from '../../../shared/compliance/scanner';
import { decodeVariant, formatVariantData, generateVariants, ruleVariantData, type VariantData } from '../../../shared/compliance/variants';

const FILE = path.resolve(import.meta.dirname, '../../../resources/compliance/variants.json');

describe('variant data made ahead of time (resources/compliance/variants.json)', () => {
  const committed = readFileSync(FILE, 'utf8');
  const data = JSON.parse(committed) as VariantData;

  it('is what scripts/gen-compliance-variants.ts makes from today’s rules, tables and variants.ts', () => {
    const fresh = ruleVariantData(defaultRuleSet(), buildCharTables(tablesJson));
    // A readable failure first (which terms differ), then the exact file.
    expect(Object.keys(data).sort()).toEqual(Object.keys(fresh).sort());
    for (const [kinds, byTerm] of Object.entries(fresh)) expect(data[kinds], kinds).toEqual(byTerm);
    expect(committed).toBe(formatVariantData(fresh));
  });

  it('decodes to what generateVariants returns', () => {
    const tables = buildCharTables(tablesJson);
    const [kinds, byTerm] = Object.entries(data).find(([k]) => k.includes('initials')) ?? [];
    expect(kinds).toBeDefined();
    const [term, entries] = Object.entries(byTerm ?? {})[0] ?? [];
    expect(entries?.map(decodeVariant)).toEqual(generateVariants(tables, term as string, (kinds as string).split(',')));
    expect(() => decodeVariant('xabc')).toThrow(/unknown evasion code/);
  });

  it('gives the scanner the same keys and findings as generating the variants on the spot', () => {
    const tables = buildCharTables(tablesJson);
    const ahead = createScanner(defaultRuleSet(), tables, {}, data);
    const onTheSpot = createScanner(defaultRuleSet(), tables, {});
    expect(ahead.stats.patterns).toBe(onTheSpot.stats.patterns);
    expect(ahead.stats.states).toBe(onTheSpot.stats.states);
    const text = '加我weixin领hongbao，转发朋友圈送礼品，薇信号私聊，dai kuan包过';
    expect(ahead.scan(text)).toEqual(onTheSpot.scan(text));
    expect(ahead.scan(text).length).toBeGreaterThan(0);
    expect(createDefaultScanner().stats.patterns).toBe(onTheSpot.stats.patterns);
  });
});
