/**
 * Parametric QR codes as a companion service: created on WeChat's side (the sandbox) with a generated scene string
 * and an owner; a sandbox user who scans one follows (subscribe with qrscene_) or, already following, scans (SCAN) —
 * pushed to the companion in safe mode, stored, processed and attributed to the scene.
 */
import { describe, expect, it } from 'vitest';
import { call, ok } from '../../helpers/companion';
import { startPair, type Pair } from '../../helpers/companion-sandbox';
import { OA_APP_ID, control } from '../../helpers/sandbox';

async function settle(pair: Pair): Promise<void> {
  await pair.sandbox.deliveriesIdle();
  await pair.companion.app.companion.events.idle();
}

describe('parametric QR scenes', () => {
  it('a temporary scene: follow through it, then scan it again as a follower — both attributed', async () => {
    const pair = await startPair();
    const scene = await ok(pair.companion.app, 'scenes.create', pair.ownerToken, { body: { ownerKind: 'poster', ownerId: 'poster-42', expireSeconds: 3600 } });
    expect(scene).toMatchObject({ ownerKind: 'poster', ownerId: 'poster-42', permanent: false, scans: 0, follows: 0 });
    expect(scene.sceneStr).toMatch(/^csp_[A-Za-z0-9]{20}$/);
    expect(Date.parse(scene.expiresAt!) - pair.sandbox.clock.now()).toBeGreaterThan(3500_000);
    const audit = (await ok(pair.companion.app, 'audit.list', pair.ownerToken, { query: {} })).items;
    expect(JSON.parse(audit[0]!.params).body).toEqual({ expire_seconds: 3600, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: scene.sceneStr } } });

    // Not following yet: the phone shows the account, the user follows.
    const scanned = await control(pair.sandbox, 'phone.scan', { userId: 'lin-xiaoman', url: scene.url });
    expect(scanned).toMatchObject({ step: 'consent', consent: 'follow' });
    await control(pair.sandbox, 'phone.decide', { sessionId: scanned.sessionId, allow: true });
    await settle(pair);
    expect(await ok(pair.companion.app, 'scenes.get', pair.ownerToken, { params: { sceneStr: scene.sceneStr } })).toMatchObject({ follows: 1, scans: 0 });

    // Following now: scanning again is a SCAN with the bare scene.
    const again = await control(pair.sandbox, 'phone.scan', { userId: 'lin-xiaoman', url: scene.url });
    expect(again.step).toBe('done');
    await control(pair.sandbox, 'events.fire', { appId: OA_APP_ID, userId: 'zhou-yiming', event: 'subscribe', ticket: scene.ticket });
    await settle(pair);
    expect(await ok(pair.companion.app, 'scenes.get', pair.ownerToken, { params: { sceneStr: scene.sceneStr } })).toMatchObject({ follows: 2, scans: 1 });

    const events = await ok(pair.companion.app, 'events.list', pair.ownerToken, { query: {} });
    expect(events.items.map((e) => [e.event, e.eventKey, e.scene, e.processed])).toEqual([
      ['subscribe', `qrscene_${scene.sceneStr}`, 'poster:poster-42', true],
      ['SCAN', scene.sceneStr, 'poster:poster-42', true],
      ['subscribe', `qrscene_${scene.sceneStr}`, 'poster:poster-42', true],
    ]);
    const deliveries = (await control(pair.sandbox, 'deliveries.list')).items;
    expect(deliveries.every((d) => d.delivered && d.attempts.length === 1 && d.attempts[0]!.body === 'success')).toBe(true);
  });

  it('a permanent scene (QR_LIMIT_STR_SCENE) has no expiry; a plain follow and an unfollow are not attributed', async () => {
    const pair = await startPair();
    const scene = await ok(pair.companion.app, 'scenes.create', pair.ownerToken, { body: { ownerKind: 'inviter', ownerId: 'member-7', permanent: true } });
    expect(scene).toMatchObject({ permanent: true, expiresAt: null });
    const audit = (await ok(pair.companion.app, 'audit.list', pair.ownerToken, { query: {} })).items;
    expect(JSON.parse(audit[0]!.params).body).toEqual({ action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: scene.sceneStr } } });

    await control(pair.sandbox, 'events.fire', { appId: OA_APP_ID, userId: 'chen-siyuan', event: 'subscribe' });
    await settle(pair);
    await control(pair.sandbox, 'clock.advance', { seconds: 2 });
    await control(pair.sandbox, 'events.fire', { appId: OA_APP_ID, userId: 'chen-siyuan', event: 'unsubscribe' });
    await settle(pair);
    const events = await ok(pair.companion.app, 'events.list', pair.ownerToken, { query: {} });
    expect(events.items.map((e) => [e.event, e.scene])).toEqual([
      ['unsubscribe', null],
      ['subscribe', null],
    ]);
    expect(await ok(pair.companion.app, 'scenes.get', pair.ownerToken, { params: { sceneStr: scene.sceneStr } })).toMatchObject({ follows: 0, scans: 0 });
    expect((await call(pair.companion.app, 'scenes.get', pair.ownerToken, { params: { sceneStr: 'nope' } })).status).toBe(404);
  });
});
