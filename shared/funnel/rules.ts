/**
 * The planner's rule table (resources/funnel/rules.json): one versioned list of WeChat's quotas and copy limits, each
 * with its source document, section and date. Where the sources disagree (CONFLICT in wechat-surfaces.md) the choice
 * is a workspace setting with a documented default, never a literal in code.
 */
import { z } from 'zod';
import rulesJson from '../../resources/funnel/rules.json' with { type: 'json' };
import { NODE_KINDS } from './document';

const text = z.object({ zh: z.string(), en: z.string() });
const source = z.object({ doc: z.string(), section: z.string(), ref: z.string(), date: z.string(), also: z.string().optional() });

export const funnelRuleSchema = z.object({
  id: z.string(),
  severity: z.enum(['error', 'warning']),
  /** Node kinds the rule looks at; empty for rules about the plan's shape. */
  kinds: z.array(z.enum(NODE_KINDS)),
  source,
  parameters: z.record(z.string(), z.unknown()),
  /** With `{{name}}` placeholders filled by the validator. */
  message: text,
  basis: text,
});
export type FunnelRule = z.output<typeof funnelRuleSchema>;

export const funnelRuleTableSchema = z.object({
  schemaVersion: z.literal(1),
  version: z.string(),
  settings: z.array(
    z.object({
      id: z.string(),
      conflict: z.string(),
      default: z.string(),
      options: z.array(z.object({ id: z.string(), source })),
    }),
  ),
  rules: z.array(funnelRuleSchema),
});
export type FunnelRuleTable = z.output<typeof funnelRuleTableSchema>;

let table: FunnelRuleTable | null = null;

/** The shipped rule table, validated on first use. */
export function funnelRules(): FunnelRuleTable {
  table ??= funnelRuleTableSchema.parse(rulesJson);
  return table;
}

export function ruleById(id: string): FunnelRule {
  const rule = funnelRules().rules.find((r) => r.id === id);
  if (!rule) throw new Error(`No funnel rule ${id}`);
  return rule;
}

export const WECOM_GROUP_SEND_CAPS = ['daysInMonth', 'sevenPerWeek', 'onePerDay', 'fourPerMonth'] as const;
export const MOMENTS_AD_COPY_LIMITS = ['30', '40'] as const;

/**
 * The workspace's choice for each CONFLICT item of the rule table. Defaults (the newest source): WeCom's receive cap is
 * the days in the month (WeCom doc of 2025-11-17), the Moments-ad copy limit 30 characters (the current 橱窗 spec).
 */
export const funnelSettingsSchema = z.object({
  wecomGroupSendCap: z.enum(WECOM_GROUP_SEND_CAPS).default('daysInMonth'),
  momentsAdCopyLimit: z.enum(MOMENTS_AD_COPY_LIMITS).default('30'),
});
export type FunnelSettings = z.output<typeof funnelSettingsSchema>;
export const DEFAULT_FUNNEL_SETTINGS: FunnelSettings = funnelSettingsSchema.parse({});

/** "wechat-surfaces.md C6 [W1] 2023-05-11": how a finding cites its rule's source. */
export function citeSource(rule: FunnelRule): string {
  const s = rule.source;
  return [s.doc, s.section, s.ref, s.date].filter(Boolean).join(' ') + (s.also ? `; ${s.also}` : '');
}

export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => String(values[key] ?? ''));
}
