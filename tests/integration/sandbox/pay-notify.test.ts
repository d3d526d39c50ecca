/**
 * WeChat Pay notifications to a real local merchant (§9.6): signed like answers (§9.2) and encrypted with
 * AEAD_AES_256_GCM under the APIv3 key — both checked with the test's own node:crypto lines — retried on §9.6's
 * schedule (scaled to milliseconds) until a 2xx, and bent by the notification faults.
 */
import { describe, expect, it } from 'vitest';
import { RETRY_SCHEDULE_SECONDS, type Sandbox } from '../../../electron/sandbox/index';
import { MCH_ID, decryptResource, headersOf, nativeOrder, openidFor, payCall, signatureValid, startPaySandbox } from '../../helpers/pay';
import { OA_APP_ID, control, startLocalServer, type ReceivedRequest } from '../../helpers/sandbox';

interface Notification {
  id: string;
  create_time: string;
  resource_type: string;
  event_type: string;
  summary: string;
  resource: { original_type: string; algorithm: string; ciphertext: string; associated_data: string; nonce: string };
}

/** A merchant whose answer to the n-th request is `answer(n)`: a status, or null for no answer at all. */
async function merchant(answer: (index: number, request: ReceivedRequest) => number | null = () => 204) {
  return startLocalServer((request, res, index) => {
    const status = answer(index, request);
    if (status === null) return;
    res.writeHead(status, { 'content-type': 'application/json' }).end(status < 300 ? '' : '{"code":"FAIL","message":"失败"}');
  });
}

async function paidOrder(sandbox: Sandbox, notifyUrl: string, outTradeNo: string, userId = 'lin-xiaoman') {
  const created = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder(outTradeNo, notifyUrl));
  expect(created.status).toBe(200);
  return (await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo, userId })).order;
}

const notes = async (sandbox: Sandbox) => (await control(sandbox, 'pay.notifications.list')).items;
const outTradeNoOf = (request: ReceivedRequest) => (JSON.parse(decryptResource((JSON.parse(request.body) as Notification).resource)) as { out_trade_no: string }).out_trade_no;

