/**
 * Pure rules of WeChat Pay orders (wechat-protocols.md §9.4, §9.7): how our out_trade_no / out_refund_no look, the
 * RFC 3339 Beijing time WeChat wants for time_expire, what `attach` carries, which state changes are allowed, and
 * the date filters of the order list.
 */
import type { OrderState } from '../../../../shared/companion/api';
import { base62 } from '../ids';

const BEIJING_OFFSET_MS = 8 * 3600_000;

/** `2024-01-01T12:00:06+08:00` (§9.4: time_expire is `yyyy-MM-DDTHH:mm:ss+08:00`). */
export function beijingRfc3339(date: Date): string {
  const b = new Date(date.getTime() + BEIJING_OFFSET_MS);
  return `${b.toISOString().slice(0, 19)}+08:00`;
}

/** `20240101120006` in Beijing time: the readable head of our order numbers. */
function beijingStamp(date: Date): string {
  return new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace(/\D/g, '');
}

/**
 * `CS20240101120006Ab3dE9xYz0Qk`: 28 characters of [0-9A-Za-z] — inside the 6–32 characters of §9.4 and free of the
 * `|` the sources disagree on (Appendix C). 12 random base62 characters (71 bits) make a clash practically impossible;
 * the primary key catches one anyway.
 */
export function newOutTradeNo(now: Date): string {
  return `CS${beijingStamp(now)}${base62(12)}`;
}

/** The same shape for refunds (`out_refund_no`, unique per merchant, §9.8). */
export function newOutRefundNo(now: Date): string {
  return `RF${beijingStamp(now)}${base62(12)}`;
}

/** §9.4 (accepting `|` as WeChat may). */
export function isOutTradeNo(value: string): boolean {
  return /^[0-9A-Za-z_\-|*]{6,32}$/.test(value);
}

export const ATTACH_MAX = 128;

/**
 * `attach` (≤ 128 characters, echoed back by WeChat): `c=<course>,<course>` and `;s=<scene>` when the buyer came from
 * a poster or funnel. A bundle too long for 128 characters keeps the scene and as many course ids as fit, then `,+N`
 * (the full list is in our own database either way).
 */
export function encodeAttach(courseIds: readonly string[], scene: string | null | undefined): string {
  const tail = scene ? `;s=${scene}` : '';
  let ids = '';
  for (let i = 0; i < courseIds.length; i++) {
    const next = ids ? `${ids},${courseIds[i]}` : courseIds[i]!;
    const rest = courseIds.length - i - 1;
    const more = rest > 0 ? `,+${rest}` : '';
    if (`c=${next}${more}${tail}`.length > ATTACH_MAX) {
      const left = courseIds.length - i;
      return `c=${ids}${ids ? ',' : ''}+${left}${tail}`;
    }
    ids = next;
  }
  return `c=${ids}${tail}`;
}

/** WeChat's description limit (§9.4: ≤ 127 characters). */
export function defaultDescription(titles: readonly string[]): string {
  const text = titles.length === 1 ? titles[0]! : `${titles[0]} 等 ${titles.length} 门课程`;
  return [...text].slice(0, 127).join('');
}

const OPEN: ReadonlySet<OrderState> = new Set(['CREATING', 'NOTPAY', 'USERPAYING']);
const PAID: ReadonlySet<OrderState> = new Set(['SUCCESS', 'REFUND']);

export const isOpen = (state: OrderState): boolean => OPEN.has(state);
export const isPaid = (state: OrderState): boolean => PAID.has(state);

/**
 * Whether an order may move from `from` to `to` on what WeChat Pay reports. Open orders follow WeChat; a closed,
 * failed or revoked order can still turn out paid (a payment that raced the close — the money is real); a paid order
 * only moves on to REFUND, and REFUND is final. So a stale query answer or a late NOTPAY never undoes a payment.
 */
export function canTransition(from: OrderState, to: OrderState): boolean {
  if (from === to) return false;
  if (OPEN.has(from)) return true;
  if (from === 'SUCCESS') return to === 'REFUND';
  if (from === 'REFUND') return false;
  return PAID.has(to);
}

/** Refund statuses (§9.8) and ours: CREATING (sent, outcome unknown), FAILED (refused). */
export type RefundStatus = 'CREATING' | 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL' | 'FAILED';

export function canRefundTransition(from: RefundStatus, to: RefundStatus): boolean {
  if (from === to) return false;
  if (from === 'CREATING') return true;
  if (from === 'PROCESSING') return to === 'SUCCESS' || to === 'CLOSED' || to === 'ABNORMAL';
  // An abnormal refund (the buyer's card closed …) is settled by the merchant, then succeeds or closes.
  if (from === 'ABNORMAL') return to === 'SUCCESS' || to === 'CLOSED';
  return false;
}

/** Refunds whose money is committed (counted against what may still be refunded). */
export const COMMITTED_REFUND: ReadonlySet<RefundStatus> = new Set(['CREATING', 'PROCESSING', 'SUCCESS', 'ABNORMAL']);

/**
 * A list filter bound as an ISO instant: `YYYY-MM-DD` is a day in Beijing time (`from` its start, `to` the start of the
 * next day, exclusive); anything else must parse as an instant. Null when it does not parse.
 */
export function filterInstant(value: string, edge: 'from' | 'to'): string | null {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day) {
    const start = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])) - BEIJING_OFFSET_MS;
    if (!Number.isFinite(start)) return null;
    return new Date(edge === 'from' ? start : start + 86_400_000).toISOString();
  }
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}
