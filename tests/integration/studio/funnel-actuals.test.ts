/**
 * Actual versus plan through the studio's companion link: a team companion on loopback with a real WeChat sandbox
 * (official-account pushes in safe mode and WeChat Pay), the studio host paired with it as a viewer. QR scans and
 * follows arrive as signed pushes after the sandbox phone scans a funnel's parametric code; a Native order carrying
 * the same tracking scene is paid with the phone. `funnels.actuals` counts them on the node with that scene inside
 * its time window; outside the window nothing counts; with the companion gone it answers "no actuals" quietly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { epochToChinaTime } from '../../../shared/funnel/time';
import { keyFileSealer, SecretBox } from '../../../electron/studio/companion-link/secret-box';
import { COURSE, eventually, payByPhone, startPayPair } from '../../helpers/companion-pay';
import { ok, pairMember } from '../../helpers/companion';
import { callOk, openHost } from '../../helpers/host';
import { AES_KEY, OA_APP_ID, OA_SECRET, PUSH_TOKEN, control, officialAccount } from '../../helpers/sandbox';
import { tempDir } from '../../helpers/temp-dir';
import { cliLauncher, companionState } from '../../helpers/embedded';

describe('funnels.actuals', () => {
  it('counts scans, follows and paid orders per node by tracking scene and time window', async () => {
    const pair = await startPayPair();
    const { sandbox, companion, ownerToken } = pair;
    await ok(companion.app, 'secrets.put', ownerToken, { body: { officialAccount: { appSecret: OA_SECRET, token: PUSH_TOKEN, encodingAesKey: AES_KEY } } });
    sandbox.putApp(officialAccount({ push: { url: `${companion.url}/wechat/events`, token: PUSH_TOKEN, encodingAesKey: AES_KEY, mode: 'safe' } }));
    const viewer = await pairMember(companion.app, ownerToken, 'viewer');

    const dataDir = tempDir();
    fs.writeFileSync(
      path.join(dataDir, 'companion-link.json'),
      JSON.stringify({ oaAppId: 'wx0000000000000001', webAppId: 'wx0000000000000002', mode: 'remote', remoteUrl: companion.url }),
    );
    new SecretBox<Record<string, string>>(dataDir, keyFileSealer(dataDir)).update({ remoteDeviceToken: viewer.token });
    const host = openHost(dataDir, { companion: { launcher: cliLauncher, sealer: keyFileSealer(dataDir) } });
    await companionState(host, 'ready');

    // The poster-QR step of a plan, running from an hour ago to tomorrow (China time, the sandbox's clock).
    const now = sandbox.clock.now();
    const funnel = await callOk(host, 'funnels.create', { name: '海报活动', templateId: 'poster-wecom', startDay: epochToChinaTime(now).slice(0, 10) });
    const doc = structuredClone(funnel.document);
    const poster = doc.nodes.find((n) => n.id === 'poster')!;
    poster.at = epochToChinaTime(now - 3600_000);
    poster.until = epochToChinaTime(now + 86_400_000);
    poster.scene = 'funnel:june-poster';
    const buy = doc.nodes.find((n) => n.id === 'buy')!;
    buy.scene = null;
    await callOk(host, 'funnels.save', { id: funnel.id, baseVersion: funnel.version, document: doc });

    // Two people follow through the funnel's code, one of them scans it again; a third scans another owner's code.
    const scene = await ok(companion.app, 'scenes.create', ownerToken, { body: { ownerKind: 'funnel', ownerId: 'june-poster', expireSeconds: 86_400 } });
    const other = await ok(companion.app, 'scenes.create', ownerToken, { body: { ownerKind: 'poster', ownerId: 'unrelated' } });
    const scanned = await control(sandbox, 'phone.scan', { userId: 'lin-xiaoman', url: scene.url });
    await control(sandbox, 'phone.decide', { sessionId: scanned.sessionId, allow: true });
    await control(sandbox, 'phone.scan', { userId: 'lin-xiaoman', url: scene.url });
    await control(sandbox, 'events.fire', { appId: OA_APP_ID, userId: 'zhou-yiming', event: 'subscribe', ticket: scene.ticket });
    await control(sandbox, 'events.fire', { appId: OA_APP_ID, userId: 'su-wanqing', event: 'subscribe', ticket: other.ticket });
    await sandbox.deliveriesIdle();
    await companion.app.companion.events.idle();

    // One paid order from the funnel's scene, one unpaid.
    const order = await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE], scene: 'funnel:june-poster' } });
    await ok(companion.app, 'orders.create', ownerToken, { body: { kind: 'native', items: [COURSE], scene: 'funnel:june-poster' } });
    if (order.payment.kind !== 'native') throw new Error('expected a native payment');
    await payByPhone(sandbox, order.payment.codeUrl);
    await eventually(
      () => ok(companion.app, 'orders.get', ownerToken, { params: { outTradeNo: order.order.outTradeNo } }),
      (d) => d.order.state === 'SUCCESS',
    );

    const actuals = await callOk(host, 'funnels.actuals', { id: funnel.id });
    expect(actuals).toMatchObject({ available: true, eventsRead: 4, ordersRead: 2 });
    expect(actuals.nodes).toEqual([{ nodeId: 'poster', scans: 3, follows: 2, purchases: 1, revenueFen: COURSE.priceFen }]);

    // The same step planned for last month: nothing of today's is attributed to it.
    const past = structuredClone(doc);
    const p = past.nodes.find((n) => n.id === 'poster')!;
    p.at = epochToChinaTime(now - 40 * 86_400_000);
    p.until = epochToChinaTime(now - 30 * 86_400_000);
    await callOk(host, 'funnels.save', { id: funnel.id, baseVersion: funnel.version + 1, document: past });
    expect((await callOk(host, 'funnels.actuals', { id: funnel.id })).nodes).toEqual([{ nodeId: 'poster', scans: 0, follows: 0, purchases: 0, revenueFen: 0 }]);

    // The team companion goes away: no actuals, quietly (no error).
    await companion.app.close();
    expect(await callOk(host, 'funnels.actuals', { id: funnel.id })).toMatchObject({ available: false, reason: 'offline', nodes: [] });
  });
});
