/**
 * The team on the companion and the one binding in progress. The binding's status is polled while it can still
 * change (waiting → scanned → confirmed → bound, or expired / denied / failed).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BindingSession, Member, Role } from '../../../../shared/companion/api';
import type { MethodOutput } from '../../../../shared/contract/index';
import { StudioError } from '../../../../shared/contract/index';
import type { StudioClient } from '../../api/client';

export interface TeamState {
  members: Member[];
  meId: string | null;
  settings: MethodOutput<'team.settings'> | null;
  /** Set when the members come from the offline copy (the companion is unreachable): when they were synced. */
  cachedAt: string | undefined;
  loaded: boolean;
  /** Contract error code of the last failed action. */
  error: string | null;
  binding: BindingSession | null;
  /** What the binding was started for, so "refresh" can start the same one again. */
  bindingRequest: { memberId: string } | { name: string; role: Role } | null;
  load(): Promise<void>;
  setBindingMode(mode: 'qrconnect' | 'oauth'): Promise<void>;
  setRole(memberId: string, role: Role): Promise<void>;
  unbind(memberId: string): Promise<void>;
  startBinding(request: { memberId: string } | { name: string; role: Role }): Promise<void>;
  refreshBinding(): Promise<void>;
  closeBinding(): void;
  dispose(): void;
}

export type TeamStore = StoreApi<TeamState>;

const LIVE = new Set(['waiting', 'scanned', 'confirmed']);
const POLL_MS = 1000;

const codeOf = (error: unknown) => (error instanceof StudioError ? error.code : 'INTERNAL');

export function createTeamStore(client: StudioClient): TeamStore {
  let poll: ReturnType<typeof setTimeout> | null = null;

  const store = createStore<TeamState>()((set, get) => ({
    members: [],
    meId: null,
    settings: null,
    cachedAt: undefined,
    loaded: false,
    error: null,
    binding: null,
    bindingRequest: null,

    async load() {
      try {
        const { items, meId, cachedAt } = await client.call('team.members', {});
        // Offline, the members come from the cache and the companion's settings are not there to ask.
        const settings = cachedAt === undefined ? await client.call('team.settings', {}) : get().settings;
        set({ members: items, meId, settings, cachedAt, loaded: true, error: null });
      } catch (error) {
        set({ loaded: true, error: codeOf(error) });
      }
    },
    async setBindingMode(bindingMode) {
      try {
        set({ settings: await client.call('team.updateSettings', { bindingMode }), error: null });
      } catch (error) {
        set({ error: codeOf(error) });
      }
    },
    async setRole(memberId, role) {
      try {
        await client.call('team.setRole', { memberId, role });
        await get().load();
      } catch (error) {
        set({ error: codeOf(error) });
      }
    },
    async unbind(memberId) {
      try {
        await client.call('team.unbind', { memberId });
        await get().load();
      } catch (error) {
        set({ error: codeOf(error) });
      }
    },
    async startBinding(request) {
      stopPolling();
      set({ bindingRequest: request, binding: null, error: null });
      try {
        const binding = await client.call('team.startBinding', request);
        set({ binding });
        schedulePoll();
      } catch (error) {
        set({ error: codeOf(error) });
      }
    },
    async refreshBinding() {
      const request = get().bindingRequest;
      if (request) await get().startBinding(request);
    },
    closeBinding() {
      stopPolling();
      set({ binding: null, bindingRequest: null });
    },
    dispose() {
      stopPolling();
    },
  }));

  function stopPolling(): void {
    if (poll) clearTimeout(poll);
    poll = null;
  }

  function schedulePoll(): void {
    stopPolling();
    poll = setTimeout(async () => {
      const current = store.getState().binding;
      if (!current) return;
      try {
        const next = await client.call('team.binding', { id: current.id });
        // The creator may have closed or restarted the binding meanwhile.
        if (store.getState().binding?.id !== current.id) return;
        store.setState({ binding: next });
        if (next.status === 'bound') await store.getState().load();
        if (LIVE.has(next.status)) schedulePoll();
      } catch (error) {
        store.setState({ error: codeOf(error) });
        schedulePoll();
      }
    }, POLL_MS);
  }

  return store;
}
