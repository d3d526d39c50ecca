/**
 * The sandbox's publishing and message APIs (wechat-protocols.md §6, §7, §12.5–6), called the way a client would:
 * multipart uploads through fetch's own FormData, JSON bodies, and a real local receiver that checks and decrypts the
 * PUBLISHJOBFINISH and TEMPLATESENDJOBFINISH pushes (safe mode).
 */
import { createDecipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../electron/sandbox/index';
import { jpegBytes, pngBytes, gifBytes } from '../../helpers/images';
import { AES_KEY, OA_APP_ID, ORIGINAL_ID, PUSH_TOKEN, baseToken, control, controlRaw, officialAccount, startLocalServer, startSandbox, wx, type ReceivedRequest } from '../../helpers/sandbox';

const sha1 = (...parts: string[]) => createHash('sha1').update(parts.sort().join('')).digest('hex');

/** The plaintext of a safe-mode push after checking its msg_signature (§5.5). */
function decrypt(req: ReceivedRequest): string {
  const q = req.url.searchParams;
  const encrypt = /<Encrypt><!\[CDATA\[([A-Za-z0-9+/=]+)\]\]><\/Encrypt>/.exec(req.body)![1]!;
  expect(q.get('msg_signature')).toBe(sha1(PUSH_TOKEN, q.get('timestamp')!, q.get('nonce')!, encrypt));
  const key = Buffer.from(`${AES_KEY}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  const plain = padded.subarray(0, padded.length - padded[padded.length - 1]!);
  const length = plain.readUInt32BE(16);
  return plain.subarray(20, 20 + length).toString();
}

async function setUp() {
  const receiver = await startLocalServer((_req, res) => res.writeHead(200).end('success'));
  const push = { url: `${receiver.url}/wechat/events`, token: PUSH_TOKEN, mode: 'safe' as const, encodingAesKey: AES_KEY };
  const sandbox = await startSandbox({ apps: [officialAccount({ push })], publishDelayMs: 10 });
  const token = await baseToken(sandbox);
  return { sandbox, receiver, token };
}

async function upload(sandbox: Sandbox, path: string, token: string, bytes: Buffer, options: { field?: string; type?: string; mime?: string } = {}) {
  const form = new FormData();
  form.append(options.field ?? 'media', new Blob([new Uint8Array(bytes)], { type: options.mime ?? 'image/png' }), 'file.bin');
  const query = new URLSearchParams({ access_token: token, ...(options.type ? { type: options.type } : {}) });
  const res = await fetch(`${sandbox.url}${path}?${query}`, { method: 'POST', body: form });
  return (await res.json()) as Record<string, unknown>;
}

const article = (thumb: string, extra: Record<string, unknown> = {}) => ({ title: '手机摄影入门', author: '小满', content: '<p>先看光，再按快门。</p>', thumb_media_id: thumb, ...extra });

describe('materials and article images', () => {
  it('add_material takes images by type and checks format and size; uploadimg takes JPEG/PNG under 1 MB', async () => {
    const { sandbox, token } = await setUp();
    const image = await upload(sandbox, '/cgi-bin/material/add_material', token, pngBytes(40, 20), { type: 'image' });
    expect(image.media_id).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(image.url).toMatch(/^http:\/\/mmbiz\.qpic\.cn\/sz_mmbiz_png\//);
    expect(await upload(sandbox, '/cgi-bin/material/add_material', token, gifBytes(10, 10), { type: 'image', mime: 'image/gif' })).toHaveProperty('media_id');
    expect((await upload(sandbox, '/cgi-bin/material/add_material', token, pngBytes(10, 10), { type: 'sticker' })).errcode).toBe(40004);
    expect((await upload(sandbox, '/cgi-bin/material/add_material', token, pngBytes(10, 10), { type: 'thumb' })).errcode).toBe(40005);
    expect((await upload(sandbox, '/cgi-bin/material/add_material', token, Buffer.from('not an image at all'), { type: 'image' })).errcode).toBe(40005);
    expect((await upload(sandbox, '/cgi-bin/material/add_material', token, pngBytes(10, 10), { type: 'image', field: 'file' })).errcode).toBe(41005);
    const thumb = await upload(sandbox, '/cgi-bin/material/add_material', token, jpegBytes(20, 20), { type: 'thumb', mime: 'image/jpeg' });
    expect(thumb.media_id).toBeTruthy();
    expect(thumb.url).toBeUndefined();
    const bigThumb = Buffer.concat([jpegBytes(20, 20), Buffer.alloc(65 * 1024)]);
    expect((await upload(sandbox, '/cgi-bin/material/add_material', token, bigThumb, { type: 'thumb', mime: 'image/jpeg' })).errcode).toBe(40006);
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(64)]);
    expect((await upload(sandbox, '/cgi-bin/material/add_material', token, mp4, { type: 'video', mime: 'video/mp4' })).errcode).toBe(40097);

    const body = await upload(sandbox, '/cgi-bin/media/uploadimg', token, jpegBytes(30, 30), { mime: 'image/jpeg' });
    expect(body.url).toMatch(/^http:\/\/mmbiz\.qpic\.cn\/sz_mmbiz_jpg\/[A-Za-z0-9]+\/0\?wx_fmt=jpeg$/);
    expect((await upload(sandbox, '/cgi-bin/media/uploadimg', token, gifBytes(10, 10), { mime: 'image/gif' })).errcode).toBe(40005);
    expect((await upload(sandbox, '/cgi-bin/media/uploadimg', token, pngBytes(64, 64, { totalBytes: 1024 * 1024 }))).errcode).toBe(40006);
    expect((await upload(sandbox, '/cgi-bin/media/uploadimg', 'wrong-token', pngBytes(10, 10))).errcode).toBe(40001);
    expect(await control(sandbox, 'publishing.state', { appId: OA_APP_ID })).toMatchObject({ materials: 3, bodyImages: 1 });
  });
});

describe('drafts and publishing', () => {
  it('validates articles by §6.3, strips foreign images and scripts, and fills an empty digest', async () => {
    const { sandbox, token } = await setUp();
    const cover = (await upload(sandbox, '/cgi-bin/material/add_material', token, pngBytes(40, 20), { type: 'image' })).media_id as string;
    const own = (await upload(sandbox, '/cgi-bin/media/uploadimg', token, pngBytes(10, 10))).url as string;
    const draft = (articles: unknown[]) => wx(sandbox, `/cgi-bin/draft/add?access_token=${token}`, { articles });

    expect((await draft([article(cover, { title: '标'.repeat(33) })])).errcode).toBe(45003);
    expect((await draft([article(cover, { author: '作'.repeat(17) })])).errcode).toBe(45110);
    expect((await draft([article(cover, { digest: '摘'.repeat(129) })])).errcode).toBe(45004);
    expect((await draft([article(cover, { content: `<p>${'字'.repeat(20_000)}</p>` })])).errcode).toBe(45002);
    expect((await draft([article(cover, { content_source_url: `https://example.com/${'a'.repeat(1024)}` })])).errcode).toBe(45005);
    expect((await draft([article('no-such-media')])).errcode).toBe(40007);
    expect((await draft([article(cover, { pic_crop_235_1: '0.1_0.2_0.05_1' })])).errcode).toBe(40097);
    expect((await draft([article(cover, { pic_crop_1_1: '0.1234567_0_1_1' })])).errcode).toBe(40097);
    expect((await draft(Array.from({ length: 9 }, () => article(cover)))).errcode).toBe(45008);
    expect((await draft([])).errcode).toBe(40097);
    expect((await wx(sandbox, `/cgi-bin/draft/add?access_token=${token}`, 'not json')).errcode).toBe(47001);

    const ok = await draft([
      article(cover, {
        pic_crop_235_1: '0_0_1_1',
        content: `<p>第一段文字。</p><img src="${own.replace(/&/g, '&amp;')}"><img src="https://example.com/x.png"><script>alert(1)</script>`,
      }),
    ]);
    expect(ok.media_id).toMatch(/^[A-Za-z0-9]{43}$/);
    const submitted = await wx(sandbox, `/cgi-bin/freepublish/submit?access_token=${token}`, { media_id: ok.media_id });
    await sandbox.publishingIdle();
    const [job] = (await control(sandbox, 'publishing.state', { appId: OA_APP_ID })).publishes;
    expect(job!.publishId).toBe(submitted.publish_id);
    expect(job!.content).toContain(own.replace(/&/g, '&amp;'));
    expect(job!.content).not.toContain('example.com');
    expect(job!.content).not.toContain('<script');
    expect(job!.digest).toBe('第一段文字。');
    expect((await wx(sandbox, `/cgi-bin/freepublish/submit?access_token=${token}`, { media_id: ok.media_id })).errcode).toBe(40007);
  });

  it('runs publish_status 1 → 0 and pushes a signed, encrypted PUBLISHJOBFINISH with the article URL', async () => {
    const { sandbox, receiver, token } = await setUp();
    const cover = (await upload(sandbox, '/cgi-bin/material/add_material', token, pngBytes(40, 20), { type: 'image' })).media_id as string;
    const { media_id } = await wx(sandbox, `/cgi-bin/draft/add?access_token=${token}`, { articles: [article(cover)] });
    const submitted = await wx(sandbox, `/cgi-bin/freepublish/submit?access_token=${token}`, { media_id });
    expect(submitted).toMatchObject({ errcode: 0, errmsg: 'ok', publish_id: expect.stringMatching(/^\d+$/) });
    expect(await wx(sandbox, `/cgi-bin/freepublish/get?access_token=${token}`, { publish_id: submitted.publish_id })).toMatchObject({ publish_status: 1, fail_idx: [] });

    await sandbox.publishingIdle();
    await sandbox.deliveriesIdle();
    const got = await wx(sandbox, `/cgi-bin/freepublish/get?access_token=${token}`, { publish_id: submitted.publish_id });
    expect(got).toMatchObject({ publish_status: 0, article_detail: { count: 1, item: [{ idx: 1, article_url: expect.stringContaining(`${sandbox.url}/s/`) }] } });
    const xml = decrypt(receiver.requests.at(-1)!);
    expect(xml).toContain('<Event><![CDATA[PUBLISHJOBFINISH]]></Event>');
    expect(xml).toContain(`<ToUserName><![CDATA[${ORIGINAL_ID}]]></ToUserName>`);
    expect(xml).toContain(`<publish_id>${submitted.publish_id}</publish_id><publish_status>0</publish_status>`);
    const url = (got.article_detail as { item: { article_url: string }[] }).item[0]!.article_url;
    expect(xml).toContain(`<article_url><![CDATA[${url}]]></article_url>`);
    const page = await fetch(url);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('先看光，再按快门。');

    // A rejected job: status 4, fail_idx, no article.
    await control(sandbox, 'accounts.setFlags', { appId: OA_APP_ID, publishOutcome: 4 });
    const second = await wx(sandbox, `/cgi-bin/draft/add?access_token=${token}`, { articles: [article(cover)] });
    const rejected = await wx(sandbox, `/cgi-bin/freepublish/submit?access_token=${token}`, { media_id: second.media_id });
    await sandbox.publishingIdle();
    expect(await wx(sandbox, `/cgi-bin/freepublish/get?access_token=${token}`, { publish_id: rejected.publish_id })).toEqual({ publish_id: rejected.publish_id, publish_status: 4, fail_idx: [1] });
  });

  it('answers 48001 to an account without publishing rights (set through the control API)', async () => {
    const { sandbox, token } = await setUp();
    expect((await controlRaw(sandbox, 'accounts.setFlags', { appId: OA_APP_ID, noPublishRights: true }, 'wrong')).status).toBe(401);
    await control(sandbox, 'accounts.setFlags', { appId: OA_APP_ID, noPublishRights: true });
    const cover = (await upload(sandbox, '/cgi-bin/material/add_material', token, pngBytes(40, 20), { type: 'image' })).media_id as string;
    const { media_id } = await wx(sandbox, `/cgi-bin/draft/add?access_token=${token}`, { articles: [article(cover)] });
    const refused = await wx(sandbox, `/cgi-bin/freepublish/submit?access_token=${token}`, { media_id });
    expect(refused.errcode).toBe(48001);
    expect(refused.errmsg).toMatch(/^api unauthorized rid: /);
    expect((await control(sandbox, 'publishing.state', { appId: OA_APP_ID })).drafts).toBe(1);
  });
});

