/**
 * Campaign templates (resources/funnel/templates.json): plans whose times are days after a start date, instantiated
 * in the creator's language from a start day chosen when the funnel is created.
 */
import { z } from 'zod';
import templatesJson from '../../resources/funnel/templates.json' with { type: 'json' };
import { FUNNEL_SCHEMA_VERSION, NODE_KINDS, funnelDocumentSchema, type FunnelDocument } from './document';

const text = z.object({ zh: z.string(), en: z.string() });
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

const templateSchema = z.object({
  id: z.string(),
  name: text,
  description: text,
  nodes: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(NODE_KINDS),
      label: text,
      x: z.number(),
      y: z.number(),
      audience: z.number().int().optional(),
      /** Days after the start day, and the local time. */
      day: z.number().int().min(0).optional(),
      time: hhmm.optional(),
      untilDay: z.number().int().min(0).optional(),
      untilTime: hhmm.optional(),
      text: text.optional(),
      replies: z.number().int().optional(),
      priceFen: z.number().int().optional(),
      scene: z.string().optional(),
    }),
  ),
  edges: z.array(z.object({ source: z.string(), target: z.string(), low: z.number(), expected: z.number(), high: z.number() })),
});
export type FunnelTemplate = z.output<typeof templateSchema>;

let templates: FunnelTemplate[] | null = null;

export function funnelTemplates(): FunnelTemplate[] {
  templates ??= z.object({ schemaVersion: z.literal(1), templates: z.array(templateSchema) }).parse(templatesJson).templates;
  return templates;
}

export const FUNNEL_TEMPLATE_IDS = ['classic-live', 'series-community', 'poster-wecom'] as const;

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The template as a document whose day 0 is `startDay` (`YYYY-MM-DD`, China time). */
export function instantiateTemplate(id: string, startDay: string, locale: 'zh' | 'en', name?: string): FunnelDocument {
  const t = funnelTemplates().find((x) => x.id === id);
  if (!t) throw new Error(`No funnel template ${id}`);
  const doc = {
    schemaVersion: FUNNEL_SCHEMA_VERSION,
    name: name ?? t.name[locale],
    nodes: t.nodes.map((n) => ({
      id: n.id,
      kind: n.kind,
      label: n.label[locale],
      x: n.x,
      y: n.y,
      audience: n.audience ?? 0,
      at: n.day !== undefined ? `${addDays(startDay, n.day)}T${n.time ?? '09:00'}` : null,
      until: n.untilDay !== undefined ? `${addDays(startDay, n.untilDay)}T${n.untilTime ?? '23:59'}` : null,
      text: n.text?.[locale] ?? '',
      ...(n.replies !== undefined ? { replies: n.replies } : {}),
      ...(n.priceFen !== undefined ? { priceFen: n.priceFen } : {}),
      scene: n.scene ?? null,
    })),
    edges: t.edges.map((e, i) => ({ id: `e${i + 1}`, ...e })),
  };
  return funnelDocumentSchema.parse(doc);
}
