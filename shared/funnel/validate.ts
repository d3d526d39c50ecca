/**
 * Validates a whole plan against the calendar and the rule table: quotas per Beijing calendar month / day / week,
 * message and copy limits, reply windows, and the plan's shape (cycles, time order, rate ranges). Pure and linear in
 * the plan's size (a 200-node plan takes well under a millisecond; `npm run bench:funnels`).
 */
import type { FunnelDocument, FunnelNode, NodeKind } from './document';
import { citeSource, fill, ruleById, type FunnelSettings, DEFAULT_FUNNEL_SETTINGS } from './rules';
import { HOUR_MS, chinaTimeToEpoch, dayOf, daysInMonth, monthOf, weekOf } from './time';

/** One problem in a plan, shown on its node and in the validation list. */
export interface FunnelFinding {
  /** The node it is about; null for an edge-only finding (then `edgeId` is set). */
  nodeId: string | null;
  edgeId: string | null;
  /** The rule table's id, e.g. `oa.service.massSend.monthly`. */
  ruleId: string;
  severity: 'error' | 'warning';
  message: { zh: string; en: string };
  basis: { zh: string; en: string };
  /** Where the rule comes from: document, section, source key and date. */
  source: string;
}

type Values = Record<string, string | number>;

/** A finding of `ruleId`; `en` overrides values that are words (they differ by language). */
function finding(ruleId: string, nodeId: string | null, values: Values = {}, edgeId: string | null = null, en: Values = {}): FunnelFinding {
  const rule = ruleById(ruleId);
  return {
    nodeId,
    edgeId,
    ruleId,
    severity: rule.severity,
    message: { zh: fill(rule.message.zh, values), en: fill(rule.message.en, { ...values, ...en }) },
    basis: { zh: fill(rule.basis.zh, values), en: fill(rule.basis.en, values) },
    source: citeSource(rule),
  };
}

const chars = (text: string): number => [...text].length;
const param = (ruleId: string, key: string): number => Number(ruleById(ruleId).parameters[key]);

function timed(doc: FunnelDocument, kind: NodeKind): Array<FunnelNode & { at: string }> {
  return doc.nodes
    .filter((n): n is FunnelNode & { at: string } => n.kind === kind && n.at !== null)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
}

/** Counts sends per period in time order; every send past `max(period)` is a finding. */
function quota(
  nodes: Array<FunnelNode & { at: string }>,
  periodOf: (at: string) => string,
  maxOf: (period: string) => number,
  make: (node: FunnelNode, n: number, period: string, max: number) => FunnelFinding,
): FunnelFinding[] {
  const counts = new Map<string, number>();
  const out: FunnelFinding[] = [];
  for (const node of nodes) {
    const period = periodOf(node.at);
    const n = (counts.get(period) ?? 0) + 1;
    counts.set(period, n);
    const max = maxOf(period);
    if (n > max) out.push(make(node, n, period, max));
  }
  return out;
}

function wecomCap(setting: FunnelSettings['wecomGroupSendCap']): { periodOf: (at: string) => string; maxOf: (p: string) => number } {
  switch (setting) {
    case 'daysInMonth':
      return { periodOf: monthOf, maxOf: daysInMonth };
    case 'sevenPerWeek':
      return { periodOf: weekOf, maxOf: () => 7 };
    case 'onePerDay':
      return { periodOf: dayOf, maxOf: () => 1 };
    case 'fourPerMonth':
      return { periodOf: monthOf, maxOf: () => 4 };
  }
}

const URL_RE = /(https?:\/\/|www\.)\S+|\b[a-z0-9-]+\.(com|cn|net|org|top|vip)\b/i;
const PHONE_RE = /(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|400-?\d{3}-?\d{4})(?!\d)/;
const EMOJI_RE = /\p{Extended_Pictographic}|\[[\u4e00-\u9fa5A-Za-z]{1,4}\]/gu;

