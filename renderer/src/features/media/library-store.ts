/**
 * The library page's state: one page of files (newest first), the kind filter, and the delete flow — usages are
 * asked first and shown; the host refuses a used file anyway (another window may have just used it).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { StudioError, type MediaItem, type MediaUsage } from '../../../../shared/contract/index';
import type { MediaKind } from '../../../../shared/domain/media';
import type { StudioClient } from '../../api/client';

export const PAGE_SIZE = 24;

export interface DeleteCheck {
  hash: string;
  usages: MediaUsage[] | null;
  error: string | null;
}

export interface LibraryState {
  kind: MediaKind | null;
  offset: number;
  items: MediaItem[];
  total: number;
  loading: boolean;
  error: string | null;
  deleting: DeleteCheck | null;
  load(): Promise<void>;
  setKind(kind: MediaKind | null): void;
  setOffset(offset: number): void;
  askDelete(hash: string): Promise<void>;
  confirmDelete(): Promise<void>;
  closeDelete(): void;
}

export type LibraryStore = StoreApi<LibraryState>;

export function createLibraryStore(client: StudioClient): LibraryStore {
  let loadSeq = 0;
  const store = createStore<LibraryState>()((set, get) => ({
    kind: null,
    offset: 0,
    items: [],
    total: 0,
    loading: false,
    error: null,
    deleting: null,

    async load() {
      const seq = ++loadSeq;
      const { kind, offset } = get();
      set({ loading: true });
      try {
        const page = await client.call('media.list', { ...(kind ? { kind } : {}), limit: PAGE_SIZE, offset });
        // A slower answer for an older filter must not overwrite a newer one.
        if (seq !== loadSeq) return;
        if (page.items.length === 0 && offset > 0) return get().setOffset(Math.max(0, offset - PAGE_SIZE));
        set({ items: page.items, total: page.total, loading: false, error: null });
      } catch (e) {
        if (seq === loadSeq) set({ loading: false, error: e instanceof StudioError ? e.code : 'INTERNAL' });
      }
    },
    setKind(kind) {
      set({ kind, offset: 0 });
      void get().load();
    },
    setOffset(offset) {
      set({ offset });
      void get().load();
    },
    async askDelete(hash) {
      set({ deleting: { hash, usages: null, error: null } });
      try {
        const { items } = await client.call('media.usages', { hash });
        if (get().deleting?.hash === hash) set({ deleting: { hash, usages: items, error: null } });
      } catch (e) {
        set({ deleting: { hash, usages: null, error: e instanceof StudioError ? e.code : 'INTERNAL' } });
      }
    },
    async confirmDelete() {
      const deleting = get().deleting;
      if (!deleting) return;
      try {
        await client.call('media.delete', { hash: deleting.hash });
        set({ deleting: null });
        await get().load();
      } catch (e) {
        if (e instanceof StudioError && e.code === 'CONFLICT') {
          // Used since we asked: show the current usages instead.
          const { items } = await client.call('media.usages', { hash: deleting.hash });
          set({ deleting: { hash: deleting.hash, usages: items, error: null } });
        } else set({ deleting: { ...deleting, error: e instanceof StudioError ? e.code : 'INTERNAL' } });
      }
    },
    closeDelete() {
      set({ deleting: null });
    },
  }));
  return store;
}
