/**
 * A real loopback server in front of a host, and plain HTTP clients for it: `apiCall` as the renderer's client calls,
 * `rawRequest` when a test must control every header, `openEventStream` for server-sent events.
 */
import http from 'node:http';
import { onTestFinished } from 'vitest';
import { HTTP_PATHS, TOKEN_PARAM, type EventEnvelope } from '../../shared/contract/index';
import { startLoopbackServer, type LoopbackOptions, type LoopbackServer } from '../../electron/studio/http/loopback-server';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

export async function startServer(options: LoopbackOptions): Promise<LoopbackServer> {
  const server = await startLoopbackServer({ token: TEST_TOKEN, ...options });
  onTestFinished(() => server.close());
  return server;
}

/** POSTs `{ method, input }` to /api/call with a bearer token (the server's own unless `token` says otherwise). */
export async function apiCall(
  server: LoopbackServer,
  method: string,
  input: unknown,
  token: string | null = server.token,
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${server.url}${HTTP_PATHS.call}`, { method: 'POST', headers, body: JSON.stringify({ method, input }) });
  return { status: res.status, body: await res.json() };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request with exactly the given path and headers (Node adds Host only when the test does not). */
export function rawRequest(
  port: number,
  request: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: request.method ?? 'GET', path: request.path, headers: request.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

export interface EventStream {
  /** Resolves with the first event (already received or still to come) that matches. */
  next(match: (event: EventEnvelope) => boolean): Promise<EventEnvelope>;
  close(): void;
}

/** Opens /api/events with the token in the query, as EventSource does; resolves once the server says it is connected. */
export function openEventStream(server: LoopbackServer): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const path = `${HTTP_PATHS.events}?${TOKEN_PARAM}=${encodeURIComponent(server.token)}`;
    const req = http.get({ host: '127.0.0.1', port: server.port, path, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events answered ${res.statusCode}`));
      res.setEncoding('utf8');
      const received: EventEnvelope[] = [];
      const waiting: { match: (event: EventEnvelope) => boolean; resolve: (event: EventEnvelope) => void }[] = [];
      let buffer = '';
      let connected = false;
      const stream: EventStream = {
        next(match) {
          const found = received.find(match);
          if (found) return Promise.resolve(found);
          return new Promise((resolveEvent) => waiting.push({ match, resolve: resolveEvent }));
        },
        close: () => req.destroy(),
      };
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith(': connected') && !connected) {
            connected = true;
            resolve(stream);
          }
          if (!frame.startsWith('data: ')) continue;
          const event = JSON.parse(frame.slice('data: '.length)) as EventEnvelope;
          received.push(event);
          for (const w of waiting.filter((x) => x.match(event))) {
            waiting.splice(waiting.indexOf(w), 1);
            w.resolve(event);
          }
        }
      });
    });
    req.on('error', reject);
    onTestFinished(() => {
      req.destroy();
    });
  });
}
