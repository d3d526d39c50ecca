/**
 * One store per open funnel (a vanilla zustand store provided through context). The document lives in `history`
 * and changes only through `apply`, which records undo steps; React Flow renders it and never owns it — while a node
 * is dragged only `dragging` (UI state) moves, and the drop commits one `moveNodes`. The analysis (findings,
 * projections, sensitivity) is recomputed from the document on every change; autosave is a store subscription.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { StudioError } from '../../../../shared/contract/index';
import {
  DEFAULT_FUNNEL_SETTINGS,
  commit,
  complianceFindings,
  funnelTexts,
  inducementNodes,
  projectFunnel,
  redo as redoHistory,
  sensitivity,
  startHistory,
  undo as undoHistory,
  validateFunnel,
  type EdgeSensitivity,
  type FunnelChange,
  type FunnelDocument,
  type FunnelFinding,
  type FunnelProjection,
  type FunnelSettings,
  type History,
  type NodeScan,
} from '../../../../shared/funnel/index';
import type { Funnel, FunnelActuals } from '../../../../shared/funnel/contract';
import type { StudioClient } from '../../api/client';
import { savePng } from '../preview/save-png';
import { saveTextFile } from '../../api/save-file';
import type { LiveScanner } from '../compliance/live-scan';

export type SaveState = 'saved' | 'dirty' | 'saving' | 'error' | 'conflict';
export type Selection = { kind: 'node'; id: string } | { kind: 'edge'; id: string } | null;

export interface Analysis {
  findings: FunnelFinding[];
  projection: FunnelProjection;
  sensitivity: { baseFen: number; edges: EdgeSensitivity[] };
  inducement: Set<string>;
}

export interface FunnelState {
  funnelId: string;
  history: History;
  savedVersion: number;
  savedDoc: FunnelDocument;
  saveState: SaveState;
  saveError: string | null;
  settings: FunnelSettings;
  scans: NodeScan[];
  analysis: Analysis;
  actuals: FunnelActuals | null;
  selection: Selection;
  /** Positions of nodes being dragged (UI only); committed to the document on drop. */
  dragging: Record<string, { x: number; y: number }>;
  /** Asks the canvas to bring a node into view (the validation list's jump); `seq` makes repeats distinct. */
  focus: { nodeId: string; seq: number } | null;
  exporting: 'png' | 'csv' | null;
  exportError: string | null;
  apply(change: FunnelChange, coalesce?: string): void;
  undo(): void;
  redo(): void;
  select(selection: Selection): void;
  focusNode(nodeId: string): void;
  drag(moves: Array<{ id: string; x: number; y: number }>): void;
  drop(moves: Array<{ id: string; x: number; y: number }>): void;
  saveNow(): Promise<void>;
  updateSettings(patch: Partial<FunnelSettings>): Promise<void>;
  loadActuals(): Promise<void>;
  exportPng(locale: 'zh' | 'en'): Promise<void>;
  exportCsv(locale: 'zh' | 'en'): Promise<void>;
  dispose(): void;
}

export type FunnelStore = StoreApi<FunnelState>;
export const AUTOSAVE_DELAY_MS = 400;
const SCAN_DELAY_MS = 200;

export function analyse(doc: FunnelDocument, settings: FunnelSettings, scans: readonly NodeScan[]): Analysis {
  return {
    findings: [...validateFunnel(doc, settings), ...complianceFindings(doc, scans)],
    projection: projectFunnel(doc),
    sensitivity: sensitivity(doc),
    inducement: inducementNodes(scans.filter((s) => doc.nodes.some((n) => n.id === s.key && n.text === s.text))),
  };
}

function codeOf(error: unknown): string {
  return error instanceof StudioError ? error.code : 'INTERNAL';
}

