/**
 * The simulated phone pays (§9.4): a Native code_url rendered as a QR PNG and scanned as an image, the payment step
 * (merchant, description, ¥ amount), USERPAYING while it is open, allow → SUCCESS with the phone user's openid and a
 * notification, deny → NOTPAY; an h5_url on the phone; a JSAPI order through `pay.jsapi.pay` with a real paySign.
 */
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../electron/sandbox/index';
import { MCH_ID, decryptResource, jsapiOrder, nativeOrder, openidFor, payBundle, payCall, startPaySandbox } from '../../helpers/pay';
import { OA_APP_ID, control, controlRaw, startLocalServer } from '../../helpers/sandbox';

const query = async (sandbox: Sandbox, no: string) => (await payCall(sandbox, 'GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=${MCH_ID}`)).json;

describe('the phone pays a Native order', () => {
  it('scans the code_url from a QR image, sees ¥12.34, confirms: SUCCESS as its user, and the merchant is notified', async () => {
    const receiver = await startLocalServer((_req, res) => res.writeHead(204).end());
    const { sandbox } = await startPaySandbox({ payTimeScale: 0.001 });
    const created = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_P_0001', `${receiver.url}/notify`));
    const png = await QRCode.toBuffer(created.json.code_url as string, { type: 'png', width: 300, margin: 2 });

    const scan = await control(sandbox, 'phone.scan', { userId: 'zhou-yiming', pngBase64: png.toString('base64') });
    expect(scan).toMatchObject({
      step: 'consent',
      consent: 'pay',
      appName: '小满读书会',
      payment: { merchantName: '小满读书会', description: '写作训练营 · 第 3 期', amountTotal: 1234, amountText: '¥12.34' },
    });
    expect((await query(sandbox, 'ORDER_P_0001')).trade_state).toBe('USERPAYING');
    expect(receiver.requests).toHaveLength(0);

    const decided = await control(sandbox, 'phone.decide', { sessionId: scan.sessionId, allow: true });
    expect(decided).toEqual({ step: 'done', landedUrl: null, status: null, pageText: '支付成功：已向「小满读书会」支付 ¥12.34' });
    const paid = await query(sandbox, 'ORDER_P_0001');
    expect(paid).toMatchObject({ trade_state: 'SUCCESS', payer: { openid: openidFor(OA_APP_ID, 'zhou-yiming') } });
    await sandbox.payNotificationsIdle();
    expect(receiver.requests).toHaveLength(1);
    const resource = JSON.parse(decryptResource((JSON.parse(receiver.requests[0]!.body) as { resource: { ciphertext: string; nonce: string; associated_data: string } }).resource));
    expect(resource).toMatchObject({ out_trade_no: 'ORDER_P_0001', transaction_id: paid.transaction_id, payer: { openid: openidFor(OA_APP_ID, 'zhou-yiming') } });
    const history = (await control(sandbox, 'pay.orders.list')).items[0]!.history.map((h) => h.state);
    expect(history).toEqual(['NOTPAY', 'USERPAYING', 'SUCCESS']);

    const again = await control(sandbox, 'phone.scan', { userId: 'zhou-yiming', url: created.json.code_url as string });
    expect(again).toMatchObject({ step: 'error', pageText: '该订单已支付' });
  });

  it('cancel leaves it NOTPAY (no notification); an expired code_url or a foreign weixin:// link is an error; the page API works too', async () => {
    const { sandbox } = await startPaySandbox({ payTimeScale: 0.001 });
    const created = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_P_0002', 'http://127.0.0.1:9/notify', { amount: { total: 5 } }));
    const codeUrl = created.json.code_url as string;
    const res = await fetch(`${sandbox.url}/phone/api/scan`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sandbox-phone': '1' }, body: JSON.stringify({ userId: 'su-wanqing', url: codeUrl }) });
    const scan = (await res.json()) as { sessionId: string; payment: { amountText: string } };
    expect(scan.payment.amountText).toBe('¥0.05');
    expect(await control(sandbox, 'phone.decide', { sessionId: scan.sessionId, allow: false })).toMatchObject({ step: 'done', pageText: '已取消支付' });
    expect((await query(sandbox, 'ORDER_P_0002')).trade_state).toBe('NOTPAY');
    expect((await control(sandbox, 'pay.orders.list')).items[0]!.history.map((h) => h.state)).toEqual(['NOTPAY', 'USERPAYING', 'NOTPAY']);
    expect((await control(sandbox, 'pay.notifications.list')).items).toEqual([]);

    expect(await control(sandbox, 'phone.scan', { userId: 'su-wanqing', url: 'weixin://wxpay/bizpayurl?pr=NotOurs12' })).toMatchObject({ step: 'error', pageText: expect.stringContaining('无法识别') });
    // An abandoned payment step stops reading USERPAYING once the phone session would have expired.
    await control(sandbox, 'phone.scan', { userId: 'su-wanqing', url: codeUrl });
    expect((await query(sandbox, 'ORDER_P_0002')).trade_state).toBe('USERPAYING');
    await control(sandbox, 'clock.advance', { seconds: 2 * 3600 + 1 });
    expect((await query(sandbox, 'ORDER_P_0002')).trade_state).toBe('NOTPAY');
    expect(await control(sandbox, 'phone.scan', { userId: 'su-wanqing', url: codeUrl })).toMatchObject({ step: 'error', pageText: expect.stringContaining('二维码已过期') });
  });

  it('the phone opens an h5_url and pays the H5 order', async () => {
    const { sandbox } = await startPaySandbox();
    const body = { ...nativeOrder('ORDER_P_0003', 'http://127.0.0.1:9/notify'), scene_info: { payer_client_ip: '127.0.0.1', h5_info: { type: 'Wap' } } };
    const created = await payCall(sandbox, 'POST', '/v3/pay/transactions/h5', body);
    const scan = await control(sandbox, 'phone.scan', { userId: 'chen-siyuan', url: `${created.json.h5_url as string}&redirect_url=${encodeURIComponent('https://example.com/r')}` });
    expect(scan).toMatchObject({ step: 'consent', consent: 'pay', payment: { amountText: '¥12.34' } });
    await control(sandbox, 'phone.decide', { sessionId: scan.sessionId, allow: true });
    expect(await query(sandbox, 'ORDER_P_0003')).toMatchObject({ trade_state: 'SUCCESS', trade_type: 'MWEB' });
  });

  it('the /phone page and its script carry the payment step in Chinese', async () => {
    const { sandbox } = await startPaySandbox();
    expect(await (await fetch(`${sandbox.url}/phone`)).text()).toContain('id="consent-amount"');
    const script = await (await fetch(`${sandbox.url}/phone/phone.js`)).text();
    expect(script).toContain('确认支付');
    expect(script).toContain('付款给「');
  });
});

describe('JSAPI through pay.jsapi.pay (getBrandWCPayRequest)', () => {
  it('checks paySign with the merchant key and the payer, then pays; cancel and forged bundles change nothing', async () => {
    const { sandbox } = await startPaySandbox();
    const created = await payCall(sandbox, 'POST', '/v3/pay/transactions/jsapi', jsapiOrder('ORDER_P_0101', 'http://127.0.0.1:9/notify', 'lin-xiaoman'));
    const prepayId = created.json.prepay_id as string;
    const bundle = payBundle(prepayId);

    const forged = { ...bundle, paySign: bundle.paySign.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) };
    expect(await control(sandbox, 'pay.jsapi.pay', { userId: 'lin-xiaoman', ...forged })).toEqual({ errMsg: 'get_brand_wcpay_request:fail 支付验证签名失败', order: null });
    expect((await control(sandbox, 'pay.jsapi.pay', { userId: 'lin-xiaoman', ...bundle, nonceStr: 'changed' })).errMsg).toContain('签名失败');
    expect((await control(sandbox, 'pay.jsapi.pay', { userId: 'lin-xiaoman', ...bundle, appId: 'wx9f8e7d6c5b4a3921' })).errMsg).toContain(':fail');
    expect((await control(sandbox, 'pay.jsapi.pay', { userId: 'lin-xiaoman', ...bundle, package: 'prepay_id=wx0000' })).errMsg).toContain('prepay_id 无效');
    expect((await control(sandbox, 'pay.jsapi.pay', { userId: 'zhou-yiming', ...bundle })).errMsg).toMatch(/^get_brand_wcpay_request:fail .*payer\.openid/);
    expect((await control(sandbox, 'pay.jsapi.pay', { userId: 'lin-xiaoman', ...bundle, action: 'cancel' })).errMsg).toBe('get_brand_wcpay_request:cancel');
    expect((await query(sandbox, 'ORDER_P_0101')).trade_state).toBe('NOTPAY');

    const ok = await control(sandbox, 'pay.jsapi.pay', { userId: 'lin-xiaoman', ...bundle });
    expect(ok).toMatchObject({ errMsg: 'get_brand_wcpay_request:ok', order: { tradeState: 'SUCCESS', payerOpenid: openidFor(OA_APP_ID, 'lin-xiaoman') } });
    expect((await control(sandbox, 'pay.jsapi.pay', { userId: 'lin-xiaoman', ...bundle })).errMsg).toBe('get_brand_wcpay_request:fail 该订单已支付');
    expect(await controlRaw(sandbox, 'pay.jsapi.pay', { userId: 'lin-xiaoman' } as never)).toMatchObject({ status: 400 });
  });
});