describe('template and subscribe messages', () => {
  it('sends to followers within the daily quota, de-duplicates client_msg_id, and pushes TEMPLATESENDJOBFINISH', async () => {
    const { sandbox, receiver, token } = await setUp();
    await control(sandbox, 'templates.put', { appId: OA_APP_ID, templateId: 'tmpl-live-start-01', kind: 'template', title: '直播提醒', keys: ['thing1', 'time2'] });
    await control(sandbox, 'accounts.setFlags', { appId: OA_APP_ID, templateDailyQuota: 2 });
    const openid = async (userId: string) => (await control(sandbox, 'users.openid', { appId: OA_APP_ID, userId })).openid;
    const send = (body: Record<string, unknown>) => wx(sandbox, `/cgi-bin/message/template/send?access_token=${token}`, body);
    const data = { thing1: { value: '夜景人像直播课' }, time2: { value: '2026年11月30日 20:00' } };
    const lin = await openid('lin-xiaoman');
    const zhou = await openid('zhou-yiming');

    expect((await send({ touser: lin, template_id: 'tmpl-live-start-01', data })).errcode).toBe(43004);
    for (const userId of ['lin-xiaoman', 'zhou-yiming', 'chen-siyuan']) await control(sandbox, 'events.fire', { appId: OA_APP_ID, userId, event: 'subscribe' });
    expect((await send({ touser: 'o-nobody', template_id: 'tmpl-live-start-01', data })).errcode).toBe(40003);
    expect((await send({ touser: lin, template_id: 'tmpl-unknown-01', data })).errcode).toBe(40037);
    const tooLong = await send({ touser: lin, template_id: 'tmpl-live-start-01', data: { ...data, thing1: { value: '一'.repeat(21) } } });
    expect(tooLong).toMatchObject({ errcode: 47003, errmsg: expect.stringMatching(/^argument invalid! data\.thing1\.value invalid rid: /) });
    expect((await send({ touser: lin, template_id: 'tmpl-live-start-01', data: { ...data, time2: { value: 'tonight' } } })).errcode).toBe(47003);

    const first = await send({ touser: lin, template_id: 'tmpl-live-start-01', data, client_msg_id: 'rem-1' });
    expect(first).toMatchObject({ errcode: 0, msgid: expect.any(Number) });
    expect(await send({ touser: lin, template_id: 'tmpl-live-start-01', data, client_msg_id: 'rem-1' })).toMatchObject({ errcode: 0, msgid: first.msgid });
    expect((await send({ touser: zhou, template_id: 'tmpl-live-start-01', data })).errcode).toBe(0);
    expect((await send({ touser: await openid('chen-siyuan'), template_id: 'tmpl-live-start-01', data })).errcode).toBe(45009);
    expect((await control(sandbox, 'publishing.state', { appId: OA_APP_ID })).messages).toHaveLength(2);

    await sandbox.publishingIdle();
    await sandbox.deliveriesIdle();
    const finishes = receiver.requests.map(decrypt).filter((x) => x.includes('TEMPLATESENDJOBFINISH'));
    expect(finishes).toHaveLength(2);
    expect(finishes[0]).toContain(`<MsgID>${first.msgid}</MsgID><Status><![CDATA[success]]></Status>`);

    // The quota is per Beijing day.
    await control(sandbox, 'clock.advance', { seconds: 86_400 });
    const fresh = await baseToken(sandbox);
    expect((await wx(sandbox, `/cgi-bin/message/template/send?access_token=${fresh}`, { touser: await openid('chen-siyuan'), template_id: 'tmpl-live-start-01', data })).errcode).toBe(0);
  });

  it('bizsend needs a subscribe template, a valid page and one consent per message', async () => {
    const { sandbox, receiver, token } = await setUp();
    await control(sandbox, 'templates.put', { appId: OA_APP_ID, templateId: 'sub-live-start-1', kind: 'subscribe', title: '直播提醒', keys: ['thing1', 'time2'] });
    const lin = (await control(sandbox, 'users.openid', { appId: OA_APP_ID, userId: 'lin-xiaoman' })).openid;
    const data = { thing1: { value: '夜景人像' }, time2: { value: '20:00' } };
    const send = (body: Record<string, unknown>) => wx(sandbox, `/cgi-bin/message/subscribe/bizsend?access_token=${token}`, body);
    expect((await send({ touser: lin, template_id: 'sub-live-start-1', data })).errcode).toBe(43101);
    await control(sandbox, 'subscriptions.grant', { appId: OA_APP_ID, userId: 'lin-xiaoman', templateId: 'sub-live-start-1' });
    expect((await send({ touser: lin, template_id: 'sub-live-start-1', data, page: 'not a url' })).errcode).toBe(41030);
    expect(await send({ touser: lin, template_id: 'sub-live-start-1', data, page: 'https://example.com/live' })).toMatchObject({ errcode: 0 });
    expect((await send({ touser: lin, template_id: 'sub-live-start-1', data })).errcode).toBe(43101);
    await sandbox.publishingIdle();
    await sandbox.deliveriesIdle();
    expect(decrypt(receiver.requests.at(-1)!)).toContain('<Event><![CDATA[subscribe_msg_sent_event]]></Event>');
  });
});
