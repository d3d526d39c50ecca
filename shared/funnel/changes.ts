/**
 * Every edit of a funnel document is a `FunnelChange` applied by the pure `applyChange`; `History` keeps the
 * documents before and after so undo and redo are a pointer move. A drag on the canvas is one `moveNodes` on drop.
 */
import type { FunnelDocument, FunnelEdge, FunnelNode } from './document';

export type NodePatch = Partial<Omit<FunnelNode, 'id'>>;
export type EdgePatch = Partial<Pick<FunnelEdge, 'low' | 'expected' | 'high'>>;

export type FunnelChange =
  | { type: 'rename'; name: string }
  | { type: 'addNode'; node: FunnelNode }
  | { type: 'updateNode'; id: string; patch: NodePatch }
  | { type: 'moveNodes'; moves: Array<{ id: string; x: number; y: number }> }
  /** Removes the nodes and every edge that touches them. */
  | { type: 'removeNodes'; ids: string[] }
  | { type: 'addEdge'; edge: FunnelEdge }
  | { type: 'updateEdge'; id: string; patch: EdgePatch }
  | { type: 'removeEdges'; ids: string[] }
  /** The whole document at once (a template, a migration result). */
  | { type: 'replace'; document: FunnelDocument };

function same<T extends object>(a: T, patch: Partial<T>): boolean {
  return (Object.keys(patch) as Array<keyof T>).every((k) => a[k] === patch[k]);
}

/** The document after `change`; the same object when the change changes nothing (undo history skips it). */
export function applyChange(doc: FunnelDocument, change: FunnelChange): FunnelDocument {
  switch (change.type) {
    case 'rename':
      return change.name === doc.name ? doc : { ...doc, name: change.name };
    case 'addNode':
      if (doc.nodes.some((n) => n.id === change.node.id)) return doc;
      return { ...doc, nodes: [...doc.nodes, change.node] };
    case 'updateNode': {
      const index = doc.nodes.findIndex((n) => n.id === change.id);
      const node = doc.nodes[index];
      if (!node || same(node, change.patch)) return doc;
      const nodes = doc.nodes.slice();
      nodes[index] = { ...node, ...change.patch };
      return { ...doc, nodes };
    }
    case 'moveNodes': {
      const moves = new Map(change.moves.map((m) => [m.id, m]));
      let changed = false;
      const nodes = doc.nodes.map((n) => {
        const m = moves.get(n.id);
        if (!m || (m.x === n.x && m.y === n.y)) return n;
        changed = true;
        return { ...n, x: m.x, y: m.y };
      });
      return changed ? { ...doc, nodes } : doc;
    }
    case 'removeNodes': {
      const ids = new Set(change.ids);
      const nodes = doc.nodes.filter((n) => !ids.has(n.id));
      if (nodes.length === doc.nodes.length) return doc;
      return { ...doc, nodes, edges: doc.edges.filter((e) => !ids.has(e.source) && !ids.has(e.target)) };
    }
    case 'addEdge': {
      const e = change.edge;
      const known = (id: string) => doc.nodes.some((n) => n.id === id);
      if (e.source === e.target || !known(e.source) || !known(e.target)) return doc;
      if (doc.edges.some((x) => x.id === e.id || (x.source === e.source && x.target === e.target))) return doc;
      return { ...doc, edges: [...doc.edges, e] };
    }
    case 'updateEdge': {
      const index = doc.edges.findIndex((e) => e.id === change.id);
      const edge = doc.edges[index];
      if (!edge || same(edge, change.patch)) return doc;
      const edges = doc.edges.slice();
      edges[index] = { ...edge, ...change.patch };
      return { ...doc, edges };
    }
    case 'removeEdges': {
      const ids = new Set(change.ids);
      const edges = doc.edges.filter((e) => !ids.has(e.id));
      return edges.length === doc.edges.length ? doc : { ...doc, edges };
    }
    case 'replace':
      return change.document;
  }
}

/** Undo history over immutable documents. `coalesce`: consecutive changes with the same key are one step (typing). */
export interface History {
  present: FunnelDocument;
  past: FunnelDocument[];
  future: FunnelDocument[];
  lastCoalesce: string | null;
}

export const HISTORY_LIMIT = 200;

export function startHistory(doc: FunnelDocument): History {
  return { present: doc, past: [], future: [], lastCoalesce: null };
}

export function commit(history: History, change: FunnelChange, coalesce?: string): History {
  const next = applyChange(history.present, change);
  if (next === history.present) return history;
  const merged = coalesce !== undefined && coalesce === history.lastCoalesce;
  return {
    present: next,
    past: merged ? history.past : [...history.past, history.present].slice(-HISTORY_LIMIT),
    future: [],
    lastCoalesce: coalesce ?? null,
  };
}

export function undo(history: History): History {
  const previous = history.past.at(-1);
  if (!previous) return history;
  return { present: previous, past: history.past.slice(0, -1), future: [history.present, ...history.future], lastCoalesce: null };
}

export function redo(history: History): History {
  const [next, ...rest] = history.future;
  if (!next) return history;
  return { present: next, past: [...history.past, history.present], future: rest, lastCoalesce: null };
}

/** An id not yet used by any node or edge of `doc`: `prefix` followed by the first free number. */
export function freeId(doc: FunnelDocument, prefix: string): string {
  const used = new Set([...doc.nodes.map((n) => n.id), ...doc.edges.map((e) => e.id)]);
  for (let i = 1; ; i++) {
    const id = `${prefix}${i}`;
    if (!used.has(id)) return id;
  }
}
