/**
 * WeChat Pay orders over loopback (§9.4, §9.5, §9.7): Native, JSAPI and H5 orders, queries by either number, close
 * (204), the re-submission rule, time_expire on the sandbox clock, and the APIv3 error answers.
 */
import { describe, expect, it } from 'vitest';
import { MCH_ID, jsapiOrder, nativeOrder, openidFor, payCall, signatureValid, startPaySandbox } from '../../helpers/pay';
import { OA_APP_ID, control, controlRaw } from '../../helpers/sandbox';

const NOTIFY = 'http://127.0.0.1:9/wechat/pay/notify';
const queryPath = (no: string) => `/v3/pay/transactions/out-trade-no/${no}?mchid=${MCH_ID}`;

describe('Native', () => {
  it('order → NOTPAY query without payer → paid → SUCCESS by out_trade_no and by transaction_id (§9.7)', async () => {
    const { sandbox, platform } = await startPaySandbox();
    const created = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_N_0001', NOTIFY, { attach: 'course=7' }));
    expect(created.status).toBe(200);
    expect(Object.keys(created.json)).toEqual(['code_url']);
    expect(created.json.code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=[A-Za-z0-9]{9}$/);

    const unpaid = await payCall(sandbox, 'GET', queryPath('ORDER_N_0001'));
    expect(unpaid.json).toEqual({
      appid: OA_APP_ID,
      mchid: MCH_ID,
      out_trade_no: 'ORDER_N_0001',
      trade_state: 'NOTPAY',
      trade_state_desc: '订单未支付',
      attach: 'course=7',
      amount: { total: 1234, currency: 'CNY' },
    });

    const { order } = await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo: 'ORDER_N_0001', userId: 'lin-xiaoman' });
    expect(order).toMatchObject({ tradeState: 'SUCCESS', payerOpenid: openidFor(OA_APP_ID, 'lin-xiaoman'), amountTotal: 1234 });
    expect(order.transactionId).toMatch(/^42000\d{23}$/);
    const paid = await payCall(sandbox, 'GET', queryPath('ORDER_N_0001'));
    expect(signatureValid(paid.headers, paid.text, platform)).toBe(true);
    expect(paid.json).toMatchObject({
      transaction_id: order.transactionId,
      trade_type: 'NATIVE',
      trade_state: 'SUCCESS',
      payer: { openid: openidFor(OA_APP_ID, 'lin-xiaoman') },
      amount: { total: 1234, payer_total: 1234, currency: 'CNY', payer_currency: 'CNY' },
      attach: 'course=7',
    });
    expect(paid.json.success_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    const byId = await payCall(sandbox, 'GET', `/v3/pay/transactions/id/${order.transactionId}?mchid=${MCH_ID}`);
    expect(byId.json).toEqual(paid.json);
  });

  it('re-submission: same parameters → 200 with a fresh code_url, both payable; different → 403 OUT_TRADE_NO_USED; paid → 403 TRADE_ERROR', async () => {
    const { sandbox } = await startPaySandbox();
    const body = nativeOrder('ORDER_N_0002', NOTIFY);
    const first = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', body);
    const again = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', Object.fromEntries(Object.entries(body).reverse()));
    expect(again.status).toBe(200);
    expect(again.json.code_url).not.toBe(first.json.code_url);
    const changed = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', { ...body, amount: { total: 999, currency: 'CNY' } });
    expect([changed.status, changed.json.code]).toEqual([403, 'OUT_TRADE_NO_USED']);
    const asJsapi = await payCall(sandbox, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('ORDER_N_0002', NOTIFY, 'lin-xiaoman'));
    expect(asJsapi.json.code).toBe('OUT_TRADE_NO_USED');
    expect((await control(sandbox, 'pay.orders.list')).items).toHaveLength(1);

    const scan = await control(sandbox, 'phone.scan', { userId: 'zhou-yiming', url: first.json.code_url as string });
    expect(scan.step).toBe('consent');
    await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo: 'ORDER_N_0002', userId: 'lin-xiaoman' });
    const paidAgain = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', body);
    expect([paidAgain.status, paidAgain.json.code]).toEqual([403, 'TRADE_ERROR']);
    expect(await control(sandbox, 'phone.decide', { sessionId: scan.sessionId, allow: true })).toMatchObject({ step: 'error', pageText: expect.stringContaining('该订单已支付') });
  });

  it('close: 204 and CLOSED; closing again is 204; a closed order cannot be re-ordered or paid; a paid one cannot be closed', async () => {
    const { sandbox } = await startPaySandbox();
    await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_N_0003', NOTIFY));
    const close = () => payCall(sandbox, 'POST', '/v3/pay/transactions/out-trade-no/ORDER_N_0003/close', { mchid: MCH_ID });
    expect((await close()).status).toBe(204);
    expect((await close()).status).toBe(204);
    expect((await payCall(sandbox, 'GET', queryPath('ORDER_N_0003'))).json).toMatchObject({ trade_state: 'CLOSED', trade_state_desc: '订单已关闭' });
    const reorder = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_N_0003', NOTIFY));
    expect([reorder.status, reorder.json.code]).toEqual([400, 'ORDER_CLOSED']);
    expect(await controlRaw(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo: 'ORDER_N_0003', userId: 'lin-xiaoman' })).toMatchObject({ status: 409 });

    await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_N_0004', NOTIFY));
    await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo: 'ORDER_N_0004', userId: 'lin-xiaoman' });
    const closePaid = await payCall(sandbox, 'POST', '/v3/pay/transactions/out-trade-no/ORDER_N_0004/close', { mchid: MCH_ID });
    expect([closePaid.status, closePaid.json.code]).toEqual([403, 'TRADE_ERROR']);
    const noMchid = await payCall(sandbox, 'POST', '/v3/pay/transactions/out-trade-no/ORDER_N_0004/close', {});
    expect([noMchid.status, noMchid.json.code]).toEqual([400, 'PARAM_ERROR']);
    const unknown = await payCall(sandbox, 'POST', '/v3/pay/transactions/out-trade-no/ORDER_NONE/close', { mchid: MCH_ID });
    expect([unknown.status, unknown.json.code]).toEqual([404, 'ORDER_NOT_EXIST']);
    const history = (await control(sandbox, 'pay.orders.list')).items.find((o) => o.outTradeNo === 'ORDER_N_0003')!.history;
    expect(history.map((h) => h.state)).toEqual(['NOTPAY', 'CLOSED']);
  });

  it('time_expire is honoured on the sandbox clock; PAYERROR is terminal', async () => {
    const { sandbox } = await startPaySandbox();
    const expire = new Date(Date.now() + 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const body = nativeOrder('ORDER_N_0005', NOTIFY, { time_expire: expire });
    await payCall(sandbox, 'POST', '/v3/pay/transactions/native', body);
    await control(sandbox, 'clock.advance', { seconds: 11 * 60 });
    expect(await controlRaw(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo: 'ORDER_N_0005', userId: 'lin-xiaoman' })).toMatchObject({ status: 409, body: { error: { message: '该订单已过期' } } });
    const resubmit = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', body);
    expect([resubmit.status, resubmit.json.code]).toEqual([400, 'INVALID_REQUEST']);
    expect((await payCall(sandbox, 'GET', queryPath('ORDER_N_0005'))).json.trade_state).toBe('NOTPAY');

    await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_N_0006', NOTIFY));
    await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo: 'ORDER_N_0006', userId: 'lin-xiaoman', result: 'PAYERROR' });
    expect((await payCall(sandbox, 'GET', queryPath('ORDER_N_0006'))).json).toMatchObject({ trade_state: 'PAYERROR', trade_type: 'NATIVE' });
    expect((await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_N_0006', NOTIFY))).json.code).toBe('TRADE_ERROR');
  });

  it('queries: mchid is required and must be the caller; unknown orders are 404 ORDER_NOT_EXIST; bad JSON is PARAM_ERROR', async () => {
    const { sandbox } = await startPaySandbox();
    expect((await payCall(sandbox, 'GET', '/v3/pay/transactions/out-trade-no/ORDER_NONE')).json.code).toBe('PARAM_ERROR');
    expect((await payCall(sandbox, 'GET', '/v3/pay/transactions/out-trade-no/ORDER_NONE?mchid=1230000109')).json.code).toBe('PARAM_ERROR');
    const none = await payCall(sandbox, 'GET', queryPath('ORDER_NONE'));
    expect([none.status, none.json]).toEqual([404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' }]);
    expect((await payCall(sandbox, 'GET', `/v3/pay/transactions/id/4200000000202401011234567890?mchid=${MCH_ID}`)).status).toBe(404);
    const broken = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', 'not json');
    expect([broken.status, broken.json.code]).toEqual([400, 'PARAM_ERROR']);
    const field = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_N_0007', NOTIFY, { amount: { total: 0 } }));
    expect(field.json).toMatchObject({ code: 'PARAM_ERROR', detail: { field: '/amount/total', location: 'body' } });
  });
});

