/**
 * The companion's own WeChat Pay crypto against the published and derived vectors of wechat-protocols.md Appendix
 * A.3 with the Appendix B test key pair: request signatures (V-P3), JSAPI paySign (V-P6), notification verification
 * by serial and decryption (V-P2 with its 16-byte key, V-P4, V-P7), and every way a notification can be forged.
 */
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AeadError, decryptResource } from '../../../electron/companion/wechat/pay/aead';
import { certificateKey } from '../../../electron/companion/wechat/pay/certificates';
import { authorizationHeader, jsapiPayParams, requestMessage, rsaSign, rsaVerify, signRequest } from '../../../electron/companion/wechat/pay/signing';
import { PaySignatureError, verifySignature } from '../../../electron/companion/wechat/pay/verifier';
import { TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM } from '../../helpers/pay';

/** wechatpay-go `core/notify/notify_test.go` / `core/cipher/encryptors/wechat_pay_encryptor_test.go`: the self-signed test certificate of the Appendix B key. */
const TEST_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIDVzCCAj+gAwIBAgIJANfOWdH1ItcBMA0GCSqGSIb3DQEBCwUAMEIxCzAJBgNV
BAYTAlhYMRUwEwYDVQQHDAxEZWZhdWx0IENpdHkxHDAaBgNVBAoME0RlZmF1bHQg
Q29tcGFueSBMdGQwHhcNMjEwNDI3MDg1NTIzWhcNMzEwNDI1MDg1NTIzWjBCMQsw
CQYDVQQGEwJYWDEVMBMGA1UEBwwMRGVmYXVsdCBDaXR5MRwwGgYDVQQKDBNEZWZh
dWx0IENvbXBhbnkgTHRkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA
2VCTd91fnUn73Xy9DLvt/V62TVxRTEEstVdeRaZ3B3leO0pldE806mXO4RwdHXag
HQ4vGeZN0yqm++rDsGK+U3AH7kejyD2pXshNP9Cq5YwbptiLGtjcquw4HNxJQUOm
DeJf2vg6byms9RUipiq4SzbJKqJFlUpbuIPDpSpWz10PYmyCNeDGUUK65E5h2B83
4uxl1zNLYQCrkdBzb8oUxwYeP5a2DNxmjL5lsJML7DGr5znsevnoqGRwTm9fxCGf
y8wus7hwKz6clt3Whmmda7UAdb1c08hEQFVRbF14AR73xbnd8N0obCWJPCbzMCtk
aSef4FdEEgEXJiw0VAJT8wIDAQABo1AwTjAdBgNVHQ4EFgQUT1c7nd/SUO76HSoZ
umNUJv1R5PwwHwYDVR0jBBgwFoAUT1c7nd/SUO76HSoZumNUJv1R5PwwDAYDVR0T
BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEAfTjxKRQMzNB/U6ZoCUS+BSNfa2Oh
0plMN6ZuzwiVVZwg1jywvv5yv04koS7Pd4i9E4gt9ZBUQXlpq+A3oOCEEHNRR6b2
kyazGRM7s0OP5X21WrbpSmKmU6K7hkfx30yYs08LVs/Q8DIhvaj1FCFeJzUCzYn/
fHMq4tsbKO0dKAeydPM/nrUZBmaYQVKMVOORGLFjFKVO7JV6Kq/R86ouhjEPgJOe
2xulNBUcjicqtZlBdEh/PWCYP2SpGVDclKm8jeo175T3EVAkdKzzmfpxtMmnMlmq
cTJOU9TxuGvNASMtjj7pYIerTx+xgZDXEVBWFW9PjJ0TV06tCRsgSHItgg==
-----END CERTIFICATE-----
`;

const V_P2 = {
  headers: {
    'wechatpay-timestamp': '1624523846',
    'wechatpay-nonce': 'EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz',
    'wechatpay-serial': 'D7CE59D1F522D701',
    'wechatpay-signature':
      'tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXFlbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1IBLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY406ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==',
  },
  body: '{"id":"3119dfba-e649-5eec-ab1e-3412bc4d2e17","create_time":"2021-06-24T16:37:26+08:00","resource_type":"encrypt-resource","event_type":"PAYSCORE.USER_OPEN_SERVICE","summary":"签约成功","resource":{"original_type":"payscore","algorithm":"AEAD_AES_256_GCM","ciphertext":"YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZttevRMOoPKMifozg6XPWjIZumks/GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgSLgh21YJXYR7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==","associated_data":"payscore","nonce":"Kj7QIyUiYx1q"}}',
};

const V_P7_BODY =
  '{"id":"EV-0001","create_time":"2024-01-01T12:00:06+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"DUcclrHBE5NffFMk6pzEyhUVry2Vo9+QDAIJPjYxvLu8bygIlsEtfIjYKeH5/8p+OdWlplpnmVy+rNXQf9bZWp5mHcsoz2glZ14zNEopvHVDsuI5AnBo6rLUYA==","associated_data":"transaction","nonce":"fdasflkja484"}}';
const V_P7_HEADERS = {
  'wechatpay-timestamp': '1704081606',
  'wechatpay-nonce': '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
  'wechatpay-serial': 'PUB_KEY_ID_0112860886012025062700111588000000',
  'wechatpay-signature':
    'hJuzKn1SVLhOtBPc2cuU3RMeRuUQiPhp5H1fHnAV2uHCCz6sMM0r80IeyYV9VdTWxKjczo5gCsZS28RziQ2sd+9F8/ExDDmiM7Uj2hKfndXQQngVQruMP0P/8AXCQREfFCegb7Sq4QhpeESTLV3B+YMdDjgXIpdtBsyJvXMnMedmVZ0XX4K3kdVvbmTPqvsc2nnhHivu5Zrg258XVqVU0K4CHFG1O5w6yBIFsyArqCc9773fKaNaxmRZkWQfDNNeNlFdPPvRfzaIJURjtKtbEp0K1SXBffELMFT+5wz++3ctqMzc5peuoeB6SsTQ7spEFtSch0xmWiv+rHxN+F75Lg==',
};
const V_P7_KEY = '0123456789abcdef0123456789abcdef';

const publicKey = createPublicKey(TEST_PUBLIC_KEY_PEM);
const privateKey = createPrivateKey(TEST_PRIVATE_KEY_PEM);

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof PaySignatureError) return error.reason;
    throw error;
  }
  return 'verified';
}

describe('Appendix B test key pair', () => {
  it('private key, public key and the wechatpay-go certificate (serial D7CE59D1F522D701) are one RSA-2048 pair', () => {
    const cert = new X509Certificate(TEST_CERT_PEM);
    expect(cert.serialNumber).toBe('D7CE59D1F522D701');
    expect(cert.publicKey.export({ type: 'spki', format: 'der' }).equals(publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' })).toBe(TEST_PUBLIC_KEY_PEM);
    expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(rsaVerify('message', rsaSign('message', privateKey), certificateKey(TEST_CERT_PEM, 'D7CE59D1F522D701'))).toBe(true);
  });

  it('a certificate is refused under another serial', () => {
    expect(() => certificateKey(TEST_CERT_PEM, 'F5765756002FDD77')).toThrow(/carries serial/);
  });
});

describe('request signing (§9.1)', () => {
  it('V-P3: the doc example message signs to the derived vector', () => {
    const message = requestMessage('GET', '/v3/certificates', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', '');
    expect(message).toBe('GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n');
    expect(rsaSign(message, privateKey)).toBe(
      'RjVFHMcrr9NsM4SiNmpFx6QPR99WztxatBshmr/6f7pXnt2YSPAhmNrEEAjWgpOcf5Zxbwl2qdPACOsEOeGrnLD81nVK3ucJq50iD0FAyF11knd1C9ic7zV9Jg3zao0+Wx3yAI6jXx6NLBEfNNspCazrQ+IHsUi04tubSBsT+4LHT9j0rL9axFBl7jVYe7uZ1ZQzap8EokLHDQbYw6qPEOs85+a2rnudh3TCPe81oUfe0zPqwEE6sWxxeSCYx+1mbURsOAN4Z8/uKgOIZxbDAkqYWFb7VOaHFeejC1rsxUc7wkw0zQWxae1giswROXii1DorwdJ3CGlPchx0PyDjkQ==',
    );
  });

  it('the Authorization header carries the five quoted fields of the signed request', () => {
    const header = signRequest({
      method: 'GET',
      canonicalUrl: '/v3/certificates',
      body: '',
      mchId: '1900009191',
      serialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
      privateKey,
      timestamp: '1554208460',
      nonce: '593BEC0C930BF1AFEB40B4A08C8FB242',
    });
    expect(header).toMatch(/^WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="RjVFHMcrr9Ns[^"]+",timestamp="1554208460",serial_no="5157F09EFDC096DE15EBE81A47057A7232F1B8E1"$/);
    expect(authorizationHeader({ mchId: 'm', serialNo: 's', timestamp: 't', nonce: 'n', signature: 'x' })).toBe(
      'WECHATPAY2-SHA256-RSA2048 mchid="m",nonce_str="n",signature="x",timestamp="t",serial_no="s"',
    );
  });
});

describe('JSAPI paySign (§9.4)', () => {
  it('V-P6: the bundle for the derived vector', () => {
    const bundle = jsapiPayParams({
      appId: 'wx8888888888888888',
      prepayId: 'wx201410272009395522657a690389285100',
      timeStamp: '1414561699',
      nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
      privateKey,
    });
    expect(bundle).toEqual({
      appId: 'wx8888888888888888',
      timeStamp: '1414561699',
      nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
      package: 'prepay_id=wx201410272009395522657a690389285100',
      signType: 'RSA',
      paySign:
        'UV+EKQ3OdnOkUbbKaVi53s/67T59JbHx9gc9MaWoQEOaiZH+uYMByfW2MWXTZW1gnOXl1CqwzHtx7QUxfatSdSxgBhbNhJx1QaxkP0zSXAgXIoWPAktOlj9n/phfOH95rNl8bHzRDUoNAMQmfQy8SHGooKtEU6/87nWXHhcYarv/nmtgAJcwsV+lGJQ4jLZhGl5BaAvpLW1Xg8yYg1DXNjik2SPK8d+4FRSkW671wIvxXQCYqG3mi3FvxP5XJ3OBVbPk4GRf/8wi2r2eiqXYd5e4mRMIAOGxqape9Cm46kxrjlHF0uM+wSir4Nychn2H5geUh2YvE8vJJMAqmkN2gg==',
    });
  });
});

describe('notification verification and decryption (§9.2, §9.6)', () => {
  const byCert = (serial: string) => (serial === 'D7CE59D1F522D701' ? certificateKey(TEST_CERT_PEM, serial) : null);

  it('V-P2: verifies by the certificate serial and decrypts with its 16-byte key (AES-128-GCM, as the Go SDK does)', () => {
    expect(verifySignature(V_P2.headers, V_P2.body, byCert, 1624523846)).toBe('D7CE59D1F522D701');
    const resource = (JSON.parse(V_P2.body) as { resource: { ciphertext: string; nonce: string; associated_data: string; algorithm: string } }).resource;
    expect(decryptResource(resource, 'testMchAPIv3Key0')).toBe(
      '{"mchid":"1234567890","appid":"054aa7d7a2a54ab5898df65bd96f001c","create_time":"2020-06-30T12:12:00+08:00","out_contract_code":"21640bdbd08e473e828f3206a2741c6e"}',
    );
  });

  it('V-P4: AES-128-GCM with the SDK test key', () => {
    expect(
      decryptResource({ ciphertext: 'FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC', nonce: 'wCq51qZv4Yfg', associated_data: 'Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8' }, 'testAPIv3Key0000'),
    ).toBe('Hello World');
  });

  it('V-P7: a 32-byte key (AES-256-GCM) notification verified by public key id and decrypted', () => {
    const key = (serial: string) => (serial === V_P7_HEADERS['wechatpay-serial'] ? publicKey : null);
    expect(verifySignature(V_P7_HEADERS, V_P7_BODY, key, 1704081606 + 299)).toBe(V_P7_HEADERS['wechatpay-serial']);
    const resource = (JSON.parse(V_P7_BODY) as { resource: { ciphertext: string; nonce: string; associated_data: string } }).resource;
    expect(decryptResource(resource, Buffer.from(V_P7_KEY))).toBe('{"out_trade_no":"ORDER0001","trade_state":"SUCCESS","amount":{"total":100}}');
  });

  it('refuses a bad signature, an unknown serial, a stale or future timestamp, a probe, and missing headers', () => {
    const key = (serial: string) => (serial === V_P7_HEADERS['wechatpay-serial'] ? publicKey : null);
    const at = 1704081606;
    expect(reason(() => verifySignature(V_P7_HEADERS, V_P7_BODY.replace('EV-0001', 'EV-0002'), key, at))).toBe('bad_signature');
    expect(reason(() => verifySignature({ ...V_P7_HEADERS, 'wechatpay-nonce': 'other' }, V_P7_BODY, key, at))).toBe('bad_signature');
    expect(reason(() => verifySignature({ ...V_P7_HEADERS, 'wechatpay-serial': 'PUB_KEY_ID_0000' }, V_P7_BODY, key, at))).toBe('unknown_serial');
    expect(reason(() => verifySignature(V_P7_HEADERS, V_P7_BODY, key, at + 301))).toBe('stale_timestamp');
    expect(reason(() => verifySignature(V_P7_HEADERS, V_P7_BODY, key, at - 301))).toBe('stale_timestamp');
    expect(reason(() => verifySignature({ ...V_P7_HEADERS, 'wechatpay-signature': 'WECHATPAY/SIGNTEST/abc' }, V_P7_BODY, key, at))).toBe('signature_probe');
    const { 'wechatpay-signature': _dropped, ...unsigned } = V_P7_HEADERS;
    expect(reason(() => verifySignature(unsigned, V_P7_BODY, key, at))).toBe('missing_headers');
    expect(reason(() => verifySignature({ ...V_P7_HEADERS, 'wechatpay-signature-type': 'WECHATPAY2-SM2-WITH-SM3' }, V_P7_BODY, key, at))).toBe('unsupported_type');
    // A known serial mapped to another key (a rotated or substituted certificate) does not verify either.
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(reason(() => verifySignature(V_P2.headers, V_P2.body, () => otherKey, 1624523846))).toBe('bad_signature');
  });

  it('refuses a tampered ciphertext, tag, nonce or associated data, and a wrong key — never a partial plaintext', () => {
    const resource = (JSON.parse(V_P7_BODY) as { resource: { ciphertext: string; nonce: string; associated_data: string } }).resource;
    const bytes = Buffer.from(resource.ciphertext, 'base64');
    const flip = (i: number) => {
      const copy = Buffer.from(bytes);
      copy[i] = copy[i]! ^ 1;
      return copy.toString('base64');
    };
    expect(() => decryptResource({ ...resource, ciphertext: flip(3) }, V_P7_KEY)).toThrow(AeadError);
    expect(() => decryptResource({ ...resource, ciphertext: flip(bytes.length - 1) }, V_P7_KEY)).toThrow(AeadError);
    expect(() => decryptResource({ ...resource, nonce: 'fdasflkja485' }, V_P7_KEY)).toThrow(AeadError);
    expect(() => decryptResource({ ...resource, associated_data: 'refund' }, V_P7_KEY)).toThrow(AeadError);
    expect(() => decryptResource(resource, '0123456789abcdef0123456789abcdeF')).toThrow(AeadError);
    expect(() => decryptResource({ ...resource, ciphertext: bytes.subarray(0, 16).toString('base64') }, V_P7_KEY)).toThrow(/too short/);
    expect(() => decryptResource({ ...resource, algorithm: 'AEAD_SM4_GCM' }, V_P7_KEY)).toThrow(/Unsupported/);
    expect(() => decryptResource(resource, 'short')).toThrow(/32 bytes/);
  });
});