function momentsAdCopy(node: FunnelNode, settings: FunnelSettings): FunnelFinding[] {
  const out: FunnelFinding[] = [];
  const text = node.text;
  const limit = Number(settings.momentsAdCopyLimit);
  const length = chars(text);
  const problems: Array<{ zh: string; en: string }> = [];
  if (length > limit) problems.push({ zh: `${length} 字，超过 ${limit} 字`, en: `${length} characters, over ${limit}` });
  if (/[\r\n]/.test(text)) problems.push({ zh: '含手动换行', en: 'contains a manual line break' });
  const emoji = text.match(EMOJI_RE)?.length ?? 0;
  const maxEmoji = param('moments.ad.copyLength', 'maxEmoji');
  if (emoji > maxEmoji) problems.push({ zh: `${emoji} 个表情，最多 ${maxEmoji} 个`, en: `${emoji} emoji, at most ${maxEmoji}` });
  for (const p of problems) out.push(finding('moments.ad.copyLength', node.id, { problem: p.zh }, null, { problem: p.en }));
  const params = ruleById('moments.ad.copyWords').parameters as { productWords: string[]; clickBait: string[]; emoticons: string[] };
  const words: Array<{ what: { zh: string; en: string }; match: string | undefined }> = [
    { what: { zh: '未经授权的微信产品词', en: 'an unauthorised WeChat product word' }, match: params.productWords.find((w) => text.includes(w)) },
    { what: { zh: '诱导点击的提示', en: 'a click-bait prompt' }, match: params.clickBait.find((w) => text.includes(w)) },
    { what: { zh: '特殊符号或字符表情', en: 'a symbol or text emoticon' }, match: params.emoticons.find((w) => text.includes(w)) },
    { what: { zh: '网址', en: 'a URL' }, match: URL_RE.exec(text)?.[0] },
    { what: { zh: '电话号码', en: 'a phone number' }, match: PHONE_RE.exec(text)?.[0] },
    { what: { zh: '破折号', en: 'an em-dash' }, match: text.includes('—') ? '—' : undefined },
  ];
  for (const w of words) {
    if (w.match !== undefined) out.push(finding('moments.ad.copyWords', node.id, { what: w.what.zh, match: w.match }, null, { what: w.what.en }));
  }
  return out;
}

/** Nodes not reachable by a topological walk: on a cycle or downstream of one. */
export function nodesInOrAfterCycles(doc: FunnelDocument): Set<string> {
  const indegree = new Map(doc.nodes.map((n) => [n.id, 0]));
  const out = new Map<string, string[]>();
  for (const e of doc.edges) {
    if (!indegree.has(e.source) || !indegree.has(e.target)) continue;
    indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
    (out.get(e.source) ?? out.set(e.source, []).get(e.source)!).push(e.target);
  }
  const queue = [...indegree].filter(([, d]) => d === 0).map(([id]) => id);
  const seen = new Set<string>();
  while (queue.length) {
    const id = queue.pop()!;
    seen.add(id);
    for (const t of out.get(id) ?? []) {
      const d = indegree.get(t)! - 1;
      indegree.set(t, d);
      if (d === 0) queue.push(t);
    }
  }
  return new Set(doc.nodes.filter((n) => !seen.has(n.id)).map((n) => n.id));
}

