/**
 * The course list: what is shown (one page at a time), the search and the sort. Reloads when a course changes
 * anywhere (another window, an editor's autosave).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CourseSort, CourseSummary } from '../../../../shared/contract/index';
import type { Course } from '../../../../shared/domain/course';
import type { StudioClient } from '../../api/client';

export const PAGE_SIZE = 50;

export interface CourseListState {
  query: string;
  sort: CourseSort;
  items: CourseSummary[];
  total: number;
  loading: boolean;
  /** The contract error code of the last failed load, if any. */
  error: string | null;
  /** True once the first page has arrived, so the empty state is not flashed while loading. */
  loaded: boolean;
  load(): Promise<void>;
  loadMore(): Promise<void>;
  setQuery(query: string): void;
  setSort(sort: CourseSort): void;
  create(title: string): Promise<Course>;
  remove(id: string): Promise<void>;
  restore(id: string): Promise<void>;
}

export type CourseListStore = StoreApi<CourseListState>;

const SEARCH_DEBOUNCE_MS = 150;

export function createCourseListStore(client: StudioClient, initialSort: CourseSort): CourseListStore {
  let searchTimer: ReturnType<typeof setTimeout> | null = null;
  let requestSeq = 0;

  const store = createStore<CourseListState>()((set, get) => ({
    query: '',
    sort: initialSort,
    items: [],
    total: 0,
    loading: false,
    error: null,
    loaded: false,

    async load() {
      const seq = ++requestSeq;
      const { query, sort, items } = get();
      set({ loading: true });
      try {
        // Keep as many rows as are on screen, so a reload after an edit does not collapse "load more".
        const limit = Math.min(Math.max(PAGE_SIZE, items.length), 500);
        const page = await client.call('courses.list', { query, sort, limit, offset: 0 });
        // A slower, older answer (from an earlier keystroke) must not overwrite a newer one.
        if (seq !== requestSeq) return;
        set({ items: page.items, total: page.total, loading: false, error: null, loaded: true });
      } catch (error) {
        if (seq === requestSeq) set({ loading: false, error: (error as { code?: string }).code ?? 'INTERNAL' });
      }
    },
    async loadMore() {
      const seq = ++requestSeq;
      const { query, sort, items } = get();
      set({ loading: true });
      const page = await client.call('courses.list', { query, sort, limit: PAGE_SIZE, offset: items.length });
      if (seq !== requestSeq) return;
      set({ items: [...items, ...page.items], total: page.total, loading: false });
    },
    setQuery(query) {
      set({ query, items: [] });
      if (searchTimer) clearTimeout(searchTimer);
      searchTimer = setTimeout(() => void get().load(), SEARCH_DEBOUNCE_MS);
    },
    setSort(sort) {
      set({ sort, items: [] });
      void client.call('settings.update', { courseSort: sort }).catch(() => {});
      void get().load();
    },
    async create(title) {
      const course = await client.call('courses.create', { title });
      return course;
    },
    async remove(id) {
      await client.call('courses.delete', { id });
      await get().load();
    },
    async restore(id) {
      await client.call('courses.restore', { id });
      await get().load();
    },
  }));

  client.on('courses.changed', () => void store.getState().load());
  return store;
}
