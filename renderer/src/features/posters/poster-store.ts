/**
 * One store per open poster (a vanilla zustand store provided through context): the document with its undo history,
 * and UI state that is never saved — selection, zoom, snap guides, the text being edited. Every document edit goes
 * through `apply(change)` (shared/poster/operations.ts); a drag updates nothing until the drop, which commits once.
 * Autosave, the compliance/QR check and nothing else talk to the host, from subscriptions and actions only.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { StudioError, type MethodOutput } from '../../../../shared/contract/index';
import {
  commit,
  createHistory,
  expandGroups,
  redo as redoHistory,
  undo as undoHistory,
  type BrandKit,
  type History,
  type PosterChange,
  type PosterDocument,
  type SnapGuide,
} from '../../../../shared/poster/index';
import type { BatchProgress, Poster } from '../../../../shared/poster/contract';
import type { StudioClient } from '../../api/client';

export type SaveState = 'saved' | 'dirty' | 'saving' | 'error' | 'conflict';
export type CheckResult = MethodOutput<'posters.check'>;
export type ExportFormat = 'png' | 'jpeg';

export interface PosterEditorState {
  posterId: string;
  name: string;
  history: History;
  brand: BrandKit;
  savedVersion: number;
  savedDoc: PosterDocument;
  savedName: string;
  saveState: SaveState;
  selection: string[];
  zoom: number;
  guides: SnapGuide[];
  /** The text element whose overlay editor is open. */
  editingText: string | null;
  check: CheckResult | null;
  exporting: boolean;
  /** The last export's outcome for the status line: a file name, or an error code. */
  exportResult: { ok: true; fileName: string } | { ok: false; code: string; detail: string } | null;
  batch: BatchProgress | null;
  batchError: { code: string; field: string | null; line: number | null; detail: string } | null;

  apply(change: PosterChange | PosterChange[]): void;
  undo(): void;
  redo(): void;
  rename(name: string): void;
  select(ids: string[], additive?: boolean): void;
  setZoom(zoom: number): void;
  setGuides(guides: SnapGuide[]): void;
  editText(id: string | null): void;
  saveNow(): Promise<void>;
  runCheck(): Promise<void>;
  exportPoster(format: ExportFormat, acknowledgeMustFix: boolean): Promise<{ fileName: string; mime: string; dataBase64: string } | null>;
  startBatch(input: { source: { kind: 'csv'; text: string } | { kind: 'members' }; outputDir: string; pattern: string; format: ExportFormat; acknowledgeMustFix: boolean }): Promise<void>;
  cancelBatch(): Promise<void>;
  dispose(): void;
}

export type PosterEditorStore = StoreApi<PosterEditorState>;

export const AUTOSAVE_DELAY_MS = 400;
const CHECK_DELAY_MS = 300;
export const MIN_ZOOM = 0.1;
export const MAX_ZOOM = 2;

function errorInfo(error: unknown): { code: string; field: string | null; line: number | null; detail: string } {
  if (error instanceof StudioError) {
    const line = error.details?.line;
    const text = error.details?.text;
    return { code: error.code, field: error.fields?.[0]?.code ?? null, line: typeof line === 'number' ? line : null, detail: typeof text === 'string' ? text : '' };
  }
  return { code: 'INTERNAL', field: null, line: null, detail: error instanceof Error ? error.message : String(error) };
}

