import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError } from '../../../../shared/contract/index';
import { saveTextFile } from '../../api/save-file';
import { useApp, useStores } from '../../app/stores';
import { usePolledCall } from '../../app/use-polled-call';

/** 接口调用明细: every WeChat API call the companion made, with parameters desensitized; exportable as CSV. */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const { client } = useStores();
  // Loaded again when the companion becomes ready (it may still be starting when the page opens).
  const companionState = useApp((s) => s.companion?.state);
  const [error, setError] = useState<string | null>(null);
  const { data: page, error: loadError, reload } = usePolledCall(() => client.call('audit.list', { limit: 200 }), `audit|${companionState}`);
  const shownError = error ?? loadError;

  const exportCsv = async () => {
    try {
      const { fileName, csv } = await client.call('audit.exportCsv', {});
      saveTextFile(fileName, csv);
    } catch (e) {
      setError(e instanceof StudioError ? e.code : 'INTERNAL');
    }
  };

  return (
    <main className="page" aria-labelledby="audit-title">
      <header className="page-header">
        <h1 id="audit-title">{t('audit.title')}</h1>
        <div className="form-actions">
          <button type="button" className="secondary" onClick={reload}>
            {t('events.refresh')}
          </button>
          <button type="button" className="primary" onClick={() => void exportCsv()}>
            {t('audit.export')}
          </button>
        </div>
      </header>
      <p className="muted">{t('audit.intro')}</p>
      {shownError && (
        <p className="field-error" role="alert">
          {t(`error.${shownError}`)}
        </p>
      )}
      {page && page.items.length === 0 && <p className="empty muted">{t('audit.empty')}</p>}
      {page && page.items.length > 0 && (
        <table className="table" aria-label={t('audit.title')}>
          <thead>
            <tr>
              <th scope="col">{t('audit.time')}</th>
              <th scope="col">{t('audit.api')}</th>
              <th scope="col">errcode</th>
              <th scope="col">{t('audit.latency')}</th>
              <th scope="col">{t('audit.params')}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((row) => (
              <tr key={row.id} className={row.errcode !== 0 ? 'row-error' : undefined}>
                <td>{new Date(row.at).toLocaleString(i18n.language)}</td>
                <td className="mono">{row.apiPath}</td>
                <td className="mono">{row.errcode}</td>
                <td>{Math.round(row.latencyMs)} ms</td>
                <td className="mono params">{row.params}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
