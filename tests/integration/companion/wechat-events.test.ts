/**
 * `GET/POST /wechat/events`: URL verification, pushes in plain, compatible and safe mode (signed and encrypted by
 * WeChat's side — the published vectors, or the sandbox's own push builder, never the companion's code), refusals
 * that store nothing and leave the server serving, de-duplication of retried pushes, and processing of every event
 * type the issue names.
 */
import { describe, expect, it } from 'vitest';
import { buildPush } from '../../../electron/sandbox/push/delivery';
import { wechatSignature, encryptMessage } from '../../../electron/sandbox/crypto/wx-biz-msg-crypt';
import { appInputSchema } from '../../../electron/sandbox/state/apps';
import { ok, openCompanion, pairOwner, type TestCompanion } from '../../helpers/companion';
import { rawRequest } from '../../helpers/loopback';

// Appendix A V-C3: Tencent's sample account.
const APPID = 'wx2c2769f8efd9abc2';
const TOKEN = 'spamtest';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const VC3 = {
  query: 'signature=16120ec1b8dbb870f510d87ce6bc2463eae6ca1a&timestamp=1409735669&nonce=1320562132&encrypt_type=aes&msg_signature=5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  body:
    '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>',
};

type Mode = 'plain' | 'compatible' | 'safe';

function companionFor(mode: Mode, listen = false): Promise<TestCompanion> {
  return openCompanion({
    listen,
    config: { wechat: { officialAccount: { appId: APPID, appSecret: '0123456789abcdef0123456789abcdef', token: TOKEN, encodingAesKey: AES_KEY, messageMode: mode } } },
  });
}

/** WeChat's side of one push, built by the sandbox's code. */
function push(mode: Mode, xml: string, now = Date.now()): { url: string; body: string } {
  const app = appInputSchema.parse({
    appId: APPID,
    appSecret: '0123456789abcdef0123456789abcdef',
    kind: 'officialAccount',
    name: 'test account',
    originalId: 'gh_10f6c3c3ac5a',
    push: { url: 'http://companion.invalid/wechat/events', token: TOKEN, encodingAesKey: AES_KEY, mode },
  });
  const built = buildPush(app, 'oUserOpenid000000000000000', xml, now);
  const url = new URL(built.url);
  return { url: `${url.pathname}${url.search}`, body: built.body };
}

