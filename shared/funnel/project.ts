/**
 * Projections: how many people each step reaches and what the plan earns, for the low, expected and high rates of
 * every edge, and which edge's rate moves revenue most.
 *
 * The model is linear flow over the plan's DAG: a step reaches its own `audience` plus, over each incoming edge, the
 * source's reach times the edge's rate. The funnel's stages come from node kinds: people reached by touchpoints
 * (reach), those who move on from a touchpoint (clicks), reach of pages and live rooms (views), of purchase goals
 * (purchases) and revenue = purchases × price − refunds × refund amount. Steps on or after a cycle are left out
 * (the validator reports them).
 */
import { NODE_STAGE, type FunnelDocument, type FunnelEdge } from './document';

export const SCENARIOS = ['low', 'expected', 'high'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface StageTotals {
  reach: number;
  clicks: number;
  views: number;
  purchases: number;
  /** Integer fen, net of refunds. */
  revenueFen: number;
}

export interface NodeProjection {
  nodeId: string;
  /** People arriving at this step (own audience + inflow). */
  reach: number;
  /** People moving on from this step along its edges. */
  onward: number;
  /** Purchases that pass through this step (its reach × its chance of leading to a purchase). */
  purchases: number;
  /** Net revenue (fen) that passes through this step. */
  revenueFen: number;
}

export interface FunnelProjection {
  byScenario: Record<Scenario, { totals: StageTotals; nodes: NodeProjection[] }>;
}

interface Graph {
  order: number[];
  /** Outgoing edges per node index: target index and the edge's index in doc.edges. */
  out: Array<Array<{ target: number; edge: number }>>;
}

/** A topological order of the nodes not on or after a cycle (Kahn), and adjacency by index. */
function graphOf(doc: FunnelDocument): Graph {
  const index = new Map(doc.nodes.map((n, i) => [n.id, i]));
  const out: Graph['out'] = doc.nodes.map(() => []);
  const indegree = new Array<number>(doc.nodes.length).fill(0);
  doc.edges.forEach((e, k) => {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined || s === t) return;
    out[s]!.push({ target: t, edge: k });
    indegree[t]! += 1;
  });
  const order: number[] = [];
  const queue: number[] = [];
  indegree.forEach((d, i) => d === 0 && queue.push(i));
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head]!;
    order.push(i);
    for (const { target } of out[i]!) if (--indegree[target]! === 0) queue.push(target);
  }
  return { order, out };
}

function rateOf(edge: FunnelEdge, scenario: Scenario): number {
  return edge[scenario];
}

/** One scenario's flow with the edge rates given as an array (so sensitivity can vary one without copying the plan). */
function flow(doc: FunnelDocument, graph: Graph, rates: ArrayLike<number>): { totals: StageTotals; nodes: NodeProjection[] } {
  const n = doc.nodes.length;
  const reach = new Float64Array(n);
  const onward = new Float64Array(n);
  const inCycle = new Uint8Array(n).fill(1);
  for (const i of graph.order) inCycle[i] = 0;
  doc.nodes.forEach((node, i) => (reach[i] = node.audience));
  for (const i of graph.order) {
    for (const { target, edge } of graph.out[i]!) {
      if (inCycle[target]) continue;
      const moved = reach[i]! * rates[edge]!;
      reach[target]! += moved;
      onward[i]! += moved;
    }
  }
  // Backwards: the chance that one person at a step leads to a purchase, and the net fen one person there brings.
  const pBuy = new Float64Array(n);
  const value = new Float64Array(n);
  for (let k = graph.order.length - 1; k >= 0; k--) {
    const i = graph.order[k]!;
    const node = doc.nodes[i]!;
    const stage = NODE_STAGE[node.kind];
    let p = stage === 'goal' ? 1 : 0;
    let v = stage === 'goal' ? node.priceFen : stage === 'refund' ? -node.priceFen : 0;
    for (const { target, edge } of graph.out[i]!) {
      if (inCycle[target]) continue;
      p += rates[edge]! * pBuy[target]!;
      v += rates[edge]! * value[target]!;
    }
    pBuy[i] = p;
    value[i] = v;
  }
  const totals: StageTotals = { reach: 0, clicks: 0, views: 0, purchases: 0, revenueFen: 0 };
  const nodes: NodeProjection[] = doc.nodes.map((node, i) => {
    if (inCycle[i]) return { nodeId: node.id, reach: 0, onward: 0, purchases: 0, revenueFen: 0 };
    const stage = NODE_STAGE[node.kind];
    if (stage === 'touch') {
      totals.reach += reach[i]!;
      totals.clicks += onward[i]!;
    } else if (stage === 'view') totals.views += reach[i]!;
    else if (stage === 'goal') {
      totals.purchases += reach[i]!;
      totals.revenueFen += reach[i]! * node.priceFen;
    } else totals.revenueFen -= reach[i]! * node.priceFen;
    return { nodeId: node.id, reach: reach[i]!, onward: onward[i]!, purchases: reach[i]! * pBuy[i]!, revenueFen: reach[i]! * value[i]! };
  });
  totals.revenueFen = Math.round(totals.revenueFen);
  return { totals, nodes };
}

