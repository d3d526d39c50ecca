/**
 * The search page's state: one vanilla store per page. Each query is answered by `search.query`; an answer that
 * arrives after a newer query was sent is dropped, so fast typing never shows stale results.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { StudioError, type SearchResult } from '../../../../shared/contract/index';
import type { StudioClient } from '../../api/client';

export interface SearchState {
  query: string;
  items: SearchResult[];
  more: boolean;
  status: 'idle' | 'searching' | 'done' | 'error';
  error: string | null;
  search(query: string): Promise<void>;
}

export type SearchStore = StoreApi<SearchState>;

export const SEARCH_PAGE_SIZE = 20;

export function createSearchStore(client: StudioClient): SearchStore {
  let seq = 0;
  return createStore<SearchState>()((set) => ({
    query: '',
    items: [],
    more: false,
    status: 'idle',
    error: null,
    async search(query) {
      const mine = ++seq;
      const trimmed = query.trim();
      if (!trimmed) {
        set({ query, items: [], more: false, status: 'idle', error: null });
        return;
      }
      set({ query, status: 'searching', error: null });
      try {
        const result = await client.call('search.query', { query: trimmed, limit: SEARCH_PAGE_SIZE });
        if (mine === seq) set({ items: result.items, more: result.more, status: 'done' });
      } catch (e) {
        if (mine === seq) set({ items: [], more: false, status: 'error', error: e instanceof StudioError ? e.code : 'INTERNAL' });
      }
    },
  }));
}
