/**
 * The compliance part of the method table (spread into `methods` in methods.ts): scanning a course, the publish
 * gate, acknowledgements and their audit trail, the team's term lists, and reports.
 *
 * The publish gate for later callers (sync, publish): call `ComplianceService.assertPublishable(courseId)` in the host
 * (or the `compliance.gate` method from elsewhere) right before a course is published or pushed as published, inside
 * the same host call; it re-scans the stored course with the current rules and team lists and throws
 * COMPLIANCE_BLOCKED (fields = what blocks) unless nothing blocks and every must-fix finding is acknowledged. A
 * course's readiness (`compliance.publishState`) is the creator's intent, re-checked on every read and every save; it
 * is not a substitute for calling the gate at publish time.
 */
import { z } from 'zod';
import { CATEGORIES, EVASIONS, SEVERITIES } from '../compliance/types';
import { charLength } from '../domain/course';
import { LOCALES } from '../settings';

const bilingual = z.object({ zh: z.string(), en: z.string() });
const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id.invalid');

export const COMPLIANCE_TARGETS = ['course', 'chapter', 'lesson'] as const;
export type ComplianceTarget = (typeof COMPLIANCE_TARGETS)[number];
/**
 * Fields a creator publishes. `body` is a lesson's rich text; share-card fields belong to the course; `author` (图文),
 * `dailyTasks` (训练营: each task's title and description, one per line), `transcript` (音频) and `chapterMarks` (视频:
 * their titles, one per line) come from the type's own fields.
 */
export const COMPLIANCE_FIELDS = ['title', 'summary', 'body', 'shareTitle', 'shareDescription', 'author', 'dailyTasks', 'transcript', 'chapterMarks'] as const;
export type ComplianceField = (typeof COMPLIANCE_FIELDS)[number];

export const ACK_REASON_MAX_CHARS = 500;
export const TERM_MAX_CHARS = 100;
/** An imported word list's size limit in bytes (the largest shared lexicon is 1.2 MB). */
export const WORD_LIST_MAX_BYTES = 8 * 1024 * 1024;
export const TERMS_PER_LIST_MAX = 200_000;

/** Where a finding is: which object, which field, and the span in that field's text. */
export const findingLocationSchema = z.object({
  target: z.enum(COMPLIANCE_TARGETS),
  /** The course's, chapter's or lesson's id. */
  id: z.string(),
  field: z.enum(COMPLIANCE_FIELDS),
  /** UTF-16 offsets in the field's text, end exclusive (for `body`: in the text made from its HTML). */
  start: z.number().int(),
  end: z.number().int(),
  /** Rich-text fields only: the same span in the stored HTML. */
  sourceStart: z.number().int().optional(),
  sourceEnd: z.number().int().optional(),
});
export type FindingLocation = z.infer<typeof findingLocationSchema>;

export const ackEntrySchema = z.object({
  /** Order in the append-only trail. */
  seq: z.number().int(),
  courseId: z.string(),
  target: z.enum(COMPLIANCE_TARGETS),
  targetId: z.string(),
  field: z.enum(COMPLIANCE_FIELDS),
  rule: z.string(),
  category: z.enum(CATEGORIES),
  /** The matched text the acknowledgement covers; different text needs a new acknowledgement. */
  text: z.string(),
  /** `revoke` withdraws an earlier acknowledgement of the same finding; rows are never changed or deleted. */
  action: z.enum(['ack', 'revoke']),
  reason: z.string(),
  actor: z.string(),
  /** `team`: the team member this studio is bound as; `os`: this computer's user account. */
  actorSource: z.enum(['team', 'os']),
  createdAt: z.string(),
});
export type AckEntry = z.infer<typeof ackEntrySchema>;

/**
 * What an acknowledgement is tied to: object, field, rule and matched text — never the offsets, which move as the
 * creator edits elsewhere in the field. The same key in the host and the renderer.
 */
export function findingKey(ref: { target: string; targetId: string; field: string; rule: string; text: string }): string {
  return JSON.stringify([ref.target, ref.targetId, ref.field, ref.rule, ref.text]);
}

