/**
 * The studio's typed client for the companion's HTTP API (shared/companion/api.ts). Answers are checked against the
 * route's schema; errors become StudioErrors with the companion's code kept in `details.companionCode`.
 */
import type { z } from 'zod';
import { companionErrorSchema, companionRoutes, type CompanionRouteName, type CompanionRoutes } from '../../../shared/companion/api';
import { StudioError, type ErrorCode } from '../../../shared/contract/index';

type Route<N extends CompanionRouteName> = CompanionRoutes[N];
type Part<N extends CompanionRouteName, K extends string> = Route<N> extends Record<K, z.ZodType> ? z.input<Route<N>[K]> : undefined;

export interface RequestParts<N extends CompanionRouteName> {
  params?: Part<N, 'params'>;
  query?: Part<N, 'query'>;
  body?: Part<N, 'body'>;
}

export type RouteAnswer<N extends CompanionRouteName> = z.output<Route<N>['response']>;

const TO_STUDIO_CODE: Record<string, ErrorCode> = {
  INVALID_INPUT: 'INVALID_INPUT',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  WECHAT_ERROR: 'WECHAT_ERROR',
  WECHAT_UNREACHABLE: 'WECHAT_UNREACHABLE',
  NOT_CONFIGURED: 'NOT_CONFIGURED',
  RATE_LIMITED: 'RATE_LIMITED',
  EXPIRED: 'EXPIRED',
};

export async function companionRequest<N extends CompanionRouteName>(
  baseUrl: string,
  token: string | null,
  name: N,
  parts: RequestParts<N> = {},
  timeoutMs = 15_000,
): Promise<RouteAnswer<N>> {
  const route = companionRoutes[name] as Route<N> & { method: string; path: string };
  let path: string = route.path;
  for (const [key, value] of Object.entries((parts.params ?? {}) as Record<string, string>)) {
    path = path.replace(`:${key}`, encodeURIComponent(value));
  }
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries((parts.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined) query.set(key, String(value));
  }
  const url = `${baseUrl}${path}${query.size ? `?${query}` : ''}`;
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (parts.body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(url, {
      method: route.method,
      headers,
      body: parts.body === undefined ? undefined : JSON.stringify(parts.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new StudioError('COMPANION_UNAVAILABLE', `The companion at ${baseUrl} cannot be reached: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) {
    let parsed: z.infer<typeof companionErrorSchema> | null;
    try {
      const result = companionErrorSchema.safeParse(JSON.parse(text));
      parsed = result.success ? result.data : null;
    } catch {
      parsed = null;
    }
    const code = parsed?.error.code ?? 'INTERNAL';
    throw new StudioError(TO_STUDIO_CODE[code] ?? 'INTERNAL', parsed?.error.message ?? `Companion answered ${response.status}`, {
      details: { companionCode: code, status: response.status, ...(parsed?.error.details ?? {}) },
    });
  }
  const contentType = response.headers.get('content-type') ?? '';
  const value = contentType.includes('application/json') ? (JSON.parse(text) as unknown) : text;
  return (route.response as z.ZodType).parse(value) as RouteAnswer<N>;
}
