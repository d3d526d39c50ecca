import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError, type MethodInput, type MethodOutput } from '../../../../shared/contract/index';
import { useApp, useStores } from '../../app/stores';

/**
 * WeChat Pay set-up. Secrets (the merchant key, the APIv3 key, the WeChat Pay public key) go one way: picked or typed
 * here, handed to the companion, never shown again — the page only learns whether each is set.
 */
export function PaySettingsPanel() {
  const { t } = useTranslation();
  const { client } = useStores();
  // Loaded again when the companion becomes ready (it may still be starting when the page opens).
  const companionState = useApp((s) => s.companion?.state);
  const [settings, setSettings] = useState<MethodOutput<'pay.settings'> | null>(null);
  const [test, setTest] = useState<MethodOutput<'pay.test'> | null>(null);
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState<MethodInput<'pay.updateSettings'>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { mch: useId(), serial: useId(), mode: useId(), pubId: useId(), key: useId(), v3: useId(), pub: useId() };

  useEffect(() => {
    let live = true;
    client.call('pay.settings', {}).then(
      (s) => live && setSettings(s),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [client, companionState]);

  const fail = (e: unknown) => setError(e instanceof StudioError ? `${t(`error.${e.code}`)}：${e.message}` : String(e));

  const runTest = async () => {
    setBusy(true);
    setError(null);
    try {
      setTest(await client.call('pay.test', {}));
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const { settings: next } = await client.call('pay.updateSettings', form);
      setSettings(next);
      setForm({});
      setEditing(false);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const readFile = (key: 'merchantPrivateKeyPem' | 'publicKeyPem') => async (file: File | undefined) => {
    if (!file) return;
    const text = await file.text();
    setForm((f) => ({ ...f, [key]: text }));
  };

  if (!settings) return null;
  return (
    <section className="panel" aria-labelledby="pay-title">
      <h2 id="pay-title">{t('pay.title')}</h2>
      <p>
        {settings.configured ? t('pay.configured', { mchId: settings.mchId }) : t('pay.notConfigured')}{' '}
        <span className="muted">
          · {t(`pay.modes.${settings.verifyMode}`)}
          {settings.publicKeyId ? ` · ${settings.publicKeyId}` : ''}
        </span>
      </p>
      <div className="form-actions">
        <button type="button" className="secondary" disabled={busy || !settings.configured} onClick={() => void runTest()}>
          {t('pay.test')}
        </button>
        {!editing && (
          <button type="button" className="link-button" onClick={() => setEditing(true)}>
            {t('pay.edit')}
          </button>
        )}
      </div>
      {test && (
        <p role="status" className={test.ok ? 'status-bound' : 'field-error'} data-pay-test={test.ok ? 'ok' : 'failed'}>
          {test.ok ? t('pay.testOk', { call: test.call, serial: test.verifiedSerial ?? '' }) : t('pay.testFailed', { code: test.code ?? '', message: test.message })}
        </p>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {editing && (
        <form
          className="pay-form"
          aria-label={t('pay.edit')}
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label htmlFor={ids.mch}>{t('pay.mchId')}</label>
          <input id={ids.mch} defaultValue={settings.mchId} onChange={(e) => setForm((f) => ({ ...f, mchId: e.target.value.trim() }))} />
          <label htmlFor={ids.serial}>{t('pay.serial')}</label>
          <input id={ids.serial} defaultValue={settings.merchantSerialNo} onChange={(e) => setForm((f) => ({ ...f, merchantSerialNo: e.target.value.trim() }))} />
          <label htmlFor={ids.mode}>{t('pay.verifyMode')}</label>
          <select
            id={ids.mode}
            defaultValue={settings.verifyMode}
            onChange={(e) => setForm((f) => ({ ...f, verifyMode: e.target.value as 'publicKey' | 'platformCertificates' }))}
          >
            <option value="publicKey">{t('pay.modes.publicKey')}</option>
            <option value="platformCertificates">{t('pay.modes.platformCertificates')}</option>
          </select>
          <label htmlFor={ids.pubId}>{t('pay.publicKeyId')}</label>
          <input id={ids.pubId} defaultValue={settings.publicKeyId} onChange={(e) => setForm((f) => ({ ...f, publicKeyId: e.target.value.trim() }))} />
          <label htmlFor={ids.key}>{t('pay.privateKey', { state: settings.secrets.merchantPrivateKey ? t('pay.set') : t('pay.unset') })}</label>
          <input id={ids.key} type="file" accept=".pem,.key,text/plain" onChange={(e) => void readFile('merchantPrivateKeyPem')(e.target.files?.[0])} />
          <label htmlFor={ids.v3}>{t('pay.apiV3Key', { state: settings.secrets.apiV3Key ? t('pay.set') : t('pay.unset') })}</label>
          <input id={ids.v3} type="password" autoComplete="off" onChange={(e) => setForm((f) => ({ ...f, apiV3Key: e.target.value }))} />
          <label htmlFor={ids.pub}>{t('pay.publicKey', { state: settings.secrets.publicKey ? t('pay.set') : t('pay.unset') })}</label>
          <input id={ids.pub} type="file" accept=".pem,text/plain" onChange={(e) => void readFile('publicKeyPem')(e.target.files?.[0])} />
          <div className="form-actions">
            <button type="submit" className="primary" disabled={busy}>
              {t('pay.save')}
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(false)}>
              {t('team.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
