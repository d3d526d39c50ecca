/**
 * `compliance.secondOpinion` on the studio host: quietly unavailable without a companion, WeChat's verdict through a
 * team companion (in process, on loopback, with a real sandbox) with every failure turned into a reason, and out of
 * the box in the default embedded mode (real child processes).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretBox, keyFileSealer } from '../../../electron/studio/companion-link/secret-box';
import { createStudioHost } from '../../../electron/studio/host';
import { MINI_APP_ID, MINI_SECRET, miniProgram } from '../../helpers/mini-program';
import { OA_APP_ID, control, startSandbox } from '../../helpers/sandbox';
import { ok, openCompanion, pairMember, pairOwner } from '../../helpers/companion';
import { callError, callOk, openHost } from '../../helpers/host';
import { listFiles, tempDir } from '../../helpers/temp-dir';
import { cliLauncher, companionState } from '../../helpers/embedded';

/** Child processes of this test whose command line names `what` (Linux: ps by parent pid). */
function children(what: string): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(` ${what} `) || line.endsWith(` ${what}`))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

/**
 * A team companion on loopback with a sandbox, optionally with the mini program set up, and a studio host already
 * paired with it as a viewer (remote mode, as after `companion.connect`).
 */
async function remoteSetUp(options: { miniProgram?: boolean } = {}) {
  const sandbox = await startSandbox();
  sandbox.putApp(miniProgram());
  const c = await openCompanion({
    listen: true,
    config: { sandbox: true, sandboxUrl: sandbox.url, wechat: options.miniProgram === false ? {} : { miniProgram: { appId: MINI_APP_ID } } },
    deps: { now: () => new Date(sandbox.clock.now()) },
  });
  const owner = await pairOwner(c.app);
  if (options.miniProgram !== false) {
    await ok(c.app, 'secrets.put', owner, { body: { miniProgram: { appSecret: MINI_SECRET } } });
    const { openid } = await control(sandbox, 'users.openid', { appId: MINI_APP_ID, userId: 'lin-xiaoman' });
    await ok(c.app, 'settings.update', owner, { body: { miniProgram: { reviewOpenid: openid } } });
  }
  const viewer = await pairMember(c.app, owner, 'viewer');

  const dataDir = tempDir();
  fs.writeFileSync(
    path.join(dataDir, 'companion-link.json'),
    JSON.stringify({ oaAppId: 'wx0000000000000001', webAppId: 'wx0000000000000002', mode: 'remote', remoteUrl: c.url }),
  );
  new SecretBox<Record<string, string>>(dataDir, keyFileSealer(dataDir)).update({ remoteDeviceToken: viewer.token });
  const lines: string[] = [];
  const host = openHost(dataDir, { companion: { launcher: cliLauncher, sealer: keyFileSealer(dataDir) }, log: (line) => lines.push(line) });
  expect(await companionState(host, 'ready')).toMatchObject({ mode: 'remote', companionUrl: c.url });
  return { sandbox, c, owner, host, lines };
}

