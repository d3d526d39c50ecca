/**
 * Every edit of a poster document is a `PosterChange` applied by `applyChange` — pure, so the editor's store, tests and
 * the benchmark share it. New ids come in the change (the caller generates them), keeping the function deterministic.
 * `History` keeps whole documents: changes never mutate, so consecutive documents share every untouched element and a
 * snapshot costs one array.
 */
import type { PosterColor, PosterDocument, PosterElement } from './model';

export type AlignEdge = 'left' | 'hcenter' | 'right' | 'top' | 'vcenter' | 'bottom';
export type LayerMove = 'front' | 'back' | 'forward' | 'backward';

type PatchOf<T> = T extends PosterElement ? Partial<Omit<T, 'id' | 'type'>> : never;
/** Fields any element may change (type-specific fields are checked against the element's type by the schema on save). */
export type ElementPatch = PatchOf<PosterElement>;

export type PosterChange =
  | { type: 'add'; elements: PosterElement[] }
  | { type: 'remove'; ids: string[] }
  | { type: 'update'; id: string; patch: ElementPatch }
  /** Moves elements by a delta (a drop after a drag, arrow-key nudging); locked ones stay. */
  | { type: 'move'; ids: string[]; dx: number; dy: number }
  /** The box of one element after a resize or rotation. */
  | { type: 'transform'; boxes: { id: string; x: number; y: number; width: number; height: number; rotation: number }[] }
  | { type: 'align'; ids: string[]; edge: AlignEdge; width: number; height: number }
  | { type: 'distribute'; ids: string[]; axis: 'horizontal' | 'vertical' }
  | { type: 'reorder'; ids: string[]; to: LayerMove }
  /** Moves one element to a position in the paint order (layers panel drag). */
  | { type: 'moveTo'; id: string; index: number }
  | { type: 'group'; ids: string[]; groupId: string }
  | { type: 'ungroup'; ids: string[] }
  | { type: 'lock'; ids: string[]; locked: boolean }
  | { type: 'setBackground'; color: PosterColor }
  | { type: 'setSampleValue'; name: string; value: string };

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The axis-aligned bounds of an element, rotation included. */
export function boundsOf(el: Pick<PosterElement, 'x' | 'y' | 'width' | 'height' | 'rotation'>): Box {
  if (!el.rotation) return { x: el.x, y: el.y, width: el.width, height: el.height };
  const a = (el.rotation * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const xs = [0, el.width * cos, el.width * cos - el.height * sin, -el.height * sin].map((v) => el.x + v);
  const ys = [0, el.width * sin, el.width * sin + el.height * cos, el.height * cos].map((v) => el.y + v);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

export function unionBounds(boxes: readonly Box[]): Box | null {
  if (boxes.length === 0) return null;
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return { x, y, width: Math.max(...boxes.map((b) => b.x + b.width)) - x, height: Math.max(...boxes.map((b) => b.y + b.height)) - y };
}

/** The ids with every member of their groups added, in document order: what a click on one group member selects. */
export function expandGroups(doc: PosterDocument, ids: readonly string[]): string[] {
  const set = new Set(ids);
  const groups = new Set(doc.elements.filter((e) => set.has(e.id) && e.groupId).map((e) => e.groupId));
  return doc.elements.filter((e) => set.has(e.id) || (e.groupId !== null && groups.has(e.groupId))).map((e) => e.id);
}

function mapIds(doc: PosterDocument, ids: readonly string[], fn: (el: PosterElement) => PosterElement): PosterDocument {
  const set = new Set(ids);
  let changed = false;
  const elements = doc.elements.map((el) => {
    if (!set.has(el.id)) return el;
    const next = fn(el);
    if (next !== el) changed = true;
    return next;
  });
  return changed ? { ...doc, elements } : doc;
}

function alignDelta(b: Box, target: Box, edge: AlignEdge): [number, number] {
  switch (edge) {
    case 'left':
      return [target.x - b.x, 0];
    case 'right':
      return [target.x + target.width - (b.x + b.width), 0];
    case 'hcenter':
      return [target.x + target.width / 2 - (b.x + b.width / 2), 0];
    case 'top':
      return [0, target.y - b.y];
    case 'bottom':
      return [0, target.y + target.height - (b.y + b.height)];
    case 'vcenter':
      return [0, target.y + target.height / 2 - (b.y + b.height / 2)];
  }
}

function reorder(elements: readonly PosterElement[], ids: readonly string[], to: LayerMove): PosterElement[] {
  const set = new Set(ids);
  const picked = elements.filter((e) => set.has(e.id));
  const rest = elements.filter((e) => !set.has(e.id));
  if (to === 'front') return [...rest, ...picked];
  if (to === 'back') return [...picked, ...rest];
  const out = [...elements];
  if (to === 'forward') {
    for (let i = out.length - 2; i >= 0; i--) {
      if (set.has(out[i]!.id) && !set.has(out[i + 1]!.id)) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
    }
  } else {
    for (let i = 1; i < out.length; i++) {
      if (set.has(out[i]!.id) && !set.has(out[i - 1]!.id)) [out[i], out[i - 1]] = [out[i - 1]!, out[i]!];
    }
  }
  return out;
}

/** Applies one change. Returns the same document object when nothing changed (so no empty undo step is recorded). */
export function applyChange(doc: PosterDocument, change: PosterChange): PosterDocument {
  switch (change.type) {
    case 'add': {
      const taken = new Set(doc.elements.map((e) => e.id));
      const fresh = change.elements.filter((e) => !taken.has(e.id));
      return fresh.length ? { ...doc, elements: [...doc.elements, ...fresh] } : doc;
    }
    case 'remove': {
      const set = new Set(change.ids);
      const elements = doc.elements.filter((e) => !set.has(e.id));
      return elements.length === doc.elements.length ? doc : { ...doc, elements };
    }
    case 'update':
      return mapIds(doc, [change.id], (el) => ({ ...el, ...change.patch }) as PosterElement);
    case 'move': {
      if (change.dx === 0 && change.dy === 0) return doc;
      return mapIds(doc, change.ids, (el) => (el.locked ? el : { ...el, x: el.x + change.dx, y: el.y + change.dy }));
    }
    case 'transform': {
      let next = doc;
      for (const box of change.boxes) {
        next = mapIds(next, [box.id], (el) => {
          if (el.locked) return el;
          const width = Math.max(1, box.width);
          // A QR code stays square: its module grid must not be stretched.
          const height = el.type === 'qr' ? width : Math.max(1, box.height);
          if (el.x === box.x && el.y === box.y && el.width === width && el.height === height && el.rotation === box.rotation) return el;
          return { ...el, x: box.x, y: box.y, width, height, rotation: box.rotation };
        });
      }
      return next;
    }
    case 'align': {
      const targets = doc.elements.filter((e) => change.ids.includes(e.id) && !e.locked);
      if (targets.length === 0) return doc;
      // One element (or one group) aligns to the poster; several align to the bounds of the selection.
      const groups = new Set(targets.map((e) => e.groupId ?? e.id));
      const frame = groups.size === 1 ? { x: 0, y: 0, width: change.width, height: change.height } : unionBounds(targets.map(boundsOf))!;
      // Members of a group move as one block.
      const blocks = new Map<string, PosterElement[]>();
      for (const e of targets) blocks.set(e.groupId ?? e.id, [...(blocks.get(e.groupId ?? e.id) ?? []), e]);
      const deltas = new Map<string, [number, number]>();
      for (const members of blocks.values()) {
        const d = alignDelta(unionBounds(members.map(boundsOf))!, frame, change.edge);
        for (const m of members) deltas.set(m.id, d);
      }
      return mapIds(doc, [...deltas.keys()], (el) => {
        const [dx, dy] = deltas.get(el.id)!;
        return dx === 0 && dy === 0 ? el : { ...el, x: el.x + dx, y: el.y + dy };
      });
    }
    case 'distribute': {
      const targets = doc.elements.filter((e) => change.ids.includes(e.id) && !e.locked);
      if (targets.length < 3) return doc;
      const horizontal = change.axis === 'horizontal';
      const items = targets.map((e) => ({ e, b: boundsOf(e) })).sort((a, b) => (horizontal ? a.b.x - b.b.x : a.b.y - b.b.y));
      const first = items[0]!.b;
      const last = items[items.length - 1]!.b;
      const span = horizontal ? last.x + last.width - first.x : last.y + last.height - first.y;
      const total = items.reduce((s, i) => s + (horizontal ? i.b.width : i.b.height), 0);
      const gap = (span - total) / (items.length - 1);
      let pos = horizontal ? first.x : first.y;
      const deltas = new Map<string, number>();
      for (const { e, b } of items) {
        deltas.set(e.id, pos - (horizontal ? b.x : b.y));
        pos += (horizontal ? b.width : b.height) + gap;
      }
      return mapIds(doc, [...deltas.keys()], (el) => {
        const d = deltas.get(el.id)!;
        if (Math.abs(d) < 1e-9) return el;
        return horizontal ? { ...el, x: el.x + d } : { ...el, y: el.y + d };
      });
    }
    case 'reorder': {
      const elements = reorder(doc.elements, change.ids, change.to);
      return elements.every((e, i) => e === doc.elements[i]) ? doc : { ...doc, elements };
    }
    case 'moveTo': {
      const from = doc.elements.findIndex((e) => e.id === change.id);
      const to = Math.max(0, Math.min(doc.elements.length - 1, change.index));
      if (from < 0 || from === to) return doc;
      const elements = [...doc.elements];
      const [el] = elements.splice(from, 1);
      elements.splice(to, 0, el!);
      return { ...doc, elements };
    }
    case 'group':
      if (change.ids.length < 2) return doc;
      return mapIds(doc, change.ids, (el) => ({ ...el, groupId: change.groupId }));
    case 'ungroup':
      return mapIds(doc, change.ids, (el) => (el.groupId === null ? el : { ...el, groupId: null }));
    case 'lock':
      return mapIds(doc, change.ids, (el) => (el.locked === change.locked ? el : { ...el, locked: change.locked }));
    case 'setBackground':
      return doc.background === change.color ? doc : { ...doc, background: change.color };
    case 'setSampleValue':
      return doc.sampleValues[change.name] === change.value ? doc : { ...doc, sampleValues: { ...doc.sampleValues, [change.name]: change.value } };
  }
}

/** Undo history: the documents before (past) and after (future) the present one. */
export interface History {
  past: PosterDocument[];
  present: PosterDocument;
  future: PosterDocument[];
}

export const HISTORY_LIMIT = 200;

export function createHistory(doc: PosterDocument): History {
  return { past: [], present: doc, future: [] };
}

/** Applies a change as one undo step (none when it changed nothing). */
export function commit(history: History, change: PosterChange | PosterChange[]): History {
  const changes = Array.isArray(change) ? change : [change];
  const next = changes.reduce(applyChange, history.present);
  if (next === history.present) return history;
  return { past: [...history.past, history.present].slice(-HISTORY_LIMIT), present: next, future: [] };
}

export function undo(history: History): History {
  const prev = history.past[history.past.length - 1];
  if (!prev) return history;
  return { past: history.past.slice(0, -1), present: prev, future: [history.present, ...history.future] };
}

export function redo(history: History): History {
  const next = history.future[0];
  if (!next) return history;
  return { past: [...history.past, history.present], present: next, future: history.future.slice(1) };
}

export interface SnapGuide {
  /** `x`: a vertical guide line at x = `at`; `y`: a horizontal one. */
  axis: 'x' | 'y';
  at: number;
}

/**
 * Snaps a box being dragged to the poster's edges and centre lines and to the edges and centres of other elements,
 * when within `threshold` pixels: the closest candidate on each axis wins. Returns the corrected position and the
 * guide lines to draw.
 */
export function snapBox(box: Box, others: readonly Box[], poster: { width: number; height: number }, threshold: number): { x: number; y: number; guides: SnapGuide[] } {
  const xs = [0, poster.width / 2, poster.width];
  const ys = [0, poster.height / 2, poster.height];
  for (const o of others) {
    xs.push(o.x, o.x + o.width / 2, o.x + o.width);
    ys.push(o.y, o.y + o.height / 2, o.y + o.height);
  }
  const pick = (edges: number[], lines: number[]) => {
    let best: { delta: number; at: number } | null = null;
    for (const edge of edges) {
      for (const line of lines) {
        const delta = line - edge;
        if (Math.abs(delta) <= threshold && (!best || Math.abs(delta) < Math.abs(best.delta))) best = { delta, at: line };
      }
    }
    return best;
  };
  const sx = pick([box.x, box.x + box.width / 2, box.x + box.width], xs);
  const sy = pick([box.y, box.y + box.height / 2, box.y + box.height], ys);
  const guides: SnapGuide[] = [];
  if (sx) guides.push({ axis: 'x', at: sx.at });
  if (sy) guides.push({ axis: 'y', at: sy.at });
  return { x: box.x + (sx?.delta ?? 0), y: box.y + (sy?.delta ?? 0), guides };
}
