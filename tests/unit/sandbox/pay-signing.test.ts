/**
 * The sandbox's side of APIv3 authentication (§9.1, §9.2) and its platform certificate (§9.3), without HTTP: the
 * doc's example request (V-P3) accepted at its own time, refused when stale, with the wrong serial or key.
 */
import { X509Certificate, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseAuthorization } from '../../../electron/sandbox/crypto/pay-crypto';
import { selfSignedCertificate } from '../../../electron/sandbox/crypto/x509';
import { newCertificateSerial } from '../../../electron/sandbox/pay/ids';
import { MerchantRegistry } from '../../../electron/sandbox/pay/merchants';
import { authenticate, signedHeaders } from '../../../electron/sandbox/pay/signing';
import { MCH_SERIAL, TEST_PUBLIC_KEY_PEM, merchantInput } from '../../helpers/pay';

const V_P3 =
  'RjVFHMcrr9NsM4SiNmpFx6QPR99WztxatBshmr/6f7pXnt2YSPAhmNrEEAjWgpOcf5Zxbwl2qdPACOsEOeGrnLD81nVK3ucJq50iD0FAyF11knd1C9ic7zV9Jg3zao0+Wx3yAI6jXx6NLBEfNNspCazrQ+IHsUi04tubSBsT+4LHT9j0rL9axFBl7jVYe7uZ1ZQzap8EokLHDQbYw6qPEOs85+a2rnudh3TCPe81oUfe0zPqwEE6sWxxeSCYx+1mbURsOAN4Z8/uKgOIZxbDAkqYWFb7VOaHFeejC1rsxUc7wkw0zQWxae1giswROXii1DorwdJ3CGlPchx0PyDjkQ==';
const AT_V_P3 = 1554208460 * 1000;

const header = (fields: Record<string, string>) =>
  `WECHATPAY2-SHA256-RSA2048 ${Object.entries(fields)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}`;
const vp3Fields = { mchid: '1900009191', nonce_str: '593BEC0C930BF1AFEB40B4A08C8FB242', signature: V_P3, timestamp: '1554208460', serial_no: MCH_SERIAL };

async function registry() {
  const merchants = new MerchantRegistry(() => AT_V_P3);
  const merchant = await merchants.put(merchantInput());
  return { merchants, merchant };
}

const request = (authorization: string | undefined) => ({ method: 'GET', url: '/v3/certificates', body: Buffer.alloc(0), authorization });

describe('parseAuthorization', () => {
  it('reads the five quoted pairs in any order and refuses other schemes, missing or repeated keys', () => {
    const reordered = `WECHATPAY2-SHA256-RSA2048 serial_no="AB",timestamp="1",signature="s=",nonce_str="n", mchid="1"`;
    expect(parseAuthorization(reordered)).toEqual({ serial_no: 'AB', timestamp: '1', signature: 's=', nonce_str: 'n', mchid: '1' });
    expect(parseAuthorization(header(vp3Fields).replace('WECHATPAY2', 'WECHATPAY3'))).toBeNull();
    expect(parseAuthorization(header({ ...vp3Fields, serial_no: '' }))).toBeNull();
    expect(parseAuthorization(`${header(vp3Fields)},mchid="2"`)).toBeNull();
    expect(parseAuthorization(header(vp3Fields).replace('mchid="1900009191"', 'mchid=1900009191'))).toBeNull();
    expect(parseAuthorization(undefined)).toBeNull();
  });
});

