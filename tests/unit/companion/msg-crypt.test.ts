/**
 * The companion's WXBizMsgCrypt against the published vectors of wechat-protocols.md Appendix A (verify and
 * decrypt, as the companion uses it), then the properties the vectors do not cover: the receiveid check, tampering,
 * padding to 32-byte blocks, and a round trip of Chinese text.
 */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CRYPT_ERRORS,
  MsgCryptError,
  WXBizMsgCrypt,
  decodeAesKey,
  decryptMessage,
  encryptMessage,
  sha1Signature,
} from '../../../electron/companion/wechat/msg-crypt';
import { parseWechatXml, textOf } from '../../../electron/companion/wechat/xml';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const TOKEN = 'spamtest';
const APPID = 'wx2c2769f8efd9abc2';

const VC3 = {
  timestamp: '1409735669',
  nonce: '1320562132',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  encrypt:
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
  message:
    '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>',
};

const VC4 = {
  timestamp: '1410349438',
  nonce: '298025754',
  msgSignature: '003fee52ecc56afb46c00b5c7721be87860ce785',
  encrypt:
    'mfBCs65c67CeJw22u4VT2TD73q5H06+ocrAIxswCaeZ/d/Lw0msSZFHY0teqgSYiI1zR2gD2DKrB3TIrmX/liNSDrGqS8jSI/WPeKB5VPr7Ezr7gomZAyGCwJSgT1TRFWPfONGJMxuj2nk4faTuspAuVIFQ6SHwZuJBZC7mcJp7Cgr9cUhATQWDbOPaE7ukZBTV2YqyzH+UI2AK+J1S47cE79k1RX8t0hcTz/O0hlK8DGXKnvYv88qKQcI7z4iaajqHfRVZKBNyOODabs+It+ZfM3dWTeFcPgDbGtIEnpt/EDtuuA/zMvtkaKdHdswPnVZQ+xdwbYr3ldGvfT8HlEYEgkgKaThxTFobVlwzu2ZkXCjicbP3xdr15Iq48ObgzPpqYuZ3IEoyggZDKClquk0u0orMck4GTF/XyE8yGzc4=',
};

const VC8 = {
  token: '123456',
  key: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
  corpid: 'wx49f0ab532d5d035a',
  echo: {
    signature: 'dd6b9c95b495b3f7e2901bfbc76c664930ffdb96',
    timestamp: '1411443780',
    nonce: '437374425',
    echostr: '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==',
  },
  message: {
    signature: '74d92dfeb87ba7c714f89d98870ae5eb62dff26d',
    timestamp: '1411525903',
    nonce: '461056294',
    encrypt:
      'RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=',
  },
};

function cryptError(fn: () => unknown): MsgCryptError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MsgCryptError) return error;
    throw error;
  }
  throw new Error('expected a MsgCryptError');
}

describe('companion WXBizMsgCrypt: Appendix A vectors through verify + decrypt', () => {
  const crypt = new WXBizMsgCrypt(TOKEN, KEY, APPID);

  it('V-C3: verifies msg_signature and decrypts to the exact 280-byte message (newlines kept)', () => {
    const message = crypt.decrypt(VC3.msgSignature, VC3.timestamp, VC3.nonce, VC3.encrypt);
    expect(message).toBe(VC3.message);
    expect(Buffer.byteLength(message)).toBe(280);
    expect(decryptMessage(decodeAesKey(KEY), VC3.encrypt).receiveId).toBe(APPID);
  });

  it('V-C3: the plain URL signature for the same token, timestamp and nonce', () => {
    expect(crypt.verifyUrlSignature('16120ec1b8dbb870f510d87ce6bc2463eae6ca1a', VC3.timestamp, VC3.nonce)).toBe(true);
    expect(crypt.verifyUrlSignature('16120ec1b8dbb870f510d87ce6bc2463eae6ca1b', VC3.timestamp, VC3.nonce)).toBe(false);
    expect(crypt.verifyUrlSignature(undefined, VC3.timestamp, VC3.nonce)).toBe(false);
  });

  it('V-C4: verifies and decrypts the C++ sample', () => {
    const message = crypt.decrypt(VC4.msgSignature, VC4.timestamp, VC4.nonce, VC4.encrypt);
    expect(Buffer.byteLength(message)).toBe(280);
    expect(message).toContain('<CreateTime>1410349438</CreateTime>\n');
    expect(message).toContain('<Content><![CDATA[abcdteT]]></Content>');
    expect(message).toContain('<MsgId>6057404712141979648</MsgId>');
  });

  it('V-C8 (WeCom envelope, same scheme): verifies and decrypts the echostr; the neighbouring nonce fails', () => {
    const wecom = new WXBizMsgCrypt(VC8.token, VC8.key, VC8.corpid);
    const { signature, timestamp, nonce, echostr } = VC8.echo;
    expect(wecom.verifyUrl(signature, timestamp, nonce, echostr)).toBe('5927782489442352469');
    expect(cryptError(() => wecom.verifyUrl(signature, timestamp, '437374424', echostr)).cryptCode).toBe(CRYPT_ERRORS.signature);
  });

  it('V-C8: decrypts the WeCom message (281 bytes, AgentID 1) for corpid wx49f0ab532d5d035a', () => {
    const wecom = new WXBizMsgCrypt(VC8.token, VC8.key, VC8.corpid);
    const { signature, timestamp, nonce, encrypt } = VC8.message;
    const message = wecom.decrypt(signature, timestamp, nonce, encrypt);
    expect(Buffer.byteLength(message)).toBe(281);
    expect(message).toContain('<FromUserName><![CDATA[messense]]></FromUserName>');
    expect(message).toContain('<Content><![CDATA[test]]></Content>');
    expect(message).toContain('<AgentID>1</AgentID>');
  });

  it('V-C8: the same through a WeCom callback envelope (ToUserName, Encrypt, AgentID) read by the companion’s XML parser', () => {
    const wecom = new WXBizMsgCrypt(VC8.token, VC8.key, VC8.corpid);
    const { signature, timestamp, nonce, encrypt } = VC8.message;
    const envelope = parseWechatXml(
      `<xml><ToUserName><![CDATA[${VC8.corpid}]]></ToUserName>\n<Encrypt><![CDATA[${encrypt}]]></Encrypt>\n<AgentID><![CDATA[1]]></AgentID>\n</xml>`,
    );
    const inner = parseWechatXml(wecom.decrypt(signature, timestamp, nonce, textOf(envelope, 'Encrypt')!));
    expect(inner).toMatchObject({ FromUserName: 'messense', MsgType: 'text', Content: 'test', AgentID: '1' });
  });

  it('V-C10: getSignature(timestamp, nonce, encrypt) with the wechat-crypto token', () => {
    expect(sha1Signature('RMNlACHlV5ThzfRlVS4D4', 'timestamp', 'nonce', 'encrypt')).toBe('8edac0945683c119ee71c9f6256d76c48aa08a96');
  });
});

