/**
 * `content.check` — msg_sec_check v2 through the team's mini program — against a real WeChat sandbox on loopback:
 * verdicts and labels mapped to our categories, long text in chunks cut at sentence ends, which openid is used, the
 * mini program's own access token, and every way it can fail (not configured, WeChat's errcodes, WeChat down).
 */
import { describe, expect, it } from 'vitest';
import { MINI_APP_ID, MINI_SECRET, miniProgram } from '../../helpers/mini-program';
import { OA_APP_ID, control, startSandbox } from '../../helpers/sandbox';
import { call, ok, openCompanion, pairMember, pairOwner, type TestCompanionOptions } from '../../helpers/companion';

interface Options {
  /** Configure the mini program's AppID (default true). */
  appId?: boolean;
  /** Put its AppSecret through secrets.put (default true). */
  secret?: boolean;
  /** Set the review openid through settings.update (default true). */
  review?: boolean;
  deps?: TestCompanionOptions['deps'];
}

async function start(options: Options = {}) {
  const sandbox = await startSandbox();
  sandbox.putApp(miniProgram());
  const c = await openCompanion({
    config: { sandbox: true, sandboxUrl: sandbox.url, wechat: options.appId === false ? {} : { miniProgram: { appId: MINI_APP_ID } } },
    deps: { now: () => new Date(sandbox.clock.now()), ...options.deps },
  });
  const owner = await pairOwner(c.app);
  if (options.secret !== false) await ok(c.app, 'secrets.put', owner, { body: { miniProgram: { appSecret: MINI_SECRET } } });
  const { openid } = await control(sandbox, 'users.openid', { appId: MINI_APP_ID, userId: 'lin-xiaoman' });
  if (options.review !== false) await ok(c.app, 'settings.update', owner, { body: { miniProgram: { reviewOpenid: openid } } });
  return { sandbox, c, owner, openid };
}

/** The sentences of a long, clean course description; `extra[i]` is appended to sentence i. */
function longText(sentences: number, extra: Record<number, string> = {}): string {
  let text = '';
  for (let i = 0; i < sentences; i++) text += `第${i}句：这是一段普通的课程介绍文字，讲的是读书方法${extra[i] ?? ''}。`;
  return text;
}

const secCheckRows = async (app: Awaited<ReturnType<typeof start>>['c']['app'], token: string) =>
  (await ok(app, 'audit.list', token, { query: { limit: 500 } })).items.filter((e) => e.apiPath === '/wxa/msg_sec_check');