describe('authenticate', () => {
  it('accepts V-P3 at its own time, and refuses it 5 minutes and 1 second later', async () => {
    const { merchants, merchant } = await registry();
    expect(authenticate(request(header(vp3Fields)), merchants, AT_V_P3)).toEqual({ merchant, error: null });
    expect(authenticate(request(header(vp3Fields)), merchants, AT_V_P3 + 300_000).error).toBeNull();
    const stale = authenticate(request(header(vp3Fields)), merchants, AT_V_P3 + 301_000).error!;
    expect(stale.toBody()).toMatchObject({ code: 'SIGN_ERROR', detail: { field: 'timestamp', detail: { issue: 'timestamp expired' } } });
    expect(authenticate(request(header(vp3Fields)), merchants, AT_V_P3 - 301_000).error?.status).toBe(401);
  });

  it('SIGN_ERROR with sign_information for a changed message, a wrong serial; MCH_NOT_EXISTS for an unknown mchid', async () => {
    const { merchants } = await registry();
    const tampered = authenticate({ ...request(header(vp3Fields)), url: '/v3/certificates?algorithm_type=RSA' }, merchants, AT_V_P3).error!;
    expect(tampered.status).toBe(401);
    expect(tampered.toBody()).toEqual({
      code: 'SIGN_ERROR',
      message: '错误的签名，验签失败',
      detail: {
        field: 'signature',
        location: 'authorization',
        detail: { issue: 'sign not match' },
        sign_information: {
          method: 'GET',
          url: '/v3/certificates?algorithm_type=RSA',
          sign_message_length: 85,
          truncated_sign_message: 'GET\n/v3/certificates?algorithm_type=RSA\n1554208460\n593BEC0C930BF\n',
        },
      },
    });
    const serial = authenticate(request(header({ ...vp3Fields, serial_no: newCertificateSerial() })), merchants, AT_V_P3).error!;
    expect(serial.toBody()).toMatchObject({ code: 'SIGN_ERROR', detail: { field: 'serial_no' } });
    expect(authenticate(request(header({ ...vp3Fields, serial_no: MCH_SERIAL.toLowerCase() })), merchants, AT_V_P3).error).toBeNull();
    const unknown = authenticate(request(header({ ...vp3Fields, mchid: '1234567890' })), merchants, AT_V_P3);
    expect(unknown).toMatchObject({ merchant: null, error: { code: 'MCH_NOT_EXISTS', status: 400 } });
    expect(authenticate(request('Bearer x'), merchants, AT_V_P3).error?.toBody()).toMatchObject({ code: 'SIGN_ERROR', detail: { field: 'authorization' } });
  });

  it('refuses the right signature under a merchant registered with another key', async () => {
    const { merchants } = await registry();
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await merchants.put(merchantInput({ publicKeyPem: other }));
    expect(authenticate(request(header(vp3Fields)), merchants, AT_V_P3).error?.code).toBe('SIGN_ERROR');
  });
});

describe('platform material', () => {
  it('signs answers with the public key or the newest certificate, or the one a request names', async () => {
    const { merchants, merchant } = await registry();
    const platform = merchants.platformOf(merchant);
    expect(platform.publicKeyId).toMatch(/^PUB_KEY_ID_01\d{32}$/);
    expect(merchants.signerFor(merchant).serial).toBe(platform.publicKeyId);
    const headers = signedHeaders(merchants.signerFor(merchant), '{"a":1}', AT_V_P3);
    expect(headers['wechatpay-timestamp']).toBe('1554208460');
    const message = Buffer.from(`${headers['wechatpay-timestamp']}\n${headers['wechatpay-nonce']}\n{"a":1}\n`);
    expect(verify('sha256', message, platform.publicKeyPem, Buffer.from(headers['wechatpay-signature']!, 'base64'))).toBe(true);

    await merchants.rotate(merchant.mchId, 'certificate', false);
    const [newest, older] = merchants.platformOf(merchant).certificates;
    expect(merchants.signerFor(merchant, older!.serialNo).serial).toBe(older!.serialNo);
    await merchants.put(merchantInput({ verification: 'platformCertificate' }));
    expect(merchants.signerFor(merchant).serial).toBe(newest!.serialNo);
    expect(merchants.signerFor(merchant, platform.publicKeyId).serial).toBe(platform.publicKeyId);
    expect(signedHeaders(merchants.signerFor(merchant), '', AT_V_P3, true)['wechatpay-signature']).toMatch(/^WECHATPAY\/SIGNTEST\//);
  });

  it('the certificate is a real self-signed X.509 with the advertised serial, validity and key', async () => {
    const { merchants, merchant } = await registry();
    const [cert] = merchants.platformOf(merchant).certificates;
    const x509 = new X509Certificate(cert!.certificatePem);
    expect(x509.serialNumber).toBe(cert!.serialNo);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.subject).toContain('CN=1900009191');
    expect(new Date(x509.validTo).getFullYear() - new Date(x509.validFrom).getFullYear()).toBe(5);
    expect(cert!.effectiveTime).toMatch(/^2019-04-02T\d\d:\d\d:\d\d\+08:00$/);
  });

  it('DER edge cases: long serials with a high first byte, dates after 2049', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = selfSignedCertificate({ serialHex: '7F'.repeat(20), commonName: 'x', notBefore: Date.UTC(2049, 0, 1), notAfter: Date.UTC(2060, 0, 1), publicKey, privateKey });
    const x509 = new X509Certificate(pem);
    expect(x509.serialNumber).toBe('7F'.repeat(20));
    expect(new Date(x509.validTo).getUTCFullYear()).toBe(2060);
  });

  it('a merchant key that is not a usable RSA PEM is refused', async () => {
    const put = (publicKeyPem: string) => new MerchantRegistry(Date.now).put(merchantInput({ publicKeyPem }));
    await expect(put('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).rejects.toThrow(/neither a PEM/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await expect(put(ec)).rejects.toThrow(/must be RSA/);
    await expect(put(TEST_PUBLIC_KEY_PEM.replace('PUBLIC KEY', 'X'))).rejects.toThrow();
  });
});
