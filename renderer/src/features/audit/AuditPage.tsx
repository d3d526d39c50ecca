import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../../shared/contract/index';
import { StudioError } from '../../../../shared/contract/index';
import { useStores } from '../../app/stores';

/** 接口调用明细: every WeChat API call the companion made, with parameters desensitized; exportable as CSV. */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const { client } = useStores();
  const [page, setPage] = useState<MethodOutput<'audit.list'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refreshes, setRefreshes] = useState(0);

  useEffect(() => {
    let live = true;
    client.call('audit.list', { limit: 200 }).then(
      (next) => {
        if (!live) return;
        setPage(next);
        setError(null);
      },
      (e: unknown) => live && setError(e instanceof StudioError ? e.code : 'INTERNAL'),
    );
    return () => {
      live = false;
    };
  }, [client, refreshes]);

  const exportCsv = async () => {
    try {
      const { fileName, csv } = await client.call('audit.exportCsv', {});
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      setError(e instanceof StudioError ? e.code : 'INTERNAL');
    }
  };

  return (
    <main className="page" aria-labelledby="audit-title">
      <header className="page-header">
        <h1 id="audit-title">{t('audit.title')}</h1>
        <div className="form-actions">
          <button type="button" className="secondary" onClick={() => setRefreshes((n) => n + 1)}>
            {t('events.refresh')}
          </button>
          <button type="button" className="primary" onClick={() => void exportCsv()}>
            {t('audit.export')}
          </button>
        </div>
      </header>
      <p className="muted">{t('audit.intro')}</p>
      {error && (
        <p className="field-error" role="alert">
          {t(`error.${error}`)}
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
