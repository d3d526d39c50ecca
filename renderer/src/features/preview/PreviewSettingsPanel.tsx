import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ACCOUNT_NAME_MAX,
  DEFAULT_PREVIEW_SETTINGS,
  LIMIT_CHOICE_IDS,
  limit,
  limitChoice,
  previewSettingsSchema,
  type LimitChoices,
} from '../../../../shared/preview/index';
import { useApp } from '../../app/stores';
import { usePreview } from './use-preview';
import { sourceLine } from './WarningList';

/** The workspace's preview settings: the account name on every surface, and the option for each CONFLICT limit. */
export function PreviewSettingsPanel({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const stored = usePreview((s) => s.settings) ?? DEFAULT_PREVIEW_SETTINGS;
  const saveSettings = usePreview((s) => s.saveSettings);
  const showToast = useApp((s) => s.showToast);
  const [accountName, setAccountName] = useState(stored.accountName);
  const [choices, setChoices] = useState<LimitChoices>(stored.limitChoices);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const message = (code: string) => t(`preview.field.${code}`, { defaultValue: '' }) || t(`error.${code}`, { defaultValue: code });

  const submit = async () => {
    // Checked here with the contract's own schema, so a bad name gets its message before anything is sent.
    const parsed = previewSettingsSchema.safeParse({ accountName, limitChoices: choices });
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? ''), i.message])));
      return;
    }
    setBusy(true);
    const problems = await saveSettings(parsed.data);
    setBusy(false);
    if (problems.length > 0) {
      setErrors(Object.fromEntries(problems.map((p) => [p.path.split('.')[0] ?? '', p.code])));
      return;
    }
    setErrors({});
    showToast({ message: t('preview.settings.saved') });
    onClose();
  };

  return (
    <form
      className="pv-settings panel"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 id={`${id}-title`}>{t('preview.settings.title')}</h3>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('preview.settings.accountName')}</label>
        <input
          id={`${id}-name`}
          value={accountName}
          maxLength={ACCOUNT_NAME_MAX * 2}
          aria-invalid={errors.accountName ? true : undefined}
          aria-describedby={errors.accountName ? `${id}-name-error` : `${id}-name-hint`}
          onChange={(e) => setAccountName(e.target.value)}
        />
        <p id={`${id}-name-hint`} className="muted hint">
          {t('preview.settings.accountHint')}
        </p>
        {errors.accountName && (
          <p id={`${id}-name-error`} className="field-error" role="alert">
            {message(errors.accountName)}
          </p>
        )}
      </div>
      <p className="pv-settings-subtitle">{t('preview.settings.choices')}</p>
      <p className="muted hint">{t('preview.settings.choicesHint')}</p>
      {LIMIT_CHOICE_IDS.map((choiceId) => {
        const choice = limitChoice(choiceId);
        return (
          <fieldset key={choiceId} className="field pv-choice">
            <legend>{t(`preview.settings.choice.${choiceId}`)}</legend>
            {choice.options.map((optionId) => {
              const l = limit(optionId);
              return (
                <label key={optionId} className="pv-option" title={l.what}>
                  <input
                    type="radio"
                    name={`${id}-${choiceId}`}
                    value={optionId}
                    checked={choices[choiceId] === optionId}
                    onChange={() => setChoices({ ...choices, [choiceId]: optionId })}
                  />
                  <span>
                    {t(`preview.settings.option.${optionId}`, { value: l.value })}
                    {optionId === choice.default && t('preview.settings.defaultMark')}
                    <span className="pv-source muted">{sourceLine(t, optionId)}</span>
                  </span>
                </label>
              );
            })}
          </fieldset>
        );
      })}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('preview.settings.save')}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          {t('preview.settings.cancel')}
        </button>
      </div>
    </form>
  );
}
