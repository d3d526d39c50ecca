import { describe, expect, it } from 'vitest';
import type { CompanionStatus, SyncStatus } from '../../../shared/contract/index';
import { keyFileSealer } from '../../../electron/studio/companion-link/secret-box';
import { createStudioHost, type StudioHost } from '../../../electron/studio/host';
import { callOk } from '../../helpers/host';
import { syncState } from '../../helpers/sync';
import { tempDir } from '../../helpers/temp-dir';
import { cliLauncher } from '../../helpers/embedded';

function companionReady(host: StudioHost): Promise<void> {
  return new Promise((resolve) => {
    const off = host.on((e) => {
      if (e.event === 'companion.changed' && (e.payload as CompanionStatus).state === 'ready') {
        off();
        resolve();
      }
    });
    void host.dispatch('companion.status', {}).then((r) => {
      if (r.ok && (r.value as CompanionStatus).state === 'ready') {
        off();
        resolve();
      }
    });
  });
}

describe.skipIf(process.platform !== 'linux')('sync through the companion link', () => {
  it('sends what the workspace had to the embedded companion in the background and reports synced', async () => {
    const dataDir = tempDir();
    const host = createStudioHost({ dataDir, shell: 'browser', checkOutputs: true, companion: { launcher: cliLauncher, sealer: keyFileSealer(dataDir) } });
    try {
      const course = await callOk(host, 'courses.create', { title: '离线时写的课' });
      await callOk(host, 'courses.save', { ...course, baseVersion: course.version, chapters: [{ id: 'c1', title: '一', lessons: [{ id: 'l1', title: '课' }] }] });
      await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 0, html: '<p>正文</p>' });
      await companionReady(host);
      const synced: SyncStatus = await syncState(host, (s) => s.state === 'synced' && s.pending === 0);
      expect(synced).toMatchObject({ conflicts: 0, error: null });
      expect(synced.lastSyncedAt).not.toBeNull();
    } finally {
      await host.close();
    }
  }, 60_000);
});
