/**
 * Event push delivery to a real local receiver (§5.2, §5.3). The receiver checks signatures and decrypts with a few
 * lines of node:crypto written from the spec — not the sandbox's code.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../../electron/sandbox/index';
import {
  AES_KEY,
  OA_APP_ID,
  ORIGINAL_ID,
  PUSH_TOKEN,
  baseToken,
  control,
  controlRaw,
  officialAccount,
  startLocalServer,
  startSandbox,
  wx,
  type ReceivedRequest,
} from '../../helpers/sandbox';

const sha1 = (...parts: string[]) => createHash('sha1').update(parts.sort().join('')).digest('hex');

/** The plaintext XML of a push, after checking it the way a receiver should (§5.1, §5.5). */
function open(req: ReceivedRequest, mode: 'plain' | 'compatible' | 'safe'): string {
  const q = req.url.searchParams;
  const [timestamp, nonce] = [q.get('timestamp')!, q.get('nonce')!];
  expect(q.get('signature')).toBe(sha1(PUSH_TOKEN, timestamp, nonce));
  expect(q.get('openid')).toMatch(/^o/);
  if (mode === 'plain') {
    expect(q.has('encrypt_type')).toBe(false);
    return req.body;
  }
  expect(q.get('encrypt_type')).toBe('aes');
  const encrypt = /<Encrypt><!\[CDATA\[([A-Za-z0-9+/=]+)\]\]><\/Encrypt>/.exec(req.body)![1]!;
  expect(q.get('msg_signature')).toBe(sha1(PUSH_TOKEN, timestamp, nonce, encrypt));
  const key = Buffer.from(`${AES_KEY}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  const plain = padded.subarray(0, padded.length - padded[padded.length - 1]!);
  const length = plain.readUInt32BE(16);
  expect(plain.subarray(20 + length).toString()).toBe(OA_APP_ID);
  return plain.subarray(20, 20 + length).toString();
}

const field = (xml: string, name: string) => new RegExp(`<${name}>(?:<!\\[CDATA\\[)?(.*?)(?:\\]\\]>)?</${name}>`).exec(xml)?.[1];

async function setup(mode: 'plain' | 'compatible' | 'safe', answer: (index: number) => string | null, options: SandboxOptions = {}) {
  const receiver = await startLocalServer((_req, res, index) => {
    const body = answer(index);
    if (body === null) return; // never answer: the sandbox must time out
    if (body.startsWith('HTTP ')) res.writeHead(Number(body.slice(5))).end();
    else res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  const push = { url: `${receiver.url}/wechat/events`, token: PUSH_TOKEN, mode, encodingAesKey: AES_KEY };
  const sandbox = await startSandbox({ apps: [officialAccount({ push })], ...options });
  return { sandbox, receiver };
}

async function ticketFor(sandbox: Sandbox, scene: string): Promise<string> {
  const token = await baseToken(sandbox);
  const answer = await wx(sandbox, `/cgi-bin/qrcode/create?access_token=${encodeURIComponent(token)}`, {
    expire_seconds: 600,
    action_name: 'QR_STR_SCENE',
    action_info: { scene: { scene_str: scene } },
  });
  return answer.ticket as string;
}

async function lastDelivery(sandbox: Sandbox) {
  await sandbox.deliveriesIdle();
  return (await control(sandbox, 'deliveries.list')).items.at(-1)!;
}

describe('event push delivery', () => {
  it.each(['plain', 'safe', 'compatible'] as const)('%s mode: signed (and encrypted) as the spec says, one attempt on success', async (mode) => {
    const { sandbox, receiver } = await setup(mode, () => 'success');
    const ticket = await ticketFor(sandbox, 'poster-7');
    const fired = await control(sandbox, 'events.fire', { appId: OA_APP_ID, userId: 'lin-xiaoman', event: 'subscribe', ticket });
    expect(fired.event).toBe('subscribe');
    const delivery = await lastDelivery(sandbox);
    expect(delivery).toMatchObject({ id: fired.deliveryId, done: true, delivered: true, event: 'subscribe' });
    expect(delivery.attempts).toHaveLength(1);
    expect(receiver.requests).toHaveLength(1);

    const xml = open(receiver.requests[0]!, mode);
    expect(field(xml, 'ToUserName')).toBe(ORIGINAL_ID);
    expect(field(xml, 'FromUserName')).toBe(receiver.requests[0]!.url.searchParams.get('openid'));
    expect(field(xml, 'Event')).toBe('subscribe');
    expect(field(xml, 'EventKey')).toBe('qrscene_poster-7');
    expect(field(xml, 'Ticket')).toBe(ticket);
    if (mode === 'safe') expect(field(receiver.requests[0]!.body, 'Event')).toBeUndefined();
    if (mode === 'compatible') expect(field(receiver.requests[0]!.body, 'Event')).toBe('subscribe');
  });

  it('follow state decides subscribe (qrscene_) or SCAN; unsubscribe, plain follow, CLICK and VIEW', async () => {
    const { sandbox, receiver } = await setup('plain', () => '');
    const ticket = await ticketFor(sandbox, 'funnel-3');
    const fire = async (body: Parameters<typeof control<'events.fire'>>[2]) => {
      await control(sandbox, 'events.fire', body);
      await sandbox.deliveriesIdle();
      return receiver.requests.at(-1)!.body;
    };
    const user = { appId: OA_APP_ID, userId: 'zhou-yiming' };
    expect(field(await fire({ ...user, event: 'SCAN', ticket }), 'EventKey')).toBe('qrscene_funnel-3');
    const scan = await fire({ ...user, event: 'subscribe', ticket });
    expect([field(scan, 'Event'), field(scan, 'EventKey'), field(scan, 'Ticket')]).toEqual(['SCAN', 'funnel-3', ticket]);
    expect(await controlRaw(sandbox, 'events.fire', { ...user, event: 'subscribe' })).toMatchObject({ status: 409 });

    expect(field(await fire({ ...user, event: 'unsubscribe' }), 'Event')).toBe('unsubscribe');
    expect(await controlRaw(sandbox, 'events.fire', { ...user, event: 'unsubscribe' })).toMatchObject({ status: 409 });
    const plainFollow = await fire({ ...user, event: 'subscribe' });
    expect([field(plainFollow, 'Event'), field(plainFollow, 'EventKey')]).toEqual(['subscribe', undefined]);

    expect(field(await fire({ ...user, event: 'CLICK', eventKey: 'MENU_COURSES' }), 'EventKey')).toBe('MENU_COURSES');
    const view = await fire({ ...user, event: 'VIEW', eventKey: 'https://example.com/course/1' });
    expect(field(view, 'EventKey')).toBe('https://example.com/course/1');
    expect(field(view, 'MenuId')).toMatch(/^\d+$/);
    expect(await controlRaw(sandbox, 'events.fire', { ...user, event: 'CLICK' })).toMatchObject({ status: 400 });
  });

  it('retries on non-success answers, 3 attempts in total, resending the same message', async () => {
    const { sandbox, receiver } = await setup('safe', (i) => ['HTTP 500', 'not ok', 'success'][i] ?? 'success');
    await control(sandbox, 'events.fire', { appId: OA_APP_ID, userId: 'lin-xiaoman', event: 'subscribe' });
    const delivery = await lastDelivery(sandbox);
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 200, 200]);
    expect(delivery.attempts[1]!.body).toBe('not ok');
    expect(delivery).toMatchObject({ done: true, delivered: true });
    const bodies = receiver.requests.map((r) => open(r, 'safe'));
    expect(new Set(bodies).size).toBe(1);
  });

  it('gives up after 3 attempts when the receiver never says success', async () => {
    const { sandbox, receiver } = await setup('plain', () => 'fail');
    await control(sandbox, 'events.fire', { appId: OA_APP_ID, userId: 'lin-xiaoman', event: 'subscribe' });
    const delivery = await lastDelivery(sandbox);
    expect(delivery).toMatchObject({ done: true, delivered: false });
    expect(delivery.attempts).toHaveLength(3);
    expect(receiver.requests).toHaveLength(3);
  });

  it('counts an attempt as failed when the receiver does not answer in time, then retries', async () => {
    const { sandbox, receiver } = await setup('plain', (i) => (i === 0 ? null : 'success'), { pushTimeoutMs: 300 });
    await control(sandbox, 'events.fire', { appId: OA_APP_ID, userId: 'lin-xiaoman', event: 'subscribe' });
    const delivery = await lastDelivery(sandbox);
    expect(delivery.attempts).toHaveLength(2);
    expect(delivery.attempts[0]).toMatchObject({ status: null, error: expect.stringContaining('timeout') });
    expect(delivery).toMatchObject({ done: true, delivered: true });
    expect(receiver.requests).toHaveLength(2);
  });

  it('the phone scanning an account QR: 关注 pushes subscribe with the scene, a second scan pushes SCAN', async () => {
    const { sandbox, receiver } = await setup('safe', () => 'success');
    const token = await baseToken(sandbox);
    const qr = await wx(sandbox, `/cgi-bin/qrcode/create?access_token=${encodeURIComponent(token)}`, {
      action_name: 'QR_LIMIT_SCENE',
      action_info: { scene: { scene_id: 99 } },
    });
    const scan = await control(sandbox, 'phone.scan', { userId: 'chen-siyuan', url: qr.url as string });
    expect(scan).toMatchObject({ step: 'consent', consent: 'follow', appName: '小满读书会' });
    await control(sandbox, 'phone.decide', { sessionId: scan.sessionId, allow: true });
    await sandbox.deliveriesIdle();
    expect(field(open(receiver.requests[0]!, 'safe'), 'EventKey')).toBe('qrscene_99');

    expect(await control(sandbox, 'phone.scan', { userId: 'chen-siyuan', url: qr.url as string })).toMatchObject({ step: 'done' });
    await sandbox.deliveriesIdle();
    const again = open(receiver.requests[1]!, 'safe');
    expect([field(again, 'Event'), field(again, 'EventKey')]).toEqual(['SCAN', '99']);
  });

  it('refuses events for apps without push settings and unknown users', async () => {
    const sandbox = await startSandbox();
    expect(await controlRaw(sandbox, 'events.fire', { appId: OA_APP_ID, userId: 'lin-xiaoman', event: 'subscribe' })).toMatchObject({ status: 409 });
    expect(await controlRaw(sandbox, 'events.fire', { appId: 'wx0000000000000000', userId: 'lin-xiaoman', event: 'subscribe' })).toMatchObject({ status: 404 });
  });
});
