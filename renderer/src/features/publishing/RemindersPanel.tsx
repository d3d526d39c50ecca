import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError, type MethodOutput } from '../../../../shared/contract/index';
import { useStores } from '../../app/stores';
import { useEditor, useEditorStore } from '../courses/CourseEditor';

type Reminder = MethodOutput<'reminders.list'>['items'][number];

/** 直播提醒 on a live course: schedules the chosen reminders to buyers and shows each one's progress. */
export function RemindersPanel() {
  const { t, i18n } = useTranslation();
  const { client } = useStores();
  const editor = useEditorStore();
  const courseId = useEditor((s) => s.courseId);
  const [items, setItems] = useState<Reminder[]>([]);
  const [kind, setKind] = useState<'template' | 'subscribe'>('template');
  const [templateId, setTemplateId] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const ids = { kind: useId(), template: useId() };

  const load = useCallback(() => {
    client.call('reminders.list', { courseId }).then(
      (r) => setItems(r.items),
      () => {},
    );
  }, [client, courseId]);
  useEffect(() => {
    load();
    const timer = setInterval(load, 5000);
    return () => clearInterval(timer);
  }, [load]);

  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(i18n.language) : '—');
  return (
    <section className="field reminders-panel" aria-labelledby="reminders-title" data-testid="reminders-panel">
      <h2 id="reminders-title">{t('publishing.reminders.title')}</h2>
      <p className="muted hint">{t('publishing.reminders.intro')}</p>
      <label htmlFor={ids.kind}>{t('publishing.reminders.kind')}</label>
      <select id={ids.kind} value={kind} onChange={(e) => setKind(e.target.value as 'template' | 'subscribe')}>
        <option value="template">{t('publishing.reminders.template')}</option>
        <option value="subscribe">{t('publishing.reminders.subscribe')}</option>
      </select>
      <label htmlFor={ids.template}>{t('publishing.reminders.templateId')}</label>
      <input id={ids.template} value={templateId} onChange={(e) => setTemplateId(e.target.value.trim())} />
      <button
        type="button"
        disabled={templateId.length < 8}
        onClick={() => {
          setProblem(null);
          void editor
            .getState()
            .saveNow()
            .then(() => client.call('reminders.schedule', { courseId, kind, templateId }))
            .then(load, (e: unknown) => {
              const code = e instanceof StudioError ? (e.fields?.[0]?.code ? `field.${e.fields[0].code}` : `error.${e.code}`) : 'error.INTERNAL';
              setProblem(t(code, { defaultValue: t('error.INTERNAL') }));
            });
        }}
      >
        {t('publishing.reminders.schedule')}
      </button>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      {items.length === 0 ? (
        <p className="muted">{t('publishing.reminders.empty')}</p>
      ) : (
        <ul>
          {items.map((r) => (
            <li key={r.id}>
              {t('publishing.reminders.sendAt', { time: when(r.sendAt) })} · {t(`publishing.reminders.states.${r.state}`, { time: when(r.retryAt) })}
              {(r.state === 'scheduled' || r.state === 'quotaWait') && (
                <>
                  {' '}
                  <button type="button" className="secondary" onClick={() => void client.call('reminders.cancel', { id: r.id }).then(load, () => load())}>
                    {t('publishing.reminders.cancel')}
                  </button>
                </>
              )}
              <br />
              <span className="muted">{t('publishing.reminders.counts', r.counts)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
