/**
 * The funnel planner's contract methods, spread into the method table (shared/contract/methods.ts).
 */
import { z } from 'zod';
import { funnelDocumentSchema, isRealDay } from './document';
import { funnelSettingsSchema } from './rules';
import { FUNNEL_TEMPLATE_IDS } from './templates';

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id.invalid');

export const funnelSchema = z.object({
  id,
  document: funnelDocumentSchema,
  /** Increases on every save; `funnels.save` takes the version it started from. */
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** A stored funnel: its document (migrated to the current schema on load) and its save version. */
export type Funnel = z.output<typeof funnelSchema>;

export const funnelSummarySchema = z.object({
  id,
  name: z.string(),
  nodeCount: z.number().int(),
  /** The earliest step's time (China time), or null when nothing is scheduled. */
  startsAt: z.string().nullable(),
  version: z.number().int(),
  updatedAt: z.string(),
});

/** Why there are no actuals; the page then shows "no actuals" quietly. */
export const ACTUALS_UNAVAILABLE = ['offline', 'error'] as const;

export const funnelActualsSchema = z.object({
  available: z.boolean(),
  reason: z.enum(ACTUALS_UNAVAILABLE).optional(),
  /** Per node with a tracking scene and a time: QR scans, follows, paid orders and net revenue in its window. */
  nodes: z.array(
    z.object({ nodeId: z.string(), scans: z.number().int(), follows: z.number().int(), purchases: z.number().int(), revenueFen: z.number().int() }),
  ),
  /** How many events and orders were read (the most recent ones, up to the host's limit). */
  eventsRead: z.number().int(),
  ordersRead: z.number().int(),
});
export type FunnelActuals = z.output<typeof funnelActualsSchema>;

export const funnelMethods = {
  'funnels.list': { input: z.object({}), output: z.object({ items: z.array(funnelSummarySchema) }) },
  'funnels.get': { input: z.object({ id }), output: funnelSchema },
  /** A new funnel: empty, or from a template whose day 0 is `startDay` (China time). */
  'funnels.create': {
    input: z.object({
      name: z.string().trim().min(1, 'funnel.nameRequired').max(60, 'funnel.nameTooLong'),
      templateId: z.enum(FUNNEL_TEMPLATE_IDS).optional(),
      startDay: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'funnel.dayInvalid')
        .refine(isRealDay, 'funnel.dayInvalid')
        .optional(),
      locale: z.enum(['zh', 'en']).default('zh'),
    }),
    output: funnelSchema,
  },
  /** Saves the whole document against `baseVersion`; a stale base is CONFLICT and nothing is written. */
  'funnels.save': { input: z.object({ id, baseVersion: z.number().int().min(1), document: funnelDocumentSchema }), output: funnelSchema },
  'funnels.delete': { input: z.object({ id }), output: z.object({ id }) },
  /** The workspace's choices for the rule table's CONFLICT items. */
  'funnels.settings': { input: z.object({}), output: funnelSettingsSchema },
  'funnels.updateSettings': { input: funnelSettingsSchema.partial(), output: funnelSettingsSchema },
  /** The stored plan drawn by the host (no window needed) as a PNG, base64. */
  'funnels.exportPng': {
    input: z.object({ id, scale: z.union([z.literal(1), z.literal(2)]).default(2), locale: z.enum(['zh', 'en']).default('zh') }),
    output: z.object({ fileName: z.string(), pngBase64: z.string(), width: z.number().int(), height: z.number().int() }),
  },
  /** The stored plan's steps as CSV (UTF-8 with BOM). */
  'funnels.exportCsv': {
    input: z.object({ id, locale: z.enum(['zh', 'en']).default('zh') }),
    output: z.object({ fileName: z.string(), csv: z.string() }),
  },
  /** Actual counts per node from the companion's events and orders; never fails for being offline. */
  'funnels.actuals': { input: z.object({ id }), output: funnelActualsSchema },
} as const;
