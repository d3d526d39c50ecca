/**
 * Orders end to end against the WeChat sandbox as WeChat Pay, over real loopback with real crypto: a Native order
 * paid with the sandbox phone turns SUCCESS by notification (its history shows how), a JSAPI bundle WeChat accepts,
 * H5, query and close, the list with filters, per-course revenue and CSV, and the audit trail of every call.
 */
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openidOf } from '../../../electron/sandbox/state/ids';
import { call, ok } from '../../helpers/companion';
import { COURSE, COURSE_B, eventually, payByPhone, startPayPair } from '../../helpers/companion-pay';
import { decodeQr } from '../../helpers/companion-sandbox';
import { MCH_ID, TEST_PUBLIC_KEY_PEM } from '../../helpers/pay';
import { OA_APP_ID, control } from '../../helpers/sandbox';

describe('pay orders', () => {
  it('a Native order paid with the sandbox phone turns SUCCESS by notification, visible in its history, and enrols the buyer', async () => {
    const { sandbox, companion, ownerToken } = await startPayPair();
    const created = await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE], scene: 'poster:p-42' } });
    expect(created.order).toMatchObject({ state: 'NOTPAY', kind: 'native', totalFen: 19900, listFen: 19900, discountFen: 0, scene: 'poster:p-42', payerOpenidMasked: null });
    expect(created.order.outTradeNo).toMatch(/^CS\d{14}[0-9A-Za-z]{12}$/);
    if (created.payment.kind !== 'native') throw new Error('expected a native payment');
    expect(created.payment.codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    expect(decodeQr(created.payment.qrPngBase64)).toBe(created.payment.codeUrl);

    // What WeChat Pay holds: our amount, description, attach with course and scene.
    const atWechat = (await control(sandbox, 'pay.orders.list')).items.find((o) => o.outTradeNo === created.order.outTradeNo)!;
    expect(atWechat).toMatchObject({ mchId: MCH_ID, appId: OA_APP_ID, amountTotal: 19900, description: COURSE.title, tradeType: 'NATIVE' });

    expect(await payByPhone(sandbox, created.payment.codeUrl)).toMatch(/支付成功/);
    const paid = await eventually(
      () => ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo: created.order.outTradeNo } }),
      (d) => d.order.state === 'SUCCESS',
    );
    expect(paid.order.payerOpenidMasked).toMatch(/^o.{3}….{3}$/);
    expect(paid.order.transactionId).toMatch(/\d+/);
    expect(paid.order.paidAt).not.toBeNull();
    expect(paid.history.map((h) => [h.source, h.fromState, h.toState])).toEqual([
      ['create', null, 'CREATING'],
      ['create', 'CREATING', 'NOTPAY'],
      ['notify', 'NOTPAY', 'SUCCESS'],
    ]);
    expect(paid.alerts).toEqual([]);
    const enrolments = await ok(companion.app, 'enrolments.list', ownerToken, { query: { courseId: COURSE.courseId } });
    expect(enrolments.items).toEqual([expect.objectContaining({ courseId: COURSE.courseId, outTradeNo: created.order.outTradeNo, revokedAt: null })]);
    expect(enrolments.items[0]!.openidMasked).toBe(paid.order.payerOpenidMasked);
    // The notification was answered 2xx once; nothing left to retry.
    await sandbox.payNotificationsIdle();
    const notes = (await control(sandbox, 'pay.notifications.list')).items;
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ delivered: true, done: true });
    expect(notes[0]!.attempts.map((a) => a.status)).toEqual([200]);
  });

  it('a JSAPI order answers a paySign bundle that verifies with the merchant key and that WeChat accepts', async () => {
    const { sandbox, companion, ownerToken } = await startPayPair();
    const openid = openidOf(OA_APP_ID, 'zhou-yiming');
    const created = await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'jsapi', payerOpenid: openid, items: [COURSE, COURSE_B], discount: { kind: 'threshold', thresholdFen: 20000, offFen: 3000 } } });
    expect(created.order).toMatchObject({ state: 'NOTPAY', listFen: 29800, discountFen: 3000, totalFen: 26800, discount: { kind: 'threshold', thresholdFen: 20000, offFen: 3000 } });
    expect(created.order.items.map((i) => i.payFen).reduce((a, b) => a + b, 0)).toBe(26800);
    expect(created.order.description).toBe(`${COURSE.title} 等 2 门课程`);
    if (created.payment.kind !== 'jsapi') throw new Error('expected a jsapi payment');
    const p = created.payment.payParams;
    expect(p).toMatchObject({ appId: OA_APP_ID, package: `prepay_id=${created.payment.prepayId}`, signType: 'RSA' });
    expect(p.timeStamp).toMatch(/^\d{10}$/);
    // Independently of the companion's code: SHA256withRSA over appId\ntimeStamp\nnonceStr\npackage\n (§9.4).
    const message = Buffer.from(`${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`);
    expect(verify('sha256', message, createPublicKey(TEST_PUBLIC_KEY_PEM), Buffer.from(p.paySign, 'base64'))).toBe(true);

    const paid = await control(sandbox, 'pay.jsapi.pay', { userId: 'zhou-yiming', ...p });
    expect(paid.errMsg).toBe('get_brand_wcpay_request:ok');
    const detail = await eventually(() => ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo: created.order.outTradeNo } }), (d) => d.order.state === 'SUCCESS');
    expect(detail.order.totalFen).toBe(26800);
    const enrolled = await ok(companion.app, 'enrolments.list', ownerToken, {});
    expect(enrolled.items.map((e) => e.courseId).sort()).toEqual([COURSE_B.courseId, COURSE.courseId].sort());
  });

  it('an H5 order answers an h5_url; query reads WeChat’s state; close closes it at WeChat (and only unpaid ones)', async () => {
    const { sandbox, companion, ownerToken } = await startPayPair();
    const h5 = await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'h5', payerClientIp: '203.0.113.7', items: [COURSE_B], appName: '小满读书会' } });
    if (h5.payment.kind !== 'h5') throw new Error('expected an h5 payment');
    expect(h5.payment.h5Url).toMatch(/^http/);

    const queried = await ok(companion.app, 'orders.query', ownerToken, { params: { outTradeNo: h5.order.outTradeNo } });
    expect(queried.order.state).toBe('NOTPAY');
    const closed = await ok(companion.app, 'orders.close', ownerToken, { params: { outTradeNo: h5.order.outTradeNo } });
    expect(closed.order.state).toBe('CLOSED');
    expect(closed.history.at(-1)).toMatchObject({ source: 'close', fromState: 'NOTPAY', toState: 'CLOSED' });
    expect((await control(sandbox, 'pay.orders.list')).items.find((o) => o.outTradeNo === h5.order.outTradeNo)!.tradeState).toBe('CLOSED');
    // Closing again is harmless.
    expect((await ok(companion.app, 'orders.close', ownerToken, { params: { outTradeNo: h5.order.outTradeNo } })).order.state).toBe('CLOSED');

    const native = await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE] } });
    await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo: native.order.outTradeNo, userId: 'chen-siyuan' });
    await eventually(() => ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo: native.order.outTradeNo } }), (d) => d.order.state === 'SUCCESS');
    const refused = await call(companion.app, 'orders.close', ownerToken, { params: { outTradeNo: native.order.outTradeNo } });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    expect((await call(companion.app, 'orders.get', ownerToken, { params: { outTradeNo: 'CS-nope-123' } })).status).toBe(404);
  });

  it('lists with filters and paging, sums revenue per course (bundles split by share), exports CSV with BOM', async () => {
    const { sandbox, companion, ownerToken } = await startPayPair();
    const a = await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE] } });
    const b = await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE, COURSE_B], discount: { kind: 'coupon', offFen: 2980 } } });
    await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE_B] } });
    for (const o of [a, b]) await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo: o.order.outTradeNo, userId: 'lin-xiaoman' });
    await eventually(() => ok(companion.app, 'orders.list', ownerToken, { query: { state: 'SUCCESS' } }), (l) => l.total === 2);

    const all = await ok(companion.app, 'orders.list', ownerToken, {});
    expect(all.total).toBe(3);
    // b: 29800 list − 2980 = 26820, split 19900:9900 → 17910 + 8910.
    expect(b.order.items.map((i) => i.payFen)).toEqual([17910, 8910]);
    expect(all.revenue).toEqual([
      { courseId: COURSE.courseId, title: COURSE.title, paidOrders: 2, grossFen: 19900 + 17910, refundedFen: 0, netFen: 37810 },
      { courseId: COURSE_B.courseId, title: COURSE_B.title, paidOrders: 1, grossFen: 8910, refundedFen: 0, netFen: 8910 },
    ]);
    expect((await ok(companion.app, 'orders.list', ownerToken, { query: { courseId: COURSE_B.courseId } })).total).toBe(2);
    expect((await ok(companion.app, 'orders.list', ownerToken, { query: { state: 'NOTPAY' } })).items.map((o) => o.items[0]!.courseId)).toEqual([COURSE_B.courseId]);
    const paged = await ok(companion.app, 'orders.list', ownerToken, { query: { limit: 2, offset: 2 } });
    expect(paged).toMatchObject({ total: 3 });
    expect(paged.items).toHaveLength(1);
    const today = new Date(sandbox.clock.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect((await ok(companion.app, 'orders.list', ownerToken, { query: { from: today, to: today } })).total).toBe(3);
    expect((await ok(companion.app, 'orders.list', ownerToken, { query: { from: '2000-01-01', to: '2000-01-02' } })).total).toBe(0);
    expect((await call(companion.app, 'orders.list', ownerToken, { query: { from: 'last week' } })).status).toBe(400);

    const csv = await call(companion.app, 'orders.csv', ownerToken, { query: { state: 'SUCCESS' } });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.startsWith('\uFEFFout_trade_no,created_at,state')).toBe(true);
    const rows = csv.text.trim().split('\r\n');
    expect(rows).toHaveLength(3);
    expect(rows.some((r) => r.includes(',268.20,'))).toBe(true);
    expect(csv.text).not.toMatch(/o[A-Za-z0-9_-]{27}/);
  });

  it('records every pay call in the audit log, desensitized, never a header or key', async () => {
    const { companion, ownerToken } = await startPayPair();
    const openid = openidOf(OA_APP_ID, 'lin-xiaoman');
    await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'jsapi', payerOpenid: openid, items: [COURSE] } });
    await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'h5', payerClientIp: '203.0.113.7', items: [COURSE] } });
    const audit = await ok(companion.app, 'audit.list', ownerToken, {});
    const paths = audit.items.map((i) => i.apiPath);
    expect(paths).toEqual(expect.arrayContaining(['/v3/pay/transactions/jsapi', '/v3/pay/transactions/h5']));
    const text = JSON.stringify(audit.items);
    expect(text).not.toContain(openid);
    expect(text).not.toContain('203.0.113.7');
    expect(text).not.toMatch(/WECHATPAY2|signature=|BEGIN/);
    expect(audit.items.every((i) => i.errcode === 0)).toBe(true);
  });
});