describe('content.check', () => {
  it('answers pass with label 100 for clean text, as one chunk, checked as a forum post with the openid masked in the audit', async () => {
    const { c, owner } = await start();
    const text = '今天分享一本好书：《人类简史》，欢迎在评论区讨论。';
    const answer = await ok(c.app, 'content.check', owner, { body: { text } });
    expect(answer).toEqual({
      suggest: 'pass',
      label: 100,
      labelName: { zh: '正常', en: 'Normal' },
      categories: [],
      chunks: [{ start: 0, end: text.length, suggest: 'pass', label: 100, traceId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/) }],
    });
    const [row] = await secCheckRows(c.app, owner);
    expect(row).toMatchObject({ errcode: 0, memberId: expect.any(String) });
    const params = JSON.parse(row!.params) as { body: Record<string, unknown> };
    // The draft itself stays out of the audit log; only its length is kept.
    expect(params.body).toEqual({ version: 2, openid: expect.stringMatching(/^o.{3}…/), scene: 3, content: `[${text.length} characters]` });
  });

  it('answers risky with WeChat’s label, its names, our categories and the term WeChat named', async () => {
    const { c, owner } = await start();
    const answer = await ok(c.app, 'content.check', owner, { body: { text: '本群长期出售冰毒，私聊。', scene: 2 } });
    expect(answer).toMatchObject({
      suggest: 'risky',
      label: 20006,
      labelName: { zh: '违法犯罪', en: 'Illegal or criminal' },
      categories: ['gambling', 'drugs'],
      chunks: [{ start: 0, end: 12, suggest: 'risky', label: 20006, keyword: '出售冰毒' }],
    });
    const review = await ok(c.app, 'content.check', owner, { body: { text: '代理招募：每天一小时。' } });
    expect(review).toMatchObject({ suggest: 'review', label: 10001, labelName: { zh: '广告' }, categories: expect.arrayContaining(['ad_absolute', 'external_link']) });
  });

  it('cuts long text into chunks of at most 2,500 characters at sentence ends; the worst chunk decides', async () => {
    const { c, owner } = await start();
    // ~7,300 characters: a review term early, a porn term in the middle, a drugs term near the end.
    const text = longText(240, { 5: '，代理招募', 120: '，裸聊', 230: '，出售冰毒' });
    expect(text.length).toBeGreaterThan(5000);
    const answer = await ok(c.app, 'content.check', owner, { body: { text } });

    expect(answer.chunks.length).toBe(3);
    expect(answer.chunks[0]!.start).toBe(0);
    expect(answer.chunks.at(-1)!.end).toBe(text.length);
    for (const [i, chunk] of answer.chunks.entries()) {
      expect(chunk.end - chunk.start, `chunk ${i}`).toBeLessThanOrEqual(2500);
      if (i > 0) expect(chunk.start).toBe(answer.chunks[i - 1]!.end);
      // Every cut is right after a sentence's 。
      expect(text[chunk.end - 1]).toBe('。');
    }
    const at = (needle: string) => answer.chunks.find((ch) => ch.start <= text.indexOf(needle) && text.indexOf(needle) < ch.end)!;
    expect(at('代理招募')).toMatchObject({ suggest: 'review', label: 10001 });
    expect(at('裸聊')).toMatchObject({ suggest: 'risky', label: 20002 });
    expect(at('出售冰毒')).toMatchObject({ suggest: 'risky', label: 20006 });
    expect(new Set([at('代理招募'), at('裸聊'), at('出售冰毒')]).size).toBe(3);
    // Risky beats review; of two risky chunks the earlier one names the label.
    expect(answer).toMatchObject({ suggest: 'risky', label: 20002, labelName: { zh: '色情' }, categories: ['porn'] });
    // One WeChat call per chunk.
    expect(await secCheckRows(c.app, owner)).toHaveLength(3);
  });

  it('is open to any member, viewers included, but not to a caller without a device token', async () => {
    const { c, owner } = await start();
    const viewer = await pairMember(c.app, owner, 'viewer');
    expect(await ok(c.app, 'content.check', viewer.token, { body: { text: '你好。' } })).toMatchObject({ suggest: 'pass' });
    expect(await call(c.app, 'content.check', null, { body: { text: '你好。' } })).toMatchObject({ status: 401 });
  });

  it('refuses input beyond its limits', async () => {
    const { c, owner } = await start();
    for (const body of [{ text: '' }, { text: 'x'.repeat(20_001) }, { text: 'x', scene: 5 }, { text: 'x', scene: 0 }, {}]) {
      expect(await call(c.app, 'content.check', owner, { body }), JSON.stringify(body).slice(0, 40)).toMatchObject({
        status: 400,
        body: { error: { code: 'INVALID_INPUT' } },
      });
    }
    expect(await secCheckRows(c.app, owner)).toHaveLength(0);
  });

  it('is NOT_CONFIGURED without a mini program, without its secret, or without an openid to check as — and calls nobody', async () => {
    for (const [options, missing] of [
      [{ appId: false }, 'miniProgram'],
      [{ secret: false }, 'miniProgram'],
      [{ review: false }, 'reviewOpenid'],
    ] as const) {
      const { c, owner } = await start(options);
      const res = await call(c.app, 'content.check', owner, { body: { text: '你好。' } });
      expect(res, JSON.stringify(options)).toMatchObject({ status: 409, body: { error: { code: 'NOT_CONFIGURED', details: { missing } } } });
      expect((await ok(c.app, 'audit.list', owner)).total).toBe(0);
      expect((await ok(c.app, 'settings.get', owner)).miniProgram.configured).toBe(missing === 'reviewOpenid');
    }
  });

  it('uses the member’s own openid in the mini program over the review openid', async () => {
    const { sandbox, c, owner } = await start();
    // A review openid of the official account: the sandbox refuses it for the mini program (43104).
    const { openid: oaOpenid } = await control(sandbox, 'users.openid', { appId: OA_APP_ID, userId: 'zhou-yiming' });
    await ok(c.app, 'settings.update', owner, { body: { miniProgram: { reviewOpenid: oaOpenid } } });
    const refused = await call(c.app, 'content.check', owner, { body: { text: '你好。' } });
    expect(refused).toMatchObject({ status: 502, body: { error: { code: 'WECHAT_ERROR', details: { errcode: 43104 }, message: expect.stringContaining('openid') } } });

    const me = await ok(c.app, 'me', owner);
    const { openid: own } = await control(sandbox, 'users.openid', { appId: MINI_APP_ID, userId: 'su-wanqing' });
    c.app.db
      .prepare('INSERT INTO wechat_identities (member_id, app_id, openid, unionid, nickname, avatar_url, bound_at) VALUES (?, ?, ?, NULL, ?, ?, ?)')
      .run(me.member.id, MINI_APP_ID, own, '苏晚晴', '', new Date().toISOString());
    expect(await ok(c.app, 'content.check', owner, { body: { text: '你好。' } })).toMatchObject({ suggest: 'pass' });
  });

  it('keeps the mini program’s own token: a token WeChat dropped is replaced once and the check goes through', async () => {
    const { sandbox, c, owner } = await start();
    await ok(c.app, 'content.check', owner, { body: { text: '第一次。' } });
    await control(sandbox, 'tokens.invalidate', { appId: MINI_APP_ID });
    expect(await ok(c.app, 'content.check', owner, { body: { text: '第二次。' } })).toMatchObject({ suggest: 'pass' });
    const rows = (await ok(c.app, 'audit.list', owner)).items;
    expect(rows.filter((r) => r.apiPath === '/wxa/msg_sec_check').map((r) => r.errcode).sort()).toEqual([0, 0, 40001]);
    expect(rows.filter((r) => r.apiPath === '/cgi-bin/stable_token')).toHaveLength(2);
    // The secret went in through the API and never came out in a log line.
    expect(c.logs.text()).not.toContain(MINI_SECRET);
  });

  it('answers WECHAT_ERROR with WeChat’s errcode, and RATE_LIMITED at our own limit', async () => {
    const { sandbox, c, owner } = await start({ deps: { wechat: { retry: { baseDelayMs: 1, maxDelayMs: 5 }, rateLimits: { '/wxa/msg_sec_check': 3 } } } });
    await ok(c.app, 'content.check', owner, { body: { text: '你好。' } });
    await control(sandbox, 'faults.add', { path: '/wxa/msg_sec_check', errcode: 45009 });
    expect(await call(c.app, 'content.check', owner, { body: { text: '你好。' } })).toMatchObject({
      status: 502,
      body: { error: { code: 'WECHAT_ERROR', details: { errcode: 45009, apiPath: '/wxa/msg_sec_check' } } },
    });
    // After 45009 the companion does not call again before midnight (Beijing); advance the clock past it.
    await control(sandbox, 'clock.advance', { seconds: 86_400 });
    await control(sandbox, 'faults.add', { path: '/wxa/msg_sec_check', errcode: -1, count: 3 });
    expect(await call(c.app, 'content.check', owner, { body: { text: '你好。' } })).toMatchObject({
      status: 502,
      body: { error: { code: 'WECHAT_ERROR', details: { errcode: -1 } } },
    });
  });

  it('answers RATE_LIMITED when a long text would exceed our own per-minute budget', async () => {
    const { c, owner } = await start({ deps: { wechat: { retry: { baseDelayMs: 1, maxDelayMs: 5 }, rateLimits: { '/wxa/msg_sec_check': 2 } } } });
    const res = await call(c.app, 'content.check', owner, { body: { text: longText(240) } });
    expect(res).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED', details: { apiPath: '/wxa/msg_sec_check' } } } });
  });

  it('answers WECHAT_UNREACHABLE when WeChat is down', async () => {
    const { sandbox, c, owner } = await start();
    await ok(c.app, 'content.check', owner, { body: { text: '你好。' } });
    await sandbox.close();
    expect(await call(c.app, 'content.check', owner, { body: { text: '你好。' } })).toMatchObject({
      status: 504,
      body: { error: { code: 'WECHAT_UNREACHABLE', details: { apiPath: '/wxa/msg_sec_check' } } },
    });
  });
});

