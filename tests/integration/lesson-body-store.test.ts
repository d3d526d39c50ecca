/**
 * The lesson body's editor store against a real studio host (the renderer's client over a direct transport to
 * host.dispatch): autosave, composition holding saves back, over-limit bodies kept local, and conflicts.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { StudioHost } from '../../electron/studio/host';
import { createClient } from '../../renderer/src/api/client';
import { BODY_AUTOSAVE_DELAY_MS, createLessonBodyStore } from '../../renderer/src/features/lesson-body/lesson-body-store';
import { callOk, openHost } from '../helpers/host';
import { tempDir } from '../helpers/temp-dir';

async function setup(): Promise<{ host: StudioHost; courseId: string; store: ReturnType<typeof createLessonBodyStore> }> {
  const host = openHost(tempDir());
  const course = await callOk(host, 'courses.create', { title: '课' });
  await callOk(host, 'courses.save', {
    id: course.id,
    baseVersion: course.version,
    title: course.title,
    type: course.type,
    priceFen: 0,
    summary: '',
    coverHash: null,
    chapters: [{ id: 'ch', title: '章', lessons: [{ id: 'l1', title: '课时' }] }],
  });
  const client = createClient({ kind: 'desktop', call: (m, i) => host.dispatch(m, i), subscribe: () => () => {}, mediaUrl: (h) => h });
  const body = await client.call('lessons.getBody', { courseId: course.id, lessonId: 'l1' });
  const store = createLessonBodyStore(client, body);
  onTestFinished(() => store.getState().dispose());
  return { host, courseId: course.id, store };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stored = async (host: StudioHost, courseId: string) => callOk(host, 'lessons.getBody', { courseId, lessonId: 'l1' });

describe('the lesson body store', () => {
  it('treats the editor’s empty document as no body, and autosaves a change after a pause', async () => {
    const { host, courseId, store } = await setup();
    store.getState().baseline('<p></p>');
    expect(store.getState()).toMatchObject({ html: '', saveState: 'saved' });
    store.getState().setHtml('<p>第一句</p>');
    expect(store.getState().saveState).toBe('dirty');
    expect(store.getState().stats.chars).toBe(3);
    await wait(BODY_AUTOSAVE_DELAY_MS + 300);
    expect(store.getState()).toMatchObject({ saveState: 'saved', savedVersion: 1 });
    expect((await stored(host, courseId)).html).toBe('<p>第一句</p>');
  });

  it('saves nothing while an IME composition is open, then the committed text', async () => {
    const { host, courseId, store } = await setup();
    store.getState().setComposing(true);
    store.getState().setHtml("<p>zhong'wen</p>");
    await wait(BODY_AUTOSAVE_DELAY_MS * 2);
    await store.getState().saveNow(); // even an explicit save (Ctrl+S, leaving) waits for the composition
    expect((await stored(host, courseId)).version).toBe(0);
    expect(store.getState().saveState).toBe('dirty');
    store.getState().setHtml('<p>中文</p>');
    store.getState().setComposing(false);
    await wait(BODY_AUTOSAVE_DELAY_MS + 300);
    expect(await stored(host, courseId)).toMatchObject({ html: '<p>中文</p>', version: 1 });
  });

  it('keeps a body over WeChat’s limits local until it fits', async () => {
    const { host, courseId, store } = await setup();
    store.getState().setHtml(`<p>${'字'.repeat(20_000)}</p>`);
    expect(store.getState()).toMatchObject({ saveState: 'over', over: ['body.tooManyChars'] });
    await store.getState().saveNow();
    expect((await stored(host, courseId)).version).toBe(0);
    store.getState().setHtml(`<p>${'字'.repeat(19_999)}</p>`);
    await store.getState().saveNow();
    expect(await stored(host, courseId)).toMatchObject({ version: 1, chars: 19_999 });
  });

  it('stops at a conflict when the body was saved elsewhere', async () => {
    const { host, courseId, store } = await setup();
    await callOk(host, 'lessons.saveBody', { courseId, lessonId: 'l1', baseVersion: 0, html: '<p>另一个窗口</p>' });
    store.getState().setHtml('<p>这里</p>');
    await store.getState().saveNow();
    expect(store.getState()).toMatchObject({ saveState: 'conflict', saveError: 'CONFLICT' });
    expect((await stored(host, courseId)).html).toBe('<p>另一个窗口</p>');
  });
});
