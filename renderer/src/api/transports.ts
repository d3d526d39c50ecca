import { BINARY_CALL_HEADER, BINARY_FIELD, HTTP_PATHS, TOKEN_PARAM, type EventEnvelope, type Result } from '../../../shared/contract/index';
import type { Transport } from './client';

/** What the preload exposes inside Electron, and nothing more. */
interface PreloadBridge {
  call(method: string, input: unknown): Promise<Result<unknown>>;
  on(listener: (event: EventEnvelope) => void): () => void;
}

declare global {
  interface Window {
    studio?: PreloadBridge;
  }
}

export function ipcTransport(bridge: PreloadBridge): Transport {
  return {
    kind: 'desktop',
    call: (method, input) => bridge.call(method, input),
    subscribe: (listener) => bridge.on(listener),
    // The window is served from studio://app/, which also serves media: same origin, no token needed.
    mediaUrl: (hash) => `${HTTP_PATHS.media}${hash}`,
    // The desktop host saves packages where the creator chooses; it never offers a download.
    packageDownloadUrl: (downloadId) => `${HTTP_PATHS.packageDownload}${downloadId}`,
  };
}

const offline = (message: string): Result<unknown> => ({ ok: false, error: { code: 'OFFLINE', message } });

export function httpTransport(token: string, base = ''): Transport {
  return {
    kind: 'browser',
    async call(method, input) {
      let response: Response;
      try {
        const binary = binaryRequest(method, input, token);
        response = await fetch(`${base}${binary ? HTTP_PATHS.callBinary : HTTP_PATHS.call}`, binary ?? {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify({ method, input }),
        });
      } catch (error) {
        return offline(error instanceof Error ? error.message : 'The studio host cannot be reached');
      }
      if (response.status === 401) return { ok: false, error: { code: 'UNAUTHORIZED', message: 'The token was refused' } };
      try {
        return (await response.json()) as Result<unknown>;
      } catch {
        return offline(`Unexpected answer (${response.status})`);
      }
    },
    subscribe(listener) {
      const source = new EventSource(`${base}${HTTP_PATHS.events}?${TOKEN_PARAM}=${encodeURIComponent(token)}`);
      source.onmessage = (message: MessageEvent<string>) => listener(JSON.parse(message.data) as EventEnvelope);
      return () => source.close();
    },
    mediaUrl: (hash) => `${base}${HTTP_PATHS.media}${hash}?${TOKEN_PARAM}=${encodeURIComponent(token)}`,
    packageDownloadUrl: (downloadId) => `${base}${HTTP_PATHS.packageDownload}${encodeURIComponent(downloadId)}?${TOKEN_PARAM}=${encodeURIComponent(token)}`,
  };
}

/**
 * A call whose input carries bytes goes as the raw body of one request (transport.ts, `callBinary`), never as base64
 * inside JSON; over IPC the same Uint8Array travels by structured clone.
 */
function binaryRequest(method: string, input: unknown, token: string): RequestInit | null {
  if (typeof input !== 'object' || input === null || !((input as Record<string, unknown>)[BINARY_FIELD] instanceof Uint8Array)) return null;
  const { [BINARY_FIELD]: data, ...rest } = input as Record<string, unknown>;
  return {
    method: 'POST',
    headers: {
      'Content-Type': 'application/octet-stream',
      Authorization: `Bearer ${token}`,
      [BINARY_CALL_HEADER]: encodeURIComponent(JSON.stringify({ method, input: rest })),
    },
    body: data as Uint8Array<ArrayBuffer>,
  };
}

const TOKEN_KEY = 'creator-studio.token';

/**
 * The browser-mode token arrives in the URL fragment (never sent to a server, never in a log); it is kept for this
 * tab only (sessionStorage) and removed from the address bar at once.
 */
export function takeTokenFromLocation(): string | null {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const fromHash = params.get(TOKEN_PARAM);
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    params.delete(TOKEN_PARAM);
    const rest = params.toString();
    history.replaceState(null, '', `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`);
    return fromHash;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Picks the transport for where this page runs; null in a browser that has no token. */
export function detectTransport(): Transport | null {
  if (window.studio) return ipcTransport(window.studio);
  const token = takeTokenFromLocation();
  return token ? httpTransport(token) : null;
}