/** Net revenue (fen, unrounded) only: the forward pass without per-node results, for the many runs of sensitivity. */
function revenueOnly(doc: FunnelDocument, graph: Graph, rates: ArrayLike<number>, reach: Float64Array, valuePer: Float64Array): number {
  reach.fill(0);
  for (const i of graph.order) reach[i] = doc.nodes[i]!.audience;
  let revenue = 0;
  for (const i of graph.order) {
    const r = reach[i]!;
    revenue += r * valuePer[i]!;
    for (const { target, edge } of graph.out[i]!) reach[target]! += r * rates[edge]!;
  }
  return revenue;
}

/** Reach, clicks, views, purchases and revenue per node and for the funnel, with every edge at its low, expected and high rate. */
export function projectFunnel(doc: FunnelDocument): FunnelProjection {
  const graph = graphOf(doc);
  const byScenario = {} as FunnelProjection['byScenario'];
  for (const s of SCENARIOS) byScenario[s] = flow(doc, graph, doc.edges.map((e) => rateOf(e, s)));
  return { byScenario };
}

/** How revenue moves when one edge's expected rate goes down and up by `step` (relative), all others expected. */
export interface EdgeSensitivity {
  edgeId: string;
  source: string;
  target: string;
  /** Revenue (fen) with this edge's rate × (1 − step) and × (1 + step), capped at 100 %. */
  downFen: number;
  upFen: number;
  /** max(|up − base|, |down − base|): the tornado's sort key. */
  swingFen: number;
}

/** One-at-a-time sensitivity of expected revenue to each edge's rate, largest swing first (a tornado chart's bars). */
export function sensitivity(doc: FunnelDocument, step = 0.1): { baseFen: number; edges: EdgeSensitivity[] } {
  const graph = graphOf(doc);
  const rates = Float64Array.from(doc.edges, (e) => e.expected);
  const baseFen = flow(doc, graph, rates).totals.revenueFen;
  // Steps on or after a cycle are not in `graph.order`: their reach stays 0, as in `flow`.
  const reach = new Float64Array(doc.nodes.length);
  const valuePer = Float64Array.from(doc.nodes, (n) => (NODE_STAGE[n.kind] === 'goal' ? n.priceFen : NODE_STAGE[n.kind] === 'refund' ? -n.priceFen : 0));
  const inOrder = new Uint8Array(doc.nodes.length);
  for (const i of graph.order) inOrder[i] = 1;
  const acyclic: Graph = { order: graph.order, out: graph.out.map((list) => list.filter((o) => inOrder[o.target])) };
  const edges = doc.edges.map((e, k) => {
    const original = rates[k]!;
    rates[k] = Math.max(0, original * (1 - step));
    const downFen = Math.round(revenueOnly(doc, acyclic, rates, reach, valuePer));
    rates[k] = Math.min(1, original * (1 + step));
    const upFen = Math.round(revenueOnly(doc, acyclic, rates, reach, valuePer));
    rates[k] = original;
    return { edgeId: e.id, source: e.source, target: e.target, downFen, upFen, swingFen: Math.max(Math.abs(upFen - baseFen), Math.abs(downFen - baseFen)) };
  });
  edges.sort((a, b) => b.swingFen - a.swingFen || (a.edgeId < b.edgeId ? -1 : 1));
  return { baseFen, edges };
}