describe('TRANSACTION.SUCCESS', () => {
  it('is signed and encrypted per §9.6 and carries the paid transaction; one attempt when the merchant answers 204', async () => {
    const receiver = await merchant();
    const { sandbox, platform } = await startPaySandbox({ payTimeScale: 0.001 });
    const order = await paidOrder(sandbox, `${receiver.url}/wechat/pay/notify`, 'ORDER_NT_0001');
    await sandbox.payNotificationsIdle();

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url.pathname).toBe('/wechat/pay/notify');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(signatureValid(headersOf(request!.headers), request!.body, platform)).toBe(true);
    expect(Math.abs(Number(request!.headers['wechatpay-timestamp']) - Date.now() / 1000)).toBeLessThan(60);

    const body = JSON.parse(request!.body) as Notification;
    expect(body).toMatchObject({ resource_type: 'encrypt-resource', event_type: 'TRANSACTION.SUCCESS', summary: '支付成功' });
    expect(body.resource).toMatchObject({ original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', associated_data: 'transaction' });
    expect(body.resource.nonce).toHaveLength(12);
    expect(JSON.parse(decryptResource(body.resource))).toMatchObject({
      appid: OA_APP_ID,
      mchid: MCH_ID,
      out_trade_no: 'ORDER_NT_0001',
      transaction_id: order.transactionId,
      trade_type: 'NATIVE',
      trade_state: 'SUCCESS',
      payer: { openid: openidFor(OA_APP_ID, 'lin-xiaoman') },
      amount: { total: 1234, payer_total: 1234, currency: 'CNY' },
    });
    const [record] = await notes(sandbox);
    expect(record).toMatchObject({ id: body.id, eventType: 'TRANSACTION.SUCCESS', outTradeNo: 'ORDER_NT_0001', delivered: true, done: true, held: false });
    expect(record!.attempts).toEqual([expect.objectContaining({ kind: 'first', status: 204, scheduledAfterSeconds: 0 })]);
  });

  it('retries on the §9.6 schedule (scaled) until a 2xx: 500, no answer, 404, then 200 with a FAIL body — the status decides', async () => {
    const answers: Array<number | null> = [500, null, 404];
    const receiver = await merchant((i) => (i < answers.length ? (answers[i] as number | null) : 200));
    const { sandbox, platform } = await startPaySandbox({ payTimeScale: 0.001, payNotifyTimeoutMs: 150 });
    await paidOrder(sandbox, `${receiver.url}/notify`, 'ORDER_NT_0002');
    await sandbox.payNotificationsIdle();
    const [record] = await notes(sandbox);
    expect(record!.attempts.map((a) => [a.kind, a.scheduledAfterSeconds, a.status])).toEqual([
      ['first', 0, 500],
      ['retry', 15, null],
      ['retry', 15, 404],
      ['retry', 30, 200],
    ]);
    expect(record!.attempts[1]!.error).toMatch(/^timeout/);
    expect(record).toMatchObject({ delivered: true, done: true });
    // Every attempt: the same bytes, freshly signed.
    expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
    expect(new Set(receiver.requests.map((r) => r.headers['wechatpay-nonce'])).size).toBe(4);
    for (const r of receiver.requests) expect(signatureValid(headersOf(r.headers), r.body, platform)).toBe(true);
  });

  it('gives up after the 15 retries of the schedule (24 h 4 min unscaled)', async () => {
    const receiver = await merchant(() => 503);
    const { sandbox } = await startPaySandbox({ payTimeScale: 0.00001 });
    await paidOrder(sandbox, `${receiver.url}/notify`, 'ORDER_NT_0003');
    await sandbox.payNotificationsIdle();
    const [record] = await notes(sandbox);
    expect(record!.attempts.map((a) => a.scheduledAfterSeconds)).toEqual([0, ...RETRY_SCHEDULE_SECONDS]);
    expect(RETRY_SCHEDULE_SECONDS.reduce((a, b) => a + b, 0)).toBe(24 * 3600 + 4 * 60);
    expect(record).toMatchObject({ delivered: false, done: true });
    expect(receiver.requests).toHaveLength(16);
  });

  it('a merchant with notifications off gets none (it must query)', async () => {
    const receiver = await merchant();
    const { sandbox } = await startPaySandbox({}, { notifications: 'off' });
    await paidOrder(sandbox, `${receiver.url}/notify`, 'ORDER_NT_0004');
    await sandbox.payNotificationsIdle();
    expect(receiver.requests).toHaveLength(0);
    expect(await notes(sandbox)).toEqual([]);
  });
});

describe('notification faults', () => {
  it('duplicate: extra copies after the first 2xx, or concurrently with it — same id, same body, each validly signed', async () => {
    const receiver = await merchant();
    const { sandbox, platform } = await startPaySandbox({ payTimeScale: 0.001 });
    await control(sandbox, 'pay.notifications.fault', { kind: 'duplicate', copies: 2 });
    await control(sandbox, 'pay.notifications.fault', { kind: 'duplicate', concurrent: true });
    await paidOrder(sandbox, `${receiver.url}/notify`, 'ORDER_NT_0101');
    await sandbox.payNotificationsIdle();
    await paidOrder(sandbox, `${receiver.url}/notify`, 'ORDER_NT_0102');
    await sandbox.payNotificationsIdle();
    await paidOrder(sandbox, `${receiver.url}/notify`, 'ORDER_NT_0103');
    await sandbox.payNotificationsIdle();

    const byOrder = (no: string) => receiver.requests.filter((r) => outTradeNoOf(r) === no);
    expect(byOrder('ORDER_NT_0101')).toHaveLength(3);
    expect(byOrder('ORDER_NT_0102')).toHaveLength(2);
    expect(byOrder('ORDER_NT_0103')).toHaveLength(1);
    expect(new Set(byOrder('ORDER_NT_0101').map((r) => (JSON.parse(r.body) as Notification).id)).size).toBe(1);
    for (const r of receiver.requests) expect(signatureValid(headersOf(r.headers), r.body, platform)).toBe(true);
    const [first, second] = await notes(sandbox);
    expect(first!.attempts.map((a) => a.kind)).toEqual(['first', 'duplicate', 'duplicate']);
    expect(second!.attempts.map((a) => a.kind).sort()).toEqual(['duplicate', 'first']);
  });

  it('hold + release reverse: pending notifications reach the merchant in the other order', async () => {
    const receiver = await merchant();
    const { sandbox } = await startPaySandbox({ payTimeScale: 0.001 });
    await control(sandbox, 'pay.notifications.fault', { kind: 'hold', count: 3 });
    for (const no of ['ORDER_NT_0201', 'ORDER_NT_0202', 'ORDER_NT_0203']) await paidOrder(sandbox, `${receiver.url}/notify`, no);
    await sandbox.payNotificationsIdle();
    expect(receiver.requests).toHaveLength(0);
    expect((await notes(sandbox)).map((n) => n.held)).toEqual([true, true, true]);

    const { released } = await control(sandbox, 'pay.notifications.release', { order: 'reverse' });
    await sandbox.payNotificationsIdle();
    const ids = (await notes(sandbox)).map((n) => n.id);
    expect(released).toEqual([...ids].reverse());
    expect(receiver.requests.map(outTradeNoOf)).toEqual(['ORDER_NT_0203', 'ORDER_NT_0202', 'ORDER_NT_0201']);
    expect((await notes(sandbox)).every((n) => n.delivered && !n.held)).toBe(true);
  });

  it('delay before the first attempt; a SIGNTEST probe first, which an honest merchant refuses, then the genuine one', async () => {
    const receiver = await merchant((_i, request) => (String(request.headers['wechatpay-signature']).startsWith('WECHATPAY/SIGNTEST/') ? 401 : 204));
    const { sandbox, platform } = await startPaySandbox({ payTimeScale: 0.001 });
    await control(sandbox, 'pay.notifications.fault', { kind: 'delay', delayMs: 250 });
    await control(sandbox, 'pay.notifications.fault', { kind: 'signProbe', mchId: MCH_ID });
    const paidAt = Date.now();
    await paidOrder(sandbox, `${receiver.url}/notify`, 'ORDER_NT_0301');
    await sandbox.payNotificationsIdle();
    const [probe, genuine] = receiver.requests;
    expect(Date.now() - paidAt).toBeGreaterThanOrEqual(240);
    expect(signatureValid(headersOf(probe!.headers), probe!.body, platform)).toBe(false);
    expect(signatureValid(headersOf(genuine!.headers), genuine!.body, platform)).toBe(true);
    const [record] = await notes(sandbox);
    expect(record!.attempts.map((a) => [a.kind, a.status])).toEqual([
      ['probe', 401],
      ['first', 204],
    ]);
    expect(record!.delivered).toBe(true);
  });
});
