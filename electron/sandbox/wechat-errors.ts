/**
 * WeChat's error answers: `{ errcode, errmsg }` with HTTP 200 and an errmsg ending in ` rid: <id>` (§0, §0.1).
 */
import { randomBytes } from 'node:crypto';

export interface WechatError {
  errcode: number;
  errmsg: string;
}

/** The errmsg prefixes observed in real answers (§0.1); others get a short English description. */
const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40029: 'invalid code',
  40030: 'invalid refresh_token',
  40097: 'invalid args',
  40125: 'invalid appsecret',
  40163: 'code been used',
  41001: 'access_token missing',
  41002: 'appid missing',
  41003: 'refresh_token missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  42001: 'access_token expired',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  47001: 'data format error',
  48001: 'api unauthorized',
};

/** A request id shaped like WeChat's (`5f5cafe9-456a174e-4e992ccd`). */
export function newRid(): string {
  const hex = randomBytes(12).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 16)}-${hex.slice(16, 24)}`;
}

/** Strips the `::ffff:` prefix Node gives IPv4 callers on a dual-stack socket. */
export function plainIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
}

/**
 * The body WeChat answers for `errcode`. `ip` is the caller's address, which 40164 names (§0.1: `invalid ip 1.2.3.4
 * ipv6 ::ffff:1.2.3.4, not in whitelist`); `detail` replaces the default text.
 */
export function wechatError(errcode: number, options: { ip?: string; detail?: string } = {}): WechatError {
  let text = options.detail ?? ERRMSG[errcode] ?? `sandbox error ${errcode}`;
  if (errcode === 40164 && options.detail === undefined) {
    const ip = plainIp(options.ip ?? '0.0.0.0');
    text = `invalid ip ${ip} ipv6 ::ffff:${ip}, not in whitelist`;
  }
  return { errcode, errmsg: `${text} rid: ${newRid()}` };
}
