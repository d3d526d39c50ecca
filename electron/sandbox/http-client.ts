/**
 * The sandbox's outgoing HTTP (event pushes, the simulated phone's browsing): node:http/https with one deadline for
 * the whole exchange, a capped response body, and no connection reuse so closing the sandbox leaves nothing open.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Deadline for connecting, sending and reading the whole answer. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Answers are cut at this many bytes (pages are only summarised). */
  maxBodyBytes?: number;
}

export class HttpTimeoutError extends Error {}

/** One request; rejects on network errors, on the deadline (HttpTimeoutError) and on abort. */
export function httpRequest(url: string, init: HttpRequestInit): Promise<HttpResult> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
  if (!client) return Promise.reject(new Error(`unsupported protocol ${target.protocol}`));
  const maxBytes = init.maxBodyBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = client.request(target, { method: init.method ?? 'GET', headers: init.headers, agent: false, signal: init.signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < maxBytes) chunks.push(chunk.subarray(0, maxBytes - size));
        size += chunk.length;
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', fail);
    });
    function fail(error: Error): void {
      clearTimeout(timer);
      reject(error);
    }
    const timer = setTimeout(() => req.destroy(new HttpTimeoutError(`no complete answer within ${init.timeoutMs} ms`)), init.timeoutMs);
    req.on('error', fail);
    req.end(init.body);
  });
}
