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
} as const;

/** Query/fragment parameter carrying the per-launch token in browser mode. */
export const TOKEN_PARAM = 'token';

export interface CallRequest {
  method: string;
  input: unknown;
}
