/**
 * WeChat Pay authentication over loopback (§9.1–9.3): requests signed with the wrong key, serial or time are refused
 * with 401 SIGN_ERROR; every answer — errors and 204s too — verifies with a few lines of node:crypto in this test
 * (tests/helpers/pay.ts), in both verification modes; platform certificates download, decrypt and rotate.
 */
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { API_V3_KEY, MCH_ID, decryptResource, merchantInput, nativeOrder, payCall, signatureValid, startPaySandbox } from '../../helpers/pay';
import { control, controlRaw, startSandbox, wx } from '../../helpers/sandbox';

const NOTIFY = 'http://127.0.0.1:9/wechat/pay/notify';
const otherKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('request authentication', () => {
  it('a correctly signed request passes and its answer verifies; a tampered, wrong-key, wrong-serial or stale one is 401 SIGN_ERROR', async () => {
    const { sandbox, platform } = await startPaySandbox();
    const ok = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_AUTH_1', NOTIFY));
    expect(ok.status).toBe(200);
    expect(signatureValid(ok.headers, ok.text, platform)).toBe(true);
    expect(ok.headers.get('wechatpay-serial')).toBe(platform.publicKeyId);

    const cases = {
      tampered: await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_AUTH_2', NOTIFY), { sendBody: JSON.stringify(nativeOrder('ORDER_AUTH_2', NOTIFY, { amount: { total: 1 } })) }),
      wrongKey: await payCall(sandbox, 'GET', '/v3/certificates', undefined, { key: otherKey() }),
      wrongSerial: await payCall(sandbox, 'GET', '/v3/certificates', undefined, { serial: '1DB8B1E2EA7E1F6B2B6F4E4B6F4E4B6F4E4B6F4E' }),
      stale: await payCall(sandbox, 'GET', '/v3/certificates', undefined, { timestamp: String(Math.floor(Date.now() / 1000) - 301) }),
      future: await payCall(sandbox, 'GET', '/v3/certificates', undefined, { timestamp: String(Math.floor(Date.now() / 1000) + 400) }),
    };
    for (const [name, answer] of Object.entries(cases)) {
      expect(answer.status, name).toBe(401);
      expect(answer.json.code, name).toBe('SIGN_ERROR');
      expect(signatureValid(answer.headers, answer.text, platform), name).toBe(true);
    }
    expect(cases.tampered.json).toMatchObject({
      message: '错误的签名，验签失败',
      detail: { field: 'signature', location: 'authorization', sign_information: { method: 'POST', url: '/v3/pay/transactions/native' } },
    });
    const info = (cases.tampered.json.detail as { sign_information: { truncated_sign_message: string; sign_message_length: number } }).sign_information;
    // The first 64 characters of what the sandbox checked, then \n, as in the documented answer.
    expect(info.truncated_sign_message).toMatch(/^POST\n\/v3\/pay\/transactions\/native\n\d{10}\n[0-9A-F]{20}\n$/);
    expect(info.sign_message_length).toBe(Buffer.byteLength(JSON.stringify(nativeOrder('ORDER_AUTH_2', NOTIFY, { amount: { total: 1 } }))) + 78);
    expect(cases.wrongSerial.json).toMatchObject({ detail: { field: 'serial_no' } });
    expect(cases.stale.json).toMatchObject({ detail: { field: 'timestamp' } });
    // Nothing was created by the refused request.
    expect((await control(sandbox, 'pay.orders.list')).items.map((o) => o.outTradeNo)).toEqual(['ORDER_AUTH_1']);
  });

  it('no Authorization, another scheme, an unknown mchid; the query string is part of the signed URL', async () => {
    const { sandbox, platform } = await startPaySandbox();
    const bare = await fetch(`${sandbox.url}/v3/certificates`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ code: 'SIGN_ERROR', detail: { field: 'authorization' } });
    const unknown = await payCall(sandbox, 'GET', '/v3/certificates', undefined, { mchid: '1234567890' });
    expect([unknown.status, unknown.json.code, unknown.headers.get('wechatpay-signature')]).toEqual([400, 'MCH_NOT_EXISTS', null]);

    await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_AUTH_3', NOTIFY));
    const query = await payCall(sandbox, 'GET', `/v3/pay/transactions/out-trade-no/ORDER_AUTH_3?mchid=${MCH_ID}`);
    expect(query.status).toBe(200);
    expect(signatureValid(query.headers, query.text, platform)).toBe(true);
  });

  it('platformCertificate mode signs with the certificate; a request naming the public key id gets public-key answers', async () => {
    const { sandbox, platform } = await startPaySandbox({}, { verification: 'platformCertificate' });
    expect(platform.verification).toBe('platformCertificate');
    const [cert] = platform.certificates;
    const byCert = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_MODE_1', NOTIFY));
    expect(byCert.headers.get('wechatpay-serial')).toBe(cert!.serialNo);
    expect(signatureValid(byCert.headers, byCert.text, platform)).toBe(true);
    const byKey = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_MODE_2', NOTIFY), { headers: { 'wechatpay-serial': platform.publicKeyId } });
    expect(byKey.headers.get('wechatpay-serial')).toBe(platform.publicKeyId);
    expect(signatureValid(byKey.headers, byKey.text, platform)).toBe(true);
    // A 204 is signed over an empty body (§9.2).
    const closed = await payCall(sandbox, 'POST', '/v3/pay/transactions/out-trade-no/ORDER_MODE_1/close', { mchid: MCH_ID });
    expect([closed.status, closed.text]).toEqual([204, '']);
    expect(signatureValid(closed.headers, '', platform)).toBe(true);
    expect(closed.headers.get('wechatpay-signature-type')).toBe('WECHATPAY2-SHA256-RSA2048');
  });
});

