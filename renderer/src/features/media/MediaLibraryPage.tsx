import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { MediaItem, MediaUsage } from '../../../../shared/contract/index';
import { MEDIA_KINDS, type WechatProblem } from '../../../../shared/domain/media';
import { useStores } from '../../app/stores';
import { formatBitrate, formatBytes, formatDuration } from './format';
import { createLibraryStore, PAGE_SIZE, type LibraryStore } from './library-store';
import { MediaImporter } from './MediaImporter';
import './media.css';

/** 素材库: import by drop or picker, every file with what the host read from it, and deletion that checks usages. */
export function MediaLibraryPage() {
  const { t } = useTranslation();
  const { client } = useStores();
  const [store] = useState(() => createLibraryStore(client));
  const { kind, offset, items, total, error } = useStore(store);

  useEffect(() => {
    void store.getState().load();
    return client.on('media.changed', () => void store.getState().load());
  }, [client, store]);

  return (
    <main className="page media-page" aria-labelledby="media-title">
      <header className="page-header">
        <h1 id="media-title">{t('media.title')}</h1>
      </header>
      <p className="muted">{t('media.intro')}</p>
      <MediaImporter />
      <div className="toolbar">
        <label htmlFor="media-kind">{t('media.kindFilter')}</label>
        <select id="media-kind" value={kind ?? ''} onChange={(e) => store.getState().setKind((e.target.value || null) as MediaItem['kind'] | null)}>
          <option value="">{t('media.kind.all')}</option>
          {MEDIA_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`media.kind.${k}`)}
            </option>
          ))}
        </select>
        <span className="muted" aria-live="polite">
          {t('media.count', { count: total })}
        </span>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {t(`error.${error}`)}
        </p>
      )}
      {items.length === 0 && !error && <p className="empty muted">{kind ? t('media.emptyKind') : t('media.empty')}</p>}
      {items.length > 0 && (
        <ul className="media-grid" aria-label={t('media.list')}>
          {items.map((item) => (
            <MediaTile key={item.hash} item={item} store={store} />
          ))}
        </ul>
      )}
      {total > PAGE_SIZE && (
        <nav className="media-pager" aria-label={t('media.list')}>
          <button type="button" className="secondary" disabled={offset === 0} onClick={() => store.getState().setOffset(Math.max(0, offset - PAGE_SIZE))}>
            {t('media.previous')}
          </button>
          <span className="muted">{t('media.pageOf', { from: offset + 1, to: Math.min(total, offset + PAGE_SIZE), total })}</span>
          <button type="button" className="secondary" disabled={offset + PAGE_SIZE >= total} onClick={() => store.getState().setOffset(offset + PAGE_SIZE)}>
            {t('media.next')}
          </button>
        </nav>
      )}
    </main>
  );
}

function Preview({ item }: { item: MediaItem }) {
  const { t } = useTranslation();
  const { client } = useStores();
  if (item.kind === 'image') {
    return <img className="media-preview" src={client.mediaUrl(item.thumbnail ? `${item.hash}.thumb` : item.hash)} alt="" loading="lazy" />;
  }
  if (item.waveform) {
    const bars = item.waveform;
    return (
      <svg className="media-preview media-waveform" viewBox={`0 0 ${bars.length} 100`} preserveAspectRatio="none" role="img" aria-label={t('media.waveform', { name: item.originalName })}>
        {bars.map((p, i) => (
          <rect key={i} x={i} width={0.7} y={50 - Math.max(1, p * 48)} height={Math.max(2, p * 96)} />
        ))}
      </svg>
    );
  }
  return (
    <div className={`media-preview media-placeholder media-placeholder-${item.kind}`} title={item.kind === 'video' ? t('media.placeholder.video') : undefined}>
      <span aria-hidden="true">{item.kind === 'video' ? '▶' : '♪'}</span>
      {item.kind === 'video' && <small>{t('media.placeholder.video')}</small>}
    </div>
  );
}

function problemText(t: (key: string, options?: Record<string, unknown>) => string, material: string, p: WechatProblem): string {
  const format = (v: number | string | null) =>
    typeof v === 'string' || v === null ? String(v ?? '') : p.code === 'tooLong' || p.code === 'durationUnknown' ? formatDuration(v) : formatBytes(v);
  return t(`media.wechat.problem.${p.code}`, { material, limit: format(p.limit), actual: format(p.actual) });
}

