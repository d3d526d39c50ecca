import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useApp, useStores } from '../../app/stores';
import { syncStoreFor } from './sync-store';
import './sync.css';

/** The shell's sync state: synced / syncing n / offline / conflicts n, a progress bar on large syncs; opens the resolver. */
export function SyncIndicator() {
  const { t, i18n } = useTranslation();
  const store = syncStoreFor(useStores().client);
  const status = useStore(store, (s) => s.status);
  const navigate = useApp((s) => s.navigate);
  useEffect(() => {
    void store.getState().load();
  }, [store]);
  if (!status || status.state === 'off') return null;
  const count = status.state === 'conflicts' ? status.conflicts : status.pending;
  const title = [status.lastSyncedAt ? t('sync.lastSynced', { time: new Date(status.lastSyncedAt).toLocaleString(i18n.language) }) : '', status.error ?? '']
    .filter(Boolean)
    .join('\n');
  return (
    <div className={`sync-indicator sync-${status.state}`} role="status" aria-label={t('sync.indicatorLabel')} data-testid="sync-indicator" data-state={status.state}>
      <button type="button" className="sync-state" title={title} onClick={() => navigate({ name: 'sync' })}>
        <span className="sync-dot" aria-hidden="true" />
        {t(`sync.state.${status.state}`, { count })}
      </button>
      {status.progress && status.progress.total > 0 && (
        <>
          <progress max={status.progress.total} value={status.progress.done} aria-label={t(`sync.progress.${status.progress.phase}`, status.progress)} />
          <span className="sync-progress-text">{t(`sync.progress.${status.progress.phase}`, status.progress)}</span>
        </>
      )}
    </div>
  );
}
