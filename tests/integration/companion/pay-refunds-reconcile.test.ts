/**
 * Refunds and reconciliation against the sandbox: partial then full refunds with their own states and notifications
 * (the buyer's enrolment revoked only by the full one), never more than was paid; reconciliation closing an expired
 * unpaid order and completing one that was paid but never notified; and transient WeChat Pay errors retried with the
 * same request, or left for reconciliation when the outcome is unknown.
 */
import { describe, expect, it } from 'vitest';
import { call, ok } from '../../helpers/companion';
import { COURSE, COURSE_B, eventually, payByPhone, startPayPair, type PayPair } from '../../helpers/companion-pay';
import { MCH_ID } from '../../helpers/pay';
import { control } from '../../helpers/sandbox';

async function paidOrder(pair: PayPair, items = [COURSE, COURSE_B]) {
  const created = await ok(pair.companion.app, 'orders.create', pair.ownerToken, { body: { kind: 'native', items } });
  if (created.payment.kind !== 'native') throw new Error('native expected');
  await payByPhone(pair.sandbox, created.payment.codeUrl);
  await eventually(() => ok(pair.companion.app, 'orders.get', pair.ownerToken, { params: { outTradeNo: created.order.outTradeNo } }), (d) => d.order.state === 'SUCCESS');
  return created.order;
}

describe('refunds', () => {
  it('partial, then the rest: each refund PROCESSING → SUCCESS by notification; only the full refund revokes the enrolments', async () => {
    const pair = await startPayPair();
    const { companion, ownerToken } = pair;
    const order = await paidOrder(pair);
    expect(order.totalFen).toBe(29800);

    const partial = await ok(companion.app, 'refunds.create', ownerToken, { params: { outTradeNo: order.outTradeNo }, body: { amountFen: 9900, reason: '少上了一节课' } });
    expect(partial.refund).toMatchObject({ amountFen: 9900, reason: '少上了一节课' });
    expect(['PROCESSING', 'SUCCESS']).toContain(partial.refund.status);
    expect(partial.refund.outRefundNo).toMatch(/^RF\d{14}[0-9A-Za-z]{12}$/);
    const afterPartial = await eventually(
      () => ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo: order.outTradeNo } }),
      (d) => d.refunds[0]?.status === 'SUCCESS',
    );
    expect(afterPartial.order).toMatchObject({ state: 'REFUND', refundedFen: 9900 });
    expect(afterPartial.refunds[0]!.refundId).not.toBeNull();
    expect((await ok(companion.app, 'enrolments.list', ownerToken, {})).items.every((e) => e.revokedAt === null)).toBe(true);

    // More than what is left is refused before WeChat is asked.
    const tooMuch = await call(companion.app, 'refunds.create', ownerToken, { params: { outTradeNo: order.outTradeNo }, body: { amountFen: 19901 } });
    expect(tooMuch).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT', details: { refundableFen: 19900 } } } });

    const rest = await ok(companion.app, 'refunds.create', ownerToken, { params: { outTradeNo: order.outTradeNo }, body: {} });
    expect(rest.refund.amountFen).toBe(19900);
    const done = await eventually(
      () => ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo: order.outTradeNo } }),
      (d) => d.refunds.every((r) => r.status === 'SUCCESS'),
    );
    expect(done.order.refundedFen).toBe(29800);
    const enrolments = await ok(companion.app, 'enrolments.list', ownerToken, {});
    expect(enrolments.items).toHaveLength(2);
    expect(enrolments.items.every((e) => e.revokedAt !== null)).toBe(true);
    expect(done.history.filter((h) => h.source === 'refund' || h.note.startsWith('refund')).length).toBeGreaterThanOrEqual(4);
    expect((await call(companion.app, 'refunds.create', ownerToken, { params: { outTradeNo: order.outTradeNo }, body: {} })).status).toBe(409);

    // Revenue: refunds split across the bundle's courses in proportion to their shares.
    const list = await ok(companion.app, 'orders.list', ownerToken, {});
    expect(list.revenue.map((r) => [r.courseId, r.grossFen, r.refundedFen, r.netFen])).toEqual([
      [COURSE_B.courseId, 9900, 9900, 0],
      [COURSE.courseId, 19900, 19900, 0],
    ]);
    // Refund notifications were verified and applied like payments: one per refund, each once.
    const kinds = pair.companion.app.db.prepare('SELECT event_type AS t, outcome FROM pay_notifications ORDER BY received_at').all();
    expect(kinds).toEqual([
      { t: 'TRANSACTION.SUCCESS', outcome: 'applied' },
      { t: 'REFUND.SUCCESS', outcome: expect.stringMatching(/applied|unchanged/) },
      { t: 'REFUND.SUCCESS', outcome: expect.stringMatching(/applied|unchanged/) },
    ]);
  });

  it('refuses refunds of unpaid orders; a full refund without an amount refunds everything left', async () => {
    const pair = await startPayPair();
    const unpaid = await ok(pair.companion.app, 'orders.create', pair.ownerToken, { body: { kind: 'native', items: [COURSE] } });
    expect((await call(pair.companion.app, 'refunds.create', pair.ownerToken, { params: { outTradeNo: unpaid.order.outTradeNo }, body: {} })).status).toBe(409);
    const order = await paidOrder(pair, [COURSE]);
    const full = await ok(pair.companion.app, 'refunds.create', pair.ownerToken, { params: { outTradeNo: order.outTradeNo }, body: {} });
    expect(full.refund.amountFen).toBe(COURSE.priceFen);
    await eventually(() => ok(pair.companion.app, 'enrolments.list', pair.ownerToken, {}), (e) => e.items[0]?.revokedAt !== null);
  });
});

