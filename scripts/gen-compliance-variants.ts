// Generates resources/compliance/variants.json: the pinyin, initials, homophone and numeral spellings of every rule
// term in resources/compliance/rules.json that asks for them, made with the shipped character tables. The scanner
// reads them instead of generating them on every first build; tests/unit/compliance/variant-data.test.ts fails when
// the file is not what this script writes today. Run after changing the rules, the tables or variants.ts:
//   npx tsx scripts/gen-compliance-variants.ts
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultCharTables, defaultRuleSet } from '../shared/compliance/default-scanner';
import { formatVariantData, ruleVariantData } from '../shared/compliance/variants';

const file = path.resolve(import.meta.dirname, '../resources/compliance/variants.json');
const data = ruleVariantData(defaultRuleSet(), defaultCharTables());
writeFileSync(file, formatVariantData(data));
const count = Object.values(data).reduce((sum, byTerm) => sum + Object.values(byTerm).reduce((n, list) => n + list.length, 0), 0);
console.log(`wrote ${path.relative(process.cwd(), file)}: ${count} spellings of ${Object.values(data).reduce((n, byTerm) => n + Object.keys(byTerm).length, 0)} terms`);
