/**
 * Every message text of a plan goes through the compliance engine (shared/compliance): in the renderer through the
 * app's scanning worker, in the host and tests with a scanner directly. Findings become plan findings on their node;
 * inducement to share or follow flags the node itself.
 */
import type { Finding, Scanner } from '../compliance/types';
import type { FunnelDocument } from './document';
import { citeSource, fill, ruleById } from './rules';
import type { FunnelFinding } from './validate';

export interface NodeScan {
  /** The node id. */
  key: string;
  text: string;
  findings: Finding[];
}

/** The texts to scan: one per node that has any. */
export function funnelTexts(doc: FunnelDocument): Array<{ key: string; text: string }> {
  return doc.nodes.filter((n) => n.text.trim() !== '').map((n) => ({ key: n.id, text: n.text }));
}

export function scanFunnel(doc: FunnelDocument, scanner: Scanner): NodeScan[] {
  return funnelTexts(doc).map((f) => ({ ...f, findings: scanner.scan(f.text) }));
}

const INDUCEMENT = new Set(['induce_share', 'induce_follow']);

/** Node ids whose text induces sharing or following (the node shows a flag). */
export function inducementNodes(scans: readonly NodeScan[]): Set<string> {
  return new Set(scans.filter((s) => s.findings.some((f) => INDUCEMENT.has(f.category) && f.severity !== 'info')).map((s) => s.key));
}

/**
 * Plan findings for the scans that still match the plan's text (a scan of text since edited is dropped). Block and
 * must-fix findings are errors; hints are left to the compliance report.
 */
export function complianceFindings(doc: FunnelDocument, scans: readonly NodeScan[]): FunnelFinding[] {
  const rule = ruleById('plan.compliance');
  const texts = new Map(doc.nodes.map((n) => [n.id, n.text]));
  const out: FunnelFinding[] = [];
  for (const scan of scans) {
    if (texts.get(scan.key) !== scan.text) continue;
    for (const f of scan.findings) {
      if (f.severity === 'info') continue;
      out.push({
        nodeId: scan.key,
        edgeId: null,
        ruleId: rule.id,
        severity: 'error',
        message: { zh: fill(rule.message.zh, { message: `「${f.text}」${f.message.zh}` }), en: fill(rule.message.en, { message: `“${f.text}” ${f.message.en}` }) },
        basis: { zh: f.basis.zh, en: f.basis.en },
        source: `${citeSource(rule)} (${f.rule})`,
      });
    }
  }
  return out;
}
