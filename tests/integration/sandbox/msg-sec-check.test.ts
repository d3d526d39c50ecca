/**
 * The sandbox's msg_sec_check v2 over real loopback (wechat-protocols.md §8.1): the answer's shape, the term table's
 * verdicts, every validation errcode in order, the per-app limit of 4,000 a minute, and injected faults.
 */
import { describe, expect, it } from 'vitest';
import { SEC_CHECK_TERMS } from '../../../electron/sandbox/state/sec-check';
import { MINI_APP_ID, secCheck, setUpMiniProgram } from '../../helpers/mini-program';
import { OA_APP_ID, baseToken, control, controlRaw, startSandbox } from '../../helpers/sandbox';

const v2 = (openid: string, content: string, extra: Record<string, unknown> = {}) => ({ version: 2, openid, scene: 2, content, ...extra });

describe('msg_sec_check v2', () => {
  it('answers pass with label 100, a trace_id and the v2 detail items; labels are numbers', async () => {
    const sandbox = await startSandbox();
    const { token, openid } = await setUpMiniProgram(sandbox);
    const answer = await secCheck(sandbox, token, v2(openid, '今天分享一本好书：《人类简史》，欢迎在评论区讨论。'));
    expect(answer).toEqual({
      errcode: 0,
      errmsg: 'ok',
      result: { suggest: 'pass', label: 100 },
      detail: [
        { strategy: 'content_model', errcode: 0, suggest: 'pass', label: 100, prob: 90 },
        { strategy: 'keyword', errcode: 0 },
      ],
      trace_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/),
    });
  });

  it('gives every term of the table its label and suggestion, also full-width or spaced', async () => {
    const sandbox = await startSandbox();
    const { token, openid } = await setUpMiniProgram(sandbox);
    for (const group of SEC_CHECK_TERMS) {
      for (const term of group.terms) {
        const answer = await secCheck(sandbox, token, v2(openid, `前言。${term}，后记。`));
        expect(answer.result, term).toEqual({ suggest: group.suggest, label: group.label });
        expect(answer.detail, term).toContainEqual({ strategy: 'keyword', errcode: 0, suggest: group.suggest, label: group.label, prob: 100, keyword: term });
      }
    }
    const spaced = await secCheck(sandbox, token, v2(openid, '这里 有 网 络 赌 博'));
    expect(spaced.result).toEqual({ suggest: 'risky', label: 20006 });
    // NFKC folds full-width Latin; the term table is Chinese, so check the folding on a mixed term-free text too.
    expect((await secCheck(sandbox, token, v2(openid, 'ＡＢＣ 正常内容'))).result).toEqual({ suggest: 'pass', label: 100 });
  });

  it('lets a risky term win over an earlier review term, and the earliest of two risky terms decide', async () => {
    const sandbox = await startSandbox();
    const { token, openid } = await setUpMiniProgram(sandbox);
    expect((await secCheck(sandbox, token, v2(openid, '代理招募中，另有刷单返利'))).result).toEqual({ suggest: 'risky', label: 20008 });
    expect((await secCheck(sandbox, token, v2(openid, '裸聊和出售冰毒'))).result).toEqual({ suggest: 'risky', label: 20002 });
    expect((await secCheck(sandbox, token, v2(openid, '出售冰毒和裸聊'))).result).toEqual({ suggest: 'risky', label: 20006 });
  });

  it('checks title and nickname too, and the signature only in scene 1', async () => {
    const sandbox = await startSandbox();
    const { token, openid } = await setUpMiniProgram(sandbox);
    expect((await secCheck(sandbox, token, v2(openid, '正文', { title: '代开发票' }))).result).toMatchObject({ label: 20006 });
    expect((await secCheck(sandbox, token, v2(openid, '正文', { nickname: '裸聊' }))).result).toMatchObject({ label: 20002 });
    expect((await secCheck(sandbox, token, v2(openid, '正文', { signature: '裸聊' }))).result).toMatchObject({ label: 100 });
    expect((await secCheck(sandbox, token, v2(openid, '正文', { scene: 1, signature: '裸聊' }))).result).toMatchObject({ label: 20002 });
  });

  it('refuses bad calls with WeChat’s errcodes, in order', async () => {
    const sandbox = await startSandbox();
    const { token, openid } = await setUpMiniProgram(sandbox);
    const path = `${sandbox.url}/wxa/msg_sec_check`;
    const get = (await (await fetch(`${path}?access_token=${token}`)).json()) as Record<string, unknown>;
    expect(get).toMatchObject({ errcode: 43302, errmsg: expect.stringMatching(/ rid: /) });
    expect(await secCheck(sandbox, '', v2(openid, 'x'))).toMatchObject({ errcode: 41001 });
    expect(await secCheck(sandbox, 'not-a-token', v2(openid, 'x'))).toMatchObject({ errcode: 40001 });
    // An official account's token: this API belongs to mini programs.
    expect(await secCheck(sandbox, await baseToken(sandbox), v2(openid, 'x'))).toMatchObject({ errcode: 48001 });
    const raw = await fetch(`${path}?access_token=${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"version":2,' });
    expect(await raw.json()).toMatchObject({ errcode: 47001 });

    const cases: [Record<string, unknown>, number][] = [
      [{ openid, scene: 2, content: 'x' }, 44002],
      [{ version: 1, openid, scene: 2, content: 'x' }, 47001],
      [{ version: '2', openid, scene: 2, content: 'x' }, 47001],
      [{ version: 2, scene: 2, content: 'x' }, 44002],
      [{ version: 2, openid: 42, scene: 2, content: 'x' }, 47001],
      [{ version: 2, openid: 'o-nobody-0123456789abcdefghij', scene: 2, content: 'x' }, 40003],
      [{ version: 2, openid, content: 'x' }, 44002],
      [{ version: 2, openid, scene: 0, content: 'x' }, 40129],
      [{ version: 2, openid, scene: 5, content: 'x' }, 40129],
      [{ version: 2, openid, scene: 2.5, content: 'x' }, 40129],
      [{ version: 2, openid, scene: 2 }, 44002],
      [{ version: 2, openid, scene: 2, content: '' }, 44002],
      [{ version: 2, openid, scene: 2, content: ['x'] }, 47001],
      [{ version: 2, openid, scene: 2, content: 'x', title: 7 }, 47001],
      [{ version: 2, openid, scene: 2, content: 'x'.repeat(2501) }, 47001],
    ];
    for (const [body, errcode] of cases) expect(await secCheck(sandbox, token, body), JSON.stringify(body).slice(0, 80)).toMatchObject({ errcode });

    // The limit counts characters: 2,500 emoji are 5,000 UTF-16 units and still allowed.
    expect(await secCheck(sandbox, token, v2(openid, 'x'.repeat(2500)))).toMatchObject({ errcode: 0 });
    expect(await secCheck(sandbox, token, v2(openid, '📚'.repeat(2500)))).toMatchObject({ errcode: 0 });
  });

  it('knows whose openid it is: a user of the official account is 43104 here, not 40003', async () => {
    const sandbox = await startSandbox();
    const { token } = await setUpMiniProgram(sandbox);
    const { openid: oaOpenid } = await control(sandbox, 'users.openid', { appId: OA_APP_ID, userId: 'lin-xiaoman' });
    expect(await secCheck(sandbox, token, v2(oaOpenid, 'x'))).toMatchObject({ errcode: 43104, errmsg: expect.stringMatching(/^appid and openid not match/) });
    const { openid: other } = await control(sandbox, 'users.openid', { appId: MINI_APP_ID, userId: 'su-wanqing' });
    expect(await secCheck(sandbox, token, v2(other, 'x'))).toMatchObject({ errcode: 0 });
    expect(await controlRaw(sandbox, 'users.openid', { appId: MINI_APP_ID, userId: 'nobody' })).toMatchObject({ status: 404 });
    expect(await controlRaw(sandbox, 'users.openid', { appId: 'wx0000000000000000', userId: 'lin-xiaoman' })).toMatchObject({ status: 404 });
  });

  it('answers 42001 once the token expired', async () => {
    const sandbox = await startSandbox();
    const { token, openid } = await setUpMiniProgram(sandbox);
    await control(sandbox, 'clock.advance', { seconds: 7201 });
    expect(await secCheck(sandbox, token, v2(openid, 'x'))).toMatchObject({ errcode: 42001 });
  });

  it('allows 4,000 calls a minute per app, answers 45011 after that, and counts again the next minute', async () => {
    const sandbox = await startSandbox();
    const { token, openid } = await setUpMiniProgram(sandbox);
    // Start at the beginning of a sandbox-clock minute, so all 4,000 calls fall into one window.
    await control(sandbox, 'clock.advance', { seconds: 60 - Math.floor((sandbox.clock.now() % 60_000) / 1000) });
    const body = JSON.stringify(v2(openid, '正常内容'));
    const url = `${sandbox.url}/wxa/msg_sec_check?access_token=${encodeURIComponent(token)}`;
    const codes = new Map<number, number>();
    for (let batch = 0; batch < 4000; batch += 50) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, async () => ((await (await fetch(url, { method: 'POST', body })).json()) as { errcode: number }).errcode),
      );
      for (const code of answers) codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect(Object.fromEntries(codes)).toEqual({ 0: 4000 });
    expect(await secCheck(sandbox, token, v2(openid, '正常内容'))).toMatchObject({ errcode: 45011, errmsg: expect.stringMatching(/^api minute-quota reach limit/) });
    await control(sandbox, 'clock.advance', { seconds: 60 });
    expect(await secCheck(sandbox, token, v2(openid, '正常内容'))).toMatchObject({ errcode: 0 });
  }, 60_000);

  it('answers injected faults on its path, then normally', async () => {
    const sandbox = await startSandbox();
    const { token, openid } = await setUpMiniProgram(sandbox);
    await control(sandbox, 'faults.add', { path: '/wxa/msg_sec_check', errcode: -1, count: 2 });
    expect(await secCheck(sandbox, token, v2(openid, 'x'))).toMatchObject({ errcode: -1, errmsg: expect.stringMatching(/^system error rid: /) });
    expect(await secCheck(sandbox, token, v2(openid, 'x'))).toMatchObject({ errcode: -1 });
    expect(await secCheck(sandbox, token, v2(openid, 'x'))).toMatchObject({ errcode: 0 });
  });
});
