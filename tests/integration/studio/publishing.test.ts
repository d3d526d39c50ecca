/**
 * Publishing, live reminders and the offline cache, end to end: a studio host paired (as an editor) with a team
 * companion on loopback, which talks to a real WeChat sandbox — uploads, drafts, publish jobs and the signed,
 * encrypted PUBLISHJOBFINISH / TEMPLATESENDJOBFINISH pushes back to the companion's /wechat/events.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MethodInput, MethodOutput } from '../../../shared/contract/index';
import type { Course } from '../../../shared/domain/course';
import { SecretBox, keyFileSealer } from '../../../electron/studio/companion-link/secret-box';
import type { StudioHost } from '../../../electron/studio/host';
import { ok, openCompanion, pairMember, pairOwner } from '../../helpers/companion';
import { eventually, payByPhone } from '../../helpers/companion-pay';
import { callError, callOk, openHost, recordEvents } from '../../helpers/host';
import { pngBytes } from '../../helpers/images';
import { API_V3_KEY, MCH_ID, MCH_SERIAL, TEST_PRIVATE_KEY_PEM, startPaySandbox } from '../../helpers/pay';
import { AES_KEY, OA_APP_ID, OA_SECRET, PUSH_TOKEN, WEB_APP_ID, control, officialAccount } from '../../helpers/sandbox';
import { tempDir } from '../../helpers/temp-dir';
import { cliLauncher, companionState } from '../../helpers/embedded';

/** Sandbox (official account with safe-mode pushes, test merchant) ↔ companion ↔ studio host paired as an editor. */
async function setUp() {
  const { sandbox, platform } = await startPaySandbox({ payTimeScale: 0.001, payNotifyTimeoutMs: 3000, pushTimeoutMs: 3000, publishDelayMs: 20 }, { verification: 'publicKey' });
  const c = await openCompanion({
    listen: true,
    config: { sandbox: true, sandboxUrl: sandbox.url, wechat: { officialAccount: { appId: OA_APP_ID, messageMode: 'safe' }, websiteApp: { appId: WEB_APP_ID } } },
    deps: { now: () => new Date(sandbox.clock.now()), pay: { retry: { baseDelayMs: 1, maxDelayMs: 5 }, reconcileOnStart: false }, reminderTickMs: 30 },
  });
  const owner = await pairOwner(c.app);
  await ok(c.app, 'secrets.put', owner, { body: { officialAccount: { appSecret: OA_SECRET, token: PUSH_TOKEN, encodingAesKey: AES_KEY } } });
  await ok(c.app, 'pay.updateSettings', owner, {
    body: { mchId: MCH_ID, merchantSerialNo: MCH_SERIAL, merchantPrivateKeyPem: TEST_PRIVATE_KEY_PEM, apiV3Key: API_V3_KEY, verifyMode: 'publicKey', publicKeyId: platform.publicKeyId, publicKeyPem: platform.publicKeyPem },
  });
  sandbox.putApp(officialAccount({ push: { url: `${c.url}/wechat/events`, token: PUSH_TOKEN, encodingAesKey: AES_KEY, mode: 'safe' } }));
  const editor = await pairMember(c.app, owner, 'editor');

  const dataDir = tempDir();
  fs.writeFileSync(path.join(dataDir, 'companion-link.json'), JSON.stringify({ oaAppId: OA_APP_ID, webAppId: WEB_APP_ID, mode: 'remote', remoteUrl: c.url }));
  new SecretBox<Record<string, string>>(dataDir, keyFileSealer(dataDir)).update({ remoteDeviceToken: editor.token });
  const host = openHost(dataDir, { companion: { launcher: cliLauncher, sealer: keyFileSealer(dataDir) } });
  await companionState(host, 'ready');
  return { sandbox, c, owner, host, dataDir };
}

function saveInput(course: Course, changes: Partial<MethodInput<'courses.save'>>): MethodInput<'courses.save'> {
  const { version, createdAt: _c, updatedAt: _u, ...document } = course;
  return { ...document, baseVersion: version, ...changes };
}

const importImage = (host: StudioHost, name: string, bytes: Buffer) => callOk(host, 'media.importImage', { fileName: name, dataBase64: bytes.toString('base64') });

