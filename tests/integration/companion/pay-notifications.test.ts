/**
 * Notifications at /wechat/pay/notify: forged ones — bad signature, unknown serial, stale timestamp, a signature
 * probe, tampered ciphertext or tag — are refused with nothing changed; authentic-looking ones whose amount or mchid
 * disagree with the order are not credited but alerted; duplicates (the sandbox's own, and replays) change the order
 * once; a write that fails answers 5xx so WeChat retries.
 *
 * The forger holds the Appendix B key, which the companion trusts as a second WeChat Pay public key
 * (`PUB_KEY_ID_FORGER…`, as during WeChat's key migration, §9.3) — so it can sign notifications the companion
 * accepts and test what happens after the signature.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call, ok, openCompanion } from '../../helpers/companion';
import { COURSE, eventually, forgeNotification, postNotification, startPayPair } from '../../helpers/companion-pay';
import { MCH_ID, TEST_PUBLIC_KEY_PEM } from '../../helpers/pay';
import { OA_APP_ID, control } from '../../helpers/sandbox';

const FORGER_KEY_ID = 'PUB_KEY_ID_0199999999999999999999999999999999';
const OTHER_PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A companion verifying by platform certificates that also trusts the forger's key as a WeChat Pay public key. */
async function pairWithForger() {
  const pair = await startPayPair({ verifyMode: 'platformCertificates', settings: { publicKeyId: FORGER_KEY_ID, publicKeyPem: TEST_PUBLIC_KEY_PEM } });
  const created = await ok(pair.companion.app, 'orders.create', pair.ownerToken, { body: { kind: 'native', items: [COURSE] } });
  return { ...pair, outTradeNo: created.order.outTradeNo };
}

function transaction(outTradeNo: string, extra: Record<string, unknown> = {}) {
  return {
    appid: OA_APP_ID,
    mchid: MCH_ID,
    out_trade_no: outTradeNo,
    transaction_id: '4200001234202401011234567890',
    trade_type: 'NATIVE',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    success_time: '2024-01-01T12:00:00+08:00',
    payer: { openid: 'oForgedPayer0000000000000000' },
    amount: { total: COURSE.priceFen, payer_total: COURSE.priceFen, currency: 'CNY', payer_currency: 'CNY' },
    ...extra,
  };
}

