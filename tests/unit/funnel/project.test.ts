import { describe, expect, it } from 'vitest';
import { createDefaultScanner } from '../../../shared/compliance/default-scanner';
import {
  applyChange,
  attributeActuals,
  commit,
  complianceFindings,
  csvField,
  funnelCsv,
  inducementNodes,
  instantiateTemplate,
  newNode,
  projectFunnel,
  readFunnelDocument,
  redo,
  scanFunnel,
  scheduleOf,
  sensitivity,
  startHistory,
  undo,
  validateFunnel,
  type FunnelDocument,
} from '../../../shared/funnel/index';

/** 10,000 followers → 10 % to the live room → 5 % buy at ¥100, and 20 % of the room to a follow-up → 10 % buy; 2 % refund. */
function sample(): FunnelDocument {
  return {
    schemaVersion: 1,
    name: '样例',
    nodes: [
      newNode('send', 'serviceMassSend', '预告', 0, 0, { audience: 10_000, at: '2026-05-01T20:00' }),
      newNode('live', 'liveRoom', '直播', 300, 0, { at: '2026-05-03T20:00' }),
      newNode('follow', 'wecomOneToOne', '跟进', 600, 100, { at: '2026-05-04T10:00' }),
      newNode('buy', 'purchase', '购买', 900, 0, { priceFen: 10_000 }),
      newNode('refund', 'refund', '退款', 1200, 0, { priceFen: 10_000 }),
    ],
    edges: [
      { id: 'e1', source: 'send', target: 'live', low: 0.05, expected: 0.1, high: 0.2 },
      { id: 'e2', source: 'live', target: 'buy', low: 0.02, expected: 0.05, high: 0.1 },
      { id: 'e3', source: 'live', target: 'follow', low: 0.1, expected: 0.2, high: 0.3 },
      { id: 'e4', source: 'follow', target: 'buy', low: 0.05, expected: 0.1, high: 0.2 },
      { id: 'e5', source: 'buy', target: 'refund', low: 0.01, expected: 0.02, high: 0.05 },
    ],
  };
}

describe('projections', () => {
  it('propagates reach along the edges and totals the funnel stages', () => {
    const { byScenario } = projectFunnel(sample());
    const e = byScenario.expected;
    const reach = Object.fromEntries(e.nodes.map((n) => [n.nodeId, n.reach]));
    expect(reach.send).toBe(10_000);
    expect(reach.live).toBeCloseTo(1000);
    expect(reach.follow).toBeCloseTo(200);
    expect(reach.buy).toBeCloseTo(50 + 20);
    expect(reach.refund).toBeCloseTo(1.4);
    // Touchpoints: the send (10,000) and the follow-up (200); clicks = people moving on from them (1,000 + 20).
    expect(e.totals.reach).toBeCloseTo(10_200);
    expect(e.totals.clicks).toBeCloseTo(1020);
    expect(e.totals.views).toBeCloseTo(1000);
    expect(e.totals.purchases).toBeCloseTo(70);
    expect(e.totals.revenueFen).toBe(Math.round(70 * 10_000 - 1.4 * 10_000));
    // Per node: the live room leads to every purchase; the follow-up to 20 of them.
    const live = e.nodes.find((n) => n.nodeId === 'live')!;
    expect(live.purchases).toBeCloseTo(70);
    expect(e.nodes.find((n) => n.nodeId === 'follow')!.purchases).toBeCloseTo(20);
    expect(e.nodes.find((n) => n.nodeId === 'send')!.revenueFen).toBeCloseTo(e.totals.revenueFen, 0);
    expect(byScenario.low.totals.revenueFen).toBeLessThan(e.totals.revenueFen);
    expect(byScenario.high.totals.revenueFen).toBeGreaterThan(e.totals.revenueFen);
    // Low: 10,000 × 5 % = 500 in the room → 10 buy directly + 50 × 5 % = 2.5 after follow-up.
    expect(byScenario.low.totals.purchases).toBeCloseTo(12.5);
  });

  it('leaves steps on or after a cycle out of the totals', () => {
    const doc = sample();
    doc.edges.push({ id: 'back', source: 'follow', target: 'live', low: 0.1, expected: 0.1, high: 0.1 });
    const e = projectFunnel(doc).byScenario.expected;
    expect(e.nodes.find((n) => n.nodeId === 'live')!.reach).toBe(0);
    expect(e.totals.purchases).toBe(0);
    expect(e.totals.reach).toBe(10_000);
  });

  it('sensitivity ranks the edge whose rate moves revenue most first, one at a time by ±10 %', () => {
    const { baseFen, edges } = sensitivity(sample());
    expect(baseFen).toBe(projectFunnel(sample()).byScenario.expected.totals.revenueFen);
    // e1 scales everything downstream: ±10 % of all revenue.
    expect(edges[0]!.edgeId).toBe('e1');
    expect(edges[0]!.upFen - baseFen).toBeCloseTo(baseFen * 0.1, -1);
    expect(edges[0]!.downFen - baseFen).toBeCloseTo(-baseFen * 0.1, -1);
    // The refund edge lowers revenue when it rises.
    const refund = edges.find((x) => x.edgeId === 'e5')!;
    expect(refund.upFen).toBeLessThan(baseFen);
    expect(edges.map((x) => x.swingFen)).toEqual([...edges.map((x) => x.swingFen)].sort((a, b) => b - a));
  });
});

