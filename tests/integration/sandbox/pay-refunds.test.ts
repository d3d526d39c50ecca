/**
 * Refunds over loopback (§9.8): partial and full, never more than was paid, idempotent by out_refund_no,
 * PROCESSING → SUCCESS on the sandbox clock (or its scaled timer), and REFUND.SUCCESS notifications.
 */
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../electron/sandbox/index';
import { MCH_ID, decryptResource, headersOf, nativeOrder, payCall, signatureValid, startPaySandbox } from '../../helpers/pay';
import { control, startLocalServer } from '../../helpers/sandbox';

const refundBody = (outRefundNo: string, refund: number, extra: Record<string, unknown> = {}) => ({
  out_trade_no: 'ORDER_R_0001',
  out_refund_no: outRefundNo,
  reason: '学员申请退课',
  amount: { refund, total: 1234, currency: 'CNY' },
  ...extra,
});

async function paid(sandbox: Sandbox, notifyUrl: string, outTradeNo = 'ORDER_R_0001') {
  await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder(outTradeNo, notifyUrl));
  return (await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo, userId: 'lin-xiaoman' })).order;
}

const refundQuery = (sandbox: Sandbox, no: string) => payCall(sandbox, 'GET', `/v3/refund/domestic/refunds/${no}`);

describe('refunds', () => {
  it('partial then the rest: PROCESSING, SUCCESS once the sandbox clock passes, order REFUND; one fen more is refused', async () => {
    const { sandbox, platform } = await startPaySandbox({ payRefundProcessingSeconds: 60 });
    const order = await paid(sandbox, 'http://127.0.0.1:9/notify');
    const first = await payCall(sandbox, 'POST', '/v3/refund/domestic/refunds', refundBody('REFUND_0001', 234));
    expect(first.status).toBe(200);
    expect(signatureValid(first.headers, first.text, platform)).toBe(true);
    expect(first.json).toMatchObject({
      out_refund_no: 'REFUND_0001',
      out_trade_no: 'ORDER_R_0001',
      transaction_id: order.transactionId,
      channel: 'ORIGINAL',
      status: 'PROCESSING',
      amount: { refund: 234, total: 1234, payer_refund: 234, currency: 'CNY' },
    });
    expect(first.json.refund_id).toMatch(/^50300\d{24}$/);
    expect(first.json).not.toHaveProperty('success_time');
    expect((await payCall(sandbox, 'GET', `/v3/pay/transactions/out-trade-no/ORDER_R_0001?mchid=${MCH_ID}`)).json.trade_state).toBe('REFUND');

    const tooMuch = await payCall(sandbox, 'POST', '/v3/refund/domestic/refunds', refundBody('REFUND_0002', 1001));
    expect([tooMuch.status, tooMuch.json.code]).toEqual([400, 'INVALID_REQUEST']);
    const rest = await payCall(sandbox, 'POST', '/v3/refund/domestic/refunds', refundBody('REFUND_0003', 1000));
    expect(rest.json.status).toBe('PROCESSING');
    expect((await control(sandbox, 'pay.orders.list')).items[0]).toMatchObject({ refundedTotal: 1234, tradeState: 'REFUND' });

    expect((await refundQuery(sandbox, 'REFUND_0001')).json.status).toBe('PROCESSING');
    await control(sandbox, 'clock.advance', { seconds: 61 });
    const done = await refundQuery(sandbox, 'REFUND_0001');
    expect(done.json).toMatchObject({ status: 'SUCCESS', refund_id: first.json.refund_id });
    expect(done.json.success_time).toMatch(/\+08:00$/);
    expect((await payCall(sandbox, 'POST', '/v3/refund/domestic/refunds', refundBody('REFUND_0004', 1))).json.code).toBe('INVALID_REQUEST');
  });

  it('the same out_refund_no: same body → the same refund; another body → INVALID_REQUEST; unknown → 404', async () => {
    const { sandbox } = await startPaySandbox({ payRefundProcessingSeconds: 60 });
    await paid(sandbox, 'http://127.0.0.1:9/notify');
    const first = await payCall(sandbox, 'POST', '/v3/refund/domestic/refunds', refundBody('REFUND_0101', 500));
    const again = await payCall(sandbox, 'POST', '/v3/refund/domestic/refunds', refundBody('REFUND_0101', 500));
    expect(again.json.refund_id).toBe(first.json.refund_id);
    expect((await control(sandbox, 'pay.orders.list')).items[0]!.refundedTotal).toBe(500);
    expect((await payCall(sandbox, 'POST', '/v3/refund/domestic/refunds', refundBody('REFUND_0101', 600))).json.code).toBe('INVALID_REQUEST');
    const missing = await refundQuery(sandbox, 'REFUND_NONE');
    expect([missing.status, missing.json.code]).toEqual([404, 'RESOURCE_NOT_EXISTS']);
  });

  it('refused: an unpaid order, an unknown order, a total that is not the order\'s, a transaction_id of another order', async () => {
    const { sandbox } = await startPaySandbox();
    await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_R_0002', 'http://127.0.0.1:9/notify'));
    const unpaid = await payCall(sandbox, 'POST', '/v3/refund/domestic/refunds', refundBody('REFUND_0201', 1, { out_trade_no: 'ORDER_R_0002' }));
    expect([unpaid.status, unpaid.json.code]).toEqual([400, 'INVALID_REQUEST']);
    const unknown = await payCall(sandbox, 'POST', '/v3/refund/domestic/refunds', refundBody('REFUND_0202', 1, { out_trade_no: 'ORDER_NONE' }));
    expect([unknown.status, unknown.json.code]).toEqual([404, 'RESOURCE_NOT_EXISTS']);
    const order = await paid(sandbox, 'http://127.0.0.1:9/notify');
    const total = await payCall(sandbox, 'POST', '/v3/refund/domestic/refunds', refundBody('REFUND_0203', 1, { amount: { refund: 1, total: 1000, currency: 'CNY' } }));
    expect(total.json.code).toBe('INVALID_REQUEST');
    const mixed = await payCall(sandbox, 'POST', '/v3/refund/domestic/refunds', refundBody('REFUND_0204', 1, { out_trade_no: 'ORDER_R_0002', transaction_id: order.transactionId }));
    expect(mixed.json.code).toBe('INVALID_REQUEST');
    const byTransaction = await payCall(sandbox, 'POST', '/v3/refund/domestic/refunds', { ...refundBody('REFUND_0205', 1234), out_trade_no: undefined, transaction_id: order.transactionId });
    expect(byTransaction.json).toMatchObject({ status: 'PROCESSING', out_trade_no: 'ORDER_R_0001' });
  });

  it('REFUND.SUCCESS is notified (scaled timer) to the refund\'s notify_url, signed and encrypted with AAD "refund"', async () => {
    const receiver = await startLocalServer((_req, res) => res.writeHead(200).end('{"code":"SUCCESS"}'));
    const { sandbox, platform } = await startPaySandbox({ payTimeScale: 0.001, payRefundProcessingSeconds: 5 });
    const order = await paid(sandbox, `${receiver.url}/pay`);
    const created = await payCall(sandbox, 'POST', '/v3/refund/domestic/refunds', refundBody('REFUND_0301', 1234, { notify_url: `${receiver.url}/refund` }));
    expect(created.json.status).toBe('PROCESSING');
    await sandbox.payNotificationsIdle();

    const request = receiver.requests.find((r) => r.url.pathname === '/refund')!;
    expect(signatureValid(headersOf(request.headers), request.body, platform)).toBe(true);
    const body = JSON.parse(request.body) as { event_type: string; summary: string; resource: { original_type: string; associated_data: string; ciphertext: string; nonce: string } };
    expect(body).toMatchObject({ event_type: 'REFUND.SUCCESS', summary: '退款成功', resource: { original_type: 'refund', associated_data: 'refund' } });
    expect(JSON.parse(decryptResource(body.resource))).toMatchObject({
      mchid: MCH_ID,
      out_trade_no: 'ORDER_R_0001',
      transaction_id: order.transactionId,
      out_refund_no: 'REFUND_0301',
      refund_id: created.json.refund_id,
      refund_status: 'SUCCESS',
      amount: { total: 1234, refund: 1234, payer_total: 1234, payer_refund: 1234 },
    });
    expect((await refundQuery(sandbox, 'REFUND_0301')).json.status).toBe('SUCCESS');
    expect((await control(sandbox, 'pay.notifications.list')).items.map((n) => [n.eventType, n.outRefundNo])).toEqual([
      ['TRANSACTION.SUCCESS', null],
      ['REFUND.SUCCESS', 'REFUND_0301'],
    ]);
  });
});
