/**
 * The funnel document: a campaign plan of WeChat touchpoints (nodes) joined by conversion edges. Versioned JSON
 * (`schemaVersion`) stored by the host as one row per funnel and read through `readFunnelDocument`, which migrates an
 * older document and refuses a newer one. Pure: no Node, DOM or React.
 */
import { z } from 'zod';

export const FUNNEL_SCHEMA_VERSION = 1;

/**
 * The touchpoints a plan can hold. Each kind says which WeChat surface it is, so the rule table can apply the surface's
 * quotas (wechat-surfaces.md C6) and the projection knows whether people arriving here are reached, viewing, buying
 * or refunding.
 */
export const NODE_KINDS = [
  /** 服务号群发: 4 per calendar month. */
  'serviceMassSend',
  /** 订阅号（公众号）群发: 1 per day. */
  'subscriptionPost',
  /** 模板消息 / 订阅通知: service notices only. */
  'templateMessage',
  'miniProgramPage',
  /** 小程序或视频号直播间. */
  'liveRoom',
  /** 企业微信 1 对 1 跟进 (客服 / 成员私聊). */
  'wecomOneToOne',
  /** 企业微信客户群群发. */
  'wecomGroupBroadcast',
  /** 企业微信客户朋友圈. */
  'wecomMoments',
  /** 朋友圈广告. */
  'momentsAd',
  /** 海报 / 带参二维码. */
  'posterQr',
  /** 社群 (a community group run by hand). */
  'communityGroup',
  /** The goal: a purchase; `priceFen` is what one purchase brings. */
  'purchase',
  /** A refund after a purchase; `priceFen` is what one refund gives back. */
  'refund',
] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/** What arriving at a node means for the projection: reached by a message, viewing a page or room, buying, refunding. */
export type NodeStage = 'touch' | 'view' | 'goal' | 'refund';
export const NODE_STAGE: Record<NodeKind, NodeStage> = {
  serviceMassSend: 'touch',
  subscriptionPost: 'touch',
  templateMessage: 'touch',
  miniProgramPage: 'view',
  liveRoom: 'view',
  wecomOneToOne: 'touch',
  wecomGroupBroadcast: 'touch',
  wecomMoments: 'touch',
  momentsAd: 'touch',
  posterQr: 'touch',
  communityGroup: 'touch',
  purchase: 'goal',
  refund: 'refund',
};

/** Kinds that send something to people at a moment: they appear in the schedule and count against quotas. */
export const SEND_KINDS: readonly NodeKind[] = [
  'serviceMassSend',
  'subscriptionPost',
  'templateMessage',
  'wecomOneToOne',
  'wecomGroupBroadcast',
  'wecomMoments',
  'momentsAd',
  'posterQr',
  'liveRoom',
];

/** A local time in China (Asia/Shanghai, no offset written): `YYYY-MM-DDTHH:mm`. */
export const LOCAL_TIME_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d$/;
/** True for a calendar day that exists (`2026-02-30` does not): the pattern alone cannot tell. */
export function isRealDay(day: string): boolean {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const localTime = z
  .string()
  .regex(LOCAL_TIME_RE, 'funnel.timeInvalid')
  .refine((t) => isRealDay(t.slice(0, 10)), 'funnel.timeInvalid');

export const FUNNEL_LIMITS = { maxNodes: 500, maxEdges: 1500, maxText: 5000, maxLabel: 60, maxName: 60, maxAudience: 1_000_000_000 } as const;

const nodeId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'funnel.idInvalid');

export const funnelNodeSchema = z.object({
  id: nodeId,
  kind: z.enum(NODE_KINDS),
  label: z.string().max(FUNNEL_LIMITS.maxLabel, 'funnel.labelTooLong'),
  /** Canvas position (px); layout only, never used by rules or projections. */
  x: z.number().finite(),
  y: z.number().finite(),
  /** People this step reaches on its own (followers of a mass send, ad impressions, group members); 0 when it only receives traffic. */
  audience: z.number().int().min(0).max(FUNNEL_LIMITS.maxAudience).default(0),
  /** When it happens, China time; null while undecided (then no quota can be checked for it). */
  at: localTime.nullable().default(null),
  /** When it ends (a live room, an ad flight) and the end of its attribution window for actuals; null: `at` + 7 days. */
  until: localTime.nullable().default(null),
  /** Linked course (courses.get id), poster id and the message text sent (or the ad copy). */
  courseId: z.string().max(64).nullable().default(null),
  posterId: z.string().max(64).nullable().default(null),
  text: z.string().max(FUNNEL_LIMITS.maxText, 'funnel.textTooLong').default(''),
  /** Template / subscribe messages only: what it notifies. WeChat allows service notices only. */
  templatePurpose: z.enum(['service', 'marketing']).default('service'),
  /** WeCom 1:1 only: messages planned per customer in one conversation window. */
  replies: z.number().int().min(0).max(100).default(1),
  /** Purchase: the price of one purchase; refund: the amount of one refund. Integer fen. */
  priceFen: z.number().int().min(0).max(99_999_999).default(0),
  /** The tracking scene whose QR scans, follows and orders count as this step's actuals (companion `scene`). */
  scene: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'funnel.sceneInvalid').nullable().default(null),
});
export type FunnelNode = z.output<typeof funnelNodeSchema>;

