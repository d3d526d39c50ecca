/**
 * Actual versus plan: the companion's WeChat events (QR scans and follows, each with the tracking scene of the code
 * scanned) and orders (each with the scene the buyer came from) counted per node. A node's actuals are those with
 * its `scene`, inside its time window: from `at` to `until` (or `at` + 7 days when it has no end).
 */
import type { FunnelDocument } from './document';
import { DAY_MS, chinaTimeToEpoch } from './time';

export const DEFAULT_WINDOW_DAYS = 7;

/** What the companion reports, reduced to what attribution needs. */
export interface ActualEvent {
  receivedAt: string;
  /** WeChat's event: `subscribe` (a follow; from a QR code when it has a scene) or `SCAN` (an existing follower). */
  event: string | null;
  scene: string | null;
}
export interface ActualOrder {
  scene: string | null;
  state: string;
  paidAt: string | null;
  totalFen: number;
  refundedFen: number;
}

export interface NodeActuals {
  nodeId: string;
  scans: number;
  follows: number;
  purchases: number;
  /** Paid minus refunded, integer fen. */
  revenueFen: number;
}

/** The window [from, to) in epoch ms of a node with a time; null when it has none (nothing can be attributed). */
export function attributionWindow(node: { at: string | null; until: string | null }): { from: number; to: number } | null {
  if (!node.at) return null;
  const from = chinaTimeToEpoch(node.at);
  const to = node.until ? chinaTimeToEpoch(node.until) : from + DEFAULT_WINDOW_DAYS * DAY_MS;
  return { from, to: Math.max(to, from) };
}

const PAID = new Set(['SUCCESS', 'REFUND']);

/** Counts per node that has a scene and a time; other nodes are left out (they show no actuals). */
export function attributeActuals(doc: FunnelDocument, events: readonly ActualEvent[], orders: readonly ActualOrder[]): NodeActuals[] {
  const out: NodeActuals[] = [];
  for (const node of doc.nodes) {
    const window = attributionWindow(node);
    if (!node.scene || !window) continue;
    const inside = (iso: string | null) => {
      if (!iso) return false;
      const t = Date.parse(iso);
      return t >= window.from && t < window.to;
    };
    const a: NodeActuals = { nodeId: node.id, scans: 0, follows: 0, purchases: 0, revenueFen: 0 };
    for (const e of events) {
      if (e.scene !== node.scene || !inside(e.receivedAt)) continue;
      if (e.event === 'subscribe' || e.event === 'SCAN') a.scans += 1;
      if (e.event === 'subscribe') a.follows += 1;
    }
    for (const o of orders) {
      if (o.scene !== node.scene || !PAID.has(o.state) || !inside(o.paidAt)) continue;
      a.purchases += 1;
      a.revenueFen += o.totalFen - o.refundedFen;
    }
    out.push(a);
  }
  return out;
}