describe('changes and undo', () => {
  it('applies changes purely, skips no-ops, removes a node with its edges, and undoes/redoes', () => {
    const doc = sample();
    expect(applyChange(doc, { type: 'updateNode', id: 'send', patch: { audience: 10_000 } })).toBe(doc);
    expect(applyChange(doc, { type: 'addEdge', edge: { id: 'x', source: 'send', target: 'live', low: 0, expected: 0, high: 0 } })).toBe(doc);
    const removed = applyChange(doc, { type: 'removeNodes', ids: ['live'] });
    expect(removed.nodes.map((n) => n.id)).toEqual(['send', 'follow', 'buy', 'refund']);
    expect(removed.edges.map((e) => e.id)).toEqual(['e4', 'e5']);
    expect(doc.nodes).toHaveLength(5);

    let h = startHistory(doc);
    h = commit(h, { type: 'moveNodes', moves: [{ id: 'send', x: 40, y: 40 }] });
    h = commit(h, { type: 'updateNode', id: 'send', patch: { label: '预' } }, 'label:send');
    h = commit(h, { type: 'updateNode', id: 'send', patch: { label: '预告二' } }, 'label:send');
    expect(h.past).toHaveLength(2);
    h = undo(h);
    expect(h.present.nodes[0]).toMatchObject({ label: '预告', x: 40 });
    h = undo(h);
    expect(h.present).toBe(doc);
    h = redo(redo(h));
    expect(h.present.nodes[0]).toMatchObject({ label: '预告二', x: 40 });
  });
});

describe('documents', () => {
  it('migrates on load: defaults for fields a document lacks, an unversioned one read as version 1, a newer one refused', () => {
    const stored = { schemaVersion: 1, name: 'x', nodes: [{ id: 'a', kind: 'posterQr', label: '海报', x: 0, y: 0 }], edges: [] };
    const doc = readFunnelDocument(stored);
    expect(doc.nodes[0]).toMatchObject({ audience: 0, at: null, text: '', templatePurpose: 'service', scene: null });
    expect(readFunnelDocument({ ...stored, schemaVersion: undefined }).schemaVersion).toBe(1);
    expect(() => readFunnelDocument({ ...stored, schemaVersion: 2 })).toThrow(/newer/);
    expect(() => readFunnelDocument({ ...stored, nodes: [{ id: 'a', kind: 'fax', label: '', x: 0, y: 0 }] })).toThrow(/invalid/);
  });
});