export function createFunnelStore(client: StudioClient, funnel: Funnel, scanner: LiveScanner | null): FunnelStore {
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let scanTimer: ReturnType<typeof setTimeout> | null = null;
  let queue: Promise<void> = Promise.resolve();
  let disposed = false;
  let focusSeq = 0;
  const doc = funnel.document;

  const store = createStore<FunnelState>()((set, get) => ({
    funnelId: funnel.id,
    history: startHistory(doc),
    savedVersion: funnel.version,
    savedDoc: doc,
    saveState: 'saved',
    saveError: null,
    settings: DEFAULT_FUNNEL_SETTINGS,
    scans: [],
    analysis: analyse(doc, DEFAULT_FUNNEL_SETTINGS, []),
    actuals: null,
    selection: null,
    dragging: {},
    focus: null,
    exporting: null,
    exportError: null,

    apply(change, coalesce) {
      const history = commit(get().history, change, coalesce);
      if (history !== get().history) set({ history });
    },
    undo() {
      set({ history: undoHistory(get().history) });
    },
    redo() {
      set({ history: redoHistory(get().history) });
    },
    select(selection) {
      // Another selection starts a new edit: typing in the same field later is a new undo step.
      set({ selection, history: { ...get().history, lastCoalesce: null } });
    },
    focusNode(nodeId) {
      set({ selection: { kind: 'node', id: nodeId }, focus: { nodeId, seq: ++focusSeq }, history: { ...get().history, lastCoalesce: null } });
    },
    drag(moves) {
      set({ dragging: { ...get().dragging, ...Object.fromEntries(moves.map((m) => [m.id, { x: m.x, y: m.y }])) } });
    },
    drop(moves) {
      const rounded = moves.map((m) => ({ id: m.id, x: Math.round(m.x), y: Math.round(m.y) }));
      get().apply({ type: 'moveNodes', moves: rounded });
      const dragging = { ...get().dragging };
      for (const m of moves) delete dragging[m.id];
      set({ dragging });
    },
    saveNow() {
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = null;
      queue = queue.then(saveOnce);
      return queue;
    },
    async updateSettings(patch) {
      const settings = await client.call('funnels.updateSettings', patch);
      set({ settings });
    },
    async loadActuals() {
      try {
        set({ actuals: await client.call('funnels.actuals', { id: funnel.id }) });
      } catch {
        set({ actuals: { available: false, reason: 'error', nodes: [], eventsRead: 0, ordersRead: 0 } });
      }
    },
    async exportPng(locale) {
      set({ exporting: 'png', exportError: null });
      try {
        await get().saveNow();
        const { fileName, pngBase64 } = await client.call('funnels.exportPng', { id: funnel.id, scale: 2, locale });
        savePng(fileName, pngBase64);
      } catch (error) {
        set({ exportError: codeOf(error) });
      } finally {
        set({ exporting: null });
      }
    },
    async exportCsv(locale) {
      set({ exporting: 'csv', exportError: null });
      try {
        await get().saveNow();
        const { fileName, csv } = await client.call('funnels.exportCsv', { id: funnel.id, locale });
        saveTextFile(fileName, csv);
      } catch (error) {
        set({ exportError: codeOf(error) });
      } finally {
        set({ exporting: null });
      }
    },
    dispose() {
      disposed = true;
      if (saveTimer) clearTimeout(saveTimer);
      if (scanTimer) clearTimeout(scanTimer);
      unsubscribe();
    },
  }));

  async function saveOnce(): Promise<void> {
    const { history, savedDoc, savedVersion, saveState } = store.getState();
    const document = history.present;
    if (disposed || saveState === 'conflict') return;
    if (document === savedDoc) {
      store.setState({ saveState: 'saved', saveError: null });
      return;
    }
    store.setState({ saveState: 'saving', saveError: null });
    try {
      const saved = await client.call('funnels.save', { id: funnel.id, baseVersion: savedVersion, document });
      // Edits made while this save was in flight are saved next.
      const stillCurrent = store.getState().history.present === document;
      store.setState({ savedVersion: saved.version, savedDoc: document, saveState: stillCurrent ? 'saved' : 'dirty' });
      if (!stillCurrent) scheduleSave();
    } catch (error) {
      const code = codeOf(error);
      store.setState({ saveState: code === 'CONFLICT' ? 'conflict' : 'error', saveError: code });
    }
  }

  function scheduleSave(): void {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void store.getState().saveNow(), AUTOSAVE_DELAY_MS);
  }

  function scheduleScan(): void {
    if (!scanner) return;
    if (scanTimer) clearTimeout(scanTimer);
    scanTimer = setTimeout(() => {
      const texts = funnelTexts(store.getState().history.present);
      void scanner.scan(texts).then((scans) => {
        if (disposed) return;
        const { history, settings } = store.getState();
        store.setState({ scans, analysis: analyse(history.present, settings, scans) });
      });
    }, SCAN_DELAY_MS);
  }

  const unsubscribe = store.subscribe((state, previous) => {
    if (state.history.present === previous.history.present && state.settings === previous.settings) return;
    store.setState({ analysis: analyse(state.history.present, state.settings, state.scans) });
    if (state.history.present === previous.history.present) return;
    scheduleScan();
    if (state.saveState === 'conflict') return;
    store.setState({ saveState: state.history.present === state.savedDoc ? 'saved' : 'dirty' });
    scheduleSave();
  });

  void client.call('funnels.settings', {}).then(
    (settings) => !disposed && store.setState({ settings }),
    () => {},
  );
  if (scanner) {
    // The team's term lists, as the course editor's scans use them; until they arrive the rules alone apply.
    void client.call('compliance.scannerConfig', {}).then(
      (config) => {
        if (disposed) return;
        scanner.configure(config);
        scheduleScan();
      },
      () => {},
    );
  }
  scheduleScan();
  return store;
}