describe('platform certificates', () => {
  it('GET /v3/certificates: encrypted under the APIv3 key, decrypts to the advertised X.509, which verifies the answer itself', async () => {
    const { sandbox, platform } = await startPaySandbox({}, { verification: 'platformCertificate' });
    const answer = await payCall(sandbox, 'GET', '/v3/certificates?algorithm_type=RSA');
    expect(answer.status).toBe(200);
    const [item] = (answer.json as { data: Array<{ serial_no: string; effective_time: string; expire_time: string; encrypt_certificate: { algorithm: string; nonce: string; associated_data: string; ciphertext: string } }> }).data;
    expect(item!.encrypt_certificate).toMatchObject({ algorithm: 'AEAD_AES_256_GCM', associated_data: 'certificate' });
    expect(item!.encrypt_certificate.nonce).toHaveLength(12);
    const pem = decryptResource(item!.encrypt_certificate, API_V3_KEY);
    const x509 = new X509Certificate(pem);
    expect(x509.serialNumber).toBe(item!.serial_no);
    expect(item!.serial_no).toBe(answer.headers.get('wechatpay-serial'));
    expect(pem).toBe(platform.certificates[0]!.certificatePem);
    expect(item!.effective_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    // Bootstrap (§9.3): the first download can only be checked with the certificate it carries.
    expect(signatureValid(answer.headers, answer.text, { ...platform, certificates: [{ ...platform.certificates[0]!, certificatePem: pem }] })).toBe(true);
    expect(() => decryptResource(item!.encrypt_certificate, 'ffffffffffffffffffffffffffffffff')).toThrow();
  });

  it('rotation: a new certificate signs and both are listed until the old one is retired; a new public key id', async () => {
    const { sandbox, platform } = await startPaySandbox({}, { verification: 'platformCertificate' });
    const rotated = await control(sandbox, 'pay.platform.rotate', { mchId: MCH_ID, kind: 'certificate' });
    expect(rotated.certificates.map((c) => c.serialNo)).toEqual([expect.any(String), platform.certificates[0]!.serialNo]);
    const listed = await payCall(sandbox, 'GET', '/v3/certificates');
    expect((listed.json.data as unknown[]).length).toBe(2);
    expect(listed.headers.get('wechatpay-serial')).toBe(rotated.certificates[0]!.serialNo);
    expect(signatureValid(listed.headers, listed.text, rotated)).toBe(true);
    expect(signatureValid(listed.headers, listed.text, platform)).toBe(false);

    const retired = await control(sandbox, 'pay.platform.rotate', { mchId: MCH_ID, kind: 'certificate', retirePrevious: true });
    expect(retired.certificates).toHaveLength(1);
    const newKey = await control(sandbox, 'pay.platform.rotate', { mchId: MCH_ID, kind: 'publicKey' });
    expect(newKey.publicKeyId).not.toBe(platform.publicKeyId);
    expect(newKey.publicKeyPem).not.toBe(platform.publicKeyPem);
    // Updating the merchant keeps its platform keys: what it downloaded stays valid.
    const updated = await control(sandbox, 'pay.merchants.put', merchantInput({ name: '小满读书会（新）', verification: 'publicKey' }));
    expect([updated.publicKeyId, updated.certificates[0]!.serialNo]).toEqual([newKey.publicKeyId, retired.certificates[0]!.serialNo]);
    // …the WeChat Pay public key included, not the merchant's own key that the registration carried.
    expect(updated.publicKeyPem).toBe(newKey.publicKeyPem);
    expect(await controlRaw(sandbox, 'pay.platform.rotate', { mchId: '1111111111', kind: 'publicKey' })).toMatchObject({ status: 404 });
  });

  it('registration: an APIv3 key of other than 32 bytes, a bad mchid or no appids are refused; createSandbox takes merchants too', async () => {
    const sandbox = await startSandbox({ payMerchants: [merchantInput({ mchId: '1230000109' })] });
    for (const bad of [{ apiV3Key: 'testMchAPIv3Key0' }, { apiV3Key: `${API_V3_KEY.slice(1)}键` }, { mchId: 'abc' }, { appIds: [] }]) {
      expect(await controlRaw(sandbox, 'pay.merchants.put', merchantInput(bad))).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    }
    const answer = await payCall(sandbox, 'GET', '/v3/certificates', undefined, { mchid: '1230000109' });
    expect(answer.status).toBe(200);
    expect((await sandbox.putPayMerchant(merchantInput({ mchId: '1230000109' }))).mchId).toBe('1230000109');
  });
});

describe('faults on the pay APIs', () => {
  it('SYSTEM_ERROR 500 and FREQUENCY_LIMITED 429 in the APIv3 body, signed; the WeChat APIs are untouched', async () => {
    const { sandbox, platform } = await startPaySandbox();
    await control(sandbox, 'faults.add', { path: '/v3/pay/transactions/native', code: 'SYSTEM_ERROR' });
    await control(sandbox, 'faults.add', { path: '*', code: 'FREQUENCY_LIMITED' });
    const first = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_FAULT_1', NOTIFY));
    expect([first.status, first.json]).toEqual([500, { code: 'SYSTEM_ERROR', message: '系统错误' }]);
    expect(signatureValid(first.headers, first.text, platform)).toBe(true);
    expect(await wx(sandbox, '/cgi-bin/token?grant_type=client_credential&appid=wx0a1b2c3d4e5f6071&secret=oa-secret-0123456789abcdef')).toHaveProperty('access_token');
    const second = await payCall(sandbox, 'GET', `/v3/pay/transactions/out-trade-no/ORDER_FAULT_1?mchid=${MCH_ID}`);
    expect([second.status, second.json.code]).toEqual([429, 'FREQUENCY_LIMITED']);
    const third = await payCall(sandbox, 'GET', `/v3/pay/transactions/out-trade-no/ORDER_FAULT_1?mchid=${MCH_ID}`);
    expect([third.status, third.json.code]).toEqual([404, 'ORDER_NOT_EXIST']);
  });

  it('applied: the order is made but the merchant hears SYSTEM_ERROR; retrying the same request gets it (§9.5)', async () => {
    const { sandbox } = await startPaySandbox();
    await control(sandbox, 'faults.add', { path: '/v3/pay/transactions/*', code: 'SYSTEM_ERROR', applied: true });
    const failed = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_FAULT_2', NOTIFY));
    expect(failed.status).toBe(500);
    expect((await control(sandbox, 'pay.orders.list')).items).toHaveLength(1);
    const retried = await payCall(sandbox, 'POST', '/v3/pay/transactions/native', nativeOrder('ORDER_FAULT_2', NOTIFY));
    expect(retried.status).toBe(200);
    expect(retried.json.code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
  });

  it('a delay before the answer', async () => {
    const { sandbox } = await startPaySandbox();
    await control(sandbox, 'faults.add', { path: '/v3/certificates', delayMs: 300 });
    const started = Date.now();
    expect((await payCall(sandbox, 'GET', '/v3/certificates')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});