describe('reconciliation', () => {
  it('closes an expired NOTPAY order, at WeChat too, and completes one paid but never notified', async () => {
    const pair = await startPayPair({ merchant: { notifications: 'off' } });
    const { sandbox, companion, ownerToken } = pair;
    const unpaid = await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE], expireMinutes: 1 } });
    const silent = await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE_B], expireMinutes: 1 } });
    const fresh = await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE], expireMinutes: 30 } });
    await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo: silent.order.outTradeNo, userId: 'lin-xiaoman' });
    // Not expired yet: nothing to do.
    expect(await companion.app.pay.reconciler.runOnce()).toMatchObject({ checked: 0 });

    await control(sandbox, 'clock.advance', { seconds: 61 });
    const report = await companion.app.pay.reconciler.runOnce();
    expect(report).toMatchObject({ checked: 2, completed: 1, closed: 1, errors: 0 });

    const closed = await ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo: unpaid.order.outTradeNo } });
    expect(closed.order.state).toBe('CLOSED');
    expect(closed.history.at(-1)).toMatchObject({ source: 'reconcile', fromState: 'NOTPAY', toState: 'CLOSED' });
    const atWechat = (await control(sandbox, 'pay.orders.list')).items;
    expect(atWechat.find((o) => o.outTradeNo === unpaid.order.outTradeNo)!.tradeState).toBe('CLOSED');

    const completed = await ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo: silent.order.outTradeNo } });
    expect(completed.order.state).toBe('SUCCESS');
    expect(completed.history.at(-1)).toMatchObject({ source: 'reconcile', fromState: 'NOTPAY', toState: 'SUCCESS' });
    expect((await ok(companion.app, 'enrolments.list', ownerToken, { query: { courseId: COURSE_B.courseId } })).total).toBe(1);
    expect((await ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo: fresh.order.outTradeNo } })).order.state).toBe('NOTPAY');

    // A second run finds nothing left to settle.
    expect(await companion.app.pay.reconciler.runOnce()).toMatchObject({ checked: 0, refundsChecked: 0 });
  });

  it('settles a refund whose notification never came', async () => {
    const pair = await startPayPair({ merchant: { notifications: 'off' } });
    const created = await ok(pair.companion.app, 'orders.create', pair.ownerToken, { body: { kind: 'native', items: [COURSE] } });
    await control(pair.sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo: created.order.outTradeNo, userId: 'lin-xiaoman' });
    await ok(pair.companion.app, 'orders.query', pair.ownerToken, { params: { outTradeNo: created.order.outTradeNo } });
    const refund = await ok(pair.companion.app, 'refunds.create', pair.ownerToken, { params: { outTradeNo: created.order.outTradeNo }, body: {} });
    expect(refund.refund.status).toBe('PROCESSING');
    await control(pair.sandbox, 'clock.advance', { seconds: 90 });
    expect(await pair.companion.app.pay.reconciler.runOnce()).toMatchObject({ refundsChecked: 1, errors: 0 });
    const detail = await ok(pair.companion.app, 'orders.get', pair.ownerToken, { params: { outTradeNo: created.order.outTradeNo } });
    expect(detail.refunds[0]!.status).toBe('SUCCESS');
    expect(detail.order.refundedFen).toBe(COURSE.priceFen);
  });
});

