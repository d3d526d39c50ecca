import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoopbackServer } from '../../electron/studio/http/loopback-server';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { openHost } from '../helpers/host';
import { pngBytes } from '../helpers/images';
import { TEST_TOKEN, apiCall, openEventStream, rawRequest, startServer } from '../helpers/loopback';
import { sha256, tempDir } from '../helpers/temp-dir';

const INDEX_HTML = '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body>创作者工作台</body></html>';
const SECRET = 'this file lives outside the renderer folder';

/**
 * A host on a temp data folder behind a real loopback server, serving a temp renderer folder (index.html and one
 * asset). Beside that folder sit files a path-traversal attempt would like to reach.
 */
async function serve(options: { maxBodyBytes?: number } = {}): Promise<{ server: LoopbackServer; dataDir: string }> {
  const dataDir = tempDir();
  const site = tempDir();
  const rendererDir = path.join(site, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), INDEX_HTML);
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log("studio");');
  fs.writeFileSync(path.join(site, 'secret.txt'), SECRET);
  fs.mkdirSync(path.join(site, 'renderer-secret'));
  fs.writeFileSync(path.join(site, 'renderer-secret', 'secret.txt'), SECRET);
  const host = openHost(dataDir, { shell: 'browser' });
  const server = await startServer({ host, rendererDir, ...options });
  return { server, dataDir };
}

function post(server: LoopbackServer, body: string | Buffer, headers: Record<string, string> = {}) {
  return rawRequest(server.port, {
    method: 'POST',
    path: '/api/call',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json', ...headers },
    body,
  });
}

function json(res: { body: Buffer }): unknown {
  return JSON.parse(res.body.toString('utf8'));
}