/** A course with a 2.35:1 cover, its crop, one chapter of one lesson whose body shows a local image. */
let outlineIds = 0;
async function publishableCourse(host: StudioHost, title = '手机摄影入门', lessonTitle = '构图的三个习惯') {
  // Outline ids are unique across a workspace.
  const n = ++outlineIds;
  const lessonId = `l${n}`;
  const cover = await importImage(host, 'cover.png', pngBytes(470, 200, { shade: 0x30 }));
  const figure = await importImage(host, 'figure.png', pngBytes(120, 80, { shade: 0x90 }));
  const created = await callOk(host, 'courses.create', { title, summary: '用手机拍出好照片：构图、光线与后期。' });
  const course = await callOk(
    host,
    'courses.save',
    saveInput(created, {
      coverHash: cover.hash,
      coverCrops: { crop235: { x1: 0, y1: 0, x2: 1, y2: 1 }, crop11: null, focus: null },
      chapters: [{ id: `ch${n}`, title: '第一章 构图', lessons: [{ id: lessonId, title: lessonTitle }] }],
    }),
  );
  await callOk(host, 'lessons.saveBody', {
    courseId: course.id,
    lessonId,
    baseVersion: 0,
    html: `<p>先看光，再按快门。</p><figure><img src="studio-media:${figure.hash}" alt="示例"></figure>`,
  });
  return { course, figure, lessonId };
}

async function publishedJob(host: StudioHost, courseId: string, state: string) {
  return eventually(
    async () => (await callOk(host, 'publish.status', { courseId })).job,
    (job) => job?.state === state,
    15_000,
  );
}

