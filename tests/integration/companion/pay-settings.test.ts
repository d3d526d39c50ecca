/**
 * WeChat Pay settings and roles: what pay.settings shows (never a secret), what pay.updateSettings accepts and
 * refuses, the connection test in both verification modes against the sandbox (certificates downloaded, decrypted,
 * rotated), who may do what with orders, and the merchant's secrets kept out of answers, logs and the data folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { companionRoutes, type CompanionRouteName } from '../../../shared/companion/api';
import { call, ok, openCompanion, pairMember, pairOwner } from '../../helpers/companion';
import { COURSE, eventually, payByPhone, startPayPair } from '../../helpers/companion-pay';
import { API_V3_KEY, MCH_ID, MCH_SERIAL, TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM } from '../../helpers/pay';
import { OA_APP_ID, control } from '../../helpers/sandbox';
import { listFiles } from '../../helpers/temp-dir';

/** The base64 lines of the private key: any one of them in a log or a file is a leak. */
const KEY_LINES = TEST_PRIVATE_KEY_PEM.split('\n').filter((l) => l.length > 40 && !l.startsWith('-----'));

function leaks(text: string | Buffer): string[] {
  const found: string[] = [];
  const has = (needle: string) => (typeof text === 'string' ? text.includes(needle) : text.includes(Buffer.from(needle)));
  if (has(API_V3_KEY)) found.push('apiV3Key');
  if (KEY_LINES.some(has)) found.push('privateKey');
  if (has('BEGIN PRIVATE KEY')) found.push('pem');
  return found;
}

