/**
 * A companion on a temp data folder for one test: built with `buildCompanion` (for `inject`) or listening on
 * 127.0.0.1 (for real loopback), a fresh master key, every log line captured, every answer checked against the route
 * table, closed when the test finishes. Plus typed calls by route name and a paired owner.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { onTestFinished } from 'vitest';
import type { z } from 'zod';
import { companionRoutes, type CompanionRouteName, type CompanionRoutes } from '../../shared/companion/api';
import { buildCompanion, startCompanion, type CompanionDeps } from '../../electron/companion/app';
import { createLogger } from '../../electron/companion/log';
import { parseConfig, type CompanionConfig } from '../../electron/companion/config';
import { tempDir } from './temp-dir';

export const BOOTSTRAP_CODE = 'bootstrap-code-0123456789abcdef';

/** Collects pino's output lines. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  text(): string {
    return this.lines.join('\n');
  }
}

export interface TestCompanion {
  app: FastifyInstance;
  config: CompanionConfig;
  dataDir: string;
  masterKey: Buffer;
  logs: LogCapture;
  /** Set when started with `listen: true`. */
  url: string | null;
}

export interface TestCompanionOptions {
  config?: Record<string, unknown>;
  deps?: Partial<CompanionDeps>;
  dataDir?: string;
  masterKey?: Buffer;
  listen?: boolean;
}

export function testConfig(dataDir: string, raw: Record<string, unknown> = {}): CompanionConfig {
  return parseConfig({ host: '127.0.0.1', port: 0, dataDir, logLevel: 'debug', ...raw });
}

export async function openCompanion(options: TestCompanionOptions = {}): Promise<TestCompanion> {
  const dataDir = options.dataDir ?? tempDir('companion-test-');
  const config = testConfig(dataDir, options.config);
  const masterKey = options.masterKey ?? randomBytes(32);
  const logs = new LogCapture();
  const deps: CompanionDeps = {
    masterKey,
    bootstrapPairingCode: BOOTSTRAP_CODE,
    logger: createLogger({ level: 'debug', stream: logs }),
    checkResponses: true,
    wechat: { retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    ...options.deps,
  };
  if (options.listen) {
    const running = await startCompanion(config, deps);
    onTestFinished(() => running.close());
    return { app: running.app, config, dataDir, masterKey, logs, url: running.url };
  }
  const app = await buildCompanion(config, deps);
  onTestFinished(() => app.close());
  return { app, config, dataDir, masterKey, logs, url: null };
}

type Route<N extends CompanionRouteName> = CompanionRoutes[N];
type Part<N extends CompanionRouteName, K extends string> = Route<N> extends Record<K, z.ZodType> ? z.input<Route<N>[K]> : never;

export interface Parts<N extends CompanionRouteName> {
  params?: Part<N, 'params'>;
  query?: Part<N, 'query'>;
  body?: Part<N, 'body'>;
}

export interface Reply {
  status: number;
  body: unknown;
  text: string;
  headers: Record<string, unknown>;
}

/** The request line of a route with its params filled in. */
export function routeUrl(name: CompanionRouteName, params: Record<string, string> = {}, query: Record<string, unknown> = {}): string {
  let path: string = companionRoutes[name].path;
  for (const [k, v] of Object.entries(params)) path = path.replace(`:${k}`, encodeURIComponent(v));
  const q = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  return q.size ? `${path}?${q}` : path;
}

/** Calls a route by name through `inject` (any body shape allowed: invalid inputs are part of the point). */
export async function call(app: FastifyInstance, name: CompanionRouteName, token: string | null, parts: { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown } = {}): Promise<Reply> {
  const route = companionRoutes[name];
  const res = await app.inject({
    method: route.method,
    url: routeUrl(name, parts.params, parts.query),
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(parts.body !== undefined ? { payload: parts.body as object } : {}),
  });
  let body: unknown = res.body;
  try {
    body = res.json();
  } catch {
    // Not JSON (CSV, text): keep the text.
  }
  return { status: res.statusCode, body, text: res.body, headers: res.headers };
}

/** Calls a route that must succeed (2xx) and returns its parsed answer, typed from the table. */
export async function ok<N extends CompanionRouteName>(app: FastifyInstance, name: N, token: string | null, parts: Parts<N> = {}): Promise<z.output<Route<N>['response']>> {
  const res = await call(app, name, token, parts as never);
  if (res.status >= 300) throw new Error(`${name} answered ${res.status}: ${res.text}`);
  return (companionRoutes[name].response as z.ZodType).parse(res.body) as z.output<Route<N>['response']>;
}

/** Pairs a desktop with the bootstrap code: the first owner. */
export async function pairOwner(app: FastifyInstance, memberName = '老板'): Promise<string> {
  const paired = await ok(app, 'devices.pair', null, { body: { code: BOOTSTRAP_CODE, deviceName: 'Owner laptop', memberName } });
  return paired.deviceToken;
}

/** Invites a member with `role` and pairs a desktop for them; returns its token and member id. */
export async function pairMember(app: FastifyInstance, ownerToken: string, role: 'owner' | 'editor' | 'viewer', name = `${role}-member`): Promise<{ token: string; memberId: string }> {
  const invite = await ok(app, 'invites.create', ownerToken, { body: { role, memberName: name } });
  const paired = await ok(app, 'devices.pair', null, { body: { code: invite.code, deviceName: `${name}'s desktop` } });
  return { token: paired.deviceToken, memberId: invite.memberId };
}