export function createPosterEditorStore(client: StudioClient, poster: Poster, brand: BrandKit): PosterEditorStore {
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let checkTimer: ReturnType<typeof setTimeout> | null = null;
  let saving: Promise<void> | null = null;
  let checkSeq = 0;

  const store = createStore<PosterEditorState>()((set, get) => ({
    posterId: poster.id,
    name: poster.name,
    history: createHistory(poster.document),
    brand,
    savedVersion: poster.version,
    savedDoc: poster.document,
    savedName: poster.name,
    saveState: 'saved',
    selection: [],
    zoom: 0.4,
    guides: [],
    editingText: null,
    check: null,
    exporting: false,
    exportResult: null,
    batch: null,
    batchError: null,

    apply(change) {
      const history = commit(get().history, change);
      if (history === get().history) return;
      const ids = new Set(history.present.elements.map((e) => e.id));
      set({ history, selection: get().selection.filter((id) => ids.has(id)) });
    },
    undo() {
      const history = undoHistory(get().history);
      const ids = new Set(history.present.elements.map((e) => e.id));
      set({ history, selection: get().selection.filter((id) => ids.has(id)), editingText: null });
    },
    redo() {
      const history = redoHistory(get().history);
      const ids = new Set(history.present.elements.map((e) => e.id));
      set({ history, selection: get().selection.filter((id) => ids.has(id)), editingText: null });
    },
    rename(name) {
      set({ name });
    },
    select(ids, additive = false) {
      const doc = get().history.present;
      // A click on a group member selects the group; locked elements are selected only from the layers panel.
      const expanded = expandGroups(doc, ids);
      if (!additive) return set({ selection: expanded });
      const current = new Set(get().selection);
      const allIn = expanded.every((id) => current.has(id));
      set({ selection: allIn ? get().selection.filter((id) => !expanded.includes(id)) : [...get().selection, ...expanded.filter((id) => !current.has(id))] });
    },
    setZoom(zoom) {
      set({ zoom: Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom)) });
    },
    setGuides(guides) {
      if (guides.length === 0 && get().guides.length === 0) return;
      set({ guides });
    },
    editText(id) {
      set({ editingText: id });
    },
    async saveNow() {
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = null;
      if (saving) await saving;
      const { history, savedDoc, name, savedName, saveState } = get();
      if (saveState === 'conflict') return;
      const doc = history.present;
      const trimmed = name.trim();
      if ((doc === savedDoc && name === savedName) || !trimmed) return;
      set({ saveState: 'saving' });
      saving = (async () => {
        try {
          const saved = await client.call('posters.save', { id: poster.id, baseVersion: get().savedVersion, name: trimmed, document: doc });
          const stillCurrent = get().history.present === doc && get().name === name;
          set({ savedVersion: saved.version, savedDoc: doc, savedName: name, saveState: stillCurrent ? 'saved' : 'dirty' });
        } catch (error) {
          set({ saveState: error instanceof StudioError && error.code === 'CONFLICT' ? 'conflict' : 'error' });
        } finally {
          saving = null;
        }
      })();
      await saving;
      if (get().saveState === 'dirty') await get().saveNow();
    },
    async runCheck() {
      const seq = ++checkSeq;
      try {
        const check = await client.call('posters.check', { id: poster.id, document: get().history.present });
        if (seq === checkSeq) set({ check });
      } catch {
        // The check is advisory here; the export runs it again in the host and refuses with a clear error.
      }
    },
    async exportPoster(format, acknowledgeMustFix) {
      set({ exporting: true, exportResult: null });
      try {
        const out = await client.call('posters.export', {
          id: poster.id,
          document: get().history.present,
          format,
          acknowledgeMustFix,
          fileTitle: get().name,
        });
        set({ exportResult: { ok: true, fileName: out.fileName } });
        return out;
      } catch (error) {
        const info = errorInfo(error);
        set({ exportResult: { ok: false, code: info.code, detail: info.detail } });
        return null;
      } finally {
        set({ exporting: false });
      }
    },
    async startBatch(input) {
      set({ batchError: null, batch: null });
      try {
        const started = await client.call('posters.batchStart', {
          id: poster.id,
          document: get().history.present,
          source: input.source,
          ...(input.outputDir.trim() ? { outputDir: input.outputDir.trim() } : {}),
          fileNamePattern: input.pattern,
          format: input.format,
          acknowledgeMustFix: input.acknowledgeMustFix,
        });
        set((s) => ({
          batch: s.batch?.jobId === started.jobId ? s.batch : { jobId: started.jobId, posterId: poster.id, state: 'running', total: started.total, done: 0, failed: 0, outputDir: started.outputDir, errors: [] },
        }));
      } catch (error) {
        set({ batchError: errorInfo(error) });
      }
    },
    async cancelBatch() {
      const batch = get().batch;
      if (!batch || batch.state !== 'running') return;
      const final = await client.call('posters.batchCancel', { jobId: batch.jobId });
      set({ batch: final });
    },
    dispose() {
      if (saveTimer) clearTimeout(saveTimer);
      if (checkTimer) clearTimeout(checkTimer);
      unsubscribe();
      offProgress();
      void get().saveNow();
    },
  }));

  const offProgress = client.on('posters.batchProgressed', (progress) => {
    if (progress.posterId !== poster.id) return;
    const current = store.getState().batch;
    // Events of an earlier batch, or arriving after the final answer of a cancel, do not overwrite newer news.
    if (current && current.jobId === progress.jobId && current.state !== 'running') return;
    store.setState({ batch: progress });
  });

  const unsubscribe = store.subscribe((state, previous) => {
    const docChanged = state.history.present !== previous.history.present;
    if (docChanged || state.name !== previous.name) {
      const dirty = state.history.present !== state.savedDoc || state.name !== state.savedName;
      if (dirty && state.saveState !== 'conflict') {
        if (state.saveState !== 'saving') store.setState({ saveState: 'dirty' });
        if (saveTimer) clearTimeout(saveTimer);
        saveTimer = setTimeout(() => void store.getState().saveNow(), AUTOSAVE_DELAY_MS);
      }
    }
    if (docChanged) {
      if (checkTimer) clearTimeout(checkTimer);
      checkTimer = setTimeout(() => void store.getState().runCheck(), CHECK_DELAY_MS);
    }
  });
  void store.getState().runCheck();
  return store;
}
