/**
 * wechat-protocols.md Appendix A.3 through the sandbox's own WeChat Pay crypto (electron/sandbox/crypto/pay-crypto.ts
 * and pay/wire.ts), with the Appendix B test key pair.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aeadDecrypt, aeadEncrypt, jsapiPayMessage, requestMessage, responseMessage, rsaSign, rsaVerify } from '../../../electron/sandbox/crypto/pay-crypto';
import { notificationBody } from '../../../electron/sandbox/pay/wire';
import { TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM } from '../../helpers/pay';

const V_P2 = {
  timestamp: '1624523846',
  nonce: 'EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz',
  signature:
    'tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXFlbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1IBLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY406ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==',
  body: '{"id":"3119dfba-e649-5eec-ab1e-3412bc4d2e17","create_time":"2021-06-24T16:37:26+08:00","resource_type":"encrypt-resource","event_type":"PAYSCORE.USER_OPEN_SERVICE","summary":"签约成功","resource":{"original_type":"payscore","algorithm":"AEAD_AES_256_GCM","ciphertext":"YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZttevRMOoPKMifozg6XPWjIZumks/GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgSLgh21YJXYR7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==","associated_data":"payscore","nonce":"Kj7QIyUiYx1q"}}',
  plaintext: '{"mchid":"1234567890","appid":"054aa7d7a2a54ab5898df65bd96f001c","create_time":"2020-06-30T12:12:00+08:00","out_contract_code":"21640bdbd08e473e828f3206a2741c6e"}',
};

const V_P3 =
  'RjVFHMcrr9NsM4SiNmpFx6QPR99WztxatBshmr/6f7pXnt2YSPAhmNrEEAjWgpOcf5Zxbwl2qdPACOsEOeGrnLD81nVK3ucJq50iD0FAyF11knd1C9ic7zV9Jg3zao0+Wx3yAI6jXx6NLBEfNNspCazrQ+IHsUi04tubSBsT+4LHT9j0rL9axFBl7jVYe7uZ1ZQzap8EokLHDQbYw6qPEOs85+a2rnudh3TCPe81oUfe0zPqwEE6sWxxeSCYx+1mbURsOAN4Z8/uKgOIZxbDAkqYWFb7VOaHFeejC1rsxUc7wkw0zQWxae1giswROXii1DorwdJ3CGlPchx0PyDjkQ==';

const V_P6 =
  'UV+EKQ3OdnOkUbbKaVi53s/67T59JbHx9gc9MaWoQEOaiZH+uYMByfW2MWXTZW1gnOXl1CqwzHtx7QUxfatSdSxgBhbNhJx1QaxkP0zSXAgXIoWPAktOlj9n/phfOH95rNl8bHzRDUoNAMQmfQy8SHGooKtEU6/87nWXHhcYarv/nmtgAJcwsV+lGJQ4jLZhGl5BaAvpLW1Xg8yYg1DXNjik2SPK8d+4FRSkW671wIvxXQCYqG3mi3FvxP5XJ3OBVbPk4GRf/8wi2r2eiqXYd5e4mRMIAOGxqape9Cm46kxrjlHF0uM+wSir4Nychn2H5geUh2YvE8vJJMAqmkN2gg==';

const V_P7 = {
  key: '0123456789abcdef0123456789abcdef',
  nonce: 'fdasflkja484',
  plaintext: '{"out_trade_no":"ORDER0001","trade_state":"SUCCESS","amount":{"total":100}}',
  ciphertext: 'DUcclrHBE5NffFMk6pzEyhUVry2Vo9+QDAIJPjYxvLu8bygIlsEtfIjYKeH5/8p+OdWlplpnmVy+rNXQf9bZWp5mHcsoz2glZ14zNEopvHVDsuI5AnBo6rLUYA==',
  body: '{"id":"EV-0001","create_time":"2024-01-01T12:00:06+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"DUcclrHBE5NffFMk6pzEyhUVry2Vo9+QDAIJPjYxvLu8bygIlsEtfIjYKeH5/8p+OdWlplpnmVy+rNXQf9bZWp5mHcsoz2glZ14zNEopvHVDsuI5AnBo6rLUYA==","associated_data":"transaction","nonce":"fdasflkja484"}}',
  timestamp: '1704081606',
  headerNonce: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
  signature:
    'hJuzKn1SVLhOtBPc2cuU3RMeRuUQiPhp5H1fHnAV2uHCCz6sMM0r80IeyYV9VdTWxKjczo5gCsZS28RziQ2sd+9F8/ExDDmiM7Uj2hKfndXQQngVQruMP0P/8AXCQREfFCegb7Sq4QhpeESTLV3B+YMdDjgXIpdtBsyJvXMnMedmVZ0XX4K3kdVvbmTPqvsc2nnhHivu5Zrg258XVqVU0K4CHFG1O5w6yBIFsyArqCc9773fKaNaxmRZkWQfDNNeNlFdPPvRfzaIJURjtKtbEp0K1SXBffELMFT+5wz++3ctqMzc5peuoeB6SsTQ7spEFtSch0xmWiv+rHxN+F75Lg==',
};

describe('Appendix B test key pair', () => {
  it('the private and public PEMs are one RSA-2048 pair', () => {
    const derived = createPublicKey(createPrivateKey(TEST_PRIVATE_KEY_PEM)).export({ type: 'spki', format: 'pem' });
    expect(derived).toBe(TEST_PUBLIC_KEY_PEM);
    expect(createPublicKey(TEST_PUBLIC_KEY_PEM).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});

describe('Appendix A.3 through the sandbox', () => {
  it('V-P2: the callback signature verifies, and its 16-byte key decrypts (AES-128-GCM, as Go picks)', () => {
    const message = responseMessage(V_P2.timestamp, V_P2.nonce, V_P2.body);
    expect(rsaVerify(message, V_P2.signature, TEST_PUBLIC_KEY_PEM)).toBe(true);
    expect(rsaVerify(responseMessage(V_P2.timestamp, V_P2.nonce, `${V_P2.body} `), V_P2.signature, TEST_PUBLIC_KEY_PEM)).toBe(false);
    const resource = (JSON.parse(V_P2.body) as { resource: { nonce: string; associated_data: string; ciphertext: string } }).resource;
    expect(aeadDecrypt('testMchAPIv3Key0', resource.nonce, resource.associated_data, resource.ciphertext)).toBe(V_P2.plaintext);
    expect(aeadEncrypt('testMchAPIv3Key0', resource.nonce, resource.associated_data, V_P2.plaintext)).toBe(resource.ciphertext);
    expect(() => aeadDecrypt('testMchAPIv3Key0', resource.nonce, 'transaction', resource.ciphertext)).toThrow();
  });

  it('V-P3: the Authorization signature of the doc example message', () => {
    const message = requestMessage('GET', '/v3/certificates', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', '');
    expect(message.toString()).toBe('GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n');
    expect(rsaSign(message, TEST_PRIVATE_KEY_PEM)).toBe(V_P3);
    expect(rsaVerify(message, V_P3, TEST_PUBLIC_KEY_PEM)).toBe(true);
  });

  it('V-P4: wechatpay-go aes_test (16-byte key)', () => {
    expect(aeadDecrypt('testAPIv3Key0000', 'wCq51qZv4Yfg', 'Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8', 'FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC')).toBe('Hello World');
  });

  it('V-P6: the JSAPI paySign message and signature', () => {
    const message = jsapiPayMessage('wx8888888888888888', '1414561699', '5K8264ILTKCH16CQ2502SI8ZNMTM67VS', 'prepay_id=wx201410272009395522657a690389285100');
    expect(rsaSign(message, TEST_PRIVATE_KEY_PEM)).toBe(V_P6);
    expect(rsaVerify(message, V_P6, TEST_PUBLIC_KEY_PEM)).toBe(true);
  });

  it('V-P7: the notification body byte for byte (32-byte key), and its signature', () => {
    expect(aeadEncrypt(V_P7.key, V_P7.nonce, 'transaction', V_P7.plaintext)).toBe(V_P7.ciphertext);
    expect(aeadDecrypt(V_P7.key, V_P7.nonce, 'transaction', V_P7.ciphertext)).toBe(V_P7.plaintext);
    const body = notificationBody({
      id: 'EV-0001',
      createTime: '2024-01-01T12:00:06+08:00',
      eventType: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      originalType: 'transaction',
      plaintext: V_P7.plaintext,
      apiV3Key: V_P7.key,
      nonce: V_P7.nonce,
    });
    expect(body).toBe(V_P7.body);
    const message = responseMessage(V_P7.timestamp, V_P7.headerNonce, body);
    expect(rsaSign(message, TEST_PRIVATE_KEY_PEM)).toBe(V_P7.signature);
    expect(rsaVerify(message, V_P7.signature, TEST_PUBLIC_KEY_PEM)).toBe(true);
  });

  it('AEAD refuses a tampered ciphertext or tag, and keys of other sizes', () => {
    const data = Buffer.from(V_P7.ciphertext, 'base64');
    for (const index of [0, data.length - 1]) {
      const tampered = Buffer.from(data);
      tampered[index]! ^= 1;
      expect(() => aeadDecrypt(V_P7.key, V_P7.nonce, 'transaction', tampered.toString('base64'))).toThrow();
    }
    expect(() => aeadEncrypt('short', V_P7.nonce, 'transaction', 'x')).toThrow(/32 bytes/);
  });
});
