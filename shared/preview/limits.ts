/**
 * WeChat's limits, from one versioned data table (data/limits.json): every number with its unit, its source and that
 * source's date. Where sources disagree (wechat-surfaces.md marks them CONFLICT) the table lists the options and the
 * default — the current documentation — and the creator may choose another in the preview settings.
 *
 * Nothing else in the code spells out these numbers: surfaces and warnings ask this module.
 */
import { z } from 'zod';
import table from './data/limits.json' with { type: 'json' };
import { utf8Length } from './measure';

export const LIMIT_UNITS = ['chars', 'bytes', 'templateChars', 'px', 'count', 'lines', 'ratio', 'boolean'] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const tableSchema = z.object({
  schemaVersion: z.literal(1),
  /** Incremented whenever a number, a source or a default changes. */
  edition: z.number().int().min(1),
  compiledOn: isoDate,
  basis: z.string(),
  sources: z.record(
    z.string(),
    z.object({ title: z.string(), url: z.url(), grade: z.enum(['O', 'R', 'M', '3P', '3P-low']), date: isoDate.nullable() }),
  ),
  limits: z.array(
    z.object({
      id: z.string().regex(/^[a-zA-Z0-9]+(\.[a-zA-Z0-9]+)+$/),
      value: z.number(),
      unit: z.enum(LIMIT_UNITS),
      source: z.string(),
      /** The source's own date, or null when the source is undated (then `compiledOn` says when it was read). */
      date: isoDate.nullable(),
      what: z.string(),
    }),
  ),
  choices: z.array(z.object({ id: z.string(), options: z.array(z.string()).min(2), default: z.string(), why: z.string() })),
});

export type LimitsTable = z.infer<typeof tableSchema>;
export type Limit = LimitsTable['limits'][number];
export type LimitSource = LimitsTable['sources'][string];

/** Parses the table and checks its references (sources, choice options and defaults); throws on any mistake. */
export function parseLimitsTable(raw: unknown): LimitsTable {
  const parsed = tableSchema.parse(raw);
  const ids = new Set<string>();
  for (const l of parsed.limits) {
    if (ids.has(l.id)) throw new Error(`limit ${l.id} appears twice`);
    ids.add(l.id);
    if (!parsed.sources[l.source]) throw new Error(`limit ${l.id} names unknown source ${l.source}`);
  }
  for (const c of parsed.choices) {
    for (const o of c.options) if (!ids.has(o)) throw new Error(`choice ${c.id} names unknown limit ${o}`);
    if (!c.options.includes(c.default)) throw new Error(`choice ${c.id} defaults to ${c.default}, which is not an option`);
  }
  return parsed;
}

export const LIMITS_TABLE: LimitsTable = parseLimitsTable(table);
const BY_ID = new Map(LIMITS_TABLE.limits.map((l) => [l.id, l]));

export function limit(id: string): Limit {
  const found = BY_ID.get(id);
  if (!found) throw new Error(`No limit ${id} in the limits table`);
  return found;
}

export function limitValue(id: string): number {
  return limit(id).value;
}

export function limitSource(l: Limit): LimitSource & { key: string } {
  return { key: l.source, ...LIMITS_TABLE.sources[l.source]! };
}

/** The CONFLICT items the creator can choose, with the current documentation's value as default. */
export const LIMIT_CHOICE_IDS = ['oa.titleLimit', 'oa.digestLimit', 'oa.digestFallback'] as const;
export type LimitChoiceId = (typeof LIMIT_CHOICE_IDS)[number];
export type LimitChoices = Record<LimitChoiceId, string>;

export function limitChoice(id: LimitChoiceId): LimitsTable['choices'][number] {
  const found = LIMITS_TABLE.choices.find((c) => c.id === id);
  if (!found) throw new Error(`No choice ${id} in the limits table`);
  return found;
}

export const DEFAULT_LIMIT_CHOICES: LimitChoices = Object.fromEntries(
  LIMIT_CHOICE_IDS.map((id) => [id, limitChoice(id).default]),
) as LimitChoices;

/** The limit in force for a choice; an unknown or stale option falls back to the default. */
export function chosenLimit(choices: Partial<LimitChoices>, id: LimitChoiceId): Limit {
  const choice = limitChoice(id);
  const picked = choices[id];
  return limit(picked && choice.options.includes(picked) ? picked : choice.default);
}

/**
 * How a template message counts a keyword value: consecutive ASCII letters and digits count as one character
 * (wechat-surfaces.md B6, [T4]); every other character (CJK, punctuation, a space) counts as one.
 */
export function templateLength(text: string): number {
  return templateUnits(text).length;
}

/** The value split into the units a template message counts. */
export function templateUnits(text: string): string[] {
  return text.match(/[A-Za-z0-9]+|[\s\S]/gu) ?? [];
}

/** Code points: how WeChat's backend and draft API count 字 (an emoji counts once). */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** A text's length in a limit's unit. */
export function lengthIn(unit: LimitUnit, text: string): number {
  if (unit === 'bytes') return utf8Length(text);
  if (unit === 'templateChars') return templateLength(text);
  return charCount(text);
}

/** The longest prefix of `text` whose length in `unit` is at most `max`, never splitting a character. */
export function cutTo(unit: LimitUnit, text: string, max: number): string {
  if (unit === 'templateChars') return templateUnits(text).slice(0, max).join('');
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = unit === 'bytes' ? utf8Length(ch) : 1;
    if (used + n > max) break;
    used += n;
    out += ch;
  }
  return out;
}
