import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp, useStores } from '../../app/stores';
import { usePolledCall } from '../../app/use-polled-call';
import { CachedNote } from '../publishing/CachedNote';

const TYPES = ['', 'subscribe', 'unsubscribe', 'SCAN', 'CLICK', 'VIEW', 'TEMPLATESENDJOBFINISH', 'PUBLISHJOBFINISH', 'text'] as const;
const REFRESH_MS = 5000;

/** Events WeChat pushed to the companion (follows, scans, menu clicks, job results), newest first. */
export function EventsPage() {
  const { t, i18n } = useTranslation();
  const { client } = useStores();
  // Loaded again when the companion becomes ready (it may still be starting when the page opens).
  const companionState = useApp((s) => s.companion?.state);
  const [type, setType] = useState<(typeof TYPES)[number]>('');
  const filterId = useId();
  const { data: page, error, reload } = usePolledCall(
    () => client.call('wechatEvents.list', { ...(type ? { type } : {}), limit: 100 }),
    `${type}|${companionState}`,
    REFRESH_MS,
  );

  return (
    <main className="page" aria-labelledby="events-title">
      <header className="page-header">
        <h1 id="events-title">{t('events.title')}</h1>
        <button type="button" className="secondary" onClick={reload}>
          {t('events.refresh')}
        </button>
      </header>
      <p className="muted">{t('events.intro')}</p>
      <CachedNote cachedAt={page?.cachedAt} />
      <div className="toolbar">
        <label htmlFor={filterId}>{t('events.filter')}</label>
        <select id={filterId} value={type} onChange={(e) => setType(e.target.value as (typeof TYPES)[number])}>
          {TYPES.map((v) => (
            <option key={v} value={v}>
              {v ? v : t('events.all')}
            </option>
          ))}
        </select>
        {page && <span className="muted">{t('events.count', { count: page.total })}</span>}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {t(`error.${error}`)}
        </p>
      )}
      {page && page.items.length === 0 && <p className="empty muted">{t('events.empty')}</p>}
      {page && page.items.length > 0 && (
        <table className="table" aria-label={t('events.title')}>
          <thead>
            <tr>
              <th scope="col">{t('events.time')}</th>
              <th scope="col">{t('events.type')}</th>
              <th scope="col">{t('events.key')}</th>
              <th scope="col">{t('events.user')}</th>
              <th scope="col">{t('events.scene')}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((e) => (
              <tr key={e.id}>
                <td>{new Date(e.receivedAt).toLocaleString(i18n.language)}</td>
                <td>
                  <span className="badge">{e.event ?? e.msgType}</span>
                </td>
                <td className="mono">{e.eventKey ?? '—'}</td>
                <td className="mono">{e.openidMasked}</td>
                <td>{e.scene ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
