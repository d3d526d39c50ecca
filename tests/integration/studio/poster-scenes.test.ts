/**
 * Tracking QR codes with the embedded companion and WeChat sandbox: an exported poster carries a parametric
 * official-account QR created through the companion's `scenes.create`; a sandbox user scanning it from the exported
 * pixels and following is recorded by the companion against that poster's inviter.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { CompanionStatus } from '../../../shared/contract/index';
import { keyFileSealer } from '../../../electron/studio/companion-link/secret-box';
import { createStudioHost, type StudioHost } from '../../../electron/studio/host';
import { sceneOwnerId } from '../../../shared/poster/index';
import { callOk } from '../../helpers/host';
import { tempDir } from '../../helpers/temp-dir';
import { cliLauncher } from '../../helpers/embedded';

function ready(host: StudioHost): Promise<CompanionStatus> {
  return new Promise((resolve) => {
    const check = (status: CompanionStatus) => {
      if (status.state !== 'ready') return;
      off();
      resolve(status);
    };
    const off = host.on((e) => e.event === 'companion.changed' && check(e.payload as CompanionStatus));
    void host.dispatch('companion.status', {}).then((r) => r.ok && check(r.value as CompanionStatus));
  });
}

async function phone<T>(origin: string, route: string, body: unknown): Promise<T> {
  const res = await fetch(`${origin}/phone/api/${route}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sandbox-phone': '1' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

describe.skipIf(process.platform !== 'linux')('poster QR codes through the companion', () => {
  it('exports a parametric QR whose follow is attributed to the poster’s inviter', async () => {
    const dataDir = tempDir();
    const host = createStudioHost({ dataDir, shell: 'browser', checkOutputs: true, companion: { launcher: cliLauncher, sealer: keyFileSealer(dataDir) } });
    try {
      const status = await ready(host);
      const poster = await callOk(host, 'posters.create', { name: '邀请', templateId: 'invite-warm-1080x1920' });
      const check = await callOk(host, 'posters.check', { id: poster.id, document: poster.document });
      expect(check.qr[0]).toMatchObject({ source: 'companion', warnings: [] });

      const out = await callOk(host, 'posters.export', { id: poster.id, document: poster.document });
      expect(out.qr[0]!.source).toBe('companion');
      const png = PNG.sync.read(Buffer.from(out.dataBase64, 'base64'));
      const url = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
      expect(url).toBe(out.qr[0]!.payload);
      expect(url).toMatch(/^http:\/\/weixin\.qq\.com\/q\//);

      // A sandbox user scans the code read from the pixels and follows the account.
      const origin = new URL(status.phoneUrl!).origin;
      const scan = await phone<{ sessionId: string; step: string; consent: string | null }>(origin, 'scan', { userId: 'lin-xiaoman', url });
      expect([scan.step, scan.consent]).toEqual(['consent', 'follow']);
      await phone(origin, 'decide', { sessionId: scan.sessionId, allow: true });

      let events = await callOk(host, 'wechatEvents.list', {});
      for (let i = 0; i < 100 && !events.items.some((e) => e.scene); i++) {
        await new Promise((r) => setTimeout(r, 50));
        events = await callOk(host, 'wechatEvents.list', {});
      }
      const follow = events.items.find((e) => e.scene);
      expect(follow?.event).toBe('subscribe');
      expect(follow?.scene).toBe(`inviter:${sceneOwnerId(poster.id, 'XM2026')}`);
    } finally {
      await host.close();
    }
  });
});
