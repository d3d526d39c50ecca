/**
 * The preview's UI state for one open course editor (a vanilla zustand store): which tab, device, appearance and zoom
 * the creator looks at, which surface is open large, the workspace's preview settings and what is known about covers.
 * The course itself is not here: the previews read the editor's draft, so they follow every keystroke.
 *
 * The store hangs off the editor's store (a WeakMap), so the counters under the fields and the gallery in the side
 * panel share it without another provider in the editor's tree; it goes away with the editor.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { StudioError, type MethodInput, type MethodOutput } from '../../../../shared/contract/index';
import type { Appearance, DeviceId, PreviewSettings, SurfaceId } from '../../../../shared/preview/index';
import type { StudioClient } from '../../api/client';

export interface CoverFacts {
  width: number;
  height: number;
  bytes: number;
  mime: string;
}

export type CoverState = { state: 'loading' } | { state: 'ready'; facts: CoverFacts } | { state: 'error'; code: string };

export type SideTab = 'outline' | 'preview';
export type Zoom = 'fit' | 'actual';

export interface PreviewState {
  tab: SideTab;
  device: DeviceId;
  appearance: Appearance;
  zoom: Zoom;
  /** The surface shown large with its warnings, or null. */
  selected: SurfaceId | null;
  settings: PreviewSettings | null;
  settingsError: string | null;
  covers: Record<string, CoverState>;
  exporting: null | 'gallery' | SurfaceId;
  setTab(tab: SideTab): void;
  setDevice(device: DeviceId): void;
  setAppearance(appearance: Appearance): void;
  setZoom(zoom: Zoom): void;
  select(id: SurfaceId | null): void;
  loadSettings(): Promise<void>;
  /** Saves settings; resolves with the field problems the host found (empty when saved). */
  saveSettings(patch: Partial<PreviewSettings>): Promise<{ path: string; code: string }[]>;
  loadCover(hash: string, mediaUrl: string): void;
  exportPng(input: MethodInput<'preview.exportPng'>, what: 'gallery' | SurfaceId): Promise<MethodOutput<'preview.exportPng'>>;
}

export type PreviewStore = StoreApi<PreviewState>;

/** A cover's pixel size from the image itself, when the host could not read it from the file's header. */
function naturalSize(url: string): Promise<{ width: number; height: number }> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
    img.onerror = () => reject(new Error('image did not load'));
    img.src = url;
  });
}

export function createPreviewStore(client: StudioClient): PreviewStore {
  const store = createStore<PreviewState>()((set, get) => ({
    tab: 'outline',
    device: 'standard375',
    appearance: 'light',
    zoom: 'fit',
    selected: null,
    settings: null,
    settingsError: null,
    covers: {},
    exporting: null,
    setTab: (tab) => set({ tab }),
    setDevice: (device) => set({ device }),
    setAppearance: (appearance) => set({ appearance }),
    setZoom: (zoom) => set({ zoom }),
    select: (selected) => set({ selected }),
    async loadSettings() {
      try {
        set({ settings: await client.call('preview.settings', {}), settingsError: null });
      } catch (error) {
        set({ settingsError: error instanceof StudioError ? error.code : 'INTERNAL' });
      }
    },
    async saveSettings(patch) {
      try {
        set({ settings: await client.call('preview.updateSettings', patch), settingsError: null });
        return [];
      } catch (error) {
        if (error instanceof StudioError && error.fields?.length) return error.fields;
        return [{ path: '', code: error instanceof StudioError ? error.code : 'INTERNAL' }];
      }
    },
    loadCover(hash, mediaUrl) {
      if (get().covers[hash]) return;
      const put = (state: CoverState) => set({ covers: { ...get().covers, [hash]: state } });
      put({ state: 'loading' });
      client
        .call('preview.coverInfo', { hash })
        .then(async (info) => {
          const size = info.width && info.height ? { width: info.width, height: info.height } : await naturalSize(mediaUrl);
          put({ state: 'ready', facts: { ...size, bytes: info.size, mime: info.mime } });
        })
        .catch((error: unknown) => put({ state: 'error', code: error instanceof StudioError ? error.code : 'INTERNAL' }));
    },
    async exportPng(input, what) {
      set({ exporting: what });
      try {
        return await client.call('preview.exportPng', input);
      } finally {
        set({ exporting: null });
      }
    },
  }));
  void store.getState().loadSettings();
  return store;
}

const stores = new WeakMap<object, PreviewStore>();

/** The preview store of an editor (created on first use). */
export function previewStoreFor(owner: object, client: StudioClient): PreviewStore {
  let store = stores.get(owner);
  if (!store) {
    store = createPreviewStore(client);
    stores.set(owner, store);
  }
  return store;
}