describe('the mini program’s settings', () => {
  it('shows whether it is configured and the review openid masked; a review openid from the config cannot be changed', async () => {
    const { c, owner, openid } = await start();
    expect((await ok(c.app, 'settings.get', owner)).miniProgram).toEqual({ appId: MINI_APP_ID, configured: true, reviewOpenidMasked: `${openid.slice(0, 4)}…${openid.slice(-3)}` });
    expect((await ok(c.app, 'settings.update', owner, { body: { miniProgram: { reviewOpenid: null } } })).miniProgram.reviewOpenidMasked).toBeNull();

    const fixed = await openCompanion({ config: { wechat: { miniProgram: { appId: MINI_APP_ID, appSecret: MINI_SECRET, reviewOpenid: openid } } } });
    const fixedOwner = await pairOwner(fixed.app);
    expect((await ok(fixed.app, 'settings.get', fixedOwner)).miniProgram).toMatchObject({ configured: true, reviewOpenidMasked: expect.any(String) });
    expect(await call(fixed.app, 'settings.update', fixedOwner, { body: { miniProgram: { reviewOpenid: null } } })).toMatchObject({
      status: 409,
      body: { error: { code: 'CONFLICT' } },
    });
    expect(await call(fixed.app, 'secrets.put', fixedOwner, { body: { miniProgram: { appSecret: 'another-secret-0123456789' } } })).toMatchObject({ status: 409 });
  });
});