/** Resolves with the error code of a TCP connection attempt, or 'connected'. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('binding', () => {
  it('listens on 127.0.0.1 only and hands out a URL with the token in the fragment', async () => {
    const { server } = await serve();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.openUrl).toBe(`http://127.0.0.1:${server.port}/#token=${TEST_TOKEN}`);
    expect(await tryConnect('127.0.0.1', server.port)).toBe('connected');
  });

  it.runIf(process.platform === 'linux')('refuses connections to any other address of this machine', async () => {
    const { server } = await serve();
    // The whole of 127/8 is local on Linux: a server bound to 0.0.0.0 would accept 127.0.0.2 too.
    expect(await tryConnect('127.0.0.2', server.port)).toBe('ECONNREFUSED');
  });
});

describe('/api/call', () => {
  it('answers 401 without a token or with a wrong one', async () => {
    const { server } = await serve();
    for (const token of [null, 'wrong', TEST_TOKEN.replace(/.$/, 'X'), `${TEST_TOKEN}x`]) {
      const res = await apiCall(server, 'app.info', {}, token);
      expect(res).toEqual({ status: 401, body: { ok: false, error: { code: 'UNAUTHORIZED', message: expect.any(String) } } });
    }
  });

  it('answers with the result for the right token, in a header or in the query', async () => {
    const { server, dataDir } = await serve();
    expect(await apiCall(server, 'app.info', {})).toEqual({
      status: 200,
      body: { ok: true, value: expect.objectContaining({ shell: 'browser', dataDir }) },
    });
    const viaQuery = await rawRequest(server.port, {
      method: 'POST',
      path: `/api/call?token=${TEST_TOKEN}`,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'courses.list', input: {} }),
    });
    expect(json(viaQuery)).toEqual({ ok: true, value: { items: [], total: 0 } });
  });

  it('answers 421 to a Host header that is not this server (DNS rebinding), even with the token', async () => {
    const { server } = await serve();
    for (const host of [`evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, '127.0.0.1', `127.0.0.1.evil.example:${server.port}`]) {
      const res = await post(server, JSON.stringify({ method: 'app.info', input: {} }), { Host: host });
      expect(res.status).toBe(421);
    }
    const local = await post(server, JSON.stringify({ method: 'app.info', input: {} }), { Host: `localhost:${server.port}` });
    expect(local.status).toBe(200);
  });

  it('answers 415 unless the body is declared as JSON, so no "simple" cross-site POST gets through', async () => {
    const { server } = await serve();
    const body = JSON.stringify({ method: 'courses.create', input: { title: '跨站' } });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      expect((await post(server, body, { 'Content-Type': type })).status).toBe(415);
    }
    expect(json(await post(server, JSON.stringify({ method: 'courses.list', input: {} })))).toMatchObject({ value: { total: 0 } });
  });

  it('answers 400 to a body that is not a JSON object, and keeps serving', async () => {
    const { server } = await serve();
    for (const body of ['{not json', '', 'null', '42', '"courses.list"', '[]']) {
      const res = await post(server, body);
      expect(res.status).toBe(400);
      expect(json(res)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect((await apiCall(server, 'courses.list', {})).status).toBe(200);
  });

  it('answers 413 to a body over the limit, and keeps serving', async () => {
    const { server } = await serve({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ method: 'courses.create', input: { title: '大', summary: 'x'.repeat(2000) } });
    const res = await post(server, big);
    expect(res.status).toBe(413);
    expect(json(res)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await apiCall(server, 'courses.list', {})).body).toEqual({ ok: true, value: { items: [], total: 0 } });
  });

  it('answers 413 to a chunked body once it passes the limit, and keeps serving', async () => {
    const { server } = await serve({ maxBodyBytes: 1024 });
    const outcome = await new Promise<string>((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/call',
          agent: false,
          headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(String(res.statusCode));
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      // No Content-Length: the size is only known while reading.
      for (let i = 0; i < 64; i++) req.write('x'.repeat(512));
      req.end();
    });
    expect(outcome).toBe('413');
    expect((await apiCall(server, 'courses.list', {})).status).toBe(200);
  });

  it('answers UNKNOWN_METHOD for a method the contract does not have', async () => {
    const { server } = await serve();
    expect(await apiCall(server, 'courses.explode', {})).toEqual({
      status: 200,
      body: { ok: false, error: { code: 'UNKNOWN_METHOD', message: expect.any(String) } },
    });
  });

  it('accepts POST only', async () => {
    const { server } = await serve();
    const res = await rawRequest(server.port, { path: '/api/call', headers: { Authorization: `Bearer ${server.token}` } });
    expect(res.status).toBe(405);
  });

  it('sends no CORS headers, whatever the Origin', async () => {
    const { server } = await serve();
    const res = await post(server, JSON.stringify({ method: 'app.info', input: {} }), { Origin: 'https://evil.example' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});

describe('/api/events', () => {
  it('streams courses.changed after a course is created', async () => {
    const { server } = await serve();
    const events = await openEventStream(server);
    const created = (await apiCall(server, 'courses.create', { title: '推送' })).body as { value: { id: string } };
    expect(await events.next((e) => e.event === 'courses.changed')).toEqual({
      event: 'courses.changed',
      payload: { id: created.value.id, version: 1, deleted: false },
    });
  });

  it('answers 401 without the token', async () => {
    const { server } = await serve();
    expect((await rawRequest(server.port, { path: '/api/events' })).status).toBe(401);
    expect((await rawRequest(server.port, { path: '/api/events?token=wrong' })).status).toBe(401);
  });
});

describe('/media/<hash>', () => {
  it('serves an imported image with its type, to token holders only', async () => {
    const { server } = await serve();
    const bytes = pngBytes(20, 10);
    const imported = await apiCall(server, 'media.importImage', { fileName: 'c.png', dataBase64: bytes.toString('base64') });
    const hash = sha256(bytes);
    expect(imported.body).toMatchObject({ ok: true, value: { hash } });

    const res = await rawRequest(server.port, { path: `/media/${hash}?token=${TEST_TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body.equals(bytes)).toBe(true);

    const viaHeader = await rawRequest(server.port, { path: `/media/${hash}`, headers: { Authorization: `Bearer ${TEST_TOKEN}` } });
    expect(viaHeader.body.equals(bytes)).toBe(true);
    expect((await rawRequest(server.port, { path: `/media/${hash}` })).status).toBe(401);
    expect((await rawRequest(server.port, { path: `/media/${hash}?token=wrong` })).status).toBe(401);
  });

  it('answers 404 for an unknown or malformed hash', async () => {
    const { server } = await serve();
    for (const name of ['0'.repeat(64), 'abc', '..%2f..%2fstudio.db', `${'a'.repeat(64)}.png`]) {
      expect((await rawRequest(server.port, { path: `/media/${name}?token=${TEST_TOKEN}` })).status).toBe(404);
    }
  });
});

describe('the renderer', () => {
  it('serves index.html with the same Content-Security-Policy as the desktop window', async () => {
    const { server } = await serve();
    for (const p of ['/', '/index.html']) {
      const res = await rawRequest(server.port, { path: p });
      expect(res.status).toBe(200);
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body.toString('utf8')).toBe(INDEX_HTML);
    }
  });

  it('serves assets with their type', async () => {
    const { server } = await serve();
    const res = await rawRequest(server.port, { path: '/assets/app.js' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body.toString()).toBe('console.log("studio");');
  });

  it('answers an app route with index.html (single-page app fallback)', async () => {
    const { server } = await serve();
    for (const p of ['/courses/x', '/courses/42/edit?tab=outline']) {
      const res = await rawRequest(server.port, { path: p });
      expect(res.status).toBe(200);
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(res.body.toString('utf8')).toBe(INDEX_HTML);
    }
  });

  it('answers 404 for a missing file with an extension instead of the app', async () => {
    const { server } = await serve();
    expect((await rawRequest(server.port, { path: '/assets/missing.js' })).status).toBe(404);
    expect((await rawRequest(server.port, { path: '/favicon.ico' })).status).toBe(404);
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%2frenderer-secret/secret.txt',
    '/..%5csecret.txt',
    '/%252e%252e/secret.txt',
  ])('never serves a file outside the renderer folder: %s', async (p) => {
    const { server } = await serve();
    const res = await rawRequest(server.port, { path: p });
    expect(res.body.toString('utf8')).not.toContain(SECRET);
    expect([400, 404]).toContain(res.status);
  });
});
