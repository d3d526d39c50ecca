import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCALES, type Locale } from '../../../shared/settings';
import { ToastRegion } from '../components/Toast';
import { CourseEditorRoute } from '../features/courses/CourseEditor';
import { CourseList } from '../features/courses/CourseList';
import { LessonBodyRoute } from '../features/lesson-body/LessonBodyPage';
import { AuditPage } from '../features/audit/AuditPage';
import { TermListsPage } from '../features/compliance/TermListsPage';
import { MediaLibraryPage } from '../features/media/MediaLibraryPage';
import { PostersPage } from '../features/posters/PostersPage';
import { PosterEditorRoute } from '../features/posters/PosterEditor';
import { OrdersPage } from '../features/orders/OrdersPage';
import { TeamPage } from '../features/team/TeamPage';
import { EventsPage } from '../features/wechat-events/EventsPage';
import { FunnelEditorRoute } from '../features/funnels/FunnelEditor';
import { FunnelsPage } from '../features/funnels/FunnelsPage';
import { SearchBox } from '../features/search/SearchBox';
import { SearchPage } from '../features/search/SearchPage';
import { WorkspaceProblem } from '../features/workspace/WorkspaceProblem';
import { ConflictsPage } from '../features/sync/ConflictsPage';
import { SyncIndicator } from '../features/sync/SyncIndicator';
import type { Route } from './app-store';
import { useApp } from './stores';

const NAV = ['courses', 'media', 'posters', 'funnels', 'orders', 'team', 'events', 'audit', 'compliance'] as const;

function RouteView({ route }: { route: Route }) {
  switch (route.name) {
    case 'course':
      return <CourseEditorRoute key={route.id} id={route.id} />;
    case 'lesson':
      return <LessonBodyRoute key={`${route.courseId}/${route.lessonId}`} courseId={route.courseId} lessonId={route.lessonId} />;
    case 'search':
      return <SearchPage key={route.query} query={route.query} />;
    case 'team':
      return <TeamPage />;
    case 'orders':
      return <OrdersPage />;
    case 'events':
      return <EventsPage />;
    case 'audit':
      return <AuditPage />;
    case 'compliance':
      return <TermListsPage />;
    case 'media':
      return <MediaLibraryPage />;
    case 'sync':
      return <ConflictsPage />;
    case 'funnels':
      return <FunnelsPage />;
    case 'funnel':
      return <FunnelEditorRoute key={route.id} id={route.id} />;
    case 'posters':
      return <PostersPage />;
    case 'poster':
      return <PosterEditorRoute key={route.id} id={route.id} />;
    default:
      return <CourseList />;
  }
}

export function App() {
  const { t, i18n } = useTranslation();
  const status = useApp((s) => s.status);
  const settings = useApp((s) => s.settings);
  const info = useApp((s) => s.info);
  const route = useApp((s) => s.route);
  const offline = useApp((s) => s.offline);
  const companion = useApp((s) => s.companion);
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
        <SearchBox />
        <ul>
          {NAV.map((item) => (
            <li key={item}>
              <a
                href={`#/${item}`}
                aria-current={route.name === item || (item === 'courses' && route.name === 'course') || (item === 'funnels' && route.name === 'funnel') || (item === 'posters' && route.name === 'poster') ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate({ name: item });
                }}
              >
                {t(`app.nav.${item}`)}
              </a>
            </li>
          ))}
        </ul>
        {companion?.sandbox && (
          <p className="sandbox-label" role="note">
            {t('companion.sandbox')}
          </p>
        )}
        <div className="sidebar-footer">
          <SyncIndicator />
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
        <RouteView route={route} />
      </div>
      <ToastRegion />
    </div>
  );
}
