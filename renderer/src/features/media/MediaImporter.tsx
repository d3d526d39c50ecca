import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { MediaItem } from '../../../../shared/contract/index';
import { MEDIA_ACCEPT, type WechatMaterial } from '../../../../shared/domain/media';
import { useStores } from '../../app/stores';
import { formatBytes, formatDuration } from './format';
import { createImportStore, type UploadEntry } from './import-store';
import './media.css';

export interface MediaImporterProps {
  /** Refuse files WeChat would refuse as this material (e.g. `voice` for a voice message). */
  material?: WechatMaterial;
  /** Called once per file stored (or found already stored). */
  onImported?: (item: MediaItem, duplicate: boolean) => void;
  /** A narrower file-picker filter; the host decides by the bytes either way. */
  accept?: string;
}

/**
 * Drop zone and file picker with a progress bar per file, each cancellable. Reusable: the library page has one, and
 * any editor that needs a file (a lesson's audio, a cover) can place its own with its own `onImported`.
 */
export function MediaImporter({ material, onImported, accept = MEDIA_ACCEPT }: MediaImporterProps) {
  const { t } = useTranslation();
  const { client } = useStores();
  const [store] = useState(() => createImportStore(client, material ? { material } : {}));
  // Tells the owner about each file as it finishes (an entry leaving `uploading` with an item).
  useEffect(() => {
    if (!onImported) return;
    return store.subscribe((state, prev) => {
      for (const entry of state.entries) {
        const before = prev.entries.find((e) => e.id === entry.id);
        if (entry.item && before?.state === 'uploading' && (entry.state === 'done' || entry.state === 'duplicate')) {
          onImported(entry.item, entry.state === 'duplicate');
        }
      }
    });
  }, [store, onImported]);
  const entries = useStore(store, (s) => s.entries);
  const [over, setOver] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const id = useId();

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const files = [...e.dataTransfer.files];
    if (files.length) store.getState().add(files);
  };

  return (
    <section className="media-importer" aria-labelledby={`${id}-drop`}>
      <div
        className={`media-drop${over ? ' media-drop-over' : ''}`}
        data-testid="media-drop"
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p id={`${id}-drop`} className="media-drop-title">
          {t('media.importer.drop')}
        </p>
        <p className="muted">
          {t('media.importer.or')}{' '}
          <label className="secondary button-like" htmlFor={id}>
            {t('media.importer.pick')}
          </label>
        </p>
        <input
          ref={inputRef}
          id={id}
          className="visually-hidden"
          type="file"
          multiple
          accept={accept}
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            if (files.length) store.getState().add(files);
            if (inputRef.current) inputRef.current.value = '';
          }}
        />
        <p className="muted hint">{t('media.importer.formats')}</p>
      </div>
      {entries.length > 0 && (
        <div className="media-queue">
          <ul aria-label={t('media.importer.queue')}>
            {entries.map((entry) => (
              <UploadRow key={entry.id} entry={entry} onCancel={() => store.getState().cancel(entry.id)} />
            ))}
          </ul>
          {entries.some((e) => e.state !== 'queued' && e.state !== 'uploading') && (
            <button type="button" className="link-button" onClick={() => store.getState().clearFinished()}>
              {t('media.importer.clear')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}

/** The limit and size facts of a refusal, formatted for its message. */
function problemValues(details: UploadEntry['details']): Record<string, string> {
  const d = details ?? {};
  const limit = typeof d.limitMs === 'number' ? formatDuration(d.limitMs) : typeof d.limitBytes === 'number' ? formatBytes(d.limitBytes) : typeof d.limit === 'number' ? formatBytes(d.limit) : '';
  return { limit, formats: String(d.formats ?? '') };
}

function UploadRow({ entry, onCancel }: { entry: UploadEntry; onCancel: () => void }) {
  const { t } = useTranslation();
  const percent = entry.size > 0 ? Math.floor((entry.sent / entry.size) * 100) : 0;
  const active = entry.state === 'queued' || entry.state === 'uploading';
  return (
    <li className={`media-upload media-upload-${entry.state}`} data-state={entry.state}>
      <div className="media-upload-head">
        <span className="media-upload-name">{entry.name}</span>
        <span className="muted">{formatBytes(entry.size)}</span>
        {active && (
          <button type="button" className="link-button" aria-label={t('media.importer.cancel', { name: entry.name })} onClick={onCancel}>
            ×
          </button>
        )}
      </div>
      {active && (
        <progress
          max={100}
          value={percent}
          aria-label={t('media.importer.progress', { name: entry.name })}
          aria-valuenow={percent}
          aria-valuemin={0}
          aria-valuemax={100}
        />
      )}
      <p className="media-upload-state" role={entry.state === 'failed' ? 'alert' : undefined}>
        {entry.state === 'failed'
          ? t(`media.problem.${entry.error}`, { ...problemValues(entry.details), defaultValue: '' }) || t(`error.${entry.error}`, { defaultValue: t('media.importer.state.failed') })
          : t(`media.importer.state.${entry.state}`, { percent })}
      </p>
    </li>
  );
}
