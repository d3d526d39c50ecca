/**
 * Lesson body versions through the host's contract methods on a real SQLite file: the snapshot rules (first save, a
 * large text change, the first save ≥ 5 minutes later, on demand), the bounded history, the text diff, restore through
 * the normal body save and its undo, and a stale base version refused with nothing written.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { StudioHost } from '../../../electron/studio/host';
import { DB_FILE_NAME } from '../../../electron/studio/store/database';
import type { MethodInput } from '../../../shared/contract/index';
import type { Course } from '../../../shared/domain/course';
import { callError, callOk, openHost } from '../../helpers/host';
import { tempDir } from '../../helpers/temp-dir';

function saveInput(course: Course, changes: Partial<MethodInput<'courses.save'>> = {}): MethodInput<'courses.save'> {
  const { version, createdAt: _c, updatedAt: _u, ...document } = course;
  return { ...document, baseVersion: version, ...changes };
}

function manualClock(start = '2025-03-01T08:00:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

async function courseWithLessons(host: StudioHost): Promise<Course> {
  const course = await callOk(host, 'courses.create', { title: '写作课' });
  return callOk(
    host,
    'courses.save',
    saveInput(course, { chapters: [{ id: 'ch1', title: '第一章', lessons: [{ id: 'l1', title: '开篇' }, { id: 'l2', title: '结构' }] }] }),
  );
}

async function reasons(host: StudioHost, courseId: string, lessonId = 'l1'): Promise<string[]> {
  return (await callOk(host, 'lessonVersions.list', { courseId, lessonId })).items.map((v) => v.reason);
}

describe('lesson body versions', () => {
  it('snapshots the first save, a large change and the first save after 5 minutes — not every save — and on demand', async () => {
    const clock = manualClock();
    const host = openHost(tempDir(), { now: clock.now });
    const course = await courseWithLessons(host);
    const save = (baseVersion: number, html: string) => callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion, html });

    let body = await save(0, '<p>第一稿</p>');
    expect(await reasons(host, course.id)).toEqual(['created']);
    for (let i = 0; i < 4; i++) {
      clock.advance(30_000);
      body = await save(body.version, `<p>第一稿，改${i}</p>`);
    }
    expect(await reasons(host, course.id)).toEqual(['created']);
    clock.advance(5 * 60_000);
    body = await save(body.version, '<p>第二稿</p>');
    expect(await reasons(host, course.id)).toEqual(['interval', 'created']);
    clock.advance(1000);
    // 200 characters of text changed; markup alone does not count.
    body = await save(body.version, `<p>第二稿</p><p>${'长'.repeat(200)}</p>`);
    expect(await reasons(host, course.id)).toEqual(['largeEdit', 'interval', 'created']);
    clock.advance(1000);
    body = await save(body.version, `<h2>第二稿</h2><p><strong>${'长'.repeat(200)}</strong></p>`);
    expect(await reasons(host, course.id)).toEqual(['largeEdit', 'interval', 'created']);

    const manual = await callOk(host, 'lessonVersions.snapshot', { courseId: course.id, lessonId: 'l1', label: ' 定稿 ' });
    expect(manual).toMatchObject({ seq: 4, reason: 'manual', label: '定稿', bodyVersion: body.version, chars: 203, restoredSeq: null });
    // Another lesson has its own history.
    expect(await reasons(host, course.id, 'l2')).toEqual([]);
    expect((await callError(host, 'lessonVersions.list', { courseId: course.id, lessonId: 'nope' })).code).toBe('NOT_FOUND');
  });

  it('stores compressed HTML in a STRICT table and keeps at most 100 versions per lesson', async () => {
    const clock = manualClock();
    const dir = tempDir();
    const host = openHost(dir, { now: clock.now });
    const course = await courseWithLessons(host);
    await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 0, html: `<p>${'重复的段落。'.repeat(300)}</p>` });
    for (let i = 0; i < 102; i++) await callOk(host, 'lessonVersions.snapshot', { courseId: course.id, lessonId: 'l1' });
    const items = (await callOk(host, 'lessonVersions.list', { courseId: course.id, lessonId: 'l1' })).items;
    expect(items).toHaveLength(100);
    expect(items[0]!.seq).toBe(103);
    expect(items[99]!.seq).toBe(4);
    expect(items[0]!.size).toBeLessThan(200);
    const db = new Database(path.join(dir, DB_FILE_NAME), { readonly: true });
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'lesson_body_versions'").pluck().get()).toMatch(/STRICT$/);
    expect(db.prepare('SELECT typeof(html) FROM lesson_body_versions LIMIT 1').pluck().get()).toBe('blob');
    db.close();
  });

  it('compares the body text of a version with the current body, or with another version', async () => {
    const host = openHost(tempDir(), { now: manualClock().now });
    const course = await courseWithLessons(host);
    const first = await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 0, html: '<p>知识付费的核心是信任。</p>' });
    await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: first.version, html: '<p>知识付费的<strong>关键</strong>是信任。</p>' });
    const diff = await callOk(host, 'lessonVersions.compare', { courseId: course.id, lessonId: 'l1', from: 1 });
    expect(diff.text).toEqual([
      { op: 'equal', text: '知识付费的' },
      { op: 'delete', text: '核心' },
      { op: 'insert', text: '关键' },
      { op: 'equal', text: '是信任。' },
    ]);
    await callOk(host, 'lessonVersions.snapshot', { courseId: course.id, lessonId: 'l1' });
    expect((await callOk(host, 'lessonVersions.compare', { courseId: course.id, lessonId: 'l1', from: 2, to: 1 })).text).toEqual([
      { op: 'equal', text: '知识付费的' },
      { op: 'delete', text: '关键' },
      { op: 'insert', text: '核心' },
      { op: 'equal', text: '是信任。' },
    ]);
    expect(await callError(host, 'lessonVersions.compare', { courseId: course.id, lessonId: 'l1', from: 9 })).toMatchObject({
      code: 'NOT_FOUND',
      fields: [{ path: 'seq', code: 'version.notFound' }],
    });
  });

  it('restores a version through the body save, and restoring the version stored before it undoes the restore', async () => {
    const host = openHost(tempDir(), { now: manualClock().now });
    const course = await courseWithLessons(host);
    const v1 = await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 0, html: '<p>旧的正文</p>' });
    const v2 = await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: v1.version, html: '<p>新的正文</p>' });

    const result = await callOk(host, 'lessonVersions.restore', { courseId: course.id, lessonId: 'l1', seq: 1, baseVersion: v2.version });
    expect(result.body).toMatchObject({ html: '<p>旧的正文</p>', version: 3 });
    expect(result.before).toMatchObject({ seq: 2, reason: 'beforeRestore', restoredSeq: 1, bodyVersion: 2 });
    expect(result.restored).toMatchObject({ seq: 3, reason: 'restored', restoredSeq: 1, bodyVersion: 3 });
    expect(await reasons(host, course.id)).toEqual(['restored', 'beforeRestore', 'created']);
    // Search follows the restored body (it went through the normal save).
    expect((await callOk(host, 'search.query', { query: '旧的正文' })).items).toHaveLength(1);

    const undo = await callOk(host, 'lessonVersions.restore', { courseId: course.id, lessonId: 'l1', seq: result.before.seq, baseVersion: result.body.version });
    expect(undo.body).toMatchObject({ html: '<p>新的正文</p>', version: 4 });
    expect(await callOk(host, 'lessons.getBody', { courseId: course.id, lessonId: 'l1' })).toMatchObject({ html: '<p>新的正文</p>', version: 4 });
  });

  it('refuses a restore against a stale base version, writing nothing', async () => {
    const host = openHost(tempDir(), { now: manualClock().now });
    const course = await courseWithLessons(host);
    const v1 = await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 0, html: '<p>一</p>' });
    await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: v1.version, html: '<p>另一个窗口</p>' });
    const error = await callError(host, 'lessonVersions.restore', { courseId: course.id, lessonId: 'l1', seq: 1, baseVersion: v1.version });
    expect(error).toMatchObject({ code: 'CONFLICT', details: { currentVersion: 2 } });
    expect(await reasons(host, course.id)).toEqual(['created']);
    expect(await callOk(host, 'lessons.getBody', { courseId: course.id, lessonId: 'l1' })).toMatchObject({ html: '<p>另一个窗口</p>', version: 2 });
  });
});
