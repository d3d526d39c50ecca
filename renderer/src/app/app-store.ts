/**
 * Application-wide UI state: the workspace's status, settings, the current route and the one toast on screen.
 * Actions are the only callers of the client.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CompanionStatus, MethodOutput, WorkspaceStatus } from '../../../shared/contract/index';
import type { Settings } from '../../../shared/settings';
import type { StudioClient } from '../api/client';


export type Route = { name: 'courses' } | { name: 'course'; id: string } | { name: 'lesson'; courseId: string; lessonId: string } | { name: 'search'; query: string } | { name: 'team' } | { name: 'orders' } | { name: 'events' } | { name: 'audit' } | { name: 'compliance' } | { name: 'media' } | { name: 'funnels' } | { name: 'funnel'; id: string } | { name: 'sync' } | { name: 'posters' } | { name: 'poster'; id: string };

const SIMPLE_ROUTES = ['team', 'orders', 'events', 'audit', 'compliance', 'media', 'funnels', 'sync', 'posters'] as const;


export interface Toast {
  id: number;
  message: string;
  actionLabel?: string;
  action?: () => void;
}

export interface AppState {
  info: MethodOutput<'app.info'> | null;
  status: WorkspaceStatus | null;
  settings: Settings | null;
  companion: CompanionStatus | null;
  offline: boolean;
  route: Route;
  toast: Toast | null;
  boot(): Promise<void>;
  navigate(route: Route): void;
  updateSettings(patch: Partial<Settings>): Promise<void>;
  startFresh(): Promise<string>;
  showToast(toast: Omit<Toast, 'id'>): void;
  dismissToast(id?: number): void;
  setOffline(offline: boolean): void;
}

export type AppStore = StoreApi<AppState>;

export function routeFromHash(hash: string): Route {
  const lesson = /^#\/courses\/([A-Za-z0-9_-]{1,64})\/lessons\/([A-Za-z0-9_-]{1,64})$/.exec(hash);
  if (lesson) return { name: 'lesson', courseId: lesson[1]!, lessonId: lesson[2]! };
  const search = /^#\/search\?q=(.*)$/.exec(hash);
  if (search) return { name: 'search', query: safeDecode(search[1]!) };
  const funnel = /^#\/funnels\/([A-Za-z0-9_-]{1,64})$/.exec(hash);
  if (funnel) return { name: 'funnel', id: funnel[1]! };
  const poster = /^#\/posters\/([A-Za-z0-9_-]{1,40})$/.exec(hash);
  if (poster) return { name: 'poster', id: poster[1]! };
  const match = /^#\/courses\/([A-Za-z0-9_-]{1,64})$/.exec(hash);
  if (match) return { name: 'course', id: match[1]! };
  const simple = SIMPLE_ROUTES.find((name) => hash === `#/${name}`);
  return simple ? { name: simple } : { name: 'courses' };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return '';
  }
}

export function hashFromRoute(route: Route): string {
  if (route.name === 'course') return `#/courses/${route.id}`;
  if (route.name === 'lesson') return `#/courses/${route.courseId}/lessons/${route.lessonId}`;
  if (route.name === 'funnel') return `#/funnels/${route.id}`;
  if (route.name === 'poster') return `#/posters/${route.id}`;
  if (route.name === 'search') return `#/search?q=${encodeURIComponent(route.query)}`;
  return route.name === 'courses' ? '#/courses' : `#/${route.name}`;
}

const TOAST_MS = 8000;

export function createAppStore(client: StudioClient): AppStore {
  let toastTimer: ReturnType<typeof setTimeout> | null = null;
  let toastSeq = 0;

  const store = createStore<AppState>()((set, get) => ({
    info: null,
    status: null,
    settings: null,
    companion: null,
    offline: false,
    route: routeFromHash(window.location.hash),
    toast: null,

    async boot() {
      const [info, status, settings, companion] = await Promise.all([
        client.call('app.info', {}),
        client.call('workspace.status', {}),
        client.call('settings.get', {}),
        client.call('companion.status', {}),
      ]);
      set({ info, status, settings, companion, offline: false });
    },
    navigate(route) {
      const hash = hashFromRoute(route);
      if (window.location.hash !== hash) history.pushState(null, '', hash);
      set({ route });
    },
    async updateSettings(patch) {
      const settings = await client.call('settings.update', patch);
      set({ settings });
    },
    async startFresh() {
      const { movedTo, status } = await client.call('workspace.startFresh', {});
      set({ status });
      return movedTo;
    },
    showToast(toast) {
      if (toastTimer) clearTimeout(toastTimer);
      const id = ++toastSeq;
      set({ toast: { ...toast, id } });
      toastTimer = setTimeout(() => get().dismissToast(id), TOAST_MS);
    },
    dismissToast(id) {
      if (id === undefined || get().toast?.id === id) set({ toast: null });
    },
    setOffline(offline) {
      set({ offline });
    },
  }));

  client.on('workspace.changed', (status) => store.setState({ status }));
  client.on('settings.changed', (settings) => store.setState({ settings }));
  client.on('companion.changed', (companion) => store.setState({ companion }));
  window.addEventListener('popstate', () => store.setState({ route: routeFromHash(window.location.hash) }));
  return store;
}
