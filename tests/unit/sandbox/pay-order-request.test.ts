/**
 * Order and refund request validation on the sandbox's side (§9.4, §9.8): the PARAM_ERROR answers naming the field,
 * the charset and length rules, time_expire handling, and the fingerprint behind the re-submission rule.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PayApiError } from '../../../electron/sandbox/pay/errors';
import { MerchantRegistry, type PayMerchant } from '../../../electron/sandbox/pay/merchants';
import { canonicalJson, parseOrderRequest } from '../../../electron/sandbox/pay/order-request';
import { parseRefundRequest } from '../../../electron/sandbox/pay/refunds';
import { beijingTime, parseRfc3339, yuanText } from '../../../electron/sandbox/pay/time';
import { OA_APP_ID } from '../../helpers/sandbox';
import { MCH_ID, merchantInput, nativeOrder } from '../../helpers/pay';

const NOW = Date.parse('2024-01-01T12:00:00+08:00');
const NOTIFY = 'https://creator.example.com/wechat/pay/notify';
let merchant: PayMerchant;
beforeAll(async () => {
  merchant = await new MerchantRegistry(() => NOW).put(merchantInput());
});

const parse = (body: Record<string, unknown>, type: 'NATIVE' | 'JSAPI' | 'MWEB' = 'NATIVE', belongs = true) => parseOrderRequest(type, body, merchant, NOW, () => belongs);

function refusal(run: () => unknown): { code: string; status: number; field?: unknown } {
  try {
    run();
  } catch (error) {
    if (error instanceof PayApiError) return { code: error.code, status: error.status, field: error.detail?.field };
    throw error;
  }
  throw new Error('not refused');
}

describe('parseOrderRequest', () => {
  it('a valid Native order: total in fen, 7-day default expiry, fingerprint independent of key order', () => {
    const draft = parse(nativeOrder('ORDER_0001', NOTIFY, { attach: 'course=7&scene=poster-3' }));
    expect(draft).toMatchObject({ appId: OA_APP_ID, outTradeNo: 'ORDER_0001', amountTotal: 1234, attach: 'course=7&scene=poster-3', timeExpire: NOW + 7 * 86_400_000 });
    const reordered = Object.fromEntries(Object.entries(nativeOrder('ORDER_0001', NOTIFY, { attach: 'course=7&scene=poster-3' })).reverse());
    expect(parse(reordered).fingerprint).toBe(draft.fingerprint);
    expect(parse(nativeOrder('ORDER_0001', NOTIFY, { amount: { total: 1235 } })).fingerprint).not.toBe(draft.fingerprint);
  });

  it.each([
    ['ORD01', '/out_trade_no'],
    ['O'.repeat(33), '/out_trade_no'],
    ['订单00001', '/out_trade_no'],
  ])('out_trade_no %s is refused', (no, field) => {
    expect(refusal(() => parse(nativeOrder(no, NOTIFY)))).toEqual({ code: 'PARAM_ERROR', status: 400, field });
  });

  it('accepts the whole documented charset, including the disputed |', () => {
    expect(parse(nativeOrder('a-Z_0|9*', NOTIFY)).outTradeNo).toBe('a-Z_0|9*');
  });

  it('amounts are positive integers of fen in CNY', () => {
    for (const total of [0, -1, 12.5, '1234', undefined]) expect(refusal(() => parse(nativeOrder('ORDER_0001', NOTIFY, { amount: { total } }))).field).toBe('/amount/total');
    expect(refusal(() => parse(nativeOrder('ORDER_0001', NOTIFY, { amount: { total: 1, currency: 'USD' } }))).field).toBe('/amount/currency');
  });

  it('missing fields, a long description, notify_url with a query, a foreign mchid or appid', () => {
    const { description: _d, ...noDescription } = nativeOrder('ORDER_0001', NOTIFY);
    expect(refusal(() => parse(noDescription)).field).toBe('/description');
    expect(refusal(() => parse(nativeOrder('ORDER_0001', NOTIFY, { description: '课'.repeat(128) }))).field).toBe('/description');
    expect(refusal(() => parse(nativeOrder('ORDER_0001', `${NOTIFY}?order=1`))).field).toBe('/notify_url');
    expect(refusal(() => parse(nativeOrder('ORDER_0001', NOTIFY, { mchid: '1234567890' }))).field).toBe('/mchid');
    expect(refusal(() => parse(nativeOrder('ORDER_0001', NOTIFY, { appid: 'wx1111111111111111' })))).toEqual({ code: 'APPID_MCHID_NOT_MATCH', status: 400, field: undefined });
    expect(MCH_ID).toBe(merchant.mchId);
  });

  it('time_expire: RFC 3339 only, moved up to one minute, refused beyond 90 days', () => {
    expect(parse(nativeOrder('ORDER_0001', NOTIFY, { time_expire: '2024-01-01T12:30:00+08:00' })).timeExpire).toBe(NOW + 1_800_000);
    expect(parse(nativeOrder('ORDER_0001', NOTIFY, { time_expire: '2024-01-01T12:00:10+08:00' })).timeExpire).toBe(NOW + 60_000);
    expect(refusal(() => parse(nativeOrder('ORDER_0001', NOTIFY, { time_expire: '2024-01-01 12:30:00' }))).field).toBe('/time_expire');
    expect(refusal(() => parse(nativeOrder('ORDER_0001', NOTIFY, { time_expire: '2024-06-01T12:00:00+08:00' }))).field).toBe('/time_expire');
  });

  it('JSAPI needs a payer openid of the appid; H5 needs scene_info with the client IP and h5_info.type', () => {
    const jsapi = { ...nativeOrder('ORDER_0002', NOTIFY), payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } };
    expect(parse(jsapi, 'JSAPI').payerOpenid).toBe('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o');
    expect(refusal(() => parse(jsapi, 'JSAPI', false))).toEqual({ code: 'PARAM_ERROR', status: 400, field: '/payer/openid' });
    expect(refusal(() => parse(nativeOrder('ORDER_0002', NOTIFY), 'JSAPI')).field).toBe('/payer');
    const h5 = (scene: unknown) => ({ ...nativeOrder('ORDER_0003', NOTIFY), scene_info: scene });
    expect(parse(h5({ payer_client_ip: '14.23.150.211', h5_info: { type: 'Wap' } }), 'MWEB').tradeType).toBe('MWEB');
    expect(refusal(() => parse(nativeOrder('ORDER_0003', NOTIFY), 'MWEB')).field).toBe('/scene_info');
    expect(refusal(() => parse(h5({ h5_info: { type: 'Wap' } }), 'MWEB')).field).toBe('/scene_info/payer_client_ip');
    expect(refusal(() => parse(h5({ payer_client_ip: '1.2.3.4', h5_info: { type: 'Web' } }), 'MWEB')).field).toBe('/scene_info/h5_info/type');
  });
});

describe('parseRefundRequest', () => {
  const refund = (extra: Record<string, unknown> = {}) => ({ out_trade_no: 'ORDER_0001', out_refund_no: 'R_0001', amount: { refund: 100, total: 1234, currency: 'CNY' }, ...extra });

  it('reads the order by either number, the amounts in fen and an optional notify_url', () => {
    expect(parseRefundRequest(refund({ notify_url: NOTIFY }))).toMatchObject({ outTradeNo: 'ORDER_0001', transactionId: null, refund: 100, total: 1234, notifyUrl: NOTIFY });
    expect(parseRefundRequest({ ...refund(), out_trade_no: undefined, transaction_id: '4200000000202401011234567890' }).transactionId).toBe('4200000000202401011234567890');
  });

  it('refuses a missing order number, a bad out_refund_no, amounts that are not fen, a currency other than CNY', () => {
    expect(refusal(() => parseRefundRequest({ ...refund(), out_trade_no: undefined })).field).toBe('/out_trade_no');
    expect(refusal(() => parseRefundRequest(refund({ out_refund_no: 'R 1' }))).field).toBe('/out_refund_no');
    expect(refusal(() => parseRefundRequest(refund({ amount: { refund: 0, total: 1234, currency: 'CNY' } }))).field).toBe('/amount/refund');
    expect(refusal(() => parseRefundRequest(refund({ amount: { refund: 1, total: 1234 } }))).field).toBe('/amount/currency');
    expect(refusal(() => parseRefundRequest(refund({ notify_url: `${NOTIFY}?x=1` }))).field).toBe('/notify_url');
  });
});

describe('helpers', () => {
  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":0,"z":1}]},"b":1}');
  });

  it('Beijing RFC 3339 times and ¥ amounts', () => {
    expect(beijingTime(Date.UTC(2024, 0, 1, 4, 0, 6, 900))).toBe('2024-01-01T12:00:06+08:00');
    expect(parseRfc3339('2024-01-01T12:00:06+08:00')).toBe(Date.UTC(2024, 0, 1, 4, 0, 6));
    expect(parseRfc3339('2024-01-01T12:00:06')).toBeNull();
    expect([yuanText(1234), yuanText(5), yuanText(100), yuanText(1_000_000)]).toEqual(['¥12.34', '¥0.05', '¥1.00', '¥10000.00']);
  });
});