describe('companion WXBizMsgCrypt: what the vectors do not cover', () => {
  it('refuses a message encrypted for another account (receiveid check, -40005)', () => {
    const other = new WXBizMsgCrypt(TOKEN, KEY, 'wx0000000000000000');
    expect(cryptError(() => other.decrypt(VC3.msgSignature, VC3.timestamp, VC3.nonce, VC3.encrypt)).cryptCode).toBe(CRYPT_ERRORS.receiveId);
  });

  it('refuses a wrong msg_signature before decrypting (-40001), and a tampered Encrypt fails the signature', () => {
    const crypt = new WXBizMsgCrypt(TOKEN, KEY, APPID);
    expect(cryptError(() => crypt.decrypt('0'.repeat(40), VC3.timestamp, VC3.nonce, VC3.encrypt)).cryptCode).toBe(CRYPT_ERRORS.signature);
    const tampered = `A${VC3.encrypt.slice(1)}`;
    expect(cryptError(() => crypt.decrypt(VC3.msgSignature, VC3.timestamp, VC3.nonce, tampered)).cryptCode).toBe(CRYPT_ERRORS.signature);
  });

  it('rejects EncodingAESKeys that are not 43 characters of base64 (-40004)', () => {
    expect(cryptError(() => decodeAesKey(KEY.slice(1))).cryptCode).toBe(CRYPT_ERRORS.illegalAesKey);
    expect(cryptError(() => decodeAesKey(`${KEY.slice(1)}!`)).cryptCode).toBe(CRYPT_ERRORS.illegalAesKey);
  });

  it('pads to 32-byte blocks: a message that fills whole blocks gets a full block of 32s', () => {
    const key = decodeAesKey(KEY);
    // 16 random + 4 length + 12 message = 32 bytes, before the receiveid; choose a receiveid of 32 too.
    const receiveId = 'r'.repeat(32);
    const encrypted = encryptMessage(key, 'x'.repeat(12), receiveId, Buffer.alloc(16, 1));
    expect(Buffer.from(encrypted, 'base64').length).toBe(96);
    expect(decryptMessage(key, encrypted)).toEqual({ message: 'x'.repeat(12), receiveId });
  });

  it('refuses padding outside 1..32 instead of guessing', () => {
    const key = decodeAesKey(KEY);
    const plain = Buffer.alloc(64, 0x41); // last byte 0x41 = 65: not a PKCS#7-32 pad
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
    expect(cryptError(() => decryptMessage(key, encrypted)).cryptCode).toBe(CRYPT_ERRORS.decrypt);
  });

  it('round-trips Chinese text and builds a reply envelope whose signature verifies', () => {
    const crypt = new WXBizMsgCrypt('tokenabc', KEY, 'wx1234567890abcdef');
    const reply = '<xml><Content><![CDATA[你好，创作者]]></Content></xml>';
    const envelope = crypt.encryptReply(reply, '1700000000', 'nonce1');
    const encrypt = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(envelope)![1]!;
    const signature = /<MsgSignature><!\[CDATA\[([0-9a-f]+)\]\]>/.exec(envelope)![1]!;
    expect(crypt.decrypt(signature, '1700000000', 'nonce1', encrypt)).toBe(reply);
  });

  it('refuses Encrypt that is not base64 or not whole blocks', () => {
    const key = decodeAesKey(KEY);
    expect(cryptError(() => decryptMessage(key, 'not base64!')).cryptCode).toBe(CRYPT_ERRORS.base64);
    expect(cryptError(() => decryptMessage(key, Buffer.alloc(20).toString('base64'))).cryptCode).toBe(CRYPT_ERRORS.illegalBuffer);
  });
});