function eventXml(fields: Record<string, string | number>, extra = ''): string {
  const parts = Object.entries(fields).map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${v}]]></${k}>`));
  return `<xml>${parts.join('')}${extra}</xml>`;
}

let createTime = 1_700_000_000;
function event(name: string, extra: Record<string, string> = {}, from = 'oUserOpenid000000000000000'): string {
  return eventXml({ ToUserName: 'gh_10f6c3c3ac5a', FromUserName: from, CreateTime: createTime++, MsgType: 'event', Event: name, ...extra });
}

async function post(c: TestCompanion, request: { url: string; body: string }, contentType = 'text/xml') {
  const res = await c.app.inject({ method: 'POST', url: request.url, payload: request.body, headers: { 'content-type': contentType } });
  return { status: res.statusCode, text: res.body };
}

function storedCount(c: TestCompanion): number {
  return c.app.companion.events.count();
}

describe('URL verification (GET)', () => {
  it('answers the echostr as is when the signature matches, 403 otherwise', async () => {
    const c = await companionFor('safe');
    const good = await c.app.inject({ url: '/wechat/events?signature=16120ec1b8dbb870f510d87ce6bc2463eae6ca1a&timestamp=1409735669&nonce=1320562132&echostr=7512394011' });
    expect(good.statusCode).toBe(200);
    expect(good.body).toBe('7512394011');
    const bad = await c.app.inject({ url: '/wechat/events?signature=16120ec1b8dbb870f510d87ce6bc2463eae6ca1b&timestamp=1409735669&nonce=1320562132&echostr=7512394011' });
    expect(bad.statusCode).toBe(403);
    expect(bad.body).not.toContain('7512394011');
  });

  it('WeCom-style: verifies msg_signature over the encrypted echostr and answers it decrypted', async () => {
    const c = await companionFor('safe');
    const echostr = encryptMessage(AES_KEY, APPID, 'plain-echo-42');
    const sig = wechatSignature(TOKEN, '1700000000', 'n1', echostr);
    const res = await c.app.inject({ url: `/wechat/events?msg_signature=${sig}&timestamp=1700000000&nonce=n1&echostr=${encodeURIComponent(echostr)}` });
    expect(res.body).toBe('plain-echo-42');
    const wrong = await c.app.inject({ url: `/wechat/events?msg_signature=${sig}&timestamp=1700000000&nonce=n2&echostr=${encodeURIComponent(echostr)}` });
    expect(wrong.statusCode).toBe(403);
  });
});

describe('pushes', () => {
  it('safe mode: the published V-C3 push is verified, decrypted, stored once however often it is retried', async () => {
    const c = await companionFor('safe');
    for (let i = 0; i < 3; i++) {
      expect(await post(c, { url: `/wechat/events?${VC3.query}`, body: VC3.body })).toEqual({ status: 200, text: 'success' });
    }
    await c.app.companion.events.idle();
    expect(storedCount(c)).toBe(1);
    const owner = await pairOwner(c.app);
    const listed = await ok(c.app, 'events.list', owner, { query: {} });
    expect(listed.total).toBe(1);
    expect(listed.items[0]).toMatchObject({ msgType: 'text', event: null, openidMasked: 'oyOR…0rs', processed: true });
    const raw = c.app.db.prepare('SELECT raw_xml, msg_id FROM events').get() as { raw_xml: string; msg_id: string };
    expect(raw.msg_id).toBe('6054768590064713728');
    expect(raw.raw_xml).toContain('<Content><![CDATA[abcdteT]]></Content>');
  });

  it('safe mode refuses plain pushes, wrong msg_signature and pushes encrypted for another appid — storing nothing', async () => {
    const c = await companionFor('safe');
    const plain = push('plain', event('subscribe'));
    expect((await post(c, plain)).status).toBe(400);
    const wrongSig = { url: `/wechat/events?${VC3.query.replace('msg_signature=5', 'msg_signature=6')}`, body: VC3.body };
    expect((await post(c, wrongSig)).status).toBe(403);
    // Same Token and key, but encrypted for another account: the receiveid check refuses it.
    const foreign = encryptMessage(AES_KEY, 'wx0000000000000000', event('subscribe'));
    const foreignSig = wechatSignature(TOKEN, '1700000000', 'n', foreign);
    const res = await post(c, {
      url: `/wechat/events?timestamp=1700000000&nonce=n&encrypt_type=aes&msg_signature=${foreignSig}`,
      body: `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Encrypt><![CDATA[${foreign}]]></Encrypt></xml>`,
    });
    expect(res.status).toBe(400);
    expect(storedCount(c)).toBe(0);
  });

  it('plain mode: a signed push is stored; a wrong signature is 403 and stores nothing', async () => {
    const c = await companionFor('plain');
    expect(await post(c, push('plain', event('subscribe')))).toEqual({ status: 200, text: 'success' });
    const forged = push('plain', event('unsubscribe'));
    forged.url = forged.url.replace(/signature=[0-9a-f]{40}/, `signature=${'0'.repeat(40)}`);
    expect((await post(c, forged)).status).toBe(403);
    expect(storedCount(c)).toBe(1);
  });

  it('compatible mode: takes the encrypted form when present, and plain signed pushes too', async () => {
    const c = await companionFor('compatible');
    const encrypted = push('compatible', event('CLICK', { EventKey: 'MENU_A' }));
    expect(encrypted.body).toContain('<Encrypt>');
    expect(await post(c, encrypted)).toEqual({ status: 200, text: 'success' });
    expect(await post(c, push('plain', event('CLICK', { EventKey: 'MENU_B' })))).toEqual({ status: 200, text: 'success' });
    await c.app.companion.events.idle();
    const owner = await pairOwner(c.app);
    const keys = (await ok(c.app, 'events.list', owner, { query: { type: 'CLICK' } })).items.map((e) => e.eventKey).sort();
    expect(keys).toEqual(['MENU_A', 'MENU_B']);
  });

  it('de-duplicates events by FromUserName + CreateTime (+ Event) and messages by MsgId', async () => {
    const c = await companionFor('safe');
    const xml = event('SCAN', { EventKey: 'scene-1', Ticket: 'T' });
    const first = push('safe', xml);
    // WeChat's retries resend the same signed request (3 attempts in all): one row.
    for (let attempt = 0; attempt < 3; attempt++) expect(await post(c, first)).toEqual({ status: 200, text: 'success' });
    // The same event signed and encrypted afresh is still the same event: still one row.
    const resigned = push('safe', xml);
    expect(resigned.body).not.toBe(first.body);
    await post(c, resigned);
    // Another event of the same user in the same second is a different event, not a retry.
    await post(c, push('safe', xml.replace('<Event><![CDATA[SCAN]]></Event>', '<Event><![CDATA[subscribe]]></Event>')));
    const msg = (id: string, content: string) =>
      eventXml({ ToUserName: 'gh_1', FromUserName: 'oUserOpenid000000000000000', CreateTime: 1_700_000_500, MsgType: 'text', Content: content, MsgId: id });
    await post(c, push('safe', msg('9223372036854775807', 'a')));
    await post(c, push('safe', msg('9223372036854775807', 'a')));
    await post(c, push('safe', msg('9223372036854775806', 'b')));
    expect(storedCount(c)).toBe(4);
  });

  it('processes subscribe (plain and qrscene_), unsubscribe, SCAN, CLICK, VIEW, TEMPLATESENDJOBFINISH and the PUBLISHJOBFINISH variants', async () => {
    const c = await companionFor('safe');
    const pushes = [
      event('subscribe'),
      event('subscribe', { EventKey: 'qrscene_unknown-scene', Ticket: 'TK' }),
      event('unsubscribe'),
      event('SCAN', { EventKey: 'unknown-scene', Ticket: 'TK' }),
      event('CLICK', { EventKey: 'MENU_KEY' }),
      event('VIEW', { EventKey: 'https://example.com/course', MenuId: '123' }),
      event('TEMPLATESENDJOBFINISH', { MsgID: '200163836', Status: 'failed:user block' }),
      eventXml(
        { ToUserName: 'gh_1', FromUserName: 'oUserOpenid000000000000000', CreateTime: createTime++, MsgType: 'event', Event: 'PUBLISHJOBFINISH' },
        '<PublishEventInfo><publish_id>1234567890</publish_id><publish_status>0</publish_status><article_id><![CDATA[ArticleID]]></article_id>' +
          '<article_detail><count>1</count><item><idx>1</idx><article_url><![CDATA[ArticleURL]]></article_url></item></article_detail></PublishEventInfo>',
      ),
      event('FREEPUBLISHJOBFINISH'),
      event('MASSSENDJOBFINISH', { MsgID: '1000001625', Status: 'sendsuccess' }),
    ];
    for (const xml of pushes) expect(await post(c, push('safe', xml))).toEqual({ status: 200, text: 'success' });
    await c.app.companion.events.idle();
    const rows = c.app.db.prepare('SELECT event, parsed_json, processed_at, process_error FROM events ORDER BY create_time').all() as {
      event: string;
      parsed_json: string;
      processed_at: string | null;
      process_error: string | null;
    }[];
    expect(rows).toHaveLength(pushes.length);
    const kinds = rows.map((r) => {
      expect(r.processed_at).not.toBeNull();
      expect(r.process_error).toBeNull();
      return (JSON.parse(r.parsed_json) as { _processed: { kind: string } })._processed;
    });
    expect(kinds.map((k) => k.kind)).toEqual([
      'follow',
      'follow',
      'unfollow',
      'scan',
      'menuClick',
      'menuView',
      'templateSent',
      'publishFinished',
      'publishFinished',
      'publishFinished',
    ]);
    expect(kinds[1]).toMatchObject({ viaQr: true, sceneStr: null });
    expect(kinds[6]).toMatchObject({ ok: false, status: 'failed:user block', msgId: '200163836' });
    expect(kinds[7]).toMatchObject({ publishId: '1234567890', publishStatus: 0, articleId: 'ArticleID' });

    const owner = await pairOwner(c.app);
    const subscribes = await ok(c.app, 'events.list', owner, { query: { type: 'subscribe' } });
    expect(subscribes.total).toBe(2);
    expect(subscribes.items.every((e) => e.openidMasked === 'oUse…000')).toBe(true);
    const all = await ok(c.app, 'events.list', owner, { query: { limit: 3 } });
    expect(all).toMatchObject({ total: pushes.length });
    expect(all.items).toHaveLength(3);
    expect(JSON.stringify(all)).not.toContain('oUserOpenid000000000000000');
  });
});

describe('refusals over real loopback: 4xx, nothing stored, the server keeps serving', () => {
  it('wrong signatures, malformed XML, DOCTYPE payloads, pushes missing fields, 2 MB bodies', async () => {
    const c = await companionFor('plain', true);
    const port = Number(new URL(c.url!).port);
    const send = (path: string, body: string | Buffer, contentType = 'text/xml') =>
      rawRequest(port, { method: 'POST', path, headers: { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) }, body });
    const signed = (xml: string) => push('plain', xml);

    const cases: { name: string; status: number; request: () => Promise<{ status: number }> }[] = [
      {
        name: 'wrong signature',
        status: 403,
        request: () => {
          const p = signed(event('subscribe'));
          return send(p.url.replace(/timestamp=\d+/, 'timestamp=1'), p.body);
        },
      },
      { name: 'no signature at all', status: 403, request: () => send('/wechat/events', event('subscribe')) },
      { name: 'malformed XML', status: 400, request: () => { const p = signed('<xml><ToUserName>gh</xml>'); return send(p.url, p.body); } },
      { name: 'not XML', status: 400, request: () => { const p = signed('{"json":true}'); return send(p.url, p.body, 'application/json'); } },
      {
        name: 'DOCTYPE with an external entity',
        status: 400,
        request: () => {
          const p = signed(`<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${event('subscribe').replace('<Event>', '<Event>&xxe;')}`);
          return send(p.url, p.body);
        },
      },
      {
        name: 'billion laughs',
        status: 400,
        request: () => {
          const p = signed(`<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>${event('subscribe')}`);
          return send(p.url, p.body);
        },
      },
      { name: 'missing FromUserName', status: 400, request: () => { const p = signed(eventXml({ ToUserName: 'gh', CreateTime: 1, MsgType: 'event' })); return send(p.url, p.body); } },
      {
        name: '2 MB body',
        status: 413,
        request: () => {
          const p = signed(event('subscribe'));
          return send(p.url, Buffer.concat([Buffer.from('<xml><Pad><![CDATA['), Buffer.alloc(2 * 1024 * 1024, 'a'), Buffer.from(']]></Pad></xml>')]));
        },
      },
    ];
    for (const testCase of cases) {
      const res = await testCase.request();
      expect(res.status, testCase.name).toBe(testCase.status);
      const health = await rawRequest(port, { path: '/health' });
      expect(health.status, `health after ${testCase.name}`).toBe(200);
    }
    expect(storedCount(c)).toBe(0);
    // And a good push still gets through afterwards.
    const good = signed(event('subscribe'));
    const res = await send(good.url, good.body);
    expect({ status: res.status, body: res.body.toString() }).toEqual({ status: 200, body: 'success' });
    expect(storedCount(c)).toBe(1);
  });
});
