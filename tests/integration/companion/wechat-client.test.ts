/**
 * The companion's WeChat client against the sandbox over real loopback (WeChat's side is the sandbox, never a
 * mock): the access-token manager's single refresh, the 5-minute overlap, the retry after 40001/42001, backoff on
 * -1/45011, the specific errors for 40164/40125/40013/45009, local rate limits, and the audit log with its CSV.
 */
import { describe, expect, it } from 'vitest';
import type { CompanionError } from '../../../electron/companion/errors';
import { nextBeijingMidnight } from '../../../electron/companion/wechat/errors';
import { call, ok } from '../../helpers/companion';
import { startPair, type Pair } from '../../helpers/companion-sandbox';
import { OA_APP_ID, OA_SECRET, control, wx } from '../../helpers/sandbox';

const QR = '/cgi-bin/qrcode/create';
const TOKEN_PATH = '/cgi-bin/stable_token';

/** One qrcode/create through the client, as the scenes service makes it. */
function createQr(pair: Pair, scene = `s${Math.random().toString(36).slice(2, 10)}`) {
  return pair.companion.app.companion.wechat.call<{ ticket: string }>({
    method: 'POST',
    path: QR,
    body: { expire_seconds: 600, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: scene } } },
    accessToken: true,
    memberId: null,
  });
}

function auditRows(pair: Pair, apiPath: string): { errcode: number }[] {
  return pair.companion.app.db.prepare('SELECT errcode FROM audit_log WHERE api_path = ? ORDER BY id').all(apiPath) as { errcode: number }[];
}

async function rejection(promise: Promise<unknown>): Promise<CompanionError> {
  try {
    await promise;
  } catch (error) {
    return error as CompanionError;
  }
  throw new Error('expected the call to fail');
}

describe('access token', () => {
  it('uses stable_token, and 100 concurrent calls with an expired token cause exactly one refresh', async () => {
    const pair = await startPair();
    await createQr(pair);
    expect(auditRows(pair, TOKEN_PATH)).toEqual([{ errcode: 0 }]);
    expect(auditRows(pair, '/cgi-bin/token')).toEqual([]);
    const first = pair.companion.app.companion.wechat.tokens.peek();

    // Both clocks move past the token's 7200 s: the companion knows it expired; all 100 wait for one refresh.
    await control(pair.sandbox, 'clock.advance', { seconds: 7300 });
    const answers = await Promise.all(Array.from({ length: 100 }, () => createQr(pair)));
    expect(answers.every((a) => typeof a.ticket === 'string')).toBe(true);
    expect(auditRows(pair, TOKEN_PATH)).toHaveLength(2);
    expect(pair.companion.app.companion.wechat.tokens.peek()).not.toBe(first);
    expect(auditRows(pair, QR).filter((r) => r.errcode !== 0)).toEqual([]);
  });

  it('100 concurrent calls with a token WeChat invalidated (40001): one refresh, each call retried exactly once', async () => {
    const pair = await startPair();
    await createQr(pair);
    await control(pair.sandbox, 'tokens.invalidate', { appId: OA_APP_ID });
    const answers = await Promise.all(Array.from({ length: 100 }, () => createQr(pair)));
    expect(answers).toHaveLength(100);
    expect(auditRows(pair, TOKEN_PATH)).toHaveLength(2);
    const qr = auditRows(pair, QR).map((r) => r.errcode);
    // 1 before, then 100 refused with the stale token and 100 retries that succeed.
    expect(qr.filter((e) => e === 0)).toHaveLength(101);
    expect(qr.filter((e) => e !== 0).every((e) => e === 40001 || e === 42001)).toBe(true);
    expect(qr.filter((e) => e !== 0)).toHaveLength(100);
  });

  it('refreshes within the last 5 minutes while calls go on with the old token, which WeChat still accepts', async () => {
    const pair = await startPair();
    const tokens = pair.companion.app.companion.wechat.tokens;
    await createQr(pair);
    const old = tokens.peek()!;
    await control(pair.sandbox, 'clock.advance', { seconds: 7200 - 200 });
    // This call starts the background refresh and is made with the old token: no waiting, no error.
    await createQr(pair);
    await tokens.settled();
    const fresh = tokens.peek()!;
    expect(fresh).not.toBe(old);
    expect(auditRows(pair, TOKEN_PATH)).toHaveLength(2);
    expect(auditRows(pair, QR).map((r) => r.errcode)).toEqual([0, 0]);
    // WeChat's overlap: the old token keeps working beside the new one until it expires.
    const withOld = await wx(pair.sandbox, `${QR}?access_token=${encodeURIComponent(old)}`, { expire_seconds: 60, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: 'x' } } });
    expect(withOld.errcode ?? 0).toBe(0);
    await createQr(pair);
    expect(auditRows(pair, TOKEN_PATH)).toHaveLength(2);
  });
});