/** Every finding of the plan, in node order then rule order. */
export function validateFunnel(doc: FunnelDocument, settings: FunnelSettings = DEFAULT_FUNNEL_SETTINGS): FunnelFinding[] {
  const out: FunnelFinding[] = [];
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));

  out.push(
    ...quota(timed(doc, 'serviceMassSend'), monthOf, () => param('oa.service.massSend.monthly', 'max'), (node, n, month, max) =>
      finding('oa.service.massSend.monthly', node.id, { n, month, max }),
    ),
    ...quota(timed(doc, 'subscriptionPost'), dayOf, () => param('oa.subscription.massSend.daily', 'max'), (node, n, day, max) =>
      finding('oa.subscription.massSend.daily', node.id, { n, day, max }),
    ),
  );
  const cap = wecomCap(settings.wecomGroupSendCap);
  out.push(
    ...quota(timed(doc, 'wecomGroupBroadcast'), cap.periodOf, cap.maxOf, (node, n, period, max) =>
      finding('wecom.groupSend.cap', node.id, { n, period, max, setting: settings.wecomGroupSendCap }),
    ),
  );

  const timeRule = ruleById('plan.timeMissing');
  const incoming = new Map<string, string[]>();
  for (const e of doc.edges) (incoming.get(e.target) ?? incoming.set(e.target, []).get(e.target)!).push(e.source);

  for (const node of doc.nodes) {
    const length = chars(node.text);
    if (node.at === null && timeRule.kinds.includes(node.kind)) out.push(finding('plan.timeMissing', node.id));
    switch (node.kind) {
      case 'serviceMassSend':
      case 'subscriptionPost': {
        const max = param('oa.massSend.textLength', 'max');
        if (length > max) out.push(finding('oa.massSend.textLength', node.id, { length, max }));
        break;
      }
      case 'templateMessage': {
        if (node.templatePurpose === 'marketing') out.push(finding('oa.template.serviceOnly', node.id));
        const max = param('oa.template.bodyLength', 'max');
        if (length > max) out.push(finding('oa.template.bodyLength', node.id, { length, max }));
        break;
      }
      case 'wecomGroupBroadcast': {
        const max = param('wecom.groupSend.size', 'max');
        if (node.audience > max) out.push(finding('wecom.groupSend.size', node.id, { audience: node.audience, max }));
        const maxText = param('wecom.groupSend.textLength', 'max');
        if (length > maxText) out.push(finding('wecom.groupSend.textLength', node.id, { length, max: maxText }));
        break;
      }
      case 'wecomOneToOne': {
        const maxText = param('wecom.groupSend.textLength', 'max');
        if (length > maxText) out.push(finding('wecom.groupSend.textLength', node.id, { length, max: maxText }));
        const hours = param('wecom.kf.replyWindow', 'hours');
        const maxReplies = param('wecom.kf.replyWindow', 'maxReplies');
        if (node.replies > maxReplies) {
          out.push(finding('wecom.kf.replyWindow', node.id, { hours, maxReplies, problem: `计划了 ${node.replies} 条` }, null, { problem: `${node.replies} planned` }));
        }
        if (node.at) {
          for (const sourceId of incoming.get(node.id) ?? []) {
            const source = byId.get(sourceId);
            const end = source?.until ?? source?.at;
            if (!source || !end) continue;
            const gap = (chinaTimeToEpoch(node.at) - chinaTimeToEpoch(end)) / HOUR_MS;
            if (gap > hours) {
              out.push(
                finding(
                  'wecom.kf.replyWindow',
                  node.id,
                  { hours, maxReplies, problem: `计划在「${source.label}」结束 ${Math.round(gap)} 小时后才跟进，需客户先发消息` },
                  null,
                  { problem: `planned ${Math.round(gap)} hours after “${source.label}” ends; the customer must write first` },
                ),
              );
            }
          }
        }
        break;
      }
      case 'wecomMoments': {
        const max = param('wecom.moments.textLength', 'max');
        if (length > max) out.push(finding('wecom.moments.textLength', node.id, { length, max }));
        break;
      }
      case 'momentsAd':
        out.push(...momentsAdCopy(node, settings));
        break;
      default:
        break;
    }
  }

  for (const e of doc.edges) {
    if (!(e.low <= e.expected && e.expected <= e.high)) out.push(finding('plan.rateOrder', null, {}, e.id));
    const source = byId.get(e.source);
    const target = byId.get(e.target);
    if (source?.at && target?.at && target.at < source.at) out.push(finding('plan.order', target.id, { previous: source.label }, e.id));
  }
  for (const id of nodesInOrAfterCycles(doc)) out.push(finding('plan.cycle', id));

  const order = new Map(doc.nodes.map((n, i) => [n.id, i]));
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (order.get(a.f.nodeId ?? '') ?? 1e9) - (order.get(b.f.nodeId ?? '') ?? 1e9) || a.i - b.i)
    .map(({ f }) => f);
}