function MediaTile({ item, store }: { item: MediaItem; store: LibraryStore }) {
  const { t, i18n } = useTranslation();
  const deleting = useStore(store, (s) => (s.deleting?.hash === item.hash ? s.deleting : null));
  const facts = [
    item.width !== null && item.height !== null ? t('media.meta.dimensions', { width: item.width, height: item.height }) : null,
    item.durationMs !== null ? t('media.meta.duration', { value: formatDuration(item.durationMs) }) : null,
    item.codec ? t('media.meta.codec', { value: item.codec }) : null,
    item.audioCodec ? t('media.meta.audioCodec', { value: item.audioCodec }) : null,
    item.bitrate !== null ? t('media.meta.bitrate', { value: formatBitrate(item.bitrate) }) : null,
    item.sampleRate !== null ? t('media.meta.sampleRate', { value: item.sampleRate }) : null,
    item.channels !== null ? t('media.meta.channels', { count: item.channels }) : null,
  ].filter((f): f is string => f !== null);

  return (
    <li className="media-tile" data-hash={item.hash} aria-label={item.originalName}>
      <Preview item={item} />
      <div className="media-info">
        <p className="media-name" title={item.originalName}>
          {item.originalName || item.hash.slice(0, 12)}
        </p>
        <p className="muted media-facts">
          <span className="badge">{item.format.toUpperCase()}</span> {formatBytes(item.size)}
        </p>
        <p className="muted media-facts">{facts.join(' · ')}</p>
        <p className="muted media-facts">{t('media.meta.imported', { date: new Date(item.createdAt).toLocaleDateString(i18n.language) })}</p>
        <ul className="media-wechat" aria-label={t('media.wechat.label')}>
          {item.wechat.map((check) => {
            const material = t(`media.wechat.material.${check.material}`);
            return check.ok ? (
              <li key={check.material} className="media-check-ok">
                {t('media.wechat.ok', { material })}
              </li>
            ) : (
              check.problems.map((p) => (
                <li key={`${check.material}-${p.code}`} className="media-check-problem">
                  {problemText(t, material, p)}
                </li>
              ))
            );
          })}
        </ul>
        <button type="button" className="link-button danger" aria-label={t('media.delete', { name: item.originalName })} onClick={() => void store.getState().askDelete(item.hash)}>
          {t('media.deleteButton')}
        </button>
        {deleting && <DeletePanel item={item} usages={deleting.usages} error={deleting.error} store={store} />}
      </div>
    </li>
  );
}

function DeletePanel({ item, usages, error, store }: { item: MediaItem; usages: MediaUsage[] | null; error: string | null; store: LibraryStore }) {
  const { t } = useTranslation();
  const name = item.originalName;
  if (error) {
    return (
      <div className="media-delete" role="alert">
        <p>{t(`error.${error}`)}</p>
        <button type="button" className="secondary" onClick={() => store.getState().closeDelete()}>
          {t('media.close')}
        </button>
      </div>
    );
  }
  if (usages === null) return <p className="muted media-delete">{t('media.checking')}</p>;
  if (usages.length > 0) {
    return (
      <div className="media-delete" role="alert">
        <p>{t('media.inUse', { name })}</p>
        <ul aria-label={t('media.inUse', { name })}>
          {usages.map((u) => (
            <li key={`${u.kind}:${u.courseId}:${u.lessonId ?? ''}`}>
              {t(`media.usage.${u.kind}`, { course: u.courseTitle, lesson: u.lessonTitle ?? '', defaultValue: t('media.usage.other', { course: u.courseTitle }) })}
              {u.inTrash ? t('media.usage.inTrash') : ''}
            </li>
          ))}
        </ul>
        <button type="button" className="secondary" onClick={() => store.getState().closeDelete()}>
          {t('media.close')}
        </button>
      </div>
    );
  }
  return (
    <div className="media-delete" role="group" aria-label={t('media.delete', { name })}>
      <p>{t('media.deleteAsk', { name })}</p>
      <button type="button" className="primary" onClick={() => void store.getState().confirmDelete()}>
        {t('media.deleteConfirm')}
      </button>{' '}
      <button type="button" className="secondary" onClick={() => store.getState().closeDelete()}>
        {t('media.deleteCancel')}
      </button>
    </div>
  );
}
