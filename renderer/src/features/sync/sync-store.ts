/**
 * Team sync in the renderer: the status the shell's indicator shows (kept current by `sync.progressed`), the open
 * conflicts, and the actions — the only callers of the client for sync. One store per client.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SyncChoice, SyncConflict, SyncStatus } from '../../../../shared/contract/index';
import type { StudioClient } from '../../api/client';

export interface SyncState {
  status: SyncStatus | null;
  conflicts: SyncConflict[] | null;
  /** A resolve or sync.now in progress. */
  busy: boolean;
  load(): Promise<void>;
  loadConflicts(): Promise<void>;
  syncNow(): Promise<void>;
  resolve(id: number, choice: SyncChoice): Promise<void>;
}

export type SyncStore = StoreApi<SyncState>;

export function createSyncStore(client: StudioClient): SyncStore {
  const store = createStore<SyncState>()((set, get) => ({
    status: null,
    conflicts: null,
    busy: false,
    async load() {
      set({ status: await client.call('sync.status', {}) });
    },
    async loadConflicts() {
      set({ conflicts: (await client.call('sync.conflicts', {})).items });
    },
    async syncNow() {
      set({ busy: true });
      try {
        set({ status: await client.call('sync.now', {}) });
      } finally {
        set({ busy: false });
      }
    },
    async resolve(id, choice) {
      set({ busy: true });
      try {
        set({ status: await client.call('sync.resolve', { id, choice }) });
        await get().loadConflicts();
      } finally {
        set({ busy: false });
      }
    },
  }));
  client.on('sync.progressed', (status) => {
    const before = store.getState().status?.conflicts;
    store.setState({ status });
    // The resolver is open and the set of conflicts moved: show the current one.
    if (store.getState().conflicts !== null && before !== status.conflicts) void store.getState().loadConflicts();
  });
  return store;
}

const stores = new WeakMap<StudioClient, SyncStore>();

/** The sync store of this client (made on first use). */
export function syncStoreFor(client: StudioClient): SyncStore {
  let store = stores.get(client);
  if (!store) {
    store = createSyncStore(client);
    stores.set(client, store);
  }
  return store;
}
