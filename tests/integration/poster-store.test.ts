/**
 * The poster editor's store against a real studio host (the renderer's client over a direct transport to
 * host.dispatch, events included): one autosave for a burst of changes, undo as a change that is saved too, the
 * compliance/QR check following edits, conflicts kept local, and batch progress reaching the store.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { EventEnvelope } from '../../shared/contract/index';
import type { StudioHost } from '../../electron/studio/host';
import { createClient } from '../../renderer/src/api/client';
import { createPosterEditorStore } from '../../renderer/src/features/posters/poster-store';
import { callOk, openHost } from '../helpers/host';
import { tempDir } from '../helpers/temp-dir';

async function setup() {
  const host: StudioHost = openHost(tempDir());
  const client = createClient({
    kind: 'desktop',
    call: (m, i) => host.dispatch(m, i),
    subscribe: (listener: (e: EventEnvelope) => void) => host.on(listener),
    mediaUrl: (h) => h,
  });
  const created = await callOk(host, 'posters.create', { name: '打卡', templateId: 'checkin-streak-1080x1920' });
  const store = createPosterEditorStore(client, created, await client.call('posters.brand', {}));
  onTestFinished(() => store.getState().dispose());
  return { host, store, id: created.id };
}

/** Resolves when the store reaches a state (store notifications, no sleeping). */
function until(store: ReturnType<typeof createPosterEditorStore>, test: (s: ReturnType<typeof store.getState>) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (test(store.getState())) return resolve();
    const off = store.subscribe((s) => {
      if (test(s)) {
        off();
        resolve();
      }
    });
  });
}

describe('the poster editor store', () => {
  it('saves a burst of changes once, and undo is saved like any change', async () => {
    const { host, store, id } = await setup();
    store.getState().apply({ type: 'move', ids: ['qr'], dx: 10, dy: 0 });
    store.getState().apply({ type: 'move', ids: ['qr'], dx: 10, dy: 0 });
    store.getState().apply({ type: 'setBackground', color: '#FFFFFF' });
    expect(store.getState().saveState).toBe('dirty');
    await until(store, (s) => s.saveState === 'saved');
    const saved = await callOk(host, 'posters.get', { id });
    expect(saved.version).toBe(2);
    expect(saved.document.elements.find((e) => e.id === 'qr')!.x).toBe(store.getState().history.past[0]!.elements.find((e) => e.id === 'qr')!.x + 20);
    store.getState().undo();
    await until(store, (s) => s.saveState === 'saved' && s.savedVersion === 3);
    expect((await callOk(host, 'posters.get', { id })).document.background).toBe('brand.background');
  });

  it('re-checks after an edit: an inducing text shows up as 诱导分享', async () => {
    const { store } = await setup();
    await until(store, (s) => s.check !== null);
    expect(store.getState().check!.findings).toEqual([]);
    store.getState().apply({ type: 'update', id: 'label', patch: { text: '转发朋友圈即可领取全套资料' } });
    await until(store, (s) => (s.check?.findings.length ?? 0) > 0);
    expect(store.getState().check!.findings.map((f) => [f.elementId, f.category])).toEqual([['label', 'induce_share']]);
  });

  it('keeps edits local on a conflict instead of overwriting', async () => {
    const { host, store, id } = await setup();
    const current = await callOk(host, 'posters.get', { id });
    await callOk(host, 'posters.save', { id, baseVersion: current.version, name: '别处改过', document: current.document });
    store.getState().apply({ type: 'setBackground', color: '#000000' });
    await until(store, (s) => s.saveState === 'conflict');
    expect((await callOk(host, 'posters.get', { id })).name).toBe('别处改过');
    expect(store.getState().history.present.background).toBe('#000000');
  });

  it('follows a batch to its end through progress events', async () => {
    const { store } = await setup();
    const out = path.join(tempDir(), 'out');
    await store.getState().startBatch({ source: { kind: 'csv', text: '昵称,打卡天数\n小明,3\n小红,5\n' }, outputDir: out, pattern: '{{nickname}}', format: 'jpeg', acknowledgeMustFix: false });
    await until(store, (s) => s.batch?.state === 'done');
    expect(store.getState().batch).toMatchObject({ done: 2, failed: 0, total: 2 });
    expect(fs.readdirSync(out).sort()).toEqual(['小明.jpg', '小红.jpg']);
    await store.getState().startBatch({ source: { kind: 'csv', text: '昵称\n"小明\n' }, outputDir: out, pattern: '{{nickname}}', format: 'png', acknowledgeMustFix: false });
    expect(store.getState().batchError).toEqual({ code: 'INVALID_INPUT', field: 'csv.unclosedQuote', line: 2, detail: '' });
  });
});