describe('JSAPI and H5', () => {
  it('JSAPI: prepay_id for an openid of the appid; another appid\'s openid is refused; only the payer can pay', async () => {
    const { sandbox } = await startPaySandbox();
    const created = await payCall(sandbox, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('ORDER_J_0001', NOTIFY, 'chen-siyuan'));
    expect(created.status).toBe(200);
    expect(created.json.prepay_id).toMatch(/^wx\d{14}[0-9a-f]{20}$/);
    const foreign = await payCall(sandbox, 'POST', '/v3/pay/transactions/jsapi', { ...jsapiOrder('ORDER_J_0002', NOTIFY, 'chen-siyuan'), payer: { openid: openidFor('wx9f8e7d6c5b4a3921', 'chen-siyuan') } });
    expect([foreign.status, foreign.json.code, foreign.json.message]).toEqual([400, 'PARAM_ERROR', 'appid和openid不匹配']);
    expect(await controlRaw(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo: 'ORDER_J_0001', userId: 'lin-xiaoman' })).toMatchObject({ status: 409 });
    const { order } = await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo: 'ORDER_J_0001', userId: 'chen-siyuan' });
    expect(order).toMatchObject({ tradeType: 'JSAPI', tradeState: 'SUCCESS' });
  });

  it('H5: h5_url on the sandbox, valid 5 minutes, with scene_info required', async () => {
    const { sandbox } = await startPaySandbox();
    const body = { ...nativeOrder('ORDER_H_0001', NOTIFY), scene_info: { payer_client_ip: '14.23.150.211', h5_info: { type: 'Wap' } } };
    const created = await payCall(sandbox, 'POST', '/v3/pay/transactions/h5', body);
    const h5Url = new URL(created.json.h5_url as string);
    expect(`${h5Url.origin}${h5Url.pathname}`).toBe(`${sandbox.url}/cgi-bin/mmpayweb-bin/checkmweb`);
    expect(h5Url.searchParams.get('prepay_id')).toMatch(/^wx\d{14}/);
    const page = await fetch(`${created.json.h5_url as string}&redirect_url=${encodeURIComponent('https://example.com/done')}`);
    expect(await page.text()).toContain('在模拟手机中打开');
    const { scene_info: _s, ...noScene } = body;
    expect((await payCall(sandbox, 'POST', '/v3/pay/transactions/h5', { ...noScene, out_trade_no: 'ORDER_H_0002' })).json.code).toBe('PARAM_ERROR');
    await control(sandbox, 'clock.advance', { seconds: 301 });
    expect(await control(sandbox, 'phone.scan', { userId: 'lin-xiaoman', url: created.json.h5_url as string })).toMatchObject({ step: 'error', pageText: expect.stringContaining('已过期') });
  });
});
