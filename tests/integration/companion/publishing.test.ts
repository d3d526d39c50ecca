/**
 * The companion's publish jobs against the sandbox: roles, image URL rewriting, a job that resumes after the
 * companion restarts mid-way without uploading anything twice, and a job WeChat's review rejects.
 */
import { describe, expect, it } from 'vitest';
import { rewriteImageSources } from '../../../electron/companion/services/publishing';
import { call, ok, openCompanion, pairMember } from '../../helpers/companion';
import { startPair } from '../../helpers/companion-sandbox';
import { eventually } from '../../helpers/companion-pay';
import { pngBytes } from '../../helpers/images';
import { AES_KEY, OA_APP_ID, PUSH_TOKEN, control, officialAccount } from '../../helpers/sandbox';

const b64 = (bytes: Buffer) => bytes.toString('base64');

function jobBody(courseId = 'course-photo-1') {
  return {
    courseId,
    article: { title: '手机摄影入门', contentHtml: '<p>先看光。</p><p><img src="studio-media:aa" alt="a"></p><p><img src="studio-media:bb"></p><p><img src="studio-media:aa"></p>' },
    cover: { fileName: 'cover.png', mime: 'image/png' as const, dataBase64: b64(pngBytes(470, 200)) },
    images: [
      { ref: 'studio-media:aa', fileName: 'a.png', mime: 'image/png' as const, dataBase64: b64(pngBytes(20, 20, { shade: 1 })) },
      { ref: 'studio-media:bb', fileName: 'b.png', mime: 'image/png' as const, dataBase64: b64(pngBytes(20, 20, { shade: 2 })) },
    ],
  };
}

describe('rewriting image sources', () => {
  it('replaces exactly the sources named, escaping the URL for the attribute, and leaves the rest', () => {
    const html = '<p><img alt="x" src="studio-media:aa"><img src="studio-media:aaa"><img src="http://mmbiz.qpic.cn/old?a=1&amp;b=2"></p>';
    const out = rewriteImageSources(html, new Map([['studio-media:aa', 'http://mmbiz.qpic.cn/new/0?wx_fmt=png&x=1']]));
    expect(out).toBe('<p><img alt="x" src="http://mmbiz.qpic.cn/new/0?wx_fmt=png&amp;x=1"><img src="studio-media:aaa"><img src="http://mmbiz.qpic.cn/old?a=1&amp;b=2"></p>');
  });
});

describe('publish jobs', () => {
  it('need an editor; upload each image once, rewrite every use, and end with the article URL', async () => {
    const { sandbox, companion, ownerToken } = await startPair({ sandboxOptions: { publishDelayMs: 10 } });
    const viewer = await pairMember(companion.app, ownerToken, 'viewer');
    expect((await call(companion.app, 'publish.create', viewer.token, { body: jobBody() })).status).toBe(403);
    const bad = await call(companion.app, 'publish.create', ownerToken, { body: { ...jobBody(), images: [jobBody().images[0], jobBody().images[0]] } });
    expect(bad.status).toBe(400);

    const job = await ok(companion.app, 'publish.create', ownerToken, { body: jobBody() });
    const done = await eventually(() => ok(companion.app, 'publish.get', ownerToken, { params: { id: job.id } }), (j) => j.state === 'published', 10_000);
    expect(done.articleUrl).toMatch(/\/s\/[A-Za-z0-9]+_1$/);
    expect(done.images.map((i) => i.ref)).toEqual(['studio-media:aa', 'studio-media:bb']);
    const state = await control(sandbox, 'publishing.state', { appId: OA_APP_ID });
    expect(state).toMatchObject({ materials: 1, bodyImages: 2 });
    const content = state.publishes[0]!.content;
    const aUrl = done.images[0]!.url!.replace(/&/g, '&amp;');
    expect(content.split(aUrl)).toHaveLength(3);
    expect(content).not.toContain('studio-media:');
    expect((await ok(companion.app, 'publish.list', viewer.token, { query: { courseId: 'course-photo-1' } })).items.map((j) => j.id)).toEqual([job.id]);
    const audit = (await ok(companion.app, 'audit.list', ownerToken, { query: { limit: 100 } })).items;
    const upload = audit.find((e) => e.apiPath === '/cgi-bin/media/uploadimg')!;
    expect(upload.params).toContain('"bytes"');
    expect(upload.params).not.toContain('iVBOR');
  });

  it('resumes after a restart where it stopped, without uploading again', async () => {
    const { sandbox, companion, ownerToken } = await startPair({ sandboxOptions: { publishDelayMs: 10 } });
    // draft/add answers slowly: the companion is closed while the job waits for it.
    await control(sandbox, 'faults.add', { path: '/cgi-bin/draft/add', delayMs: 400 });
    const job = await ok(companion.app, 'publish.create', ownerToken, { body: jobBody() });
    await eventually(() => ok(companion.app, 'publish.get', ownerToken, { params: { id: job.id } }), (j) => j.state === 'drafting', 10_000);
    await companion.app.close();
    // Closing waited for the draft call; the job is stored one step on and has not been submitted.
    const state = await control(sandbox, 'publishing.state', { appId: OA_APP_ID });
    expect(state).toMatchObject({ materials: 1, bodyImages: 2, drafts: 1, publishes: [] });

    const reopened = await openCompanion({
      listen: true,
      dataDir: companion.dataDir,
      masterKey: companion.masterKey,
      config: { sandbox: true, sandboxUrl: sandbox.url, wechat: { officialAccount: { appId: OA_APP_ID, messageMode: 'safe' } } },
      deps: { now: () => new Date(sandbox.clock.now()) },
    });
    sandbox.putApp(officialAccount({ push: { url: `${reopened.url}/wechat/events`, token: PUSH_TOKEN, encodingAesKey: AES_KEY, mode: 'safe' } }));
    const done = await eventually(() => ok(reopened.app, 'publish.get', ownerToken, { params: { id: job.id } }), (j) => j.state === 'published', 10_000);
    expect(done.articleUrl).toBeTruthy();
    expect(await control(sandbox, 'publishing.state', { appId: OA_APP_ID })).toMatchObject({ materials: 1, bodyImages: 2, drafts: 0 });
  });

  it('fails with WeChat’s reason when the review rejects the article', async () => {
    const { sandbox, companion, ownerToken } = await startPair({ sandboxOptions: { publishDelayMs: 10 } });
    await control(sandbox, 'accounts.setFlags', { appId: OA_APP_ID, publishOutcome: 4 });
    const job = await ok(companion.app, 'publish.create', ownerToken, { body: jobBody() });
    const failed = await eventually(() => ok(companion.app, 'publish.get', ownerToken, { params: { id: job.id } }), (j) => j.state === 'failed', 10_000);
    expect(failed).toMatchObject({ publishStatus: 4, articleUrl: null, error: { code: 'PUBLISH_FAILED', errcode: null } });
    expect(failed.error!.message).toContain('审核');
  });
});
