import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { StudioError } from '../../../../shared/contract/index';
import {
  MOMENTS_AD_COPY_LIMITS,
  NODE_KINDS,
  NODE_KIND_COLORS,
  NODE_KIND_LABELS,
  WECOM_GROUP_SEND_CAPS,
  freeId,
  newNode,
  type FunnelSettings,
  type NodeKind,
} from '../../../../shared/funnel/index';
import { SaveStatus } from '../../components/SaveStatus';
import { useApp, useStores } from '../../app/stores';
import { liveScanner } from '../compliance/live-scan';
import { AnalysisPanel } from './AnalysisPanel';
import { FunnelCanvas } from './FunnelCanvas';
import { FunnelProvider, selectDoc, useFunnel, useFunnelStore } from './funnel-context';
import { createFunnelStore, type FunnelStore } from './funnel-store';
import { Inspector } from './Inspector';
import './funnels.css';

function useLang(): 'zh' | 'en' {
  const { i18n } = useTranslation();
  return i18n.language.startsWith('en') ? 'en' : 'zh';
}

function Palette() {
  const { t } = useTranslation();
  const lang = useLang();
  const store = useFunnelStore();
  const add = (kind: NodeKind) => {
    const state = store.getState();
    const doc = state.history.present;
    const last = doc.nodes.at(-1);
    const id = freeId(doc, 'n');
    state.apply({ type: 'addNode', node: newNode(id, kind, NODE_KIND_LABELS[kind][lang], (last?.x ?? -260) + 260, last?.y ?? 0) });
    state.focusNode(id);
  };
  return (
    <nav className="fn-palette" aria-label={t('funnels.palette')}>
      <span className="muted">{t('funnels.palette')}</span>
      <ul>
        {NODE_KINDS.map((kind) => (
          <li key={kind}>
            <button type="button" aria-label={t('funnels.add', { kind: NODE_KIND_LABELS[kind][lang] })} onClick={() => add(kind)} style={{ borderLeftColor: NODE_KIND_COLORS[kind] }}>
              {NODE_KIND_LABELS[kind][lang]}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function RuleSettings() {
  const { t } = useTranslation();
  const store = useFunnelStore();
  const settings = useFunnel((s) => s.settings);
  const ids = { cap: useId(), ad: useId() };
  const update = (patch: Partial<FunnelSettings>) => void store.getState().updateSettings(patch);
  return (
    <details className="fn-settings">
      <summary>{t('funnels.settings.heading')}</summary>
      <div className="field">
        <label htmlFor={ids.cap}>{t('funnels.settings.wecomGroupSendCap')}</label>
        <select id={ids.cap} value={settings.wecomGroupSendCap} onChange={(e) => update({ wecomGroupSendCap: e.target.value as FunnelSettings['wecomGroupSendCap'] })}>
          {WECOM_GROUP_SEND_CAPS.map((c) => (
            <option key={c} value={c}>
              {t(`funnels.settings.wecomCap.${c}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.ad}>{t('funnels.settings.momentsAdCopyLimit')}</label>
        <select id={ids.ad} value={settings.momentsAdCopyLimit} onChange={(e) => update({ momentsAdCopyLimit: e.target.value as FunnelSettings['momentsAdCopyLimit'] })}>
          {MOMENTS_AD_COPY_LIMITS.map((c) => (
            <option key={c} value={c}>
              {t(`funnels.settings.adLimit.${c}`)}
            </option>
          ))}
        </select>
      </div>
    </details>
  );
}

function Header() {
  const { t } = useTranslation();
  const lang = useLang();
  const store = useFunnelStore();
  const navigate = useApp((s) => s.navigate);
  const doc = useFunnel(selectDoc);
  const saveState = useFunnel((s) => s.saveState);
  const canUndo = useFunnel((s) => s.history.past.length > 0);
  const canRedo = useFunnel((s) => s.history.future.length > 0);
  const exporting = useFunnel((s) => s.exporting);
  const exportError = useFunnel((s) => s.exportError);
  const nameId = useId();
  return (
    <header className="fn-header">
      <button type="button" className="link-button" onClick={() => navigate({ name: 'funnels' })}>
        ← {t('funnels.back')}
      </button>
      <label htmlFor={nameId} className="visually-hidden">
        {t('funnels.name')}
      </label>
      <input
        id={nameId}
        className="title-input"
        value={doc.name}
        maxLength={60}
        onChange={(e) => e.target.value.trim() && store.getState().apply({ type: 'rename', name: e.target.value }, 'name')}
      />
      <SaveStatus
        state={saveState}
        label={t(`funnels.save.${saveState}`)}
        retryLabel={t('funnels.save.retry')}
        reloadLabel={t('funnels.save.reload')}
        onRetry={() => void store.getState().saveNow()}
      />
      <div className="toolbar">
        <button type="button" className="secondary" disabled={!canUndo} onClick={() => store.getState().undo()}>
          {t('funnels.undo')}
        </button>
        <button type="button" className="secondary" disabled={!canRedo} onClick={() => store.getState().redo()}>
          {t('funnels.redo')}
        </button>
        <button type="button" className="secondary" disabled={exporting !== null} onClick={() => void store.getState().exportPng(lang)}>
          {t('funnels.exportPng')}
        </button>
        <button type="button" className="secondary" disabled={exporting !== null} onClick={() => void store.getState().exportCsv(lang)}>
          {t('funnels.exportCsv')}
        </button>
      </div>
      {exportError && (
        <p role="alert" className="field-error">
          {t('funnels.exportFailed', { code: exportError })}
        </p>
      )}
      <RuleSettings />
    </header>
  );
}

function Editor({ store }: { store: FunnelStore }) {
  const onKeyDown = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (target.closest('input, textarea, select')) return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      if (e.shiftKey) store.getState().redo();
      else store.getState().undo();
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      void store.getState().saveNow();
    }
  };
  const saveState = useStore(store, (s) => s.saveState);
  return (
    <FunnelProvider store={store}>
      <main className="page fn-editor" onKeyDown={onKeyDown} data-save-state={saveState}>
        <Header />
        <Palette />
        <div className="fn-columns">
          <FunnelCanvas />
          <Inspector />
        </div>
        <AnalysisPanel />
      </main>
    </FunnelProvider>
  );
}

/** Opens one funnel: loads it, makes its store (disposed, after a last save, when the route changes). */
export function FunnelEditorRoute({ id }: { id: string }) {
  const { t } = useTranslation();
  const { client } = useStores();
  const [store, setStore] = useState<FunnelStore | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    let created: FunnelStore | null = null;
    client.call('funnels.get', { id }).then(
      (funnel) => {
        if (!live) return;
        created = createFunnelStore(client, funnel, liveScanner());
        setStore(created);
      },
      (e: unknown) => live && setError(e instanceof StudioError ? e.code : 'INTERNAL'),
    );
    return () => {
      live = false;
      if (created) {
        const s = created;
        void s.getState().saveNow().finally(() => s.getState().dispose());
      }
    };
  }, [client, id]);

  if (error) {
    return (
      <main className="page">
        <p role="alert">{t('funnels.error.load', { code: error })}</p>
      </main>
    );
  }
  if (!store) return <main className="page" aria-busy="true" />;
  return <Editor store={store} />;
}
