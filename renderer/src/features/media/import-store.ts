/**
 * One importer's queue: each file with its progress, state and outcome. Files upload one after another (a 2-core
 * machine gains nothing from parallel hashing, and the first file finishes sooner). A store per importer instance,
 * so the library page and, say, a lesson's media picker each have their own.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { StudioError, type MediaItem } from '../../../../shared/contract/index';
import type { WechatMaterial } from '../../../../shared/domain/media';
import type { StudioClient } from '../../api/client';
import { UploadCancelled, uploadFile } from './upload';

export interface UploadEntry {
  id: number;
  name: string;
  size: number;
  sent: number;
  state: 'queued' | 'uploading' | 'done' | 'duplicate' | 'failed' | 'cancelled';
  /** A field code (`media.truncated`, `media.wechat.tooLong`…) or an error code, when failed. */
  error: string | null;
  /** Facts for the error message (limits, sizes), from the host's answer. */
  details: Record<string, string | number | boolean | null> | null;
  item: MediaItem | null;
}

export interface ImportState {
  entries: UploadEntry[];
  add(files: File[]): void;
  cancel(id: number): void;
  /** Removes finished, failed and cancelled entries from the list. */
  clearFinished(): void;
}

export type ImportStore = StoreApi<ImportState>;

export function createImportStore(
  client: StudioClient,
  options: { material?: WechatMaterial } = {},
): ImportStore {
  let seq = 0;
  const files = new Map<number, File>();
  const controllers = new Map<number, AbortController>();
  let running = false;

  const store = createStore<ImportState>()((set, get) => {
    const patch = (id: number, change: Partial<UploadEntry>) =>
      set({ entries: get().entries.map((e) => (e.id === id ? { ...e, ...change } : e)) });

    async function drain(): Promise<void> {
      if (running) return;
      running = true;
      try {
        for (let next = get().entries.find((e) => e.state === 'queued'); next; next = get().entries.find((e) => e.state === 'queued')) {
          const entry = next;
          const controller = new AbortController();
          controllers.set(entry.id, controller);
          patch(entry.id, { state: 'uploading' });
          try {
            const { item, duplicate } = await uploadFile(client, files.get(entry.id)!, {
              ...(options.material ? { material: options.material } : {}),
              signal: controller.signal,
              onProgress: (sent) => patch(entry.id, { sent }),
            });
            patch(entry.id, { state: duplicate ? 'duplicate' : 'done', item, sent: entry.size });
          } catch (error) {
            if (error instanceof UploadCancelled) patch(entry.id, { state: 'cancelled' });
            else if (error instanceof StudioError) patch(entry.id, { state: 'failed', error: error.fields?.[0]?.code ?? error.code, details: error.details ?? null });
            else patch(entry.id, { state: 'failed', error: 'INTERNAL' });
          } finally {
            controllers.delete(entry.id);
            files.delete(entry.id);
          }
        }
      } finally {
        running = false;
      }
    }

    return {
      entries: [],
      add(picked) {
        const added = picked.map((file): UploadEntry => {
          const id = ++seq;
          files.set(id, file);
          return { id, name: file.name, size: file.size, sent: 0, state: 'queued', error: null, details: null, item: null };
        });
        set({ entries: [...get().entries, ...added] });
        void drain();
      },
      cancel(id) {
        const entry = get().entries.find((e) => e.id === id);
        if (entry?.state === 'queued') {
          files.delete(id);
          patch(id, { state: 'cancelled' });
        } else controllers.get(id)?.abort();
      },
      clearFinished() {
        set({ entries: get().entries.filter((e) => e.state === 'queued' || e.state === 'uploading') });
      },
    };
  });
  return store;
}
