/**
 * What both adapters agree on: the IPC channel names and the loopback HTTP paths. The adapters carry
 * `{ method, input }` one way and a `Result` back; events travel as `EventEnvelope`s.
 */
export const IPC_CALL_CHANNEL = 'studio:call';
export const IPC_EVENT_CHANNEL = 'studio:event';

export const HTTP_PATHS = {
  call: '/api/call',
  events: '/api/events',
  health: '/api/health',
  media: '/media/',
  /**
   * A call whose input carries bytes (`media.importChunk`): POST with `Content-Type: application/octet-stream`, the
   * bytes as the body (never base64), and the rest of `{ method, input }` as URI-encoded JSON in the
   * `X-Studio-Call` header; the adapter puts the body into `input[BINARY_FIELD]` and dispatches as usual.
   */
  callBinary: '/api/call-binary',
  /** GET `<downloadId>`: a finished browser-mode package export, sent once as an attachment and then removed. */
  packageDownload: '/api/package-download/',
} as const;

/** The input field that carries a binary call's bytes, and the header with the rest of the call. */
export const BINARY_FIELD = 'data';
export const BINARY_CALL_HEADER = 'x-studio-call';
/** The largest binary body the loopback adapter reads (a chunk is at most 8 MB; headroom for nothing else). */
export const BINARY_CALL_MAX_BYTES = 8 * 1024 * 1024;

/** Query/fragment parameter carrying the per-launch token in browser mode. */
export const TOKEN_PARAM = 'token';

export interface CallRequest {
  method: string;
  input: unknown;
}
