/**
 * Compliance beside one open course editor (a vanilla zustand store, provided through context like the editor's own):
 * live findings of the draft from the scanning worker, and the host's view of the stored course — its findings with
 * acknowledgements, the gate and the publish readiness. Actions are the only callers of the client.
 *
 * Live scans are debounced (150 ms after the last keystroke) and send only the fields whose text changed.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  StudioError,
  findingKey,
  type CourseScan,
  type FieldProblem,
  type LocatedFinding,
  type PublishState,
  type SecondOpinion,
} from '../../../../shared/contract/index';
import type { Finding } from '../../../../shared/compliance/types';
import { SEC_CHECK_MAX_TEXT } from '../../../../shared/companion/content-check';
import type { StudioClient } from '../../api/client';
import { saveBytesFile, saveTextFile } from '../../api/save-file';
import type { Draft, EditorStore } from '../courses/editor-store';
import { draftFields, parseFieldKey, replaceInDraft, type FieldRef } from './draft-fields';
import { liveScanner, type FieldScan, type LiveScanner } from './live-scan';

export const LIVE_SCAN_DELAY_MS = 150;

/** A finding of the draft as typed, placed in its field. */
export interface LiveFinding extends Finding {
  fieldKey: string;
  ref: FieldRef;
  /** The acknowledgement key (same as the host's). */
  key: string;
}

export type SecondOpinionState = { state: 'idle' | 'loading' } | { state: 'done'; value: SecondOpinion } | { state: 'error'; code: string };

export interface ComplianceState {
  courseId: string;
  /** Field key → the last scan of that field. */
  live: Record<string, FieldScan>;
  /** Increases each time a live scan lands (the editor marks itself scanned for tests and assistive tech). */
  liveScans: number;
  host: CourseScan | null;
  /** Counts the host's answers, so views that depend on them (the trail) know to reload. */
  hostLoads: number;
  publish: PublishState | null;
  hostError: string | null;
  /** What blocked the last 提交发布, as the host listed it. */
  refusal: FieldProblem[] | null;
  busy: 'submit' | 'withdraw' | 'html' | 'pdf' | null;
  exportError: string | null;
  panelOpen: boolean;
  /** The finding the report should scroll to when it opens. */
  panelFocus: string | null;
  secondOpinion: SecondOpinionState;
  start(): () => void;
  refreshHost(): Promise<void>;
  acknowledge(finding: LocatedFinding, reason: string): Promise<void>;
  revoke(finding: LocatedFinding, reason: string): Promise<void>;
  submit(): Promise<void>;
  withdraw(): Promise<void>;
  openPanel(findingKey?: string): void;
  closePanel(): void;
  requestSecondOpinion(): Promise<void>;
  exportReport(format: 'html' | 'pdf'): Promise<void>;
  /** Replaces a finding's span with its suggestion through the editor's apply() (one undoable step). */
  applySuggestion(finding: LiveFinding, replacement: string): boolean;
}

export type ComplianceStore = StoreApi<ComplianceState>;

export function liveFindingsOf(scan: FieldScan | undefined, currentText: string): LiveFinding[] {
  if (!scan || scan.text !== currentText) return [];
  const ref = parseFieldKey(scan.key);
  if (!ref) return [];
  return scan.findings.map((f) => ({
    ...f,
    fieldKey: scan.key,
    ref,
    key: findingKey({ target: ref.target, targetId: ref.id, field: ref.field, rule: f.rule, text: f.text }),
  }));
}

function errorCode(error: unknown): string {
  return error instanceof StudioError ? error.code : 'INTERNAL';
}

