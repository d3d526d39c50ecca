/**
 * A WeChat sandbox per test (closed when the test finishes), typed calls to its control API, plain calls to its
 * WeChat APIs, and small local HTTP servers that stand in for websites and event receivers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import type { z } from 'zod';
import { SANDBOX_CONTROL_HEADER, sandboxControl, type SandboxControl } from '../../shared/wechat-sandbox/control';
import { createSandbox, type AppInput, type Sandbox, type SandboxOptions } from '../../electron/sandbox/index';

export const OA_APP_ID = 'wx0a1b2c3d4e5f6071';
export const OA_SECRET = 'oa-secret-0123456789abcdef';
export const WEB_APP_ID = 'wx9f8e7d6c5b4a3921';
export const WEB_SECRET = 'web-secret-0123456789abcdef';
export const ORIGINAL_ID = 'gh_10f6c3c3ac5a';
/** The Appendix A key, reused as a push key. */
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const PUSH_TOKEN = 'spamtest';

export const officialAccount = (extra: Partial<AppInput> = {}): AppInput => ({
  appId: OA_APP_ID,
  appSecret: OA_SECRET,
  kind: 'officialAccount',
  name: '小满读书会',
  originalId: ORIGINAL_ID,
  ...extra,
});

export const websiteApp = (extra: Partial<AppInput> = {}): AppInput => ({
  appId: WEB_APP_ID,
  appSecret: WEB_SECRET,
  kind: 'websiteApp',
  name: '创作者工作台',
  ...extra,
});

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await createSandbox({ apps: [officialAccount(), websiteApp()], ...options });
  onTestFinished(() => sandbox.close());
  return sandbox;
}

type Name = keyof SandboxControl;
type Body<N extends Name> = SandboxControl[N] extends { body: z.ZodType } ? z.input<SandboxControl[N]['body']> : undefined;
type Answer<N extends Name> = z.output<SandboxControl[N]['response']>;

/** Calls a control API method with the sandbox's token; returns status and body (not thrown on errors). */
export async function controlRaw<N extends Name>(sandbox: Sandbox, name: N, body?: Body<N>, token: string | null = sandbox.controlToken) {
  const def = sandboxControl[name];
  const headers: Record<string, string> = {};
  if (token !== null) headers[SANDBOX_CONTROL_HEADER] = token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sandbox.url}${def.path}`, { method: def.method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as unknown };
}

/** Calls a control API method that must succeed; its answer is checked against the contract. */
export async function control<N extends Name>(sandbox: Sandbox, name: N, body?: Body<N>): Promise<Answer<N>> {
  const { status, body: answer } = await controlRaw(sandbox, name, body);
  if (status !== 200) throw new Error(`${name} answered ${status}: ${JSON.stringify(answer)}`);
  return sandboxControl[name].response.parse(answer) as Answer<N>;
}

/** GET (or POST JSON) a WeChat API path of the sandbox and parse the JSON answer. */
export async function wx(sandbox: Sandbox, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${sandbox.url}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}

export async function baseToken(sandbox: Sandbox, appId = OA_APP_ID, secret = OA_SECRET): Promise<string> {
  const answer = await wx(sandbox, `/cgi-bin/token?grant_type=client_credential&appid=${appId}&secret=${secret}`);
  if (typeof answer.access_token !== 'string') throw new Error(`no token: ${JSON.stringify(answer)}`);
  return answer.access_token;
}

export interface ReceivedRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface LocalServer {
  url: string;
  requests: ReceivedRequest[];
}

/** A node:http server on 127.0.0.1 that records every request and answers through `handle`. */
export async function startLocalServer(
  handle: (request: ReceivedRequest, res: http.ServerResponse, index: number) => void,
): Promise<LocalServer> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      handle(request, res, requests.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}
