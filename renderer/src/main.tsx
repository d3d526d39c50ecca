import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { createClient } from './api/client';
import { detectTransport } from './api/transports';
import { App } from './app/App';
import { createAppStore } from './app/app-store';
import { StoresProvider } from './app/stores';
import { createCourseListStore } from './features/courses/course-list-store';
import { createI18n } from './i18n/index';
import './styles.css';
import './measured-fonts.css';

const root = createRoot(document.getElementById('root')!);
const transport = detectTransport();

if (!transport) {
  const i18n = createI18n(navigator.language.startsWith('zh') ? 'zh-CN' : 'en-US');
  root.render(
    <main className="problem">
      <h1>{i18n.t('app.noToken.title')}</h1>
      <p>{i18n.t('app.noToken.body')}</p>
    </main>,
  );
} else {
  let app: ReturnType<typeof createAppStore> | null = null;
  // Any call that cannot reach the host shows the offline banner; the next one that does clears it.
  const watched: typeof transport = {
    ...transport,
    call: async (method, input) => {
      const result = await transport.call(method, input);
      app?.getState().setOffline(!result.ok && result.error.code === 'OFFLINE');
      return result;
    },
  };
  const client = createClient(watched);
  app = createAppStore(client);
  const appStore = app;
  void appStore
    .getState()
    .boot()
    .catch(() => appStore.getState().setOffline(true))
    .finally(() => {
      const settings = appStore.getState().settings ?? DEFAULT_SETTINGS;
      const stores = { client, app: appStore, courses: createCourseListStore(client, settings.courseSort) };
      root.render(
        <StrictMode>
          <I18nextProvider i18n={createI18n(settings.locale)}>
            <StoresProvider stores={stores}>
              <App />
            </StoresProvider>
          </I18nextProvider>
        </StrictMode>,
      );
    });
}
