/**
 * Validation of an order request body (§9.4) for Native, JSAPI and H5, with APIv3's PARAM_ERROR answers that name
 * the field. The result is an order draft plus a fingerprint of the parameters for the re-submission rule.
 */
import { PayApiError, paramError } from './errors';
import type { PayMerchant } from './merchants';
import type { TradeType } from './orders';
import { parseRfc3339 } from './time';

/** §9.4: 6–32 of `[0-9A-Za-z_-|*]` (Appendix C: `|` is disputed; accepted here, never generated). */
export const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
/** Without time_expire an order cannot be paid after 7 days (§9.4). */
const DEFAULT_EXPIRY_MS = 7 * 86_400_000;
const MIN_EXPIRY_MS = 60_000;
/** Appendix C: 15 days (older page) or 90 (2025 page); the sandbox takes the larger, refusing only beyond it. */
const MAX_EXPIRY_MS = 90 * 86_400_000;

export interface OrderDraft {
  appId: string;
  outTradeNo: string;
  tradeType: TradeType;
  description: string;
  attach: string | null;
  notifyUrl: string;
  amountTotal: number;
  timeExpire: number;
  /** JSAPI: the payer openid the order was made for. */
  payerOpenid: string | null;
  /** Canonical JSON of the request: a re-submission with another fingerprint is OUT_TRADE_NO_USED. */
  fingerprint: string;
}

/** JSON with sorted keys, so the same parameters in another order still count as the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function text(body: Record<string, unknown>, field: string, max: number, required: boolean): string | null {
  const value = body[field];
  if (value === undefined) {
    if (required) throw paramError(`/${field}`, '此字段为必填项');
    return null;
  }
  if (typeof value !== 'string' || value.length === 0) throw paramError(`/${field}`, '应为非空字符串', value);
  if (value.length > max) throw paramError(`/${field}`, `长度不能超过 ${max}`, value);
  return value;
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw paramError(field, '此字段为必填项，应为对象');
  return value as Record<string, unknown>;
}

function notifyUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw paramError('/notify_url', '不是合法的URL', value);
  }
  // Real WeChat Pay requires HTTPS; the sandbox is local, so plain http to a loopback merchant is fine too.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw paramError('/notify_url', '必须是 https 地址', value);
  if (url.search !== '' || value.includes('?')) throw paramError('/notify_url', '不能携带查询参数', value);
  return value;
}

function expiry(value: string | null, now: number): number {
  if (value === null) return now + DEFAULT_EXPIRY_MS;
  const ms = parseRfc3339(value);
  if (ms === null) throw paramError('/time_expire', '应为 rfc3339 格式，如 2018-06-08T10:34:56+08:00', value);
  if (ms > now + MAX_EXPIRY_MS) throw paramError('/time_expire', '超过允许的最长订单有效期', value);
  // §9.4: less than a minute ahead is moved to a minute, not refused.
  return Math.max(ms, now + MIN_EXPIRY_MS);
}

/** Checks `body` for `tradeType`; `payerOf(appId, openid)` says whether an openid belongs to the appid (JSAPI). */
export function parseOrderRequest(
  tradeType: TradeType,
  body: Record<string, unknown>,
  merchant: PayMerchant,
  now: number,
  openidBelongs: (appId: string, openid: string) => boolean,
): OrderDraft {
  const appId = text(body, 'appid', 32, true)!;
  const mchId = text(body, 'mchid', 32, true)!;
  if (mchId !== merchant.mchId) throw paramError('/mchid', '与请求头 Authorization 中的 mchid 不一致', mchId);
  const description = text(body, 'description', 127, true)!;
  const outTradeNo = text(body, 'out_trade_no', 32, true)!;
  if (!OUT_TRADE_NO.test(outTradeNo)) throw paramError('/out_trade_no', '应为 6-32 位数字、大小写字母、_-|*', outTradeNo);
  const attach = text(body, 'attach', 128, false);
  const notify = notifyUrl(text(body, 'notify_url', 255, true)!);
  const timeExpire = expiry(text(body, 'time_expire', 64, false), now);
  const amount = object(body.amount, '/amount');
  const total = amount.total;
  if (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 1) throw paramError('/amount/total', '应为大于 0 的整数（单位：分）', total);
  if (amount.currency !== undefined && amount.currency !== 'CNY') throw paramError('/amount/currency', '境内商户仅支持 CNY', amount.currency);
  if (!merchant.appIds.includes(appId)) throw new PayApiError('APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');

  let payerOpenid: string | null = null;
  if (tradeType === 'JSAPI') {
    const openid = object(body.payer, '/payer').openid;
    if (typeof openid !== 'string' || openid === '') throw paramError('/payer/openid', '此字段为必填项');
    if (!openidBelongs(appId, openid)) throw new PayApiError('PARAM_ERROR', 'appid和openid不匹配', { location: 'body', field: '/payer/openid', value: openid });
    payerOpenid = openid;
  }
  if (tradeType === 'MWEB') {
    const scene = object(body.scene_info, '/scene_info');
    if (typeof scene.payer_client_ip !== 'string' || scene.payer_client_ip === '') throw paramError('/scene_info/payer_client_ip', '此字段为必填项');
    const h5 = object(scene.h5_info, '/scene_info/h5_info');
    if (!['Wap', 'iOS', 'Android'].includes(h5.type as string)) throw paramError('/scene_info/h5_info/type', '应为 Wap、iOS 或 Android', h5.type);
  }
  return {
    appId,
    outTradeNo,
    tradeType,
    description,
    attach,
    notifyUrl: notify,
    amountTotal: total,
    timeExpire,
    payerOpenid,
    fingerprint: `${tradeType}:${canonicalJson(body)}`,
  };
}
