import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError } from '../../../../shared/contract/index';
import { useApp, useStores } from '../../app/stores';
import { fieldMessage } from '../../i18n/index';

/** Which companion this studio uses: the embedded one with the WeChat sandbox, or a team's server (paired by code). */
export function CompanionPanel() {
  const { t } = useTranslation();
  const { client } = useStores();
  const companion = useApp((s) => s.companion);
  const [open, setOpen] = useState(false);
  const [url, setUrl] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ path: string; message: string } | null>(null);
  const ids = { url: useId(), code: useId() };
  if (!companion || companion.mode === 'off') return null;

  const fail = (e: unknown) => {
    if (e instanceof StudioError && e.fields?.[0]) setProblem({ path: e.fields[0].path, message: fieldMessage(t, e.fields[0].code) });
    else setProblem({ path: '', message: e instanceof StudioError ? `${t(`error.${e.code}`)}：${e.message}` : String(e) });
  };

  const connect = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await client.call('companion.connect', { url, pairingCode: code });
      setOpen(false);
      setCode('');
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel companion-panel" aria-labelledby="companion-title">
      <h2 id="companion-title">{t('companionLink.title')}</h2>
      <p>
        {companion.mode === 'remote' ? t('companionLink.remote', { url: companion.companionUrl ?? '' }) : t('companionLink.embedded')}{' '}
        <span className="muted">· {t(`companion.state.${companion.state}`)}</span>
      </p>
      <div className="form-actions">
        {!open && (
          <button type="button" className="secondary" onClick={() => setOpen(true)}>
            {t('companionLink.connect')}
          </button>
        )}
        {companion.mode === 'remote' && (
          <button type="button" className="link-button" disabled={busy} onClick={() => void client.call('companion.useEmbedded', {}).catch(fail)}>
            {t('companionLink.useEmbedded')}
          </button>
        )}
      </div>
      {open && (
        <form
          className="invite-form"
          aria-label={t('companionLink.connect')}
          onSubmit={(e) => {
            e.preventDefault();
            void connect();
          }}
        >
          <div className="field">
            <label htmlFor={ids.url}>{t('companionLink.url')}</label>
            <input
              id={ids.url}
              type="url"
              placeholder="https://studio.example.com"
              value={url}
              aria-invalid={problem?.path === 'url' ? true : undefined}
              onChange={(e) => setUrl(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.code}>{t('companionLink.code')}</label>
            <input
              id={ids.code}
              autoComplete="off"
              value={code}
              aria-invalid={problem?.path === 'pairingCode' ? true : undefined}
              onChange={(e) => setCode(e.target.value)}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={busy}>
              {t('companionLink.pair')}
            </button>
            <button type="button" className="secondary" onClick={() => setOpen(false)}>
              {t('team.cancel')}
            </button>
          </div>
        </form>
      )}
      {problem && (
        <p className="field-error" role="alert">
          {problem.message}
        </p>
      )}
    </section>
  );
}
