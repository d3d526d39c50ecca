/**
 * The schema of the rule data in resources/compliance/rules.json. The data is ours, written from
 * compliance-rules.md; it is versioned (`version`) and each rule carries positive and negative examples that a unit
 * test runs. Terms may name a shared list with "@name".
 */
import { z } from 'zod';
import { CATEGORIES, SEVERITIES } from './types';

const text = z.object({ zh: z.string().min(1), en: z.string().min(1) });
const category = z.enum(CATEGORIES);
const severity = z.enum(SEVERITIES);
/** homophone: same reading and tone; homophone_loose: also toneless single swaps in longer terms. */
const variant = z.enum(['pinyin', 'initials', 'homophone', 'homophone_loose']);
const terms = z.array(z.string().min(1)).min(1);

/** A context window: fires when one of the terms occurs near the match, inside the same sentence. */
export const contextSchema = z.object({
  terms,
  /** How many characters before the match's start to look (default: the whole sentence). */
  before: z.number().int().min(0).max(200).optional(),
  /** How many characters after the match's end to look (default 0). */
  after: z.number().int().min(0).max(200).optional(),
});
export type RuleContext = z.infer<typeof contextSchema>;

const examples = z.object({ positive: z.array(z.string().min(1)).min(1), negative: z.array(z.string().min(1)).min(1) });

const common = {
  id: z.string().regex(/^[a-z_]+\.[a-z_0-9.]+$/),
  category,
  /** Defaults to the category's severity. */
  severity: severity.optional(),
  message: text,
  /** Override of the category's basis (a more specific article). */
  basis: text.optional(),
  suggestion: text.optional(),
  /** Longer words that contain a term but are not findings (the same characters inside an unrelated word). */
  allow: z.array(z.string().min(1)).optional(),
  /** Contexts that cancel the finding (negations, warnings, exemptions). */
  unless: z.array(contextSchema).optional(),
  /** Contexts that turn the finding into an info-level hint (a scoped factual claim that needs evidence). */
  hintWhen: z.array(contextSchema).optional(),
  examples,
};

export const termRuleSchema = z.object({ ...common, kind: z.literal('term'), terms, variants: z.array(variant).optional() });

/** Two parts near each other in one sentence, in either order: an action and its reward, gate or coercion. */
export const pairRuleSchema = z.object({
  ...common,
  kind: z.literal('pair'),
  a: terms,
  b: terms,
  /** Greatest gap in characters between the two parts. */
  window: z.number().int().min(0).max(80),
  /** "ab": the a part must come first. */
  order: z.enum(['ab', 'any']).default('any'),
  variants: z.object({ a: z.array(variant).optional(), b: z.array(variant).optional() }).optional(),
});

export const VALIDATORS = ['cn_mobile', 'cn_resident_id', 'bank_card', 'url', 'ip_address', 'tao_token'] as const;
export const validatorRuleSchema = z.object({ ...common, kind: z.literal('validator'), validator: z.enum(VALIDATORS) });

export const ruleSchema = z.discriminatedUnion('kind', [termRuleSchema, pairRuleSchema, validatorRuleSchema]);
export type Rule = z.infer<typeof ruleSchema>;

export const RULE_SCHEMA_VERSION = 1;

export const ruleSetSchema = z.object({
  schemaVersion: z.literal(RULE_SCHEMA_VERSION),
  version: z.string().min(1),
  categories: z.record(category, z.object({ severity, label: text, basis: text })),
  lists: z.record(z.string().regex(/^[a-z_]+$/), terms),
  /** Hosts that are never external (compliance-rules.md §4: WeChat's own hosts). */
  whitelist: z.array(z.string().min(1)),
  /** Top-level domains recognised in bare and obfuscated domains. */
  tlds: z.array(z.string().regex(/^[a-z]{2,12}$/)),
  /** Context terms before a digit run that make it an identifier rather than personal data (订单号, ISBN ...). */
  identifierLabels: terms,
  rules: z.array(ruleSchema).min(1),
});
export type RuleSet = z.infer<typeof ruleSetSchema>;
export type RuleSetInput = z.input<typeof ruleSetSchema>;