describe('pay notifications', () => {
  it('refuses forged notifications — bad signature, unknown serial, stale or future timestamp, probe, tampered ciphertext or tag — with nothing changed', async () => {
    const { companion, ownerToken, outTradeNo } = await pairWithForger();
    const t = transaction(outTradeNo);
    const now = Math.floor(Date.now() / 1000);
    const downloads = () => companion.app.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM audit_log WHERE api_path = '/v3/certificates'").get()!.n;
    const downloadsBefore = downloads();
    const flip = (i: number) => (data: Buffer) => {
      const copy = Buffer.from(data);
      const at = i < 0 ? copy.length + i : i;
      copy[at] = copy[at]! ^ 0x01;
      return copy;
    };
    const cases: [string, ReturnType<typeof forgeNotification>, number][] = [
      ['signed by another key', forgeNotification(t, { serial: FORGER_KEY_ID, signingKey: OTHER_PRIVATE_KEY }), 401],
      ['body changed after signing', forgeNotification(t, { serial: FORGER_KEY_ID, afterSigning: (b) => b.replace('"支付成功"', '"支付成功 "') }), 401],
      ['unknown serial', forgeNotification(t, { serial: 'PUB_KEY_ID_0100000000000000000000000000000000' }), 401],
      ['unknown certificate serial', forgeNotification(t, { serial: '7E3A0C1B2D4F5A6978E8D9C0B1A2F3E4D5C6B7A8' }), 401],
      ['stale timestamp', forgeNotification(t, { serial: FORGER_KEY_ID, timestamp: now - 301 }), 401],
      ['future timestamp', forgeNotification(t, { serial: FORGER_KEY_ID, timestamp: now + 301 }), 401],
      ['tampered ciphertext', forgeNotification(t, { serial: FORGER_KEY_ID, tamper: flip(5) }), 400],
      ['tampered tag', forgeNotification(t, { serial: FORGER_KEY_ID, tamper: flip(-1) }), 400],
      ['wrong APIv3 key', forgeNotification(t, { serial: FORGER_KEY_ID, apiV3Key: 'Another32ByteApiV3KeyForTests!!!' }), 400],
    ];
    for (const [name, forged, status] of cases) {
      const answer = await postNotification(companion.url!, forged);
      expect(answer.status, name).toBe(status);
      expect(answer.body, name).toEqual({ code: 'FAIL', message: '失败' });
    }
    const unsigned = await postNotification(companion.url!, { headers: { 'content-type': 'application/json' }, body: forgeNotification(t, { serial: FORGER_KEY_ID }).body });
    expect(unsigned.status).toBe(401);
    // The unknown certificate serial made the companion look for a rotated certificate once — and still refuse. (An
    // unknown PUB_KEY_ID_ is not looked up: no download could explain it.)
    expect(downloads()).toBe(downloadsBefore + 1);

    const detail = await ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo } });
    expect(detail.order.state).toBe('NOTPAY');
    expect(detail.history).toHaveLength(2);
    expect(detail.alerts).toEqual([]);
    expect((await ok(companion.app, 'enrolments.list', ownerToken, {})).total).toBe(0);
    expect(companion.app.db.prepare('SELECT count(*) AS n FROM pay_notifications').get()).toEqual({ n: 0 });
    // Refusals are logged with their reason, never with the body.
    expect(companion.logs.text()).toMatch(/"reason":"bad_signature"/);
    expect(companion.logs.text()).toMatch(/"reason":"stale_timestamp"/);
    expect(companion.logs.text()).not.toContain('oForgedPayer');
  });

  it('never credits an amount, currency, mchid or appid that disagrees with the order: an alert, once, and the order stays unpaid', async () => {
    const { companion, ownerToken, outTradeNo, sandbox } = await pairWithForger();
    const variants = [
      transaction(outTradeNo, { amount: { total: 1, payer_total: 1, currency: 'CNY' } }),
      transaction(outTradeNo, { amount: { total: COURSE.priceFen, currency: 'USD' } }),
      transaction(outTradeNo, { mchid: '1234567890' }),
      transaction(outTradeNo, { appid: 'wx1111111111111111' }),
    ];
    for (const t of variants) {
      const forged = forgeNotification(t, { serial: FORGER_KEY_ID });
      // An authentic-looking report is answered success (retries could not change it) — after its alert is stored.
      expect((await postNotification(companion.url!, forged)).status).toBe(200);
      expect((await postNotification(companion.url!, forged)).status).toBe(200);
    }
    const detail = await ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo } });
    expect(detail.order).toMatchObject({ state: 'NOTPAY', transactionId: null, payerOpenidMasked: null, alertCount: 4 });
    expect(detail.alerts.map((a) => a.kind).sort()).toEqual(['amount_mismatch', 'amount_mismatch', 'appid_mismatch', 'mchid_mismatch']);
    expect((await ok(companion.app, 'enrolments.list', ownerToken, {})).total).toBe(0);

    // The genuine payment afterwards is credited normally.
    await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo, userId: 'lin-xiaoman' });
    await eventually(() => ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo } }), (d) => d.order.state === 'SUCCESS');
    expect((await ok(companion.app, 'enrolments.list', ownerToken, {})).total).toBe(1);
  });

  it('a notification for an order that is not ours is alerted, not applied', async () => {
    const { companion, ownerToken } = await pairWithForger();
    const answer = await postNotification(companion.url!, forgeNotification(transaction('CS20240101000000NotOurs00001'), { serial: FORGER_KEY_ID }));
    expect(answer.status).toBe(200);
    expect(companion.app.db.prepare("SELECT kind FROM pay_alerts WHERE kind = 'unknown_order'").all()).toHaveLength(1);
    expect((await ok(companion.app, 'orders.list', ownerToken, {})).total).toBe(1);
  });

  it('duplicates change the order once: the sandbox’s duplicate fault, concurrent copies and replays of the same id', async () => {
    const { sandbox, companion, ownerToken, outTradeNo } = await pairWithForger();
    await control(sandbox, 'pay.notifications.fault', { kind: 'duplicate', copies: 3, concurrent: true });
    await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo, userId: 'su-wanqing' });
    await sandbox.payNotificationsIdle();
    const note = (await control(sandbox, 'pay.notifications.list')).items[0]!;
    expect(note.attempts.length).toBeGreaterThanOrEqual(4);
    expect(note.attempts.every((a) => a.status === 200)).toBe(true);
    // Replayed again later, by a forger holding a trusted key, under the same id: still nothing new.
    const replay = forgeNotification(transaction(outTradeNo, { transaction_id: 'another' }), { serial: FORGER_KEY_ID, id: note.id });
    expect((await postNotification(companion.url!, replay)).status).toBe(200);

    const detail = await ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo } });
    expect(detail.history.filter((h) => h.source === 'notify')).toHaveLength(1);
    expect(detail.order.transactionId).not.toBe('another');
    expect(companion.app.db.prepare('SELECT id, outcome FROM pay_notifications').all()).toEqual([{ id: note.id, outcome: 'applied' }]);
    expect((await ok(companion.app, 'enrolments.list', ownerToken, {})).total).toBe(1);
    // A different id repeating the same payment finds the order already paid: nothing changes either.
    expect((await postNotification(companion.url!, forgeNotification(transaction(outTradeNo), { serial: FORGER_KEY_ID }))).status).toBe(200);
    expect((await ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo } })).history).toHaveLength(detail.history.length);
  });

  it('refuses the sandbox’s signature probe (WECHATPAY/SIGNTEST/), then takes the genuine notification', async () => {
    const { sandbox, companion, ownerToken, outTradeNo } = await pairWithForger();
    await control(sandbox, 'pay.notifications.fault', { kind: 'signProbe' });
    await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo, userId: 'lin-xiaoman' });
    await sandbox.payNotificationsIdle();
    const note = (await control(sandbox, 'pay.notifications.list')).items[0]!;
    const probe = note.attempts.find((a) => a.kind === 'probe')!;
    expect(probe.status).toBe(401);
    expect(note.delivered).toBe(true);
    expect((await ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo } })).order.state).toBe('SUCCESS');
  });

  it('answers 5xx when the write fails, so WeChat retries; the retry then succeeds', async () => {
    const { sandbox, companion, ownerToken, outTradeNo } = await pairWithForger();
    // The next history insert fails, as a full disk or a broken database would.
    companion.app.db.exec(`CREATE TEMP TRIGGER fail_once BEFORE INSERT ON pay_order_history WHEN NEW.source = 'notify'
      BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo, userId: 'lin-xiaoman' });
    await eventually(() => control(sandbox, 'pay.notifications.list'), (l) => l.items[0]?.attempts.some((a) => a.status === 500) ?? false);
    expect((await ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo } })).order.state).toBe('NOTPAY');
    expect(companion.app.db.prepare('SELECT count(*) AS n FROM pay_notifications').get()).toEqual({ n: 0 });
    companion.app.db.exec('DROP TRIGGER fail_once');
    await sandbox.payNotificationsIdle();
    const detail = await ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo } });
    expect(detail.order.state).toBe('SUCCESS');
    const attempts = (await control(sandbox, 'pay.notifications.list')).items[0]!.attempts.map((a) => a.status);
    expect(attempts[0]).toBe(500);
    expect(attempts.at(-1)).toBe(200);
  });

  it('is 503 until pay is configured, so WeChat keeps retrying until it is', async () => {
    const bare = await openCompanion({ listen: true });
    const answer = await postNotification(bare.url!, forgeNotification(transaction('CS20240101000000Whatever0001'), { serial: FORGER_KEY_ID }));
    expect(answer).toEqual({ status: 503, body: { code: 'FAIL', message: '失败' } });
    expect(bare.app.db.prepare('SELECT count(*) AS n FROM pay_notifications').get()).toEqual({ n: 0 });
  });
});

describe('refund notifications', () => {
  it('apply REFUND.ABNORMAL (alerted) and refuse a refund report whose amount disagrees', async () => {
    const pair = await startPayPair({
      verifyMode: 'platformCertificates',
      settings: { publicKeyId: FORGER_KEY_ID, publicKeyPem: TEST_PUBLIC_KEY_PEM },
      // The sandbox keeps the refund PROCESSING, so what happens next is up to the notifications below.
      sandbox: { payRefundProcessingSeconds: 86_400 },
    });
    const { companion, ownerToken, sandbox } = pair;
    const created = await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE] } });
    const outTradeNo = created.order.outTradeNo;
    await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo, userId: 'lin-xiaoman' });
    await eventually(() => ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo } }), (d) => d.order.state === 'SUCCESS');
    const { refund } = await ok(companion.app, 'refunds.create', ownerToken, { params: { outTradeNo }, body: { amountFen: 5000 } });
    expect(refund.status).toBe('PROCESSING');
    const report = (extra: Record<string, unknown>) => ({
      mchid: MCH_ID,
      out_trade_no: outTradeNo,
      transaction_id: 'x',
      out_refund_no: refund.outRefundNo,
      refund_id: '50000000382019052709732678859',
      refund_status: 'ABNORMAL',
      amount: { total: COURSE.priceFen, refund: 5000, payer_total: COURSE.priceFen, payer_refund: 5000 },
      ...extra,
    });
    const wrong = forgeNotification(report({ refund_status: 'SUCCESS', amount: { total: COURSE.priceFen, refund: COURSE.priceFen } }), { serial: FORGER_KEY_ID, eventType: 'REFUND.SUCCESS', originalType: 'refund' });
    expect((await postNotification(companion.url!, wrong)).status).toBe(200);
    let detail = await ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo } });
    expect(detail.refunds[0]!.status).toBe('PROCESSING');
    expect(detail.order.refundedFen).toBe(0);
    expect(detail.alerts.map((a) => a.kind)).toEqual(['refund_mismatch']);

    const abnormal = forgeNotification(report({}), { serial: FORGER_KEY_ID, eventType: 'REFUND.ABNORMAL', originalType: 'refund' });
    expect((await postNotification(companion.url!, abnormal)).status).toBe(200);
    detail = await ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo } });
    expect(detail.refunds[0]).toMatchObject({ status: 'ABNORMAL', refundId: '50000000382019052709732678859' });
    expect(detail.alerts.map((a) => a.kind).sort()).toEqual(['refund_abnormal', 'refund_mismatch']);
    expect((await ok(companion.app, 'enrolments.list', ownerToken, {})).items[0]!.revokedAt).toBeNull();
    // The abnormal refund still counts against what can be refunded.
    expect((await call(companion.app, 'refunds.create', ownerToken, { params: { outTradeNo }, body: { amountFen: COURSE.priceFen - 4999 } })).status).toBe(400);
  });
});
