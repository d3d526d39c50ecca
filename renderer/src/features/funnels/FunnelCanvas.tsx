import { useCallback, useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  Background,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { freeId } from '../../../../shared/funnel/index';
import { selectActuals, selectAnalysis, selectDoc, selectSelection, useFunnel, useFunnelStore } from './funnel-context';
import { STEP_HEIGHT, STEP_WIDTH, StepNode, type StepData, type StepFlowNode } from './StepNode';

const nodeTypes = { step: StepNode };
const selectDragging = (s: { dragging: Record<string, { x: number; y: number }> }) => s.dragging;
const selectFocus = (s: { focus: { nodeId: string; seq: number } | null }) => s.focus;

/** New edges start at 5 / 10 / 15 %: a visible, editable guess rather than zero. */
export const NEW_EDGE_RATES = { low: 0.05, expected: 0.1, high: 0.15 };

function formatRate(rate: number): string {
  return `${(rate * 100).toFixed(rate < 0.01 ? 2 : 1)}%`;
}

function Canvas() {
  const { t } = useTranslation();
  const store = useFunnelStore();
  const doc = useFunnel(selectDoc);
  const analysis = useFunnel(selectAnalysis);
  const selection = useFunnel(selectSelection);
  const actuals = useFunnel(selectActuals);
  const dragging = useFunnel(selectDragging);
  const focus = useFunnel(selectFocus);
  const flow = useReactFlow();

  // Node data changes with the document and its analysis only, so a drag (positions) re-renders no step's content.
  const data = useMemo(() => {
    const reach = new Map(analysis.projection.byScenario.expected.nodes.map((p) => [p.nodeId, p.reach]));
    const counts = new Map<string, { errors: number; warnings: number }>();
    for (const f of analysis.findings) {
      if (!f.nodeId) continue;
      const c = counts.get(f.nodeId) ?? { errors: 0, warnings: 0 };
      if (f.severity === 'error') c.errors += 1;
      else c.warnings += 1;
      counts.set(f.nodeId, c);
    }
    const actual = new Map((actuals?.available ? actuals.nodes : []).map((a) => [a.nodeId, a]));
    return new Map(
      doc.nodes.map((node): [string, StepData] => [
        node.id,
        {
          node,
          reach: reach.get(node.id) ?? 0,
          errors: counts.get(node.id)?.errors ?? 0,
          warnings: counts.get(node.id)?.warnings ?? 0,
          inducement: analysis.inducement.has(node.id),
          actual: actual.get(node.id) ?? null,
        },
      ]),
    );
  }, [doc, analysis, actuals]);

  const placed = useMemo<StepFlowNode[]>(
    () =>
      doc.nodes.map((node) => ({
        id: node.id,
        type: 'step',
        position: { x: node.x, y: node.y },
        data: data.get(node.id)!,
        selected: selection?.kind === 'node' && selection.id === node.id,
        width: STEP_WIDTH,
        height: STEP_HEIGHT,
        // Without `measured`, React Flow drops a changed node's handle bounds: each drag move would unmount the
        // node's edges, re-measure the node and remount the edges (label measuring included).
        measured: { width: STEP_WIDTH, height: STEP_HEIGHT },
      })),
    [doc, data, selection],
  );
  // While dragging, only the dragged nodes get new objects: React Flow skips every node whose object is unchanged.
  const nodes = useMemo(() => (Object.keys(dragging).length === 0 ? placed : placed.map((n) => (dragging[n.id] ? { ...n, position: dragging[n.id]!, dragging: true } : n))), [placed, dragging]);

  const edges = useMemo<Edge[]>(
    () =>
      doc.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        label: formatRate(e.expected),
        selected: selection?.kind === 'edge' && selection.id === e.id,
        className: analysis.findings.some((f) => f.edgeId === e.id && f.severity === 'error') ? 'fn-edge-error' : undefined,
      })),
    [doc, selection, analysis],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<StepFlowNode>[]) => {
      const state = store.getState();
      const moving: Array<{ id: string; x: number; y: number }> = [];
      const dropped: Array<{ id: string; x: number; y: number }> = [];
      const removed: string[] = [];
      for (const change of changes) {
        if (change.type === 'position') {
          if (change.dragging && change.position) moving.push({ id: change.id, ...change.position });
          else if (change.dragging === false) {
            const at = change.position ?? state.dragging[change.id];
            if (at) dropped.push({ id: change.id, ...at });
          }
        } else if (change.type === 'select' && change.selected) {
          state.select({ kind: 'node', id: change.id });
        } else if (change.type === 'remove') {
          removed.push(change.id);
        }
      }
      if (moving.length) state.drag(moving);
      if (dropped.length) state.drop(dropped);
      if (removed.length) {
        state.apply({ type: 'removeNodes', ids: removed });
        state.select(null);
      }
    },
    [store],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const state = store.getState();
      const removed = changes.filter((c) => c.type === 'remove').map((c) => c.id);
      for (const c of changes) if (c.type === 'select' && c.selected) state.select({ kind: 'edge', id: c.id });
      if (removed.length) {
        state.apply({ type: 'removeEdges', ids: removed });
        state.select(null);
      }
    },
    [store],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const state = store.getState();
      const id = freeId(state.history.present, 'e');
      state.apply({ type: 'addEdge', edge: { id, source: connection.source, target: connection.target, ...NEW_EDGE_RATES } });
      state.select({ kind: 'edge', id });
    },
    [store],
  );

  useEffect(() => {
    if (!focus) return;
    const node = store.getState().history.present.nodes.find((n) => n.id === focus.nodeId);
    if (node) void flow.setCenter(node.x + STEP_WIDTH / 2, node.y + STEP_HEIGHT / 2, { zoom: Math.max(flow.getZoom(), 0.8), duration: 0 });
  }, [focus, flow, store]);

  return (
    <div className="fn-canvas" role="region" aria-label={t('funnels.canvas')} data-nodes={doc.nodes.length}>
      <ReactFlow<StepFlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onPaneClick={() => store.getState().select(null)}
        deleteKeyCode={['Delete', 'Backspace']}
        fitView
        minZoom={0.1}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

/** The canvas: React Flow renders the store's document; drags move UI state until the drop commits one change. */
export function FunnelCanvas() {
  return (
    <ReactFlowProvider>
      <Canvas />
    </ReactFlowProvider>
  );
}
