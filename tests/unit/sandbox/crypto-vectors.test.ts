/**
 * The sandbox's own WXBizMsgCrypt against the published vectors of wechat-protocols.md Appendix A: encryption must
 * reproduce the published Encrypt strings byte for byte when given their random prefix, and signatures must match.
 */
import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aesKeyOf, decryptMessage, encryptMessage, pad32, unpad32, wechatSignature } from '../../../electron/sandbox/crypto/wx-biz-msg-crypt';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wx2c2769f8efd9abc2';

const VC3_ENCRYPT =
  'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';
const VC3_MESSAGE =
  '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>';

const VC4_ENCRYPT =
  'mfBCs65c67CeJw22u4VT2TD73q5H06+ocrAIxswCaeZ/d/Lw0msSZFHY0teqgSYiI1zR2gD2DKrB3TIrmX/liNSDrGqS8jSI/WPeKB5VPr7Ezr7gomZAyGCwJSgT1TRFWPfONGJMxuj2nk4faTuspAuVIFQ6SHwZuJBZC7mcJp7Cgr9cUhATQWDbOPaE7ukZBTV2YqyzH+UI2AK+J1S47cE79k1RX8t0hcTz/O0hlK8DGXKnvYv88qKQcI7z4iaajqHfRVZKBNyOODabs+It+ZfM3dWTeFcPgDbGtIEnpt/EDtuuA/zMvtkaKdHdswPnVZQ+xdwbYr3ldGvfT8HlEYEgkgKaThxTFobVlwzu2ZkXCjicbP3xdr15Iq48ObgzPpqYuZ3IEoyggZDKClquk0u0orMck4GTF/XyE8yGzc4=';

const VC8_KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const VC8_CORPID = 'wx49f0ab532d5d035a';
const VC8_ECHOSTR = '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==';
const VC8_ENCRYPT =
  'RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=';

/** The 16-byte random prefix of a published ciphertext, read with node:crypto directly (not the code under test). */
function publishedRandom(encodingAesKey: string, encrypted: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]).subarray(0, 16);
}

describe('sandbox WXBizMsgCrypt: Appendix A vectors', () => {
  it('V-C3: encrypting the published plaintext with its random 89465c840c5f116f reproduces Encrypt and msg_signature', () => {
    const encrypted = encryptMessage(KEY, APPID, VC3_MESSAGE, Buffer.from('89465c840c5f116f', 'latin1'));
    expect(encrypted).toBe(VC3_ENCRYPT);
    expect(wechatSignature('spamtest', '1409735669', '1320562132', encrypted)).toBe('5d197aaffba7e9b25a30732f161a50dee96bd5fa');
  });

  it('V-C3: the plain (non-AES) signature for the same token, timestamp and nonce is 16120ec1…', () => {
    expect(wechatSignature('spamtest', '1409735669', '1320562132')).toBe('16120ec1b8dbb870f510d87ce6bc2463eae6ca1a');
  });

  it('V-C4: decrypts to the documented message, and re-encrypting with its random reproduces Encrypt and msg_signature', () => {
    expect(wechatSignature('spamtest', '1410349438', '298025754', VC4_ENCRYPT)).toBe('003fee52ecc56afb46c00b5c7721be87860ce785');
    const decrypted = decryptMessage(KEY, VC4_ENCRYPT);
    expect(decrypted.receiveId).toBe(APPID);
    expect(Buffer.byteLength(decrypted.message)).toBe(280);
    expect(decrypted.message).toContain('<CreateTime>1410349438</CreateTime>\n');
    expect(decrypted.message).toContain('<MsgId>6057404712141979648</MsgId>');
    const random = publishedRandom(KEY, VC4_ENCRYPT);
    expect(encryptMessage(KEY, APPID, decrypted.message, random)).toBe(VC4_ENCRYPT);
  });

  it('V-C8 (WeCom): echostr signature, decryption to 5927782489442352469 and re-encryption; the wrong nonce fails', () => {
    expect(wechatSignature('123456', '1411443780', '437374425', VC8_ECHOSTR)).toBe('dd6b9c95b495b3f7e2901bfbc76c664930ffdb96');
    expect(wechatSignature('123456', '1411443780', '437374424', VC8_ECHOSTR)).not.toBe('dd6b9c95b495b3f7e2901bfbc76c664930ffdb96');
    const echo = decryptMessage(VC8_KEY, VC8_ECHOSTR);
    expect(echo).toMatchObject({ message: '5927782489442352469', receiveId: VC8_CORPID });
    expect(encryptMessage(VC8_KEY, VC8_CORPID, echo.message, publishedRandom(VC8_KEY, VC8_ECHOSTR))).toBe(VC8_ECHOSTR);
  });

  it('V-C8 (WeCom): message envelope signature, decryption and re-encryption', () => {
    expect(wechatSignature('123456', '1411525903', '461056294', VC8_ENCRYPT)).toBe('74d92dfeb87ba7c714f89d98870ae5eb62dff26d');
    const message = decryptMessage(VC8_KEY, VC8_ENCRYPT);
    expect(message.receiveId).toBe(VC8_CORPID);
    expect(Buffer.byteLength(message.message)).toBe(281);
    expect(message.message).toContain('<FromUserName><![CDATA[messense]]></FromUserName>');
    expect(message.message).toContain('<Content><![CDATA[test]]></Content>');
    expect(message.message).toContain('<AgentID>1</AgentID>');
    expect(encryptMessage(VC8_KEY, VC8_CORPID, message.message, publishedRandom(VC8_KEY, VC8_ENCRYPT))).toBe(VC8_ENCRYPT);
  });

  it('V-C10: getSignature("timestamp", "nonce", "encrypt") with token RMNlACHlV5ThzfRlVS4D4', () => {
    expect(wechatSignature('RMNlACHlV5ThzfRlVS4D4', 'timestamp', 'nonce', 'encrypt')).toBe('8edac0945683c119ee71c9f6256d76c48aa08a96');
  });
});

describe('sandbox WXBizMsgCrypt: edges', () => {
  it('pads to 32-byte blocks with a full block when aligned, and round-trips Chinese text', () => {
    expect(pad32(Buffer.alloc(32)).length).toBe(64);
    expect(pad32(Buffer.alloc(31)).at(-1)).toBe(1);
    expect(unpad32(pad32(Buffer.from('abc'))).toString()).toBe('abc');
    const encrypted = encryptMessage(KEY, APPID, '<xml><Content>你好，世界</Content></xml>');
    expect(decryptMessage(KEY, encrypted)).toMatchObject({ message: '<xml><Content>你好，世界</Content></xml>', receiveId: APPID });
  });

  it('refuses keys that are not 43 base64 characters, and damaged ciphertext', () => {
    expect(() => aesKeyOf('short')).toThrow(/43/);
    expect(() => aesKeyOf(`${KEY.slice(0, 42)}!`)).toThrow(/43/);
    expect(() => decryptMessage(KEY, Buffer.alloc(20).toString('base64'))).toThrow();
    const tampered = Buffer.from(VC3_ENCRYPT, 'base64');
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0xff;
    expect(() => decryptMessage(KEY, tampered.toString('base64'))).toThrow();
  });
});
