/**
 * The scanner built from the shipped rule data (resources/compliance/rules.json) and character tables
 * (resources/compliance/tables.json), with the rule terms' variants made ahead of time (resources/compliance/variants.json,
 * see VariantData). The tables are built once per process; a scanner per option set.
 */
import rulesJson from '../../resources/compliance/rules.json' with { type: 'json' };
import tablesJson from '../../resources/compliance/tables.json' with { type: 'json' };
import variantsJson from '../../resources/compliance/variants.json' with { type: 'json' };
import { buildCharTables, type CharTables } from './chars';
import { type RuleSet, ruleSetSchema } from './rule-data';
import { createScanner } from './scanner';
import type { Scanner, ScannerOptions } from './types';
import type { VariantData } from './variants';

let tables: CharTables | null = null;
let ruleSet: RuleSet | null = null;

/** The shared character tables (built on first use, ~20 ms). */
export function defaultCharTables(): CharTables {
  tables ??= buildCharTables(tablesJson);
  return tables;
}

/** The shipped rule set, validated against its schema. */
export function defaultRuleSet(): RuleSet {
  ruleSet ??= ruleSetSchema.parse(rulesJson);
  return ruleSet;
}

export const RULESET_VERSION: string = (rulesJson as { version: string }).version;

export function createDefaultScanner(options?: ScannerOptions): Scanner {
  return createScanner(defaultRuleSet(), defaultCharTables(), options, variantsJson as VariantData);
}
