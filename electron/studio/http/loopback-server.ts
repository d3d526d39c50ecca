/**
 * The loopback HTTP adapter for browser mode: the same `dispatch` as Electron IPC, reachable only from this machine.
 *
 * - binds 127.0.0.1 (never 0.0.0.0), on a random free port unless one is given;
 * - every API call carries the per-launch token (Authorization: Bearer, or `?token=` where a browser cannot set
 *   headers: EventSource and <img>); compared in constant time;
 * - the Host header must name the loopback address and our port, which defeats DNS-rebinding pages;
 * - no CORS headers at all, and calls must be `application/json`, so another site's page can neither read answers
 *   nor send a "simple" cross-origin POST;
 * - serves the built renderer (with the same strict CSP as the desktop window) and events as server-sent events.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {
  BINARY_CALL_HEADER,
  BINARY_CALL_MAX_BYTES,
  BINARY_FIELD,
  HTTP_PATHS,
  TOKEN_PARAM,
  type EventEnvelope,
} from '../../../shared/contract/index';
import { CONTENT_SECURITY_POLICY } from '../../../shared/csp';
import type { StudioHost } from '../host';

export interface LoopbackOptions {
  host: StudioHost;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Folder of the built renderer (index.html and assets); when missing, only the API is served. */
  rendererDir?: string | null;
  /** A fixed token (tests); a random one per launch otherwise. */
  token?: string;
  /** Largest request body; a 10 MB cover travels as ~13.4 MB of base64 inside JSON. */
  maxBodyBytes?: number;
}

export interface LoopbackServer {
  url: string;
  /** The URL to open in a browser: carries the token in the fragment, which never reaches a server log. */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export async function startLoopbackServer(options: LoopbackOptions): Promise<LoopbackServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const rendererDir =
    options.rendererDir && fs.existsSync(path.join(options.rendererDir, 'index.html')) ? path.resolve(options.rendererDir) : null;
  const streams = new Set<http.ServerResponse>();
  let port = 0;