describe('publishing a course to the official account', () => {
  it('uploads the cover and body image, drafts, submits, follows PUBLISHJOBFINISH to the article URL', async () => {
    const { sandbox, host } = await setUp();
    const events = recordEvents(host);
    const { course, figure, lessonId } = await publishableCourse(host);

    const started = await callOk(host, 'publish.start', { courseId: course.id });
    expect(started).toMatchObject({ courseId: course.id, state: 'uploading', articleUrl: null, error: null });
    const job = await publishedJob(host, course.id, 'published');
    expect(job!.articleUrl).toMatch(new RegExp(`^${sandbox.url}/s/[A-Za-z0-9]+_1$`));
    expect(job!.publishStatus).toBe(0);
    expect(events.some((e) => e.event === 'publish.changed' && (e.payload as { job: { state: string } }).job.state === 'published')).toBe(true);

    // WeChat's side: one cover material, one body image, the draft left the box, the article's images are WeChat's.
    const state = await control(sandbox, 'publishing.state', { appId: OA_APP_ID });
    expect(state).toMatchObject({ materials: 1, bodyImages: 1, drafts: 0 });
    expect(state.publishes).toHaveLength(1);
    const content = state.publishes[0]!.content;
    expect(content).not.toContain('studio-media:');
    const uploadedUrl = /<img[^>]*src="([^"]+)"/.exec(content)?.[1]?.replace(/&amp;/g, '&');
    expect(uploadedUrl).toMatch(/^http:\/\/mmbiz\.qpic\.cn\/sz_mmbiz_png\//);
    expect(content).toContain('<h3>构图的三个习惯</h3>');

    // The article URL opens the published article.
    const page = await fetch(job!.articleUrl!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('手机摄影入门');

    // The body image is marked uploaded with its URL; a snapshot was taken before publishing.
    const body = await callOk(host, 'lessons.getBody', { courseId: course.id, lessonId });
    expect(body.images).toEqual([expect.objectContaining({ hash: figure.hash, uploadState: 'uploaded' })]);
    const versions = await callOk(host, 'versions.list', { courseId: course.id });
    expect(versions.items.map((v) => v.reason)).toContain('beforeSync');

    // Publishing again reuses the uploaded body image: only a new cover goes up.
    await callOk(host, 'publish.start', { courseId: course.id });
    await eventually(
      async () => (await control(sandbox, 'publishing.state', { appId: OA_APP_ID })).publishes.length,
      (n) => n === 2,
      15_000,
    );
    const again = await control(sandbox, 'publishing.state', { appId: OA_APP_ID });
    expect(again).toMatchObject({ materials: 2, bodyImages: 1 });
    expect(again.publishes[1]!.content).toContain(uploadedUrl!.replace(/&/g, '&amp;'));
  });

  it('a studio restarted while a job runs follows it to the end by itself', async () => {
    const { host, dataDir } = await setUp();
    const { course, lessonId } = await publishableCourse(host);
    await callOk(host, 'publish.start', { courseId: course.id });
    await host.close();

    const again = openHost(dataDir, { companion: { launcher: cliLauncher, sealer: keyFileSealer(dataDir) } });
    const events = recordEvents(again);
    await eventually(
      async () => events.filter((e) => e.event === 'publish.changed').map((e) => (e.payload as { job: { state: string } }).job.state),
      (states) => states.includes('published'),
      15_000,
    );
    const body = await callOk(again, 'lessons.getBody', { courseId: course.id, lessonId });
    expect(body.images.map((i) => i.uploadState)).toEqual(['uploaded']);
  });

  it('ends in noPublishRights on 48001 and offers a paste-ready export', async () => {
    const { sandbox, host } = await setUp();
    await control(sandbox, 'accounts.setFlags', { appId: OA_APP_ID, noPublishRights: true });
    const { course, figure, lessonId } = await publishableCourse(host);
    await callOk(host, 'publish.start', { courseId: course.id });
    const job = await publishedJob(host, course.id, 'noPublishRights');
    expect(job!.error).toMatchObject({ code: 'NO_PUBLISH_RIGHTS', errcode: 48001 });
    // The body image did reach WeChat before the refusal: it stays uploaded for the next attempt.
    expect((await callOk(host, 'lessons.getBody', { courseId: course.id, lessonId })).images.map((i) => i.uploadState)).toEqual(['uploaded']);
    expect(job!.articleUrl).toBeNull();
    expect((await control(sandbox, 'publishing.state', { appId: OA_APP_ID })).publishes).toEqual([]);

    const exported = await callOk(host, 'publish.export', { courseId: course.id });
    expect(exported.html).toContain('<h1>手机摄影入门</h1>');
    expect(exported.html).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]{40,}"/);
    expect(exported.html).not.toContain('studio-media:');
    expect(exported.images).toEqual([{ hash: figure.hash, mime: 'image/png', size: expect.any(Number) }]);
    expect(exported.explanation.zh).toContain('48001');
    expect(exported.explanation.en).toContain('48001');
  });

  it('stops at the compliance gate before anything is uploaded', async () => {
    const { sandbox, c, owner, host } = await setUp();
    const { course } = await publishableCourse(host, '摄影私房课', '私下出售冰毒的渠道');
    const refused = await callError(host, 'publish.start', { courseId: course.id });
    expect(refused.code).toBe('COMPLIANCE_BLOCKED');
    expect(refused.fields!.length).toBeGreaterThan(0);
    expect(await control(sandbox, 'publishing.state', { appId: OA_APP_ID })).toEqual({ materials: 0, bodyImages: 0, drafts: 0, publishes: [], messages: [] });
    const calls = (await ok(c.app, 'audit.list', owner, { query: { limit: 500 } })).items.map((e) => e.apiPath);
    expect(calls.filter((p) => p.startsWith('/cgi-bin/material') || p.startsWith('/cgi-bin/media') || p.startsWith('/cgi-bin/draft'))).toEqual([]);
    expect((await callOk(host, 'publish.status', { courseId: course.id })).job).toBeNull();
  });
});

