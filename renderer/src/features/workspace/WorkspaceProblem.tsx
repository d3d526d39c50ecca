import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WorkspaceStatus } from '../../../../shared/contract/index';
import { useApp } from '../../app/stores';

/** Shown instead of the studio when the workspace database is damaged or from a newer version. */
export function WorkspaceProblem({ status }: { status: Exclude<WorkspaceStatus, { state: 'ready' }> }) {
  const { t } = useTranslation();
  const startFresh = useApp((s) => s.startFresh);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (status.state === 'tooNew') {
    return (
      <main className="problem" aria-labelledby="problem-title">
        <h1 id="problem-title">{t('workspace.tooNew.title')}</h1>
        <p>{t('workspace.tooNew.body', { fileVersion: status.fileVersion, supportedVersion: status.supportedVersion })}</p>
        <p className="mono">{t('workspace.tooNew.file', { file: status.file })}</p>
      </main>
    );
  }
  return (
    <main className="problem" aria-labelledby="problem-title">
      <h1 id="problem-title">{t('workspace.corrupt.title')}</h1>
      <p>{t('workspace.corrupt.body')}</p>
      <p className="mono">{t('workspace.corrupt.file', { file: status.file })}</p>
      <details>
        <summary>{t('workspace.corrupt.reason', { reason: '' })}</summary>
        <p className="mono">{status.reason}</p>
      </details>
      <p>{t('workspace.corrupt.hint')}</p>
      {error && (
        <p className="field-error" role="alert">
          {t(`error.${error}`)}
        </p>
      )}
      <button
        type="button"
        className="primary"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          startFresh().catch((e: { code?: string }) => {
            setError(e.code ?? 'INTERNAL');
            setBusy(false);
          });
        }}
      >
        {t('workspace.corrupt.startFresh')}
      </button>
    </main>
  );
}
