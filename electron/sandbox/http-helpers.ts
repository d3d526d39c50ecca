/**
 * Small request helpers shared by the sandbox's routes.
 */
import type { FastifyRequest } from 'fastify';

/** The first value of a query parameter (WeChat reads the first when a name repeats). */
export function queryParam(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/** The caller's address without the IPv4-mapped prefix. */
export function callerIp(request: FastifyRequest): string {
  return request.ip.startsWith('::ffff:') ? request.ip.slice(7) : request.ip;
}

/** The request path without its query string. */
export function pathOf(request: FastifyRequest): string {
  const q = request.url.indexOf('?');
  return q < 0 ? request.url : request.url.slice(0, q);
}

/** Replaces secrets in a URL's query (secret, tokens, codes, tickets) so logs never carry them. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:secret|appsecret|access_token|refresh_token|code|ticket|js_code)=)[^&#]*/gi, '$1[redacted]');
}