describe('rescheduling live reminders', () => {
  it('is idempotent, and after the session moved replaces the reminders of the old start', async () => {
    const { sandbox, host } = await setUp();
    const first = new Date(sandbox.clock.now() + 3 * 86_400_000).toISOString();
    const created = await callOk(host, 'courses.create', { title: '周末直播', type: 'live' });
    const details = created.typeDetails as Record<string, unknown>;
    const live = await callOk(host, 'courses.save', saveInput(created, { typeDetails: { ...details, startAt: first, reminders: ['1d', '1h'] } as Course['typeDetails'] }));
    const a = await callOk(host, 'reminders.schedule', { courseId: live.id, kind: 'template', templateId: 'tmpl-live-start-01' });
    const again = await callOk(host, 'reminders.schedule', { courseId: live.id, kind: 'template', templateId: 'tmpl-live-start-01' });
    expect(again.items.map((r) => r.id)).toEqual(a.items.map((r) => r.id));

    const moved = new Date(Date.parse(first) + 86_400_000).toISOString();
    await callOk(host, 'courses.save', saveInput(live, { typeDetails: { ...details, startAt: moved, reminders: ['1d', '1h'] } as Course['typeDetails'] }));
    const b = await callOk(host, 'reminders.schedule', { courseId: live.id, kind: 'template', templateId: 'tmpl-live-start-01' });
    const all = (await callOk(host, 'reminders.list', { courseId: live.id })).items;
    expect(all.filter((r) => r.state === 'cancelled').map((r) => r.id).sort()).toEqual(a.items.map((r) => r.id).sort());
    expect(all.filter((r) => r.state === 'scheduled').map((r) => r.id).sort()).toEqual(b.items.map((r) => r.id).sort());
    expect(b.items.every((r) => r.startsAt === moved)).toBe(true);
    expect(await callError(host, 'reminders.schedule', { courseId: live.id, kind: 'template', templateId: 'bad id!' })).toMatchObject({
      code: 'INVALID_INPUT',
      fields: [{ path: 'templateId', code: 'templateId.invalid' }],
    });
  });
});

/** The next midnight in Beijing time after `ms`. */
function nextBeijingMidnight(ms: number): number {
  const day = 86_400_000;
  const offset = 8 * 3_600_000;
  return Math.floor((ms + offset) / day) * day + day - offset;
}