describe('CSV', () => {
  it('quotes fields, defuses formulas, starts with a BOM and lists steps in time order', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('他说"好"')).toBe('"他说""好"""');
    expect(csvField('第一行\n第二行')).toBe('"第一行\n第二行"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(12.5)).toBe('12.5');
    const doc = sample();
    doc.nodes[0]!.text = '今晚 8 点, 直播见';
    const csv = funnelCsv(doc, projectFunnel(doc), validateFunnel(doc), 'zh');
    expect(csv.startsWith('\uFEFF序号,节点ID,类型')).toBe(true);
    const rows = csv.slice(1).trimEnd().split('\r\n');
    expect(rows).toHaveLength(6);
    expect(rows[1]).toMatch(/^1,send,服务号群发,预告,2026-05-01T20:00,,10000,10000,10000,10000,/);
    expect(rows[1]).toContain('"今晚 8 点, 直播见"');
    expect(rows.slice(1).map((r) => r.split(',')[1])).toEqual(['send', 'live', 'follow', 'buy', 'refund']);
  });
});

describe('schedule, actuals and compliance', () => {
  it('lists timed sends in time order', () => {
    expect(scheduleOf(instantiateTemplate('classic-live', '2026-06-01', 'zh')).map((e) => `${e.node.id}@${e.at}`)).toEqual([
      'preview@2026-06-01T20:00',
      'live@2026-06-04T20:00',
      'follow@2026-06-05T10:00',
      'ad@2026-06-06T09:00',
    ]);
  });

  it('attributes scans, follows and paid orders by scene inside each node’s window (China time)', () => {
    const doc = sample();
    doc.nodes[0]!.scene = 'funnel:spring';
    doc.nodes[3]!.scene = 'funnel:spring-buy';
    doc.nodes[3]!.at = '2026-05-03T00:00';
    doc.nodes[3]!.until = '2026-05-05T00:00';
    const actuals = attributeActuals(
      doc,
      [
        { receivedAt: '2026-05-01T12:00:00.000Z', event: 'subscribe', scene: 'funnel:spring' },
        { receivedAt: '2026-05-02T12:00:00.000Z', event: 'SCAN', scene: 'funnel:spring' },
        // 19:59 Beijing, before the send.
        { receivedAt: '2026-05-01T11:59:00.000Z', event: 'subscribe', scene: 'funnel:spring' },
        { receivedAt: '2026-05-02T12:00:00.000Z', event: 'subscribe', scene: 'poster:p1' },
        // Default window: 7 days after the send.
        { receivedAt: '2026-05-08T11:59:00.000Z', event: 'SCAN', scene: 'funnel:spring' },
        { receivedAt: '2026-05-08T12:01:00.000Z', event: 'SCAN', scene: 'funnel:spring' },
      ],
      [
        { scene: 'funnel:spring-buy', state: 'SUCCESS', paidAt: '2026-05-03T12:00:00.000Z', totalFen: 10_000, refundedFen: 0 },
        { scene: 'funnel:spring-buy', state: 'REFUND', paidAt: '2026-05-04T12:00:00.000Z', totalFen: 10_000, refundedFen: 4000 },
        { scene: 'funnel:spring-buy', state: 'NOTPAY', paidAt: null, totalFen: 10_000, refundedFen: 0 },
        { scene: 'funnel:spring-buy', state: 'SUCCESS', paidAt: '2026-05-05T12:00:00.000Z', totalFen: 10_000, refundedFen: 0 },
      ],
    );
    expect(actuals).toEqual([
      { nodeId: 'send', scans: 3, follows: 1, purchases: 0, revenueFen: 0 },
      { nodeId: 'buy', scans: 0, follows: 0, purchases: 2, revenueFen: 16_000 },
    ]);
  });

  it('scans every message text and flags inducement on its node', () => {
    const doc = sample();
    doc.nodes[0]!.text = '转发到朋友圈集满 30 个赞即可免费领取课程';
    doc.nodes[2]!.text = '您好，课程资料已整理好';
    const scans = scanFunnel(doc, createDefaultScanner());
    expect(scans.map((s) => s.key)).toEqual(['send', 'follow']);
    expect([...inducementNodes(scans)]).toEqual(['send']);
    const findings = complianceFindings(doc, scans);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.nodeId === 'send' && f.ruleId === 'plan.compliance')).toBe(true);
    expect(findings[0]!.source).toMatch(/\(share\./);
    // A scan of text since edited no longer counts.
    doc.nodes[0]!.text = '今晚 8 点直播';
    expect(complianceFindings(doc, scans)).toEqual([]);
  });
});
