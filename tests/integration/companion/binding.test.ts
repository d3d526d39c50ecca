/**
 * Binding a member's WeChat by QR, end to end over real loopback: the companion's QR image is decoded as a phone
 * camera would, the sandbox's simulated phone opens it, WeChat's consent is given (or refused), and the companion
 * exchanges the code and fetches userinfo from the sandbox. Then the ways it must fail: expired, replayed, denied,
 * a reused code (40163), an invalid code (40029), a WeChat account already bound to someone else.
 */
import { describe, expect, it } from 'vitest';
import type { BindingSession } from '../../../shared/companion/api';
import { call, ok } from '../../helpers/companion';
import { decodeQr, startPair, type Pair } from '../../helpers/companion-sandbox';
import { WEB_APP_ID, OA_APP_ID, control } from '../../helpers/sandbox';

type NewMember = { name: string; role: 'owner' | 'editor' | 'viewer' };

async function createBinding(pair: Pair, body: { newMember: NewMember; mode?: 'oauth' | 'qrconnect' } | { memberId: string; mode?: 'oauth' | 'qrconnect' }): Promise<BindingSession> {
  return ok(pair.companion.app, 'bindings.create', pair.ownerToken, { body });
}

function getBinding(pair: Pair, id: string): Promise<BindingSession> {
  return ok(pair.companion.app, 'bindings.get', pair.ownerToken, { params: { id } });
}

async function members(pair: Pair) {
  return (await ok(pair.companion.app, 'members.list', pair.ownerToken)).items;
}

/** Scans the session's QR (decoded from its PNG) with a sandbox user's phone and decides on the consent page. */
async function scanAndDecide(pair: Pair, session: BindingSession, userId: string, allow: boolean) {
  const url = decodeQr(session.qrPngBase64);
  const scanned = await control(pair.sandbox, 'phone.scan', { userId, url });
  expect(scanned.step, JSON.stringify(scanned)).toBe('consent');
  expect((await getBinding(pair, session.id)).status).toBe('scanned');
  return { scanned, decided: await control(pair.sandbox, 'phone.decide', { sessionId: scanned.sessionId, allow }) };
}

function stateOf(session: BindingSession): string {
  return new URL(session.qrUrl).searchParams.get('s')!;
}