describe('live reminders and the offline cache', () => {
  it('reminds buyers within the daily quota, records TEMPLATESENDJOBFINISH, and reads orders offline', async () => {
    const { sandbox, c, host, dataDir } = await setUp();
    // The host pulls the team's data as soon as the companion is ready.
    await eventually(
      async () => (await callOk(host, 'insights.get', {})).cachedAt,
      (at) => at !== null,
      10_000,
    );
    const buyers = ['lin-xiaoman', 'zhou-yiming', 'chen-siyuan'];
    for (const userId of buyers) await control(sandbox, 'events.fire', { appId: OA_APP_ID, userId, event: 'subscribe' });
    await control(sandbox, 'templates.put', { appId: OA_APP_ID, templateId: 'tmpl-live-start-01', kind: 'template', title: '直播开始提醒', keys: ['thing1', 'time2'] });
    await control(sandbox, 'accounts.setFlags', { appId: OA_APP_ID, templateDailyQuota: 2 });

    // A live session at noon Beijing time, two days after the next midnight; reminded a day ahead.
    const startAt = new Date(nextBeijingMidnight(sandbox.clock.now()) + 2 * 86_400_000 + 12 * 3_600_000).toISOString();
    const created = await callOk(host, 'courses.create', { title: '夜景人像直播课', type: 'live', priceFen: 990 });
    const live = await callOk(
      host,
      'courses.save',
      saveInput(created, { typeDetails: { ...(created.typeDetails as object), startAt, reminders: ['1d'] } as Course['typeDetails'], chapters: [{ id: 'c1', title: '直播', lessons: [{ id: 'l1', title: '现场' }] }] }),
    );
    for (const userId of buyers) {
      const order = await callOk(host, 'orders.create', { courseIds: [live.id] });
      if (order.payment.kind !== 'native') throw new Error('expected a native order');
      await payByPhone(sandbox, order.payment.codeUrl, userId);
    }
    await eventually(
      async () => (await callOk(host, 'orders.list', {})).items.filter((o) => o.state === 'SUCCESS').length,
      (n) => n === 3,
      15_000,
    );

    // A subscribe-message reminder scheduled by mistake is cancelled before it goes out.
    const mistaken = await callOk(host, 'reminders.schedule', { courseId: live.id, kind: 'subscribe', templateId: 'sub-not-this-one' });
    expect(await callOk(host, 'reminders.cancel', { id: mistaken.items[0]!.id })).toMatchObject({ state: 'cancelled' });
    const scheduled = await callOk(host, 'reminders.schedule', { courseId: live.id, kind: 'template', templateId: 'tmpl-live-start-01' });
    expect(scheduled.items).toHaveLength(1);
    expect(scheduled.items[0]).toMatchObject({ state: 'scheduled', startsAt: startAt, sendAt: new Date(Date.parse(startAt) - 86_400_000).toISOString() });

    // The send time comes: two go out, the third meets the daily quota and waits for midnight.
    await control(sandbox, 'clock.advance', { seconds: Math.ceil((Date.parse(scheduled.items[0]!.sendAt) - sandbox.clock.now()) / 1000) + 60 });
    const waiting = await eventually(
      async () => (await callOk(host, 'reminders.list', { courseId: live.id })).items.find((r) => r.id === scheduled.items[0]!.id)!,
      (r) => r.state === 'quotaWait' && r.counts.delivered === 2,
      15_000,
    );
    expect(waiting.counts).toMatchObject({ delivered: 2, quotaWait: 1, sent: 0, failed: 0 });
    expect(waiting.retryAt).toBe(new Date(nextBeijingMidnight(sandbox.clock.now())).toISOString());
    const sent = (await control(sandbox, 'publishing.state', { appId: OA_APP_ID })).messages;
    expect(sent).toHaveLength(2);
    expect(sent[0]!.data).toEqual({ thing1: '夜景人像直播课', time2: expect.stringMatching(/^\d{4}年\d{1,2}月\d{1,2}日 12:00$/) });

    // After midnight (still before the start) the last buyer is reminded too.
    await control(sandbox, 'clock.advance', { seconds: Math.ceil((Date.parse(waiting.retryAt!) - sandbox.clock.now()) / 1000) + 60 });
    const done = await eventually(
      async () => (await callOk(host, 'reminders.list', { courseId: live.id })).items.find((r) => r.id === scheduled.items[0]!.id)!,
      (r) => r.state === 'done' && r.counts.delivered === 3,
      15_000,
    );
    expect(done.counts.quotaWait).toBe(0);
    expect((await control(sandbox, 'publishing.state', { appId: OA_APP_ID })).messages).toHaveLength(3);

    // Back into the studio: pulled, then readable with the companion gone.
    const cached = await callOk(host, 'insights.refresh', {});
    expect(cached.orders.filter((o) => o.state === 'SUCCESS')).toHaveLength(3);
    expect(cached.sales).toEqual([expect.objectContaining({ courseId: live.id, paidOrders: 3, buyers: 3, grossFen: 2970 })]);
    expect(cached.facts.filter((f) => f.kind === 'follow')).toHaveLength(3);
    expect(cached.facts.filter((f) => f.kind === 'purchase').map((f) => f.courseIds)).toEqual([[live.id], [live.id], [live.id]]);

    await c.app.close();
    const offline: MethodOutput<'orders.list'> = await callOk(host, 'orders.list', { courseId: live.id });
    expect(offline.cachedAt).toBe(cached.cachedAt);
    expect(offline.items).toHaveLength(3);
    expect(offline.revenue).toEqual([expect.objectContaining({ courseId: live.id, netFen: 2970 })]);
    const team = await callOk(host, 'team.members', {});
    expect(team.cachedAt).toBe(cached.cachedAt);
    expect(team.items.map((m) => m.role).sort()).toEqual(['editor', 'owner']);
    expect((await callOk(host, 'wechatEvents.list', { type: 'subscribe' })).total).toBe(3);

    // And after a restart of the studio with no companion at all.
    await host.close();
    const alone = openHost(dataDir);
    const orders = await callOk(alone, 'orders.list', { state: 'SUCCESS', limit: 2 });
    expect(orders).toMatchObject({ total: 3, cachedAt: cached.cachedAt });
    expect(orders.items).toHaveLength(2);
    expect((await callOk(alone, 'insights.get', {})).facts).toEqual(cached.facts);
    // Checked before anything else is needed: a course without a cover cannot become an article.
    expect(await callError(alone, 'publish.start', { courseId: live.id })).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'coverHash', code: 'article.coverMissing' }] });
    const { course } = await publishableCourse(alone, '离线时发布');
    expect((await callError(alone, 'publish.start', { courseId: course.id })).code).toBe('COMPANION_UNAVAILABLE');
  });
});