export function createComplianceStore(client: StudioClient, editor: EditorStore, scanner: LiveScanner = liveScanner()): ComplianceStore {
  const courseId = editor.getState().courseId;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** Field key → text last sent to the worker, so unchanged fields are not scanned again. */
  const sent = new Map<string, string>();
  let disposed = false;

  const store = createStore<ComplianceState>()((set, get) => ({
    courseId,
    live: {},
    liveScans: 0,
    host: null,
    hostLoads: 0,
    publish: null,
    hostError: null,
    refusal: null,
    busy: null,
    exportError: null,
    panelOpen: false,
    panelFocus: null,
    secondOpinion: { state: 'idle' },

    start() {
      disposed = false;
      void client.call('compliance.scannerConfig', {}).then(
        (config) => {
          scanner.configure(config);
          // The worker's scanner changed: everything is scanned again with it.
          sent.clear();
          scan();
        },
        () => {
          // Without the team's terms the rules still apply; the host's report has the full picture.
        },
      );
      scan();
      void get().refreshHost();
      const unsubscribeDraft = editor.subscribe((state, previous) => {
        if (state.draft !== previous.draft) schedule();
      });
      const unsubscribeChanged = client.on('courses.changed', (event) => {
        if (event.id === courseId && !event.deleted) void get().refreshHost();
      });
      return () => {
        disposed = true;
        if (timer) clearTimeout(timer);
        unsubscribeDraft();
        unsubscribeChanged();
      };
    },

    async refreshHost() {
      try {
        const [host, publish] = await Promise.all([
          client.call('compliance.scanCourse', { courseId }),
          client.call('compliance.publishState', { courseId }),
        ]);
        if (!disposed) set((s) => ({ host, publish, hostError: null, hostLoads: s.hostLoads + 1 }));
      } catch (error) {
        if (!disposed) set({ hostError: errorCode(error) });
      }
    },

    async acknowledge(finding, reason) {
      await editor.getState().saveNow();
      await client.call('compliance.acknowledge', {
        courseId,
        target: finding.location.target,
        targetId: finding.location.id,
        field: finding.location.field,
        rule: finding.rule,
        text: finding.text,
        reason,
      });
      await get().refreshHost();
    },

    async revoke(finding, reason) {
      await client.call('compliance.revoke', {
        courseId,
        target: finding.location.target,
        targetId: finding.location.id,
        field: finding.location.field,
        rule: finding.rule,
        text: finding.text,
        reason,
      });
      await get().refreshHost();
    },

    async submit() {
      set({ busy: 'submit', refusal: null });
      try {
        // The host decides on the stored course: what is on screen is saved first.
        await editor.getState().saveNow();
        const publish = await client.call('compliance.submitForPublish', { courseId });
        set({ publish });
      } catch (error) {
        if (error instanceof StudioError && error.code === 'COMPLIANCE_BLOCKED') set({ refusal: error.fields ?? [] });
        else set({ hostError: errorCode(error) });
      } finally {
        set({ busy: null });
        void get().refreshHost();
      }
    },

    async withdraw() {
      set({ busy: 'withdraw' });
      try {
        set({ publish: await client.call('compliance.withdrawFromPublish', { courseId }), refusal: null });
      } catch (error) {
        set({ hostError: errorCode(error) });
      } finally {
        set({ busy: null });
      }
    },

    openPanel(key) {
      set({ panelOpen: true, panelFocus: key ?? null });
      void editor
        .getState()
        .saveNow()
        .then(() => get().refreshHost());
    },
    closePanel() {
      set({ panelOpen: false, panelFocus: null });
    },

    async requestSecondOpinion() {
      set({ secondOpinion: { state: 'loading' } });
      const text = draftFields(courseId, editor.getState().draft)
        .map((f) => f.text.trim())
        .filter(Boolean)
        .join('\n')
        .slice(0, SEC_CHECK_MAX_TEXT);
      try {
        const value = await client.call('compliance.secondOpinion', { text });
        set({ secondOpinion: { state: 'done', value } });
      } catch (error) {
        set({ secondOpinion: { state: 'error', code: errorCode(error) } });
      }
    },

    async exportReport(format) {
      set({ busy: format, exportError: null });
      try {
        await editor.getState().saveNow();
        if (format === 'html') {
          const { fileName, html } = await client.call('compliance.exportHtml', { courseId });
          saveTextFile(fileName, html, 'text/html;charset=utf-8');
        } else {
          const { fileName, dataBase64 } = await client.call('compliance.exportPdf', { courseId });
          saveBytesFile(fileName, dataBase64, 'application/pdf');
        }
      } catch (error) {
        set({ exportError: errorCode(error) });
      } finally {
        set({ busy: null });
      }
    },

    applySuggestion(finding, replacement) {
      let applied = false;
      editor.getState().apply((d: Draft) => {
        const next = replaceInDraft(d, finding.ref, finding.start, finding.end, finding.text, replacement);
        applied = next !== null;
        return next ?? d;
      });
      return applied;
    },
  }));

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(scan, LIVE_SCAN_DELAY_MS);
  }

  function scan(): void {
    timer = null;
    const fields = draftFields(courseId, editor.getState().draft);
    const present = new Set(fields.map((f) => f.key));
    const changed = fields.filter((f) => sent.get(f.key) !== f.text);
    for (const f of changed) sent.set(f.key, f.text);
    for (const key of [...sent.keys()]) if (!present.has(key)) sent.delete(key);
    const dropGone = (live: Record<string, FieldScan>) => Object.fromEntries(Object.entries(live).filter(([key]) => present.has(key)));
    if (changed.length === 0) {
      store.setState((s) => ({ live: dropGone(s.live), liveScans: s.liveScans + 1 }));
      return;
    }
    void scanner.scan(changed.map(({ key, text }) => ({ key, text }))).then((results) => {
      if (disposed) return;
      store.setState((s) => {
        const live = dropGone(s.live);
        // An answer for text the creator has typed past is still kept: liveFindingsOf shows it only while it matches.
        for (const r of results) live[r.key] = r;
        return { live, liveScans: s.liveScans + 1 };
      });
    });
  }

  return store;
}
