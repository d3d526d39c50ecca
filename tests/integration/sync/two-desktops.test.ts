import { describe, expect, it } from 'vitest';
import type { SyncChoice } from '../../../shared/contract/index';
import { companionRequest } from '../../../electron/studio/companion-link/companion-client';
import { openCompanion, pairMember, pairOwner } from '../../helpers/companion';
import { callError, callOk } from '../../helpers/host';
import { openDesktop, syncState, type Desktop } from '../../helpers/sync';

async function team() {
  const companion = await openCompanion({ listen: true });
  const url = () => companion.url!;
  const ownerToken = await pairOwner(companion.app);
  const editor = await pairMember(companion.app, ownerToken, 'editor', '小李');
  return { companion, url, ownerToken, editorToken: editor.token };
}

/** A course with one chapter and one lesson whose body says `html`; answers the ids. */
async function courseWithLesson(d: Desktop, html: string) {
  const course = await callOk(d.host, 'courses.create', { title: '摄影入门' });
  const saved = await callOk(d.host, 'courses.save', {
    id: course.id,
    baseVersion: course.version,
    title: course.title,
    type: course.type,
    priceFen: 990,
    summary: '',
    coverHash: null,
    chapters: [{ id: 'ch-1', title: '第一章', lessons: [{ id: 'l-1', title: '光圈' }] }],
  });
  await callOk(d.host, 'lessons.saveBody', { courseId: saved.id, lessonId: 'l-1', baseVersion: 0, html });
  return { courseId: saved.id, lessonId: 'l-1' };
}

async function body(d: Desktop, courseId: string, lessonId: string): Promise<string> {
  return (await callOk(d.host, 'lessons.getBody', { courseId, lessonId })).html;
}

async function saveBody(d: Desktop, courseId: string, lessonId: string, html: string): Promise<void> {
  const current = await callOk(d.host, 'lessons.getBody', { courseId, lessonId });
  await callOk(d.host, 'lessons.saveBody', { courseId, lessonId, baseVersion: current.version, html });
}

/** Everything a desktop has of a course, for comparing desktops: the outline and every lesson's body. */
async function snapshot(d: Desktop, courseId: string) {
  const course = await callOk(d.host, 'courses.get', { id: courseId });
  const bodies: Record<string, string> = {};
  for (const lesson of course.chapters.flatMap((c) => c.lessons)) bodies[lesson.id] = await body(d, courseId, lesson.id);
  return { title: course.title, outline: course.chapters.map((c) => [c.title, c.lessons.map((l) => l.title)]), bodies };
}

