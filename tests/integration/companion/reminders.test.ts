/**
 * Live reminders on the companion against the sandbox: buyers come from WeChat Pay enrolments (paid on the sandbox
 * phone); template messages reach followers only; subscribe messages need a consent and their outcome arrives as
 * subscribe_msg_sent_event; nothing goes out after the start; cancelling and roles.
 */
import { describe, expect, it } from 'vitest';
import { call, ok, openCompanion, pairMember, pairOwner } from '../../helpers/companion';
import { COURSE, eventually, payByPhone } from '../../helpers/companion-pay';
import { API_V3_KEY, MCH_ID, MCH_SERIAL, TEST_PRIVATE_KEY_PEM, startPaySandbox } from '../../helpers/pay';
import { AES_KEY, OA_APP_ID, OA_SECRET, PUSH_TOKEN, control, officialAccount } from '../../helpers/sandbox';

async function setUp(buyers: string[]) {
  const { sandbox, platform } = await startPaySandbox({ payTimeScale: 0.001, payNotifyTimeoutMs: 3000, pushTimeoutMs: 3000, publishDelayMs: 10 }, { verification: 'publicKey' });
  const companion = await openCompanion({
    listen: true,
    config: { sandbox: true, sandboxUrl: sandbox.url, wechat: { officialAccount: { appId: OA_APP_ID, messageMode: 'safe' } } },
    deps: { now: () => new Date(sandbox.clock.now()), pay: { retry: { baseDelayMs: 1, maxDelayMs: 5 }, reconcileOnStart: false }, reminderTickMs: 20 },
  });
  const owner = await pairOwner(companion.app);
  await ok(companion.app, 'secrets.put', owner, { body: { officialAccount: { appSecret: OA_SECRET, token: PUSH_TOKEN, encodingAesKey: AES_KEY } } });
  await ok(companion.app, 'pay.updateSettings', owner, {
    body: { mchId: MCH_ID, merchantSerialNo: MCH_SERIAL, merchantPrivateKeyPem: TEST_PRIVATE_KEY_PEM, apiV3Key: API_V3_KEY, verifyMode: 'publicKey', publicKeyId: platform.publicKeyId, publicKeyPem: platform.publicKeyPem },
  });
  sandbox.putApp(officialAccount({ push: { url: `${companion.url}/wechat/events`, token: PUSH_TOKEN, encodingAesKey: AES_KEY, mode: 'safe' } }));
  for (const userId of buyers) {
    const { payment } = await ok(companion.app, 'orders.create', owner, { body: { kind: 'native', items: [COURSE] } });
    if (payment.kind !== 'native') throw new Error('expected a native order');
    await payByPhone(sandbox, payment.codeUrl, userId);
  }
  await eventually(() => ok(companion.app, 'enrolments.list', owner, { query: { courseId: COURSE.courseId } }), (e) => e.total === buyers.length, 10_000);
  return { sandbox, companion, owner };
}

const reminder = (startsAt: string, extra: Record<string, unknown> = {}) => ({
  courseId: COURSE.courseId,
  courseTitle: COURSE.title,
  kind: 'template' as const,
  templateId: 'tmpl-live-start-01',
  data: { thing1: '写作训练营', time2: '20:00' },
  startsAt,
  leadMinutes: 60,
  ...extra,
});

