/**
 * The renderer's typed client. Components never see it; store actions call it. It works over either transport:
 * Electron IPC (the preload's `window.studio`) or loopback HTTP (browser mode).
 */
import {
  HTTP_PATHS,
  StudioError,
  type EventEnvelope,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type Result,
} from '../../../shared/contract/index';

export interface Transport {
  /** `desktop` over IPC, `browser` over HTTP. */
  kind: 'desktop' | 'browser';
  call(method: string, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: (event: EventEnvelope) => void): () => void;
  /** A URL the page can put in <img src> for a stored media hash. */
  mediaUrl(hash: string): string;
  /** A URL that downloads a finished browser-mode package export (`packages.export` → `downloadId`); the path alone when absent. */
  packageDownloadUrl?(downloadId: string): string;
}

export interface StudioClient {
  kind: Transport['kind'];
  /** Resolves with the method's output or rejects with a StudioError carrying the contract's error code. */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  mediaUrl(hash: string): string;
  packageDownloadUrl(downloadId: string): string;
}

export function createClient(transport: Transport): StudioClient {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let unsubscribe: (() => void) | null = null;

  return {
    kind: transport.kind,
    async call(method, input) {
      const result = await transport.call(method, input);
      if (!result.ok) throw StudioError.from(result.error);
      return result.value as never;
    },
    on(event, listener) {
      unsubscribe ??= transport.subscribe((envelope) => {
        for (const l of listeners.get(envelope.event) ?? []) l(envelope.payload);
      });
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    mediaUrl: (hash) => transport.mediaUrl(hash),
    packageDownloadUrl: (downloadId) => transport.packageDownloadUrl?.(downloadId) ?? `${HTTP_PATHS.packageDownload}${downloadId}`,
  };
}