async function getPage(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

describe('binding a WeChat by QR', () => {
  it('official-account web auth: QR → scan → consent → bound, with nickname and avatar, to a new member with the chosen role', async () => {
    const pair = await startPair();
    const users = (await control(pair.sandbox, 'users.list')).items;
    const lin = users.find((u) => u.id === 'lin-xiaoman')!;

    const session = await createBinding(pair, { newMember: { name: '林老师', role: 'editor' }, mode: 'oauth' });
    expect(session).toMatchObject({ status: 'waiting', mode: 'oauth', memberId: null, error: null });
    expect(decodeQr(session.qrPngBase64)).toBe(session.qrUrl);
    expect(session.qrUrl).toMatch(new RegExp(`^${pair.companion.url}/oauth/start\\?s=[A-Za-z0-9]{32}$`));
    expect(Date.parse(session.expiresAt) - pair.sandbox.clock.now()).toBeLessThanOrEqual(5 * 60_000);

    const { scanned, decided } = await scanAndDecide(pair, session, lin.id, true);
    expect(scanned).toMatchObject({ consent: 'authorize', scope: 'snsapi_userinfo' });
    expect(decided).toMatchObject({ step: 'done', status: 200 });
    expect(decided.landedUrl).toMatch(new RegExp(`^${pair.companion.url}/oauth/callback\\?code=`));
    expect(decided.pageText).toContain('绑定成功');
    expect(decided.pageText).toContain('林小满');

    const bound = await getBinding(pair, session.id);
    expect(bound).toMatchObject({ status: 'bound', error: null });
    const member = (await members(pair)).find((m) => m.id === bound.memberId)!;
    expect(member).toMatchObject({ name: '林老师', role: 'editor', wechat: { appId: OA_APP_ID, nickname: '林小满', avatarUrl: lin.avatarUrl, hasUnionid: true } });
    expect(member.wechat!.openidMasked).toMatch(/^.{4}….{3}$/);

    // The exchange and userinfo calls are in the audit log under the owner who started the binding, code and token hidden.
    const audit = (await ok(pair.companion.app, 'audit.list', pair.ownerToken, { query: {} })).items;
    expect(audit.map((a) => a.apiPath)).toEqual(['/sns/userinfo', '/sns/oauth2/access_token']);
    expect(JSON.parse(audit[1]!.params)).toMatchObject({ query: { code: '***', secret: '***', grant_type: 'authorization_code' } });

    // The logs saw both pages, but neither the code nor the state.
    const code = new URL(decided.landedUrl!).searchParams.get('code')!;
    const logs = pair.companion.logs.text();
    expect(logs).toContain('/oauth/callback?code=[redacted]&state=[redacted]');
    expect(logs).toContain('/oauth/start?s=[redacted]');
    expect(logs).not.toContain(code);
    expect(logs).not.toContain(stateOf(session));
  });

  it('website QR login (qrconnect): the phone scans the PNG itself; a user without unionid binds too', async () => {
    const pair = await startPair();
    const session = await createBinding(pair, { newMember: { name: '苏老师', role: 'viewer' }, mode: 'qrconnect' });
    const scanned = await control(pair.sandbox, 'phone.scan', { userId: 'su-wanqing', pngBase64: session.qrPngBase64 });
    expect(scanned).toMatchObject({ step: 'consent', scope: 'snsapi_login' });
    const decided = await control(pair.sandbox, 'phone.decide', { sessionId: scanned.sessionId, allow: true });
    expect(decided.pageText).toContain('绑定成功');
    const bound = await getBinding(pair, session.id);
    const member = (await members(pair)).find((m) => m.id === bound.memberId)!;
    expect(member).toMatchObject({ role: 'viewer', wechat: { appId: WEB_APP_ID, nickname: '苏晚晴', hasUnionid: false } });
  });

  it('re-binding an existing member replaces their WeChat; unbinding removes it', async () => {
    const pair = await startPair();
    const first = await createBinding(pair, { newMember: { name: '周老师', role: 'editor' }, mode: 'oauth' });
    await scanAndDecide(pair, first, 'zhou-yiming', true);
    const memberId = (await getBinding(pair, first.id)).memberId!;

    const rebind = await createBinding(pair, { memberId, mode: 'oauth' });
    expect(rebind.memberId).toBe(memberId);
    await scanAndDecide(pair, rebind, 'chen-siyuan', true);
    expect((await getBinding(pair, rebind.id)).status).toBe('bound');
    const all = await members(pair);
    expect(all).toHaveLength(2);
    expect(all.find((m) => m.id === memberId)!.wechat!.nickname).toBe('陈思远');

    const unbound = await ok(pair.companion.app, 'members.unbind', pair.ownerToken, { params: { id: memberId } });
    expect(unbound.wechat).toBeNull();
  });

  it('denied: the phone refuses, the session says denied, nothing is bound and no member is created', async () => {
    const pair = await startPair();
    const session = await createBinding(pair, { newMember: { name: '不愿意', role: 'viewer' }, mode: 'oauth' });
    const { decided } = await scanAndDecide(pair, session, 'lin-xiaoman', false);
    expect(decided.pageText).toContain('你拒绝了授权');
    const after = await getBinding(pair, session.id);
    expect(after).toMatchObject({ status: 'denied', memberId: null, error: { code: 'DENIED' } });
    expect(after.error!.message).toMatch(/^你拒绝了授权.* \/ You declined/);
    expect(await members(pair)).toHaveLength(1);
  });

  it('expired: after 5 minutes the session is expired and scanning it shows so, binding nothing', async () => {
    const pair = await startPair();
    const session = await createBinding(pair, { newMember: { name: '迟到', role: 'viewer' }, mode: 'oauth' });
    await control(pair.sandbox, 'clock.advance', { seconds: 5 * 60 + 1 });
    expect(await getBinding(pair, session.id)).toMatchObject({ status: 'expired', error: { code: 'EXPIRED' } });
    const scanned = await control(pair.sandbox, 'phone.scan', { userId: 'lin-xiaoman', url: session.qrUrl });
    expect(scanned).toMatchObject({ step: 'done', status: 410 });
    expect(scanned.pageText).toContain('二维码已过期');
    expect(await members(pair)).toHaveLength(1);
  });

  it('expired between scan and confirmation: the callback is refused and nothing is bound', async () => {
    const pair = await startPair();
    const session = await createBinding(pair, { newMember: { name: '慢', role: 'viewer' }, mode: 'oauth' });
    const scanned = await control(pair.sandbox, 'phone.scan', { userId: 'lin-xiaoman', url: session.qrUrl });
    await control(pair.sandbox, 'clock.advance', { seconds: 5 * 60 + 1 });
    const decided = await control(pair.sandbox, 'phone.decide', { sessionId: scanned.sessionId, allow: true });
    expect(decided.pageText).toContain('二维码已过期');
    expect((await getBinding(pair, session.id)).status).toBe('expired');
    expect(await members(pair)).toHaveLength(1);
  });

  it('replayed: the callback URL opened again is refused (state single-use), and so is the landing URL', async () => {
    const pair = await startPair();
    const session = await createBinding(pair, { newMember: { name: '重放', role: 'viewer' }, mode: 'oauth' });
    const { decided } = await scanAndDecide(pair, session, 'lin-xiaoman', true);
    const before = await members(pair);

    const replay = await getPage(decided.landedUrl!);
    expect(replay.status).toBe(409);
    expect(replay.text).toContain('这个绑定链接已经使用过');
    expect(replay.text).toContain('already used');
    const rescan = await getPage(session.qrUrl);
    expect(rescan.status).toBe(409);
    expect(await members(pair)).toEqual(before);
    expect((await getBinding(pair, session.id)).status).toBe('bound');
  });

  it('unknown state: refused with a clear page', async () => {
    const pair = await startPair();
    const page = await getPage(`${pair.companion.url}/oauth/callback?code=abc&state=NoSuchState123`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('这个绑定链接无效');
    expect((await getPage(`${pair.companion.url}/oauth/start`)).status).toBe(400);
  });

  it('a code used before (40163) fails the session with CODE_USED; a made-up code (40029) with CODE_INVALID', async () => {
    const pair = await startPair();
    const first = await createBinding(pair, { newMember: { name: '甲', role: 'viewer' }, mode: 'oauth' });
    const { decided } = await scanAndDecide(pair, first, 'lin-xiaoman', true);
    const usedCode = new URL(decided.landedUrl!).searchParams.get('code')!;

    const second = await createBinding(pair, { newMember: { name: '乙', role: 'viewer' }, mode: 'oauth' });
    const reused = await getPage(`${pair.companion.url}/oauth/callback?code=${encodeURIComponent(usedCode)}&state=${stateOf(second)}`);
    expect(reused.status).toBe(400);
    expect(reused.text).toContain('40163');
    expect(await getBinding(pair, second.id)).toMatchObject({ status: 'failed', memberId: null, error: { code: 'CODE_USED' } });

    const third = await createBinding(pair, { newMember: { name: '丙', role: 'viewer' }, mode: 'oauth' });
    const invalid = await getPage(`${pair.companion.url}/oauth/callback?code=not-a-real-code&state=${stateOf(third)}`);
    expect(invalid.text).toContain('40029');
    expect(await getBinding(pair, third.id)).toMatchObject({ status: 'failed', error: { code: 'CODE_INVALID' } });
    expect((await getBinding(pair, third.id)).error!.message).toMatch(/^微信授权码无效或已过期（40029）/);
    expect((await members(pair)).map((m) => m.name)).toEqual(['老板', '甲']);
  });

  it('a WeChat account already bound to another member is refused', async () => {
    const pair = await startPair();
    const first = await createBinding(pair, { newMember: { name: '一号', role: 'viewer' }, mode: 'oauth' });
    await scanAndDecide(pair, first, 'lin-xiaoman', true);
    const second = await createBinding(pair, { newMember: { name: '二号', role: 'viewer' }, mode: 'oauth' });
    const { decided } = await scanAndDecide(pair, second, 'lin-xiaoman', true);
    expect(decided.pageText).toContain('已经绑定了团队中的另一位成员');
    expect(await getBinding(pair, second.id)).toMatchObject({ status: 'failed', error: { code: 'ALREADY_BOUND' } });
    expect((await members(pair)).map((m) => m.name)).toEqual(['老板', '一号']);
  });

  it('needs the app of the chosen mode to be configured', async () => {
    const pair = await startPair({ secrets: false });
    const res = await call(pair.companion.app, 'bindings.create', pair.ownerToken, { body: { newMember: { name: 'x', role: 'viewer' }, mode: 'qrconnect' } });
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'NOT_CONFIGURED', details: { mode: 'qrconnect' } } } });
  });
});
