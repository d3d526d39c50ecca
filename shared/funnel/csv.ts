/**
 * The plan's steps as CSV for Excel: UTF-8 with a BOM (Excel reads Chinese right only with it), CRLF line ends, every
 * field quoted when it holds a comma, quote or line break, and text that a spreadsheet would run as a formula
 * (=, +, -, @ first) prefixed with an apostrophe.
 */
import type { FunnelDocument } from './document';
import { NODE_KIND_LABELS } from './labels';
import type { FunnelProjection } from './project';
import type { FunnelFinding } from './validate';

export function csvField(value: string | number): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const HEADERS = {
  zh: ['序号', '节点ID', '类型', '名称', '时间（北京时间）', '结束', '自有受众', '预计触达（低）', '预计触达（预期）', '预计触达（高）', '经此购买（预期）', '经此收入（预期，元）', '课程ID', '海报ID', '追踪场景', '文案', '问题'],
  en: ['No.', 'Node id', 'Kind', 'Label', 'Time (Beijing)', 'Ends', 'Own audience', 'Reach (low)', 'Reach (expected)', 'Reach (high)', 'Purchases via (expected)', 'Revenue via (expected, CNY)', 'Course id', 'Poster id', 'Tracking scene', 'Text', 'Findings'],
};

/** Rows in time order (untimed steps last, in canvas order). */
export function funnelCsv(doc: FunnelDocument, projection: FunnelProjection, findings: readonly FunnelFinding[], locale: 'zh' | 'en'): string {
  const steps = doc.nodes
    .map((node, index) => ({ node, index }))
    .sort((a, b) => {
      const x = a.node.at ?? '\uffff';
      const y = b.node.at ?? '\uffff';
      return x < y ? -1 : x > y ? 1 : a.index - b.index;
    });
  const per = (scenario: 'low' | 'expected' | 'high') => new Map(projection.byScenario[scenario].nodes.map((p) => [p.nodeId, p]));
  const low = per('low');
  const expected = per('expected');
  const high = per('high');
  const lines = [HEADERS[locale].map(csvField).join(',')];
  steps.forEach(({ node }, i) => {
    const own = findings.filter((f) => f.nodeId === node.id).map((f) => `[${f.ruleId}] ${f.message[locale]}`);
    const e = expected.get(node.id);
    lines.push(
      [
        i + 1,
        node.id,
        NODE_KIND_LABELS[node.kind][locale],
        node.label,
        node.at ?? '',
        node.until ?? '',
        node.audience,
        Math.round(low.get(node.id)?.reach ?? 0),
        Math.round(e?.reach ?? 0),
        Math.round(high.get(node.id)?.reach ?? 0),
        Math.round((e?.purchases ?? 0) * 10) / 10,
        Math.round(e?.revenueFen ?? 0) / 100,
        node.courseId ?? '',
        node.posterId ?? '',
        node.scene ?? '',
        node.text,
        own.join('\n'),
      ]
        .map(csvField)
        .join(','),
    );
  });
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
