/**
 * WeChat Pay's times: RFC 3339 in Beijing time (`2024-01-01T12:00:06+08:00`, §9.4, §9.6) and money as the payer
 * reads it.
 */

const BEIJING_OFFSET_MS = 8 * 3600 * 1000;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** `ms` as `yyyy-MM-ddTHH:mm:ss+08:00`. */
export function beijingTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000 + BEIJING_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** `yyyyMMdd` of `ms` in Beijing (inside transaction and refund ids). */
export function beijingDate(ms: number): string {
  return beijingTime(ms).slice(0, 10).replaceAll('-', '');
}

/** `yyyyMMddHHmmss` of `ms` in Beijing (inside prepay ids). */
export function beijingStamp(ms: number): string {
  return beijingTime(ms).slice(0, 19).replace(/[-T:]/g, '');
}

/** Milliseconds of an RFC 3339 time with an explicit offset; null for anything else. */
export function parseRfc3339(text: string): number | null {
  if (!RFC3339.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/** Fen as the phone shows them: `¥12.34`. */
export function yuanText(fen: number): string {
  return `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}
