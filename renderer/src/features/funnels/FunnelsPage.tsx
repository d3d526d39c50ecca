import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError, type MethodOutput } from '../../../../shared/contract/index';
import { funnelTemplates, type FUNNEL_TEMPLATE_IDS } from '../../../../shared/funnel/index';
import { useApp, useStores } from '../../app/stores';
import './funnels.css';

type TemplateChoice = (typeof FUNNEL_TEMPLATE_IDS)[number] | '';

/** Today in China (the planner's calendar), `YYYY-MM-DD`. */
function chinaToday(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The funnel plans of the workspace, and a form to start one (blank or from a template). */
export function FunnelsPage() {
  const { t, i18n } = useTranslation();
  const { client } = useStores();
  const navigate = useApp((s) => s.navigate);
  const lang = i18n.language.startsWith('en') ? 'en' : 'zh';
  const [items, setItems] = useState<MethodOutput<'funnels.list'>['items'] | null>(null);
  const [name, setName] = useState('');
  const [template, setTemplate] = useState<TemplateChoice>('classic-live');
  const [startDay, setStartDay] = useState(chinaToday());
  const [error, setError] = useState<string | null>(null);
  const ids = { name: useId(), template: useId(), start: useId() };

  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    let live = true;
    client.call('funnels.list', {}).then(
      (r) => live && setItems(r.items),
      (e: unknown) => live && setError(e instanceof StudioError ? e.code : 'INTERNAL'),
    );
    return () => {
      live = false;
    };
  }, [client, reloads]);

  const remove = async (id: string, itemName: string) => {
    if (!window.confirm(t('funnels.confirmDelete', { name: itemName }))) return;
    try {
      await client.call('funnels.delete', { id });
      setReloads((n) => n + 1);
    } catch (e) {
      setError(e instanceof StudioError ? e.code : 'INTERNAL');
    }
  };

  const templates = funnelTemplates();
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const chosen = templates.find((x) => x.id === template);
      const funnel = await client.call('funnels.create', {
        name: name.trim() || (chosen ? chosen.name[lang] : t('funnels.create.defaultName')),
        ...(template ? { templateId: template, startDay } : {}),
        locale: lang,
      });
      navigate({ name: 'funnel', id: funnel.id });
    } catch (e) {
      setError(e instanceof StudioError ? e.code : 'INTERNAL');
    }
  };

  return (
    <main className="page funnels-page" aria-labelledby="funnels-title">
      <header className="page-header">
        <h1 id="funnels-title">{t('funnels.title')}</h1>
      </header>
      <p className="muted">{t('funnels.intro')}</p>
      <form className="panel fn-create" onSubmit={(e) => void create(e)} aria-labelledby="fn-create-title">
        <h2 id="fn-create-title">{t('funnels.create.heading')}</h2>
        <div className="fn-create-fields">
          <div className="field">
            <label htmlFor={ids.name}>{t('funnels.create.name')}</label>
            <input id={ids.name} value={name} maxLength={60} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={ids.template}>{t('funnels.create.template')}</label>
            <select id={ids.template} value={template} onChange={(e) => setTemplate(e.target.value as TemplateChoice)}>
              {templates.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name[lang]}
                </option>
              ))}
              <option value="">{t('funnels.create.blank')}</option>
            </select>
          </div>
          {template && (
            <div className="field">
              <label htmlFor={ids.start}>{t('funnels.create.startDay')}</label>
              <input id={ids.start} type="date" value={startDay} required onChange={(e) => setStartDay(e.target.value)} />
            </div>
          )}
          <button type="submit" className="primary">
            {t('funnels.create.submit')}
          </button>
        </div>
        {template && <p className="hint muted">{templates.find((x) => x.id === template)?.description[lang]}</p>}
      </form>
      {error && (
        <p role="alert" className="field-error">
          {t(`error.${error}`, { defaultValue: error })}
        </p>
      )}
      <h2>{t('funnels.list')}</h2>
      {items && items.length === 0 && <p className="empty muted">{t('funnels.empty')}</p>}
      <ul className="fn-list" aria-label={t('funnels.list')}>
        {items?.map((item) => (
          <li key={item.id} className="fn-list-item">
            <button type="button" className="fn-open" aria-label={t('funnels.open', { name: item.name })} onClick={() => navigate({ name: 'funnel', id: item.id })}>
              <strong>{item.name}</strong>
              <span className="muted">
                {t('funnels.steps', { count: item.nodeCount })}
                {item.startsAt ? ` · ${t('funnels.startsAt', { at: item.startsAt.replace('T', ' ') })}` : ''}
              </span>
            </button>
            <button type="button" className="link-button danger" aria-label={t('funnels.delete', { name: item.name })} onClick={() => void remove(item.id, item.name)}>
              {t('funnels.deleteShort')}
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}