describe('transient WeChat Pay errors', () => {
  it('retries SYSTEM_ERROR and FREQUENCY_LIMITED with the same request, then succeeds', async () => {
    const { sandbox, companion, ownerToken } = await startPayPair();
    await control(sandbox, 'faults.add', { path: '/v3/pay/transactions/native', code: 'SYSTEM_ERROR', count: 1 });
    await control(sandbox, 'faults.add', { path: '/v3/pay/transactions/native', code: 'FREQUENCY_LIMITED', count: 1 });
    const created = await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE] } });
    expect(created.order.state).toBe('NOTPAY');
    const calls = companion.app.db.prepare<[], { errcode: number }>("SELECT errcode FROM audit_log WHERE api_path = '/v3/pay/transactions/native' ORDER BY id").all();
    expect(calls.map((c) => c.errcode)).toEqual([500, 429, 0]);
    expect((await control(sandbox, 'pay.orders.list')).items).toHaveLength(1);
  });

  it('an outcome WeChat leaves unknown keeps the order CREATING; reconciliation learns the truth and settles it', async () => {
    const { sandbox, companion, ownerToken } = await startPayPair();
    // WeChat creates the order but every answer is SYSTEM_ERROR: we cannot know, so we must not guess.
    await control(sandbox, 'faults.add', { path: '/v3/pay/transactions/native', code: 'SYSTEM_ERROR', applied: true, count: 3 });
    const failed = await call(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE], expireMinutes: 1 } });
    expect(failed).toMatchObject({ status: 502, body: { error: { code: 'WECHAT_ERROR', details: { payCode: 'SYSTEM_ERROR', httpStatus: 500 } } } });
    const list = await ok(companion.app, 'orders.list', ownerToken, {});
    expect(list.items[0]!.state).toBe('CREATING');
    const no = list.items[0]!.outTradeNo;
    expect((await ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo: no } })).history.at(-1)!.note).toMatch(/outcome unknown \(SYSTEM_ERROR\)/);

    await control(sandbox, 'clock.advance', { seconds: 61 });
    expect(await companion.app.pay.reconciler.runOnce()).toMatchObject({ checked: 1, closed: 1, errors: 0 });
    const detail = await ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo: no } });
    expect(detail.history.slice(-2).map((h) => [h.source, h.fromState, h.toState])).toEqual([
      ['reconcile', 'CREATING', 'NOTPAY'],
      ['reconcile', 'NOTPAY', 'CLOSED'],
    ]);
  });

  it('a definitive refusal marks the order FAILED with WeChat’s reason', async () => {
    const { companion, ownerToken } = await startPayPair({ merchant: { appIds: ['wx9f8e7d6c5b4a3921'] } });
    const refused = await call(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE] } });
    expect(refused).toMatchObject({ status: 502, body: { error: { code: 'WECHAT_ERROR', details: { payCode: 'APPID_MCHID_NOT_MATCH' } } } });
    expect((refused.body as { error: { message: string } }).error.message).toMatch(/AppID账号管理/);
    const order = (await ok(companion.app, 'orders.list', ownerToken, {})).items[0]!;
    expect(order.state).toBe('FAILED');
    // Reconciliation leaves FAILED orders alone.
    expect(await companion.app.pay.reconciler.runOnce()).toMatchObject({ checked: 0 });
  });
});