  const tokenOk = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false;
    const bytes = Buffer.from(candidate);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };

  const server = http.createServer((req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    const hostHeader = req.headers.host ?? '';
    if (hostHeader !== `127.0.0.1:${port}` && hostHeader !== `localhost:${port}`) {
      return send(res, 421, { error: 'Host not allowed' });
    }
    const url = new URL(req.url ?? '/', `http://${hostHeader}`);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const authorized = tokenOk(bearer) || tokenOk(url.searchParams.get(TOKEN_PARAM));

    if (url.pathname === HTTP_PATHS.health) return send(res, 200, { ok: true, state: options.host.status().state });
    if (url.pathname === HTTP_PATHS.call) {
      if (!authorized) return send(res, 401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'Missing or wrong token' } });
      if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return send(res, 415, { ok: false, error: { code: 'INVALID_INPUT', message: 'Content-Type must be application/json' } });
      }
      return void readBody(req, maxBody).then(
        async (body) => {
          let request: { method?: unknown; input?: unknown };
          try {
            request = JSON.parse(body.toString('utf8')) as typeof request;
          } catch {
            return send(res, 400, { ok: false, error: { code: 'INVALID_INPUT', message: 'Body is not JSON' } });
          }
          // `null` would throw below, outside any catch: an unhandled rejection that ends the process.
          if (typeof request !== 'object' || request === null || Array.isArray(request)) {
            return send(res, 400, { ok: false, error: { code: 'INVALID_INPUT', message: 'Body must be a JSON object' } });
          }
          const result = await options.host.dispatch(String(request.method), request.input, { via: 'http' });
          send(res, 200, result);
        },
        (error: Error & { status?: number }) =>
          send(res, error.status ?? 400, { ok: false, error: { code: 'INVALID_INPUT', message: error.message } }),
      );
    }
    if (url.pathname === HTTP_PATHS.callBinary) {
      if (!authorized) return send(res, 401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'Missing or wrong token' } });
      if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
      // Not a CORS-safelisted type: another site's page cannot send this without a preflight, which gets no CORS answer.
      if (req.headers['content-type'] !== 'application/octet-stream') {
        return send(res, 415, { ok: false, error: { code: 'INVALID_INPUT', message: 'Content-Type must be application/octet-stream' } });
      }
      let call: { method?: unknown; input?: unknown };
      try {
        call = JSON.parse(decodeURIComponent(String(req.headers[BINARY_CALL_HEADER] ?? ''))) as typeof call;
      } catch {
        req.resume();
        return send(res, 400, { ok: false, error: { code: 'INVALID_INPUT', message: `The ${BINARY_CALL_HEADER} header is not JSON` } });
      }
      if (typeof call !== 'object' || call === null || typeof call.input !== 'object' || call.input === null || Array.isArray(call.input)) {
        req.resume();
        return send(res, 400, { ok: false, error: { code: 'INVALID_INPUT', message: 'The call must carry an input object' } });
      }
      const input = call.input as Record<string, unknown>;
      return void readBody(req, BINARY_CALL_MAX_BYTES).then(
        async (body) => {
          const result = await options.host.dispatch(String(call.method), { ...input, [BINARY_FIELD]: body }, { via: 'http' });
          send(res, 200, result);
        },
        (error: Error & { status?: number }) =>
          send(res, error.status ?? 400, { ok: false, error: { code: 'INVALID_INPUT', message: error.message } }),
      );
    }
    if (url.pathname === HTTP_PATHS.events) {
      if (!authorized) return send(res, 401, { error: 'Missing or wrong token' });
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (url.pathname.startsWith(HTTP_PATHS.media)) {
      if (!authorized) return send(res, 401, { error: 'Missing or wrong token' });
      const found = options.host.mediaFile(url.pathname.slice(HTTP_PATHS.media.length));
      if (!found) return send(res, 404, { error: 'Not found' });
      res.writeHead(200, { 'Content-Type': found.mime, 'Cache-Control': 'private, max-age=31536000, immutable' });
      return void fs.createReadStream(found.file).pipe(res);
    }
    if (url.pathname.startsWith(HTTP_PATHS.packageDownload)) {
      if (!authorized) return send(res, 401, { error: 'Missing or wrong token' });
      if (req.method !== 'GET') return send(res, 405, { error: 'GET only' });
      const found = options.host.packageDownload(url.pathname.slice(HTTP_PATHS.packageDownload.length));
      if (!found) return send(res, 404, { error: 'Not found' });
      const ascii = found.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
      res.writeHead(200, {
        'Content-Type': 'application/zip',
        'Content-Length': String(fs.statSync(found.file).size),
        'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(found.fileName)}`,
        'Cache-Control': 'no-store',
      });
      // Sent once: removed when the response is complete (or the connection drops; the creator exports again).
      const stream = fs.createReadStream(found.file);
      res.on('close', () => {
        stream.destroy();
        found.done();
      });
      return void stream.pipe(res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'Method not allowed' });
    return serveRenderer(rendererDir, url.pathname, res);
  });

  const unsubscribe = options.host.on((event: EventEnvelope) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });
  // Comment frames keep idle connections (and proxies' idea of them) alive.
  const keepAlive = setInterval(() => {
    for (const stream of streams) stream.write(': ping\n\n');
  }, 15_000);
  keepAlive.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openUrl: `${url}/#${TOKEN_PARAM}=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        clearInterval(keepAlive);
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) {
      req.resume();
      return reject(Object.assign(new Error(`Request body over ${max} bytes`), { status: 413 }));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (tooLarge) return;
      if (size > max) {
        // A body without Content-Length (chunked) is found too large only here: answer 413 at once and drain the
        // rest without keeping it, so the client reads the answer instead of a reset connection.
        tooLarge = true;
        chunks.length = 0;
        reject(Object.assign(new Error(`Request body over ${max} bytes`), { status: 413 }));
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

function serveRenderer(rendererDir: string | null, pathname: string, res: http.ServerResponse): void {
  if (!rendererDir) return send(res, 404, { error: 'The renderer is not built; run `npm run build`.' });
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return send(res, 400, { error: 'Bad path' });
  }
  let file = path.normalize(path.join(rendererDir, decoded));
  // Refuse anything that resolves outside the renderer folder (../ tricks, encoded or not).
  if (!file.startsWith(rendererDir + path.sep) && file !== rendererDir) return send(res, 404, { error: 'Not found' });
  const exists = fs.existsSync(file) && fs.statSync(file).isFile();
  if (!exists && path.extname(file)) return send(res, 404, { error: 'Not found' });
  // Anything else is a route inside the single-page app.
  if (!exists) file = path.join(rendererDir, 'index.html');
  const ext = path.extname(file);
  const headers: Record<string, string> = { 'Content-Type': MIME[ext] ?? 'application/octet-stream' };
  if (ext === '.html') {
    headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
    headers['Cache-Control'] = 'no-store';
  } else {
    headers['Cache-Control'] = 'public, max-age=31536000, immutable';
  }
  res.writeHead(200, headers);
  fs.createReadStream(file).pipe(res);
}