describe('pay settings', () => {
  it('shows what is missing, then configured flags — never a secret', async () => {
    const c = await openCompanion({ config: { wechat: { officialAccount: { appId: OA_APP_ID } } } });
    const owner = await pairOwner(c.app);
    expect(await ok(c.app, 'pay.settings', owner)).toMatchObject({
      configured: false,
      appId: OA_APP_ID,
      mchId: '',
      verifyMode: 'platformCertificates',
      secrets: { merchantPrivateKey: false, apiV3Key: false, publicKey: false },
      managedByConfig: [],
      platformCertificates: [],
      reconcileIntervalSeconds: 300,
    });
    const notYet = await call(c.app, 'orders.create', owner, { body: { kind: 'native', items: [COURSE] } });
    expect(notYet).toMatchObject({ status: 409, body: { error: { code: 'NOT_CONFIGURED', details: { missing: 'mchId,merchantSerialNo,merchantPrivateKeyPem,apiV3Key,notifyUrl' } } } });

    const updated = await ok(c.app, 'pay.updateSettings', owner, {
      body: { mchId: MCH_ID, merchantSerialNo: MCH_SERIAL.toLowerCase(), merchantPrivateKeyPem: TEST_PRIVATE_KEY_PEM, apiV3Key: API_V3_KEY, verifyMode: 'publicKey', publicKeyId: 'PUB_KEY_ID_0112860886012025062700111588000000', publicKeyPem: TEST_PUBLIC_KEY_PEM },
    });
    expect(updated.updated.sort()).toEqual(['apiV3Key', 'mchId', 'merchantPrivateKeyPem', 'merchantSerialNo', 'publicKeyId', 'publicKeyPem', 'verifyMode']);
    expect(updated.settings).toMatchObject({
      mchId: MCH_ID,
      merchantSerialNo: MCH_SERIAL,
      verifyMode: 'publicKey',
      secrets: { merchantPrivateKey: true, apiV3Key: true, publicKey: true },
    });
    // Not sandbox mode and no HTTPS public address: WeChat Pay could not notify us.
    expect(updated.settings.configured).toBe(false);
    expect(updated.settings.notifyUrl).toMatch(/^http:\/\/127\.0\.0\.1:0\/wechat\/pay\/notify$/);
    expect(leaks(JSON.stringify(updated))).toEqual([]);
  });

  it('refuses a bad key, an APIv3 key that is not 32 characters, a public key without its id — naming the field, not the value', async () => {
    const c = await openCompanion();
    const owner = await pairOwner(c.app);
    const badKey = await call(c.app, 'pay.updateSettings', owner, { body: { merchantPrivateKeyPem: TEST_PUBLIC_KEY_PEM } });
    expect(badKey).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    expect((badKey.body as { error: { message: string } }).error.message).toMatch(/^body\.merchantPrivateKeyPem: /);
    const shortKey = await call(c.app, 'pay.updateSettings', owner, { body: { apiV3Key: API_V3_KEY.slice(1) } });
    expect(shortKey.status).toBe(400);
    expect(shortKey.text).toMatch(/body\.apiV3Key/);
    expect(shortKey.text).not.toContain(API_V3_KEY.slice(1));
    const noId = await call(c.app, 'pay.updateSettings', owner, { body: { publicKeyPem: TEST_PUBLIC_KEY_PEM } });
    expect(noId.text).toMatch(/body\.publicKeyId: is required/);
    expect((await ok(c.app, 'pay.settings', owner)).secrets).toEqual({ merchantPrivateKey: false, apiV3Key: false, publicKey: false });
  });

  it('a setting the config fixes is the config’s: CONFLICT, and its secret is never stored', async () => {
    const c = await openCompanion({ config: { wechat: { pay: { mchId: MCH_ID, apiV3Key: API_V3_KEY, notifyUrl: 'https://pay.example.com/wechat/pay/notify' } } } });
    const owner = await pairOwner(c.app);
    const settings = await ok(c.app, 'pay.settings', owner);
    expect(settings).toMatchObject({ mchId: MCH_ID, notifyUrl: 'https://pay.example.com/wechat/pay/notify', secrets: { apiV3Key: true } });
    expect(settings.managedByConfig.sort()).toEqual(['apiV3Key', 'mchId']);
    const refused = await call(c.app, 'pay.updateSettings', owner, { body: { mchId: '1230000109', apiV3Key: API_V3_KEY } });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT', details: { keys: 'mchId,apiV3Key' } } } });
    expect((await ok(c.app, 'pay.updateSettings', owner, { body: { merchantSerialNo: MCH_SERIAL } })).updated).toEqual(['merchantSerialNo']);
    await c.app.close();
    const bytes = Buffer.concat(listFiles(c.dataDir).map((f) => fs.readFileSync(path.join(c.dataDir, f))));
    expect(leaks(bytes)).toEqual([]);
  });

  it('pay.test in publicKey mode: a signed query whose signed 404 verifies by PUB_KEY_ID', async () => {
    const { companion, ownerToken, platform } = await startPayPair({ verifyMode: 'publicKey' });
    const result = await ok(companion.app, 'pay.test', ownerToken);
    expect(result).toMatchObject({ ok: true, verifyMode: 'publicKey', httpStatus: 404, verifiedSerial: platform.publicKeyId, code: null });
    expect(result.call).toMatch(/^GET \/v3\/pay\/transactions\/out-trade-no\/CSTEST[0-9a-f]{16}\?mchid=1900009191$/);
  });

  it('pay.test in platformCertificates mode downloads, decrypts and verifies the certificates, and picks up a rotation', async () => {
    const { sandbox, companion, ownerToken, platform } = await startPayPair({ verifyMode: 'platformCertificates' });
    const first = await ok(companion.app, 'pay.test', ownerToken);
    expect(first).toMatchObject({ ok: true, verifyMode: 'platformCertificates', call: 'GET /v3/certificates', httpStatus: 200, verifiedSerial: platform.certificates[0]!.serialNo });
    expect(first.platformCertificates.map((c) => c.serialNo)).toEqual([platform.certificates[0]!.serialNo]);
    expect((await ok(companion.app, 'pay.settings', ownerToken)).platformCertificates).toEqual(first.platformCertificates);

    // WeChat rotates: answers are now signed by a certificate the companion has not seen. It downloads the new list
    // (verified with the new certificate, vouched for by the APIv3 key) and carries on.
    const rotated = await control(sandbox, 'pay.platform.rotate', { mchId: MCH_ID, kind: 'certificate', retirePrevious: false });
    const created = await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE] } });
    expect(created.order.state).toBe('NOTPAY');
    const known = (await ok(companion.app, 'pay.settings', ownerToken)).platformCertificates.map((c) => c.serialNo).sort();
    expect(known).toEqual(rotated.certificates.map((c) => c.serialNo).sort());
    if (created.payment.kind !== 'native') throw new Error('native expected');
    await payByPhone(sandbox, created.payment.codeUrl);
    await eventually(() => ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo: created.order.outTradeNo } }), (d) => d.order.state === 'SUCCESS');
  });

  it('pay.test reports a wrong merchant key as WeChat’s SIGN_ERROR, explained', async () => {
    const { companion, ownerToken } = await startPayPair({ verifyMode: 'publicKey' });
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await ok(companion.app, 'pay.updateSettings', ownerToken, { body: { merchantPrivateKeyPem: other } });
    const result = await ok(companion.app, 'pay.test', ownerToken);
    expect(result).toMatchObject({ ok: false, code: 'SIGN_ERROR', httpStatus: 401 });
    expect(result.message).toMatch(/商户API证书序列号/);
  });

  it('keeps downloaded certificates across a restart', async () => {
    const { companion, ownerToken } = await startPayPair({ verifyMode: 'platformCertificates' });
    await ok(companion.app, 'pay.test', ownerToken);
    await companion.app.close();
    const again = await openCompanion({ dataDir: companion.dataDir, masterKey: companion.masterKey, config: { wechat: { officialAccount: { appId: OA_APP_ID } } } });
    expect(again.app.pay.certificates.size).toBe(1);
    expect((await ok(again.app, 'pay.settings', ownerToken)).mchId).toBe(MCH_ID);
  });
});