describe('compliance.secondOpinion', () => {
  it('is quietly unavailable (offline) when the host runs without a companion', async () => {
    const host = openHost(tempDir());
    expect(await callOk(host, 'compliance.secondOpinion', { text: '本群长期出售冰毒。' })).toEqual({ available: false, reason: 'offline' });
    expect(await callError(host, 'compliance.secondOpinion', { text: 'x'.repeat(20_001) })).toMatchObject({
      code: 'INVALID_INPUT',
      fields: [{ path: 'text', code: 'text.tooLong' }],
    });
  });

  it('gives WeChat’s verdict through a team companion, for any member; blank text needs no call', async () => {
    const { c, owner, host } = await remoteSetUp();
    expect(await callOk(host, 'compliance.secondOpinion', { text: '本群长期出售冰毒，私聊。' })).toEqual({
      available: true,
      suggest: 'risky',
      label: 20006,
      labelName: { zh: '违法犯罪', en: 'Illegal or criminal' },
      categories: ['gambling', 'drugs'],
      chunks: [{ start: 0, end: 12, suggest: 'risky', label: 20006, traceId: expect.any(String), keyword: '出售冰毒' }],
    });
    const long = `${'这是一句正常的课程介绍。'.repeat(300)}刷单返利，稳赚。`;
    const answer = await callOk(host, 'compliance.secondOpinion', { text: long });
    expect(answer).toMatchObject({ available: true, suggest: 'risky', label: 20008, categories: ['fraud'] });
    expect(answer.chunks!.length).toBe(2);
    expect(answer.chunks!.at(-1)).toMatchObject({ end: long.length, label: 20008 });

    const calls = async () => (await ok(c.app, 'audit.list', owner)).items.filter((e) => e.apiPath === '/wxa/msg_sec_check').length;
    const before = await calls();
    expect(await callOk(host, 'compliance.secondOpinion', { text: ' \n ' })).toEqual({
      available: true,
      suggest: 'pass',
      label: 100,
      labelName: { zh: '正常', en: 'Normal' },
      categories: [],
      chunks: [],
    });
    expect(await calls()).toBe(before);
  });

  it('answers not_configured when the team companion has no mini program', async () => {
    const { host } = await remoteSetUp({ miniProgram: false });
    expect(await callOk(host, 'compliance.secondOpinion', { text: '你好。' })).toEqual({ available: false, reason: 'not_configured' });
  });

  it('turns WeChat’s refusals into reasons: rate_limited for 45009, error with the errcode otherwise', async () => {
    const { sandbox, c, owner, host, lines } = await remoteSetUp();
    await control(sandbox, 'faults.add', { path: '/wxa/msg_sec_check', errcode: 45009 });
    expect(await callOk(host, 'compliance.secondOpinion', { text: '你好。' })).toEqual({ available: false, reason: 'rate_limited', errcode: 45009 });

    const { openid: oaOpenid } = await control(sandbox, 'users.openid', { appId: OA_APP_ID, userId: 'lin-xiaoman' });
    await ok(c.app, 'settings.update', owner, { body: { miniProgram: { reviewOpenid: oaOpenid } } });
    await control(sandbox, 'clock.advance', { seconds: 86_400 });
    expect(await callOk(host, 'compliance.secondOpinion', { text: '你好。' })).toEqual({ available: false, reason: 'error', errcode: 43104 });
    expect(lines.join('\n')).toContain('second opinion unavailable: WECHAT_ERROR');
  });

  it('falls back to offline when WeChat or the companion cannot be reached', async () => {
    const { sandbox, c, host } = await remoteSetUp();
    expect(await callOk(host, 'compliance.secondOpinion', { text: '你好。' })).toMatchObject({ available: true });
    await sandbox.close();
    expect(await callOk(host, 'compliance.secondOpinion', { text: '你好。' })).toEqual({ available: false, reason: 'offline' });
    await c.app.close();
    expect(await callOk(host, 'compliance.secondOpinion', { text: '你好。' })).toEqual({ available: false, reason: 'offline' });
  });
});

describe.skipIf(process.platform !== 'linux')('compliance.secondOpinion, embedded', () => {
  it('works out of the box: the embedded set-up gives the companion a sandbox mini program and a review openid', async () => {
    const dataDir = tempDir();
    const host = createStudioHost({ dataDir, shell: 'browser', checkOutputs: true, companion: { launcher: cliLauncher, sealer: keyFileSealer(dataDir) } });
    try {
      await companionState(host, 'ready');
      const settings = await callOk(host, 'team.settings', {});
      expect(settings.miniProgram).toMatchObject({ appId: expect.stringMatching(/^wx[0-9a-f]{16}$/), configured: true, reviewOpenidMasked: expect.any(String) });

      expect(await callOk(host, 'compliance.secondOpinion', { text: '欢迎报名，另有刷单返利活动。' })).toMatchObject({
        available: true,
        suggest: 'risky',
        label: 20008,
        labelName: { zh: '欺诈' },
        categories: ['fraud'],
      });
      expect(await callOk(host, 'compliance.secondOpinion', { text: '一门讲读书方法的课。' })).toMatchObject({ available: true, suggest: 'pass', label: 100 });

      // The sandbox keeps nothing across a restart: the set-up registers the mini program again, and the companion's
      // token for it (now unknown to the sandbox) is replaced.
      const [sandboxPid] = children('sandbox');
      expect(sandboxPid).toBeGreaterThan(0);
      const restarting = companionState(host, 'restarting');
      process.kill(sandboxPid!, 'SIGKILL');
      await restarting;
      await companionState(host, 'ready');
      // Ready means the set-up after the restart has run (the child is ready only once its onReady finished).
      expect(await callOk(host, 'compliance.secondOpinion', { text: '本店代开发票。' })).toMatchObject({ available: true, label: 20006 });

      // The mini program's generated AppSecret is in the sealed box only, in no other file of the workspace.
      const miniSecret = new SecretBox<Record<string, string>>(dataDir, keyFileSealer(dataDir)).read().miniAppSecret;
      expect(miniSecret).toMatch(/^[0-9a-f]{32}$/);
      for (const file of listFiles(dataDir).filter((f) => f !== 'secrets.sealed')) {
        expect(fs.readFileSync(path.join(dataDir, file)).includes(Buffer.from(miniSecret!)), file).toBe(false);
      }
    } finally {
      await host.close();
    }
  }, 90_000);
});