describe('two desktops and one companion', () => {
  it.each<SyncChoice>(['mine', 'theirs', 'both'])('keep both versions of a lesson edited offline on both; the choice "%s" wins everywhere', async (choice) => {
    const { url, ownerToken, editorToken } = await team();
    const a = openDesktop(url, ownerToken);
    const b = openDesktop(url, editorToken);
    const { courseId, lessonId } = await courseWithLesson(a, '<p>初稿</p>');
    expect((await callOk(a.host, 'sync.now', {})).state).toBe('synced');
    expect((await callOk(b.host, 'sync.now', {})).state).toBe('synced');
    expect(await body(b, courseId, lessonId)).toBe('<p>初稿</p>');

    a.reach.online = false;
    b.reach.online = false;
    await saveBody(a, courseId, lessonId, '<p>A 的修改</p>');
    await saveBody(b, courseId, lessonId, '<p>B 的修改</p>');
    expect(await callOk(a.host, 'sync.now', {})).toMatchObject({ state: 'offline', pending: 1 });

    a.reach.online = true;
    b.reach.online = true;
    expect(await callOk(a.host, 'sync.now', {})).toMatchObject({ state: 'synced', pending: 0, conflicts: 0 });
    expect(await callOk(b.host, 'sync.now', {})).toMatchObject({ state: 'conflicts', pending: 0, conflicts: 1 });

    // Nothing overwritten: B still has its text, and the conflict shows both side by side.
    expect(await body(b, courseId, lessonId)).toBe('<p>B 的修改</p>');
    const [conflict] = (await callOk(b.host, 'sync.conflicts', {})).items;
    expect(conflict).toMatchObject({
      kind: 'lessonBody',
      courseId,
      lessonId,
      courseTitle: '摄影入门',
      lessonTitle: '光圈',
      local: { deleted: false, html: '<p>B 的修改</p>' },
      remote: { deleted: false, html: '<p>A 的修改</p>', updatedBy: '老板' },
    });

    await callOk(b.host, 'sync.resolve', { id: conflict!.id, choice });
    expect(await callOk(b.host, 'sync.now', {})).toMatchObject({ state: 'synced', conflicts: 0 });
    expect(await callOk(a.host, 'sync.now', {})).toMatchObject({ state: 'synced', conflicts: 0 });
    await callError(b.host, 'sync.resolve', { id: conflict!.id, choice }).then((e) => expect(e.code).toBe('NOT_FOUND'));

    const onA = await snapshot(a, courseId);
    expect(await snapshot(b, courseId)).toEqual(onA);
    if (choice === 'mine') expect(onA.bodies[lessonId]).toBe('<p>B 的修改</p>');
    if (choice === 'theirs') expect(onA.bodies[lessonId]).toBe('<p>A 的修改</p>');
    if (choice === 'both') {
      expect(onA.bodies[lessonId]).toBe('<p>A 的修改</p>');
      expect(onA.outline).toEqual([['第一章', ['光圈', '光圈（冲突副本）']]]);
      expect(Object.values(onA.bodies).sort()).toEqual(['<p>A 的修改</p>', '<p>B 的修改</p>']);
    }
    // What a desktop's text was replaced with is in its history first ('beforeSync').
    const replaced = choice === 'mine' ? a : choice === 'theirs' || choice === 'both' ? b : null;
    const history = await callOk(replaced!.host, 'lessonVersions.list', { courseId, lessonId });
    expect(history.items.map((v) => v.reason)).toContain('beforeSync');
  });

  it('a deletion travels as a tombstone; an edit against a deletion is a conflict, not a resurrection or a loss', async () => {
    const { url, ownerToken, editorToken } = await team();
    const a = openDesktop(url, ownerToken);
    const b = openDesktop(url, editorToken);
    const { courseId } = await courseWithLesson(a, '<p>x</p>');
    await callOk(a.host, 'sync.now', {});
    await callOk(b.host, 'sync.now', {});

    b.reach.online = false;
    await callOk(a.host, 'courses.delete', { id: courseId });
    const course = await callOk(b.host, 'courses.get', { id: courseId });
    await callOk(b.host, 'courses.save', { ...course, baseVersion: course.version, title: '摄影入门（第二版）' });
    b.reach.online = true;
    await callOk(a.host, 'sync.now', {});
    expect((await callOk(b.host, 'sync.now', {})).conflicts).toBe(1);
    const [conflict] = (await callOk(b.host, 'sync.conflicts', {})).items;
    expect(conflict).toMatchObject({ kind: 'course', local: { deleted: false, course: { title: '摄影入门（第二版）' } }, remote: { deleted: true } });

    await callOk(b.host, 'sync.resolve', { id: conflict!.id, choice: 'mine' });
    await callOk(b.host, 'sync.now', {});
    await callOk(a.host, 'sync.now', {});
    expect((await callOk(a.host, 'courses.get', { id: courseId })).title).toBe('摄影入门（第二版）');

    // A plain deletion with nothing changed on the other side just travels.
    await callOk(a.host, 'courses.delete', { id: courseId });
    await callOk(a.host, 'sync.now', {});
    expect(await callOk(b.host, 'sync.now', {})).toMatchObject({ state: 'synced', conflicts: 0 });
    expect((await callError(b.host, 'courses.get', { id: courseId })).code).toBe('NOT_FOUND');
  });

  it('a viewer pulls the team’s courses but cannot push: FORBIDDEN, and its own changes stay in its outbox', async () => {
    const { companion, url, ownerToken } = await team();
    const viewer = await pairMember(companion.app, ownerToken, 'viewer', '访客');
    const a = openDesktop(url, ownerToken);
    const v = openDesktop(url, viewer.token);
    const { courseId, lessonId } = await courseWithLesson(a, '<p>正文</p>');
    await callOk(a.host, 'sync.now', {});
    await callOk(v.host, 'sync.now', {});
    expect(await body(v, courseId, lessonId)).toBe('<p>正文</p>');

    await saveBody(v, courseId, lessonId, '<p>访客改的</p>');
    const status = await callOk(v.host, 'sync.now', {});
    expect(status).toMatchObject({ state: 'syncing', pending: 1 });
    expect(status.error).toMatch(/viewer/);
    await expect(
      companionRequest(url(), viewer.token, 'sync.push', {
        body: { items: [{ kind: 'lessonBody', id: lessonId, courseId, baseVersion: 0, changeId: 'change-0001', deleted: false, data: { html: 'x' }, updatedAt: '2026-01-01T00:00:00Z' }] },
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // The companion still has the owner's text.
    await callOk(a.host, 'sync.now', {});
    expect(await body(a, courseId, lessonId)).toBe('<p>正文</p>');
  });

  it('an edit saved on one desktop reaches a second desktop by the long poll, without a sync.now there', async () => {
    const { url, ownerToken, editorToken } = await team();
    const a = openDesktop(url, ownerToken, { auto: true });
    const b = openDesktop(url, editorToken, { auto: true });
    const { courseId, lessonId } = await courseWithLesson(a, '<p>一</p>');
    await syncState(b.host, (s) => s.state === 'synced' && s.lastSyncedAt !== null);
    const arrived = new Promise<void>((resolve) => {
      const off = b.host.on((e) => {
        if (e.event === 'courses.changed' && (e.payload as { id: string }).id === courseId) {
          void body(b, courseId, lessonId).then((html) => {
            if (html === '<p>二</p>') {
              off();
              resolve();
            }
          });
        }
      });
    });
    await syncState(a.host, (s) => s.state === 'synced' && s.pending === 0);
    await saveBody(a, courseId, lessonId, '<p>二</p>');
    await arrived;
    expect(await body(b, courseId, lessonId)).toBe('<p>二</p>');
  });
});