export const locatedFindingSchema = z.object({
  category: z.enum(CATEGORIES),
  severity: z.enum(SEVERITIES),
  text: z.string(),
  rule: z.string(),
  basis: bilingual,
  message: bilingual,
  suggestion: bilingual.optional(),
  evasions: z.array(z.enum(EVASIONS)),
  location: findingLocationSchema,
  /** What an acknowledgement is tied to: object, field, rule and matched text (not the offsets). */
  key: z.string(),
  /** The acknowledgement in force for a must-fix finding, or null. */
  acknowledgement: ackEntrySchema.nullable(),
});
export type LocatedFinding = z.infer<typeof locatedFindingSchema>;

export const gateSchema = z.object({
  courseId: z.string(),
  courseVersion: z.number().int(),
  /** True when nothing blocks and every must-fix finding is acknowledged. */
  allowed: z.boolean(),
  blocking: z.array(locatedFindingSchema),
  unacknowledged: z.array(locatedFindingSchema),
});
export type GateResult = z.infer<typeof gateSchema>;

export const courseScanSchema = z.object({
  courseId: z.string(),
  courseVersion: z.number().int(),
  rulesetVersion: z.string(),
  listsVersion: z.string(),
  /** Every finding (info hints included), in document order. */
  findings: z.array(locatedFindingSchema),
  gate: gateSchema,
});
export type CourseScan = z.infer<typeof courseScanSchema>;

export const publishStateSchema = z.object({
  courseId: z.string(),
  /** `ready`: the creator submitted it and the gate passes on the stored course as it is now. */
  state: z.enum(['draft', 'ready']),
  /** Set when a ready course went back to draft by itself because new findings appeared. */
  withdrawnReason: z.enum(['findings']).nullable(),
  changedBy: z.string().nullable(),
  changedAt: z.string().nullable(),
});
export type PublishState = z.infer<typeof publishStateSchema>;