describe('live reminders', () => {
  it('send template messages to following buyers only and record TEMPLATESENDJOBFINISH', async () => {
    const { sandbox, companion, owner } = await setUp(['lin-xiaoman', 'zhou-yiming']);
    await control(sandbox, 'templates.put', { appId: OA_APP_ID, templateId: 'tmpl-live-start-01', kind: 'template', title: '直播提醒', keys: ['thing1', 'time2'] });
    await control(sandbox, 'events.fire', { appId: OA_APP_ID, userId: 'lin-xiaoman', event: 'subscribe' });
    const viewer = await pairMember(companion.app, owner, 'viewer');
    const startsAt = new Date(sandbox.clock.now() + 2 * 3600_000).toISOString();
    expect((await call(companion.app, 'reminders.create', viewer.token, { body: reminder(startsAt) })).status).toBe(403);
    expect((await call(companion.app, 'reminders.create', owner, { body: reminder(new Date(sandbox.clock.now() - 1000).toISOString()) })).status).toBe(400);

    const created = await ok(companion.app, 'reminders.create', owner, { body: reminder(startsAt) });
    expect(created).toMatchObject({ state: 'scheduled', sendAt: new Date(Date.parse(startsAt) - 3600_000).toISOString() });
    // Asked again (a double click): the same schedule, not a second message per buyer.
    expect((await ok(companion.app, 'reminders.create', owner, { body: reminder(startsAt) })).id).toBe(created.id);
    await control(sandbox, 'clock.advance', { seconds: 3600 + 30 });
    const done = await eventually(
      async () => (await ok(companion.app, 'reminders.list', viewer.token, { query: { courseId: COURSE.courseId } })).items[0]!,
      (r) => r.state === 'done' && r.counts.delivered === 1,
      10_000,
    );
    expect(done.counts).toMatchObject({ delivered: 1, notFollowing: 1, sent: 0 });
    expect(done.recipients.find((r) => r.state === 'notFollowing')).toMatchObject({ errcode: 43004 });
    expect(done.recipients.find((r) => r.state === 'delivered')).toMatchObject({ status: 'success' });
    const messages = (await control(sandbox, 'publishing.state', { appId: OA_APP_ID })).messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]!.data).toEqual({ thing1: '写作训练营', time2: '20:00' });
  });

  it('send subscribe messages to buyers who consented; nothing after the start; a cancelled one stays silent', async () => {
    const { sandbox, companion, owner } = await setUp(['lin-xiaoman', 'zhou-yiming']);
    await control(sandbox, 'templates.put', { appId: OA_APP_ID, templateId: 'sub-live-start-1', kind: 'subscribe', title: '直播提醒', keys: ['thing1', 'time2'] });
    await control(sandbox, 'subscriptions.grant', { appId: OA_APP_ID, userId: 'zhou-yiming', templateId: 'sub-live-start-1' });
    const startsAt = new Date(sandbox.clock.now() + 2 * 3600_000).toISOString();
    const sub = await ok(companion.app, 'reminders.create', owner, { body: reminder(startsAt, { kind: 'subscribe', templateId: 'sub-live-start-1', url: 'https://example.com/live' }) });
    const cancelled = await ok(companion.app, 'reminders.create', owner, { body: reminder(startsAt, { kind: 'subscribe', templateId: 'sub-live-start-1', leadMinutes: 30 }) });
    expect(await ok(companion.app, 'reminders.cancel', owner, { params: { id: cancelled.id } })).toMatchObject({ state: 'cancelled' });

    await control(sandbox, 'clock.advance', { seconds: 3600 + 30 });
    const done = await eventually(
      async () => (await ok(companion.app, 'reminders.list', owner, { query: { courseId: COURSE.courseId } })).items.find((r) => r.id === sub.id)!,
      (r) => r.state === 'done' && r.counts.delivered === 1,
      10_000,
    );
    expect(done.counts).toMatchObject({ delivered: 1, notSubscribed: 1 });

    // A reminder whose send time falls after the start (the companion was away): nobody is reminded late.
    const late = await ok(companion.app, 'reminders.create', owner, { body: reminder(new Date(sandbox.clock.now() + 600_000).toISOString(), { leadMinutes: 5 }) });
    await companion.app.publishing.reminders.stop();
    await control(sandbox, 'clock.advance', { seconds: 3600 });
    await companion.app.publishing.reminders.runDue();
    const missed = (await ok(companion.app, 'reminders.list', owner, { query: { courseId: COURSE.courseId } })).items.find((r) => r.id === late.id)!;
    expect(missed).toMatchObject({ state: 'done', counts: expect.objectContaining({ missed: 2, sent: 0, delivered: 0 }) });
    expect((await ok(companion.app, 'reminders.list', owner, { query: { courseId: COURSE.courseId } })).items.find((r) => r.id === cancelled.id)!.counts.sent).toBe(0);
    expect((await control(sandbox, 'publishing.state', { appId: OA_APP_ID })).messages).toHaveLength(1);
  });
});