const rate = z.number().min(0, 'funnel.rateRange').max(1, 'funnel.rateRange');

/** A conversion from one step to the next: the share of the source's people who arrive at the target. */
export const funnelEdgeSchema = z.object({
  id: nodeId,
  source: nodeId,
  target: nodeId,
  low: rate,
  expected: rate,
  high: rate,
});
export type FunnelEdge = z.output<typeof funnelEdgeSchema>;

export const funnelDocumentSchema = z.object({
  schemaVersion: z.literal(FUNNEL_SCHEMA_VERSION),
  name: z.string().trim().min(1, 'funnel.nameRequired').max(FUNNEL_LIMITS.maxName, 'funnel.nameTooLong'),
  nodes: z.array(funnelNodeSchema).max(FUNNEL_LIMITS.maxNodes, 'funnel.tooManyNodes'),
  edges: z.array(funnelEdgeSchema).max(FUNNEL_LIMITS.maxEdges, 'funnel.tooManyEdges'),
});
/** A whole plan. Node and edge ids are unique within it; edges name existing nodes (checked by `checkFunnelIntegrity`). */
export type FunnelDocument = z.output<typeof funnelDocumentSchema>;

/** Thrown by `readFunnelDocument` when a stored document cannot be read by this version of the app. */
export class FunnelDocumentError extends Error {
  constructor(
    readonly code: 'funnel.tooNew' | 'funnel.unreadable',
    message: string,
  ) {
    super(message);
    this.name = 'FunnelDocumentError';
  }
}

/** Steps from version N to N+1, by N. Empty while version 1 is the only one; a later version adds its step here. */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {};

/**
 * Reads a stored document: runs every migration step from its version to the current one, then validates (filling
 * defaults of fields added later). A document from a newer app is refused, never guessed at.
 */
export function readFunnelDocument(raw: unknown): FunnelDocument {
  if (typeof raw !== 'object' || raw === null) throw new FunnelDocumentError('funnel.unreadable', 'A funnel document is an object');
  let doc = raw as Record<string, unknown>;
  let version = typeof doc.schemaVersion === 'number' ? doc.schemaVersion : 0;
  if (version > FUNNEL_SCHEMA_VERSION) {
    throw new FunnelDocumentError('funnel.tooNew', `Funnel document version ${version} is newer than this app's ${FUNNEL_SCHEMA_VERSION}`);
  }
  if (version < 1) {
    // A document written before versions were recorded is read as version 1.
    doc = { ...doc, schemaVersion: 1 };
    version = 1;
  }
  while (version < FUNNEL_SCHEMA_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) throw new FunnelDocumentError('funnel.unreadable', `No migration from funnel document version ${version}`);
    doc = { ...step(doc), schemaVersion: version + 1 };
    version += 1;
  }
  const parsed = funnelDocumentSchema.safeParse(doc);
  if (!parsed.success) throw new FunnelDocumentError('funnel.unreadable', `Funnel document is invalid: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

/** Structural problems the schema cannot see: duplicate ids, edges to missing nodes, self-loops, duplicate edges. */
export function checkFunnelIntegrity(doc: FunnelDocument): Array<{ path: string; code: string }> {
  const problems: Array<{ path: string; code: string }> = [];
  const ids = new Set<string>();
  doc.nodes.forEach((n, i) => {
    if (ids.has(n.id)) problems.push({ path: `nodes.${i}.id`, code: 'funnel.duplicateId' });
    ids.add(n.id);
  });
  const edgeIds = new Set<string>();
  const pairs = new Set<string>();
  doc.edges.forEach((e, i) => {
    if (edgeIds.has(e.id) || ids.has(e.id)) problems.push({ path: `edges.${i}.id`, code: 'funnel.duplicateId' });
    edgeIds.add(e.id);
    if (!ids.has(e.source)) problems.push({ path: `edges.${i}.source`, code: 'funnel.unknownNode' });
    if (!ids.has(e.target)) problems.push({ path: `edges.${i}.target`, code: 'funnel.unknownNode' });
    if (e.source === e.target) problems.push({ path: `edges.${i}.target`, code: 'funnel.selfLoop' });
    const pair = `${e.source}\u0000${e.target}`;
    if (pairs.has(pair)) problems.push({ path: `edges.${i}`, code: 'funnel.duplicateEdge' });
    pairs.add(pair);
  });
  return problems;
}

/** A node of `kind` with every optional field at its default. */
export function newNode(id: string, kind: NodeKind, label: string, x: number, y: number, extra: Partial<FunnelNode> = {}): FunnelNode {
  return funnelNodeSchema.parse({ id, kind, label, x, y, ...extra });
}

export function emptyFunnel(name: string): FunnelDocument {
  return { schemaVersion: FUNNEL_SCHEMA_VERSION, name, nodes: [], edges: [] };
}