/** Kinds of team list. */
export const LIST_KINDS = ['flag', 'allow', 'host'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

export const termListSchema = z.object({
  id: z.string(),
  name: z.string(),
  /**
   * `flag`: terms that fire under their category; `allow`: terms that never fire; `host`: the tenant's own hosts
   * (course domains), which links may point to without an external_link finding (exact or dot-suffix match).
   */
  kind: z.enum(LIST_KINDS),
  /** `manual`, or `import:<file name>`. */
  source: z.string(),
  enabled: z.boolean(),
  termCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TermList = z.infer<typeof termListSchema>;

const termText = z
  .string()
  .trim()
  .min(1, 'term.required')
  .check((ctx) => {
    if (charLength(ctx.value) > TERM_MAX_CHARS) ctx.issues.push({ code: 'custom', message: 'term.tooLong', input: ctx.value });
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(ctx.value)) ctx.issues.push({ code: 'custom', message: 'term.control', input: ctx.value });
  });

const listName = z
  .string()
  .trim()
  .min(1, 'listName.required')
  .max(100, 'listName.tooLong');

/** A finding as a caller names it for an acknowledgement: object, field, rule and the matched text. */
const findingRef = {
  courseId: id,
  target: z.enum(COMPLIANCE_TARGETS),
  targetId: id,
  field: z.enum(COMPLIANCE_FIELDS),
  rule: z.string().min(1).max(200),
  text: z.string().min(1).max(2000),
};

const reason = z
  .string()
  .trim()
  .min(1, 'reason.required')
  .check((ctx) => {
    if (charLength(ctx.value) > ACK_REASON_MAX_CHARS) ctx.issues.push({ code: 'custom', message: 'reason.tooLong', input: ctx.value });
  });

export const complianceMethods = {
  /** Scans everything a creator publishes in the stored course, with the current rules and the team's lists. */
  'compliance.scanCourse': { input: z.object({ courseId: id }), output: courseScanSchema },
  /** The publish gate: `allowed` unless a block finding or an unacknowledged must-fix finding remains. */
  'compliance.gate': { input: z.object({ courseId: id }), output: gateSchema },
  /** Acknowledges a must-fix finding with a reason; block findings cannot be acknowledged. */
  'compliance.acknowledge': { input: z.object({ ...findingRef, reason }), output: ackEntrySchema },
  /** Withdraws an acknowledgement (a new row in the trail). */
  'compliance.revoke': {
    input: z.object({ ...findingRef, reason: z.string().trim().max(ACK_REASON_MAX_CHARS, 'reason.tooLong').default('') }),
    output: ackEntrySchema,
  },
  /** The acknowledgement trail, newest first; one course's or the whole workspace's. */
  'compliance.auditTrail': {
    input: z.object({
      courseId: id.optional(),
      limit: z.number().int().min(1).max(500).default(100),
      offset: z.number().int().min(0).default(0),
    }),
    output: z.object({ items: z.array(ackEntrySchema), total: z.number().int() }),
  },
  /** Who acknowledgements will be recorded as. */
  'compliance.actor': { input: z.object({}), output: z.object({ name: z.string(), source: z.enum(['team', 'os']) }) },
  'compliance.publishState': { input: z.object({ courseId: id }), output: publishStateSchema },
  /** 提交发布: marks the course ready after the gate passes in the host; COMPLIANCE_BLOCKED lists what blocks. */
  'compliance.submitForPublish': { input: z.object({ courseId: id }), output: publishStateSchema },
  'compliance.withdrawFromPublish': { input: z.object({ courseId: id }), output: publishStateSchema },
  /**
   * What the renderer's scanner needs to match the host's: the team's enabled terms. Terms travel packed as text
   * (flag terms as `term<TAB>category` lines, allow terms and hosts one per line) because a 64k-term list parsed as JSON objects
   * would hold the page's main thread for several frames; the scanning worker unpacks them.
   */
  'compliance.scannerConfig': {
    input: z.object({}),
    output: z.object({ listsVersion: z.string(), flagTerms: z.string(), allowTerms: z.string(), hosts: z.string() }),
  },
  'compliance.lists': { input: z.object({}), output: z.object({ items: z.array(termListSchema) }) },
  'compliance.createList': {
    input: z.object({ name: listName, kind: z.enum(LIST_KINDS) }),
    output: termListSchema,
  },
  /** Renames a list or turns it on or off (an off list is kept but not used by the scanner). */
  'compliance.updateList': {
    input: z.object({ id, name: listName.optional(), enabled: z.boolean().optional() }),
    output: termListSchema,
  },
  'compliance.deleteList': { input: z.object({ id }), output: z.object({ id: z.string() }) },
  'compliance.listTerms': {
    input: z.object({
      listId: id,
      query: z.string().max(100).default(''),
      limit: z.number().int().min(1).max(500).default(100),
      offset: z.number().int().min(0).default(0),
    }),
    output: z.object({
      items: z.array(z.object({ term: z.string(), category: z.enum(CATEGORIES).nullable() })),
      total: z.number().int(),
    }),
  },
  /** Adds terms; on a flag list each needs a category. Terms already in the list are updated, not duplicated. */
  'compliance.addTerms': {
    input: z.object({
      listId: id,
      terms: z.array(z.object({ term: termText, category: z.enum(CATEGORIES).optional() })).min(1).max(1000),
    }),
    output: z.object({ list: termListSchema, added: z.number().int(), updated: z.number().int() }),
  },
  'compliance.removeTerms': {
    input: z.object({ listId: id, terms: z.array(z.string()).min(1).max(1000) }),
    output: z.object({ list: termListSchema, removed: z.number().int() }),
  },
  /**
   * Imports a word list file (UTF-8, one term per line, optional category column) into a new list, or into
   * `listId`. A malformed file changes nothing and answers INVALID_INPUT with `details.line`.
   */
  'compliance.importList': {
    input: z.object({
      fileName: z.string().trim().min(1).max(255),
      /** The file's bytes; checked as UTF-8 in the host. */
      dataBase64: z.string().max(Math.ceil(WORD_LIST_MAX_BYTES / 3) * 4 + 4, 'wordList.tooLarge'),
      kind: z.enum(LIST_KINDS),
      /** Category for lines without one (flag lists). */
      defaultCategory: z.enum(CATEGORIES).optional(),
      listId: id.optional(),
      name: listName.optional(),
    }),
    output: z.object({ list: termListSchema, added: z.number().int(), updated: z.number().int(), skipped: z.number().int() }),
  },
  /** The report as one self-contained HTML file (printable), in the UI language unless `locale` says otherwise. */
  'compliance.exportHtml': {
    input: z.object({ courseId: id, locale: z.enum(LOCALES).optional() }),
    output: z.object({ fileName: z.string(), html: z.string() }),
  },
  /** The same report as a PDF document, rendered in the host. */
  'compliance.exportPdf': {
    input: z.object({ courseId: id, locale: z.enum(LOCALES).optional() }),
    output: z.object({ fileName: z.string(), dataBase64: z.string() }),
  },
} as const;
