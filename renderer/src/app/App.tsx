import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCALES, type Locale } from '../../../shared/settings';
import { ToastRegion } from '../components/Toast';
import { CourseEditorRoute } from '../features/courses/CourseEditor';
import { CourseList } from '../features/courses/CourseList';
import { WorkspaceProblem } from '../features/workspace/WorkspaceProblem';
import { useApp } from './stores';

export function App() {
  const { t, i18n } = useTranslation();
  const status = useApp((s) => s.status);
  const settings = useApp((s) => s.settings);
  const info = useApp((s) => s.info);
  const route = useApp((s) => s.route);
  const offline = useApp((s) => s.offline);
  const navigate = useApp((s) => s.navigate);
  const updateSettings = useApp((s) => s.updateSettings);
  const [dismissedRecovery, setDismissedRecovery] = useState(false);

  useEffect(() => {
    if (settings && i18n.language !== settings.locale) void i18n.changeLanguage(settings.locale);
    document.documentElement.lang = settings?.locale ?? 'zh-CN';
    document.title = t('app.name');
  }, [settings, i18n, t]);

  if (!status || !settings) {
    return (
      <main className="problem" aria-busy={!offline}>
        <p role={offline ? 'alert' : undefined}>{offline ? t('app.offline') : t('app.loading')}</p>
      </main>
    );
  }
  if (status.state !== 'ready') return <WorkspaceProblem status={status} />;

  return (
    <div className="shell" data-ready="true">
      <nav className="sidebar" aria-label={t('app.nav.label')}>
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            创
          </span>
          <span>{t('app.name')}</span>
        </div>
        <ul>
          <li>
            <a
              href="#/courses"
              aria-current={route.name === 'courses' || route.name === 'course' ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate({ name: 'courses' });
              }}
            >
              {t('app.nav.courses')}
            </a>
          </li>
        </ul>
        <div className="sidebar-footer">
          <label htmlFor="locale-select">{t('app.language')}</label>
          <select
            id="locale-select"
            value={settings.locale}
            onChange={(e) => void updateSettings({ locale: e.target.value as Locale })}
          >
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {t(`app.languageName.${l}`)}
              </option>
            ))}
          </select>
          {info && <span className="muted mode">{t(`app.mode.${info.shell}`)} · v{info.version}</span>}
        </div>
      </nav>
      <div className="content">
        {offline && (
          <div className="banner banner-error" role="alert">
            {t('app.offline')}
          </div>
        )}
        {status.recoveredFrom && !dismissedRecovery && (
          <div className="banner" role="status">
            {t('workspace.recovered', { file: status.recoveredFrom })}
            <button type="button" className="icon-button" aria-label={t('toast.dismiss')} onClick={() => setDismissedRecovery(true)}>
              ×
            </button>
          </div>
        )}
        {route.name === 'course' ? <CourseEditorRoute key={route.id} id={route.id} /> : <CourseList />}
      </div>
      <ToastRegion />
    </div>
  );
}
