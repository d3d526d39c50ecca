/**
 * The team over the companion's HTTP API (inject): pairing with one-time codes, device tokens that can be revoked,
 * and roles checked on every route of the table — a viewer's token is refused on every write route.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { companionRoutes, roleAllows, type CompanionRouteName } from '../../../shared/companion/api';
import { COMPANION_DB_FILE } from '../../../electron/companion/store/database';
import { BOOTSTRAP_CODE, call, ok, openCompanion, pairMember, pairOwner } from '../../helpers/companion';

const ROUTES = Object.entries(companionRoutes) as [CompanionRouteName, (typeof companionRoutes)[CompanionRouteName]][];
const WRITE_ROUTES = ROUTES.filter(([, r]) => r.method !== 'GET' && !('readOnly' in r && r.readOnly));
const params = { id: 'some-id', sceneStr: 'some-scene', outTradeNo: 'CS20240101000000abcdefghijkl' };

describe('pairing', () => {
  it('the bootstrap code makes the first owner, once', async () => {
    const c = await openCompanion();
    const paired = await ok(c.app, 'devices.pair', null, { body: { code: BOOTSTRAP_CODE, deviceName: 'MacBook', memberName: '林老师' } });
    expect(paired.member).toMatchObject({ name: '林老师', role: 'owner', wechat: null });
    expect(paired.device).toMatchObject({ name: 'MacBook', memberId: paired.member.id, revokedAt: null });
    expect(paired.deviceToken).toMatch(/^csd_/);
    expect(await ok(c.app, 'me', paired.deviceToken)).toEqual({ member: paired.member, deviceId: paired.device.id });

    const again = await call(c.app, 'devices.pair', null, { body: { code: BOOTSTRAP_CODE, deviceName: 'Other' } });
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('a new bootstrap code at the next start pairs another desktop of the same first owner', async () => {
    const c = await openCompanion();
    const ownerToken = await pairOwner(c.app, '林老师');
    const dataDir = c.dataDir;
    await c.app.close();
    const restarted = await openCompanion({ dataDir, masterKey: c.masterKey, deps: { bootstrapPairingCode: 'second-start-code-0123456789' } });
    // A spent code handed over again stays spent.
    expect((await call(restarted.app, 'devices.pair', null, { body: { code: BOOTSTRAP_CODE, deviceName: 'Replay' } })).status).toBe(401);
    const second = await ok(restarted.app, 'devices.pair', null, { body: { code: 'second-start-code-0123456789', deviceName: 'Second desktop' } });
    expect(second.member.name).toBe('林老师');
    expect((await ok(restarted.app, 'members.list', ownerToken)).items).toHaveLength(1);
  });

  it('an invite creates the member with the chosen role; its code pairs once, ignoring case and dashes', async () => {
    const c = await openCompanion();
    const owner = await pairOwner(c.app);
    const invite = await ok(c.app, 'invites.create', owner, { body: { role: 'editor', memberName: '小王' } });
    expect(invite.code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect((await ok(c.app, 'members.list', owner)).items.map((m) => [m.name, m.role])).toEqual([
      ['老板', 'owner'],
      ['小王', 'editor'],
    ]);
    const typed = invite.code.toLowerCase().replace(/-/g, ' ');
    const paired = await ok(c.app, 'devices.pair', null, { body: { code: typed, deviceName: '小王的电脑' } });
    expect(paired.member).toMatchObject({ id: invite.memberId, name: '小王', role: 'editor' });
    expect((await call(c.app, 'devices.pair', null, { body: { code: invite.code, deviceName: 'again' } })).status).toBe(401);
  });

  it('an expired code is refused with EXPIRED', async () => {
    let now = Date.parse('2024-05-01T00:00:00Z');
    const c = await openCompanion({ deps: { now: () => new Date(now) } });
    const owner = await pairOwner(c.app);
    const invite = await ok(c.app, 'invites.create', owner, { body: { role: 'viewer', memberName: 'Late' } });
    now += 24 * 3600_000 + 1;
    const res = await call(c.app, 'devices.pair', null, { body: { code: invite.code, deviceName: 'late' } });
    expect(res).toMatchObject({ status: 410, body: { error: { code: 'EXPIRED' } } });
  });

  it('stores only hashes of codes and tokens', async () => {
    const c = await openCompanion();
    const owner = await pairOwner(c.app);
    const invite = await ok(c.app, 'invites.create', owner, { body: { role: 'viewer', memberName: 'V' } });
    await c.app.close();
    const db = new Database(path.join(c.dataDir, COMPANION_DB_FILE), { readonly: true });
    const dump = JSON.stringify([db.prepare('SELECT * FROM devices').all(), db.prepare('SELECT * FROM invites').all()]);
    db.close();
    expect(dump).not.toContain(owner);
    expect(dump).not.toContain(invite.code.replace(/-/g, ''));
    expect(dump).not.toContain(BOOTSTRAP_CODE);
  });
});

describe('device tokens', () => {
  it('401 without a token, with an unknown one, and on every role route', async () => {
    const c = await openCompanion();
    await pairOwner(c.app);
    for (const [name, route] of ROUTES) {
      if (route.role === null) continue;
      expect((await call(c.app, name, null, { params })).status, `${name} without a token`).toBe(401);
      expect((await call(c.app, name, 'csd_not-a-real-token', { params })).status, `${name} with a wrong token`).toBe(401);
    }
  });

  it('a revoked device is refused at once (401), other devices keep working', async () => {
    const c = await openCompanion();
    const owner = await pairOwner(c.app);
    const editor = await pairMember(c.app, owner, 'editor');
    expect((await call(c.app, 'me', editor.token)).status).toBe(200);
    const editorDevice = (await ok(c.app, 'devices.list', owner)).items.find((d) => d.memberId === editor.memberId)!;
    const revoked = await ok(c.app, 'devices.revoke', owner, { params: { id: editorDevice.id } });
    expect(revoked.revokedAt).not.toBeNull();
    const refused = await call(c.app, 'me', editor.token);
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED', details: { revoked: true } } } });
    expect((await call(c.app, 'me', owner)).status).toBe(200);
    expect((await call(c.app, 'devices.revoke', owner, { params: { id: 'nope' } })).status).toBe(404);
  });
});

describe('roles', () => {
  it('every write route in the table needs more than viewer (except pairing, which needs a code)', () => {
    for (const [name, route] of WRITE_ROUTES) {
      if (name === 'devices.pair') continue;
      expect(route.role, name).not.toBeNull();
      expect(roleAllows('viewer', route.role!), name).toBe(false);
    }
  });

  it('a viewer is refused (403) on every route above viewer — every write route among them — before the body is read', async () => {
    const c = await openCompanion();
    const owner = await pairOwner(c.app);
    const viewer = await pairMember(c.app, owner, 'viewer');
    const refused: string[] = [];
    for (const [name, route] of ROUTES) {
      if (route.role === null || roleAllows('viewer', route.role)) continue;
      const res = await call(c.app, name, viewer.token, { params, body: route.method === 'GET' ? undefined : { anything: 'at all' } });
      expect(res.status, `${name} as viewer`).toBe(403);
      expect(res.body, name).toMatchObject({ error: { code: 'FORBIDDEN', details: { needed: route.role, role: 'viewer' } } });
      refused.push(name);
    }
    expect(refused).toEqual(expect.arrayContaining(WRITE_ROUTES.map(([n]) => n).filter((n) => n !== 'devices.pair')));
    // Nothing changed behind the refusals.
    expect((await ok(c.app, 'members.list', viewer.token)).items.map((m) => m.role)).toEqual(['owner', 'viewer']);
    expect((await ok(c.app, 'settings.get', viewer.token)).bindingMode).toBe('oauth');
  });

  it('an editor may create scenes but not change settings, invite, bind or unbind', async () => {
    const c = await openCompanion();
    const owner = await pairOwner(c.app);
    const editor = await pairMember(c.app, owner, 'editor');
    for (const [name, route] of ROUTES) {
      if (route.role !== 'owner') continue;
      expect((await call(c.app, name, editor.token, { params, body: {} })).status, name).toBe(403);
    }
    // Allowed through the role check; it fails later because no official account is configured.
    const scene = await call(c.app, 'scenes.create', editor.token, { body: { ownerKind: 'poster', ownerId: 'p1' } });
    expect(scene).toMatchObject({ status: 409, body: { error: { code: 'NOT_CONFIGURED' } } });
  });

  it('roles can change, but the last owner cannot step down', async () => {
    const c = await openCompanion();
    const owner = await pairOwner(c.app);
    const me = await ok(c.app, 'me', owner);
    const refused = await call(c.app, 'members.setRole', owner, { params: { id: me.member.id }, body: { role: 'viewer' } });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    const viewer = await pairMember(c.app, owner, 'viewer');
    expect(await ok(c.app, 'members.setRole', owner, { params: { id: viewer.memberId }, body: { role: 'owner' } })).toMatchObject({ role: 'owner' });
    // The promoted member's existing device now has owner rights.
    expect((await call(c.app, 'devices.list', viewer.token)).status).toBe(200);
    expect(await ok(c.app, 'members.setRole', owner, { params: { id: me.member.id }, body: { role: 'editor' } })).toMatchObject({ role: 'editor' });
  });

  it('validation errors name the field, after authentication', async () => {
    const c = await openCompanion();
    const owner = await pairOwner(c.app);
    const res = await call(c.app, 'invites.create', owner, { body: { role: 'boss', memberName: '' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_INPUT', details: { part: 'body' } } });
    expect((res.body as { error: { message: string } }).error.message).toMatch(/body\.role.*body\.memberName/);
  });
});
