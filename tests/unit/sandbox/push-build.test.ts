/**
 * The event XML and the signed, encrypted push request, checked with node:crypto directly against §5.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { acceptsPush, buildPush } from '../../../electron/sandbox/push/delivery';
import { cdata, eventXml } from '../../../electron/sandbox/push/event-xml';
import { appInputSchema } from '../../../electron/sandbox/state/apps';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const sha1 = (...parts: string[]) => createHash('sha1').update(parts.sort().join('')).digest('hex');

function app(mode: 'plain' | 'compatible' | 'safe') {
  return appInputSchema.parse({
    appId: 'wx2c2769f8efd9abc2',
    appSecret: 'secret-0123456789abcdef',
    kind: 'officialAccount',
    name: '测试号',
    originalId: 'gh_10f6c3c3ac5a',
    push: { url: 'http://127.0.0.1:9/wechat/events?tenant=a', token: 'spamtest', mode, encodingAesKey: KEY },
  });
}

const xml = eventXml({ toUserName: 'gh_10f6c3c3ac5a', fromUserName: 'oUser', createTime: 1700000000, event: 'subscribe', eventKey: 'qrscene_poster-1', ticket: 'T+/=' });

describe('event XML', () => {
  it('writes the fields in WeChat order with CDATA', () => {
    expect(xml).toBe(
      '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_poster-1]]></EventKey><Ticket><![CDATA[T+/=]]></Ticket></xml>',
    );
  });

  it('keeps "]]>" inside a value intact', () => {
    expect(cdata('a]]>b')).toBe('<![CDATA[a]]]]><![CDATA[>b]]>');
  });
});

describe('buildPush', () => {
  it('plain mode: signature over token, timestamp, nonce; openid in the query; the existing query kept', () => {
    const { url, body } = buildPush(app('plain'), 'oUser', xml, 1_700_000_000_000);
    const q = new URL(url).searchParams;
    expect(q.get('tenant')).toBe('a');
    expect(q.get('timestamp')).toBe('1700000000');
    expect(q.get('openid')).toBe('oUser');
    expect(q.get('signature')).toBe(sha1('spamtest', q.get('timestamp')!, q.get('nonce')!));
    expect(q.has('msg_signature')).toBe(false);
    expect(body).toBe(xml);
  });

  it.each(['safe', 'compatible'] as const)('%s mode: encrypt_type=aes, msg_signature over Encrypt, decryptable with the spec', (mode) => {
    const { url, body } = buildPush(app(mode), 'oUser', xml, 1_700_000_000_000);
    const q = new URL(url).searchParams;
    expect(q.get('encrypt_type')).toBe('aes');
    const encrypt = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(body)![1]!;
    expect(q.get('msg_signature')).toBe(sha1('spamtest', q.get('timestamp')!, q.get('nonce')!, encrypt));
    expect(q.get('signature')).toBe(sha1('spamtest', q.get('timestamp')!, q.get('nonce')!));
    const key = Buffer.from(`${KEY}=`, 'base64');
    const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    const plain = Buffer.concat([d.update(Buffer.from(encrypt, 'base64')), d.final()]);
    const unpadded = plain.subarray(0, plain.length - plain[plain.length - 1]!);
    const length = unpadded.readUInt32BE(16);
    expect(unpadded.subarray(20, 20 + length).toString()).toBe(xml);
    expect(unpadded.subarray(20 + length).toString()).toBe('wx2c2769f8efd9abc2');
    if (mode === 'safe') expect(body).toMatch(/^<xml><ToUserName><!\[CDATA\[gh_10f6c3c3ac5a\]\]><\/ToUserName><Encrypt>/);
    else expect(body).toContain('<Event><![CDATA[subscribe]]></Event>');
  });
});

describe('acceptsPush', () => {
  it('stops on success, an empty body or a passive reply; anything else is retried', () => {
    expect(acceptsPush(200, 'success')).toBe(true);
    expect(acceptsPush(200, '')).toBe(true);
    expect(acceptsPush(200, '<xml><MsgType>text</MsgType></xml>')).toBe(true);
    expect(acceptsPush(200, 'ok')).toBe(false);
    expect(acceptsPush(500, 'success')).toBe(false);
  });
});