describe('WeChat errors', () => {
  it('40164 names the IP to whitelist (through the API: scenes.create answers WECHAT_ERROR)', async () => {
    const pair = await startPair({ ipWhitelist: ['203.0.113.9'] });
    const res = await call(pair.companion.app, 'scenes.create', pair.ownerToken, { body: { ownerKind: 'poster', ownerId: 'p1' } });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ error: { code: 'WECHAT_ERROR', details: { errcode: 40164, ip: '127.0.0.1', apiPath: TOKEN_PATH } } });
    expect((res.body as { error: { message: string } }).error.message).toMatch(/127\.0\.0\.1 不在公众号的 IP 白名单中/);
  });

  it('45009 gives the reset time (midnight Beijing) and the API is not called again before it', async () => {
    const pair = await startPair();
    await control(pair.sandbox, 'faults.add', { path: QR, errcode: 45009 });
    const error = await rejection(createQr(pair));
    const expected = nextBeijingMidnight(new Date(pair.sandbox.clock.now())).toISOString();
    expect(error.details).toMatchObject({ errcode: 45009, resetAt: expected });
    expect(error.message).toContain('次日零点');
    const rows = auditRows(pair, QR).length;
    await rejection(createQr(pair));
    expect(auditRows(pair, QR)).toHaveLength(rows);
  });

  it('40125 for a wrong AppSecret, 40013 for an unknown AppID — not retried', async () => {
    const pair = await startPair({ secrets: false });
    await ok(pair.companion.app, 'secrets.put', pair.ownerToken, { body: { officialAccount: { appSecret: 'definitely-not-the-secret' } } });
    const wrongSecret = await rejection(createQr(pair));
    expect(wrongSecret.details).toMatchObject({ errcode: 40125 });
    expect(wrongSecret.message).toMatch(/^AppSecret 无效/);
    expect(auditRows(pair, TOKEN_PATH)).toEqual([{ errcode: 40125 }]);

    // An AppID the sandbox has never heard of.
    const unknownApp = await startPair({ secrets: false, companionAppId: 'wx00000000000000ff' });
    await ok(unknownApp.companion.app, 'secrets.put', unknownApp.ownerToken, { body: { officialAccount: { appSecret: OA_SECRET } } });
    expect((await rejection(createQr(unknownApp))).details).toMatchObject({ errcode: 40013 });
  });

  it('backs off and retries after -1 and 45011, then gives up with the errcode', async () => {
    const pair = await startPair();
    await createQr(pair);
    await control(pair.sandbox, 'faults.add', { path: QR, errcode: -1, count: 2 });
    await createQr(pair);
    expect(auditRows(pair, QR).map((r) => r.errcode)).toEqual([0, -1, -1, 0]);
    await control(pair.sandbox, 'faults.add', { path: QR, errcode: 45011, count: 1 });
    await createQr(pair);
    await control(pair.sandbox, 'faults.add', { path: QR, errcode: -1, count: 3 });
    const error = await rejection(createQr(pair));
    expect(error.details).toMatchObject({ errcode: -1 });
    expect(auditRows(pair, QR).map((r) => r.errcode)).toEqual([0, -1, -1, 0, 45011, 0, -1, -1, -1]);
  });

  it('rate-limits each API on our side: over the budget, RATE_LIMITED without calling WeChat', async () => {
    const pair = await startPair({ deps: { wechat: { rateLimits: { [QR]: 2 }, retry: { baseDelayMs: 1, maxDelayMs: 2 } } } });
    await createQr(pair);
    await createQr(pair);
    const error = await rejection(createQr(pair));
    expect(error.code).toBe('RATE_LIMITED');
    expect(auditRows(pair, QR)).toHaveLength(2);
  });

  it('a sandbox that is down answers WECHAT_UNREACHABLE', async () => {
    const pair = await startPair();
    await pair.sandbox.close();
    const error = await rejection(createQr(pair));
    expect(error.code).toBe('WECHAT_UNREACHABLE');
  });
});

describe('audit log', () => {
  it('records every call (time, path, errcode, latency, member) with parameters desensitized; CSV has a BOM', async () => {
    const pair = await startPair();
    const scene = await ok(pair.companion.app, 'scenes.create', pair.ownerToken, { body: { ownerKind: 'poster', ownerId: '海报-1' } });
    const me = await ok(pair.companion.app, 'me', pair.ownerToken);
    const audit = await ok(pair.companion.app, 'audit.list', pair.ownerToken, { query: {} });
    expect(audit.total).toBe(2);
    const [qr, token] = audit.items;
    expect(qr).toMatchObject({ apiPath: QR, errcode: 0, memberId: me.member.id });
    expect(token).toMatchObject({ apiPath: TOKEN_PATH, errcode: 0, memberId: null });
    expect(qr!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(qr!.params)).toMatchObject({ body: { action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: scene.sceneStr } } } });
    expect(JSON.parse(token!.params)).toMatchObject({ body: { appid: OA_APP_ID, secret: '***', force_refresh: false } });
    const everything = JSON.stringify(audit);
    expect(everything).not.toContain(OA_SECRET);
    expect(everything).not.toContain(pair.companion.app.companion.wechat.tokens.peek()!);

    const csv = await call(pair.companion.app, 'audit.csv', pair.ownerToken);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.text.startsWith('\uFEFFid,time,api_path,errcode,latency_ms,member_id,params\r\n')).toBe(true);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(QR);
    expect(csv.text).not.toContain(OA_SECRET);
  });
});