describe('pay roles', () => {
  it('viewers read; editors create, query and close; only owners refund, change settings and test', async () => {
    const pair = await startPayPair();
    const { companion, ownerToken, sandbox } = pair;
    const editor = await pairMember(companion.app, ownerToken, 'editor');
    const viewer = await pairMember(companion.app, ownerToken, 'viewer');
    const order = { kind: 'native' as const, items: [COURSE] };

    expect(await call(companion.app, 'orders.create', viewer.token, { body: order })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const created = await ok(companion.app, 'orders.create', editor.token, { body: order });
    expect(created.order.createdBy).toBe(editor.memberId);
    const no = { outTradeNo: created.order.outTradeNo };
    for (const name of ['orders.list', 'orders.get', 'orders.csv', 'pay.settings', 'enrolments.list'] as CompanionRouteName[]) {
      expect((await call(companion.app, name, viewer.token, { params: no })).status, name).toBe(200);
    }
    for (const name of ['orders.query', 'orders.close'] as CompanionRouteName[]) {
      expect((await call(companion.app, name, viewer.token, { params: no })).status, name).toBe(403);
    }
    expect((await call(companion.app, 'orders.query', editor.token, { params: no })).status).toBe(200);

    await control(sandbox, 'pay.orders.pay', { mchId: MCH_ID, outTradeNo: no.outTradeNo, userId: 'lin-xiaoman' });
    await eventually(() => ok(companion.app, 'orders.get', viewer.token, { params: no }), (d) => d.order.state === 'SUCCESS');
    for (const token of [viewer.token, editor.token]) {
      expect((await call(companion.app, 'refunds.create', token, { params: no, body: {} })).status).toBe(403);
      expect((await call(companion.app, 'pay.updateSettings', token, { body: { mchId: '1234567890' } })).status).toBe(403);
      expect((await call(companion.app, 'pay.test', token)).status).toBe(403);
    }
    expect((await ok(companion.app, 'orders.get', ownerToken, { params: no })).refunds).toEqual([]);
    expect((await ok(companion.app, 'pay.settings', ownerToken)).mchId).toBe(MCH_ID);
    expect(companionRoutes['refunds.create'].role).toBe('owner');
  });
});

describe('pay secrets', () => {
  it('the merchant key and APIv3 key never appear in any answer, any log line, or the bytes of the data folder', async () => {
    const pair = await startPayPair({ verifyMode: 'platformCertificates' });
    const { companion, ownerToken, sandbox } = pair;
    await ok(companion.app, 'pay.test', ownerToken);
    const created = await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE] } });
    if (created.payment.kind !== 'native') throw new Error('native expected');
    await payByPhone(sandbox, created.payment.codeUrl);
    await eventually(() => ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo: created.order.outTradeNo } }), (d) => d.order.state === 'SUCCESS');
    await ok(companion.app, 'refunds.create', ownerToken, { params: { outTradeNo: created.order.outTradeNo }, body: { amountFen: 100 } });

    const answers: string[] = [];
    for (const name of Object.keys(companionRoutes) as CompanionRouteName[]) {
      if (companionRoutes[name].method !== 'GET') continue;
      answers.push((await call(companion.app, name, ownerToken, { params: { id: 'x', sceneStr: 'x', outTradeNo: created.order.outTradeNo } })).text);
    }
    answers.push((await call(companion.app, 'pay.updateSettings', ownerToken, { body: { apiV3Key: `${API_V3_KEY.slice(0, 31)}!`, merchantPrivateKeyPem: `${TEST_PRIVATE_KEY_PEM}x` } })).text);
    expect(leaks(answers.join('\n'))).toEqual([]);
    expect(companion.logs.lines.length).toBeGreaterThan(5);
    expect(leaks(companion.logs.text())).toEqual([]);

    await companion.app.close();
    const files = listFiles(companion.dataDir);
    const bytes = Buffer.concat(files.map((f) => fs.readFileSync(path.join(companion.dataDir, f))));
    expect(bytes.length).toBeGreaterThan(0);
    expect(leaks(bytes)).toEqual([]);
  });
});
