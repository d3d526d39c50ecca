import { describe, expect, it } from 'vitest';
import type { StudioHost } from '../../../electron/studio/host';
import type { Course } from '../../../shared/domain/course';
import type { MethodInput } from '../../../shared/contract/index';
import { callError, callOk, openHost } from '../../helpers/host';
import { tempDir } from '../../helpers/temp-dir';

function saveInput(course: Course, changes: Partial<MethodInput<'courses.save'>> = {}): MethodInput<'courses.save'> {
  const { version, createdAt: _c, updatedAt: _u, ...document } = course;
  return { ...document, baseVersion: version, ...changes };
}

/** A clock the test moves by hand. */
function manualClock(start = '2025-03-01T08:00:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

async function reasons(host: StudioHost, courseId: string): Promise<string[]> {
  return (await callOk(host, 'versions.list', { courseId })).items.map((v) => v.reason);
}

describe('automatic snapshots', () => {
  it('takes one on create, on a type change, on a large edit and on the first save after 5 minutes — not on every save', async () => {
    const clock = manualClock();
    const host = openHost(tempDir(), { now: clock.now });
    let course = await callOk(host, 'courses.create', { title: '写作课' });
    expect(await reasons(host, course.id)).toEqual(['created']);

    for (let i = 1; i <= 5; i++) {
      clock.advance(30_000);
      course = await callOk(host, 'courses.save', saveInput(course, { title: `写作课${'字'.repeat(i)}` }));
    }
    expect(await reasons(host, course.id)).toEqual(['created']);

    clock.advance(5 * 60_000);
    course = await callOk(host, 'courses.save', saveInput(course, { title: '写作课 第二版' }));
    expect(await reasons(host, course.id)).toEqual(['interval', 'created']);

    clock.advance(1000);
    // A type change leaves typeDetails out: the host converts what both types share.
    const { typeDetails: _details, ...toCamp } = saveInput(course, { type: 'camp' });
    course = await callOk(host, 'courses.save', toCamp);
    expect(await reasons(host, course.id)).toEqual(['typeChanged', 'interval', 'created']);

    clock.advance(1000);
    course = await callOk(host, 'courses.save', saveInput(course, { summary: '长'.repeat(250) }));
    expect(await reasons(host, course.id)).toEqual(['largeEdit', 'typeChanged', 'interval', 'created']);

    const list = (await callOk(host, 'versions.list', { courseId: course.id })).items;
    expect(list.map((v) => v.seq)).toEqual([4, 3, 2, 1]);
    expect(list[0]).toMatchObject({ courseVersion: course.version, title: '写作课 第二版', label: '', restoredSeq: null });
  });

  it('keeps at most 100 versions per course, dropping the oldest', async () => {
    const host = openHost(tempDir(), { now: manualClock().now });
    const course = await callOk(host, 'courses.create', { title: '限额' });
    for (let i = 0; i < 105; i++) await callOk(host, 'versions.snapshot', { courseId: course.id, label: `v${i}` });
    const items = (await callOk(host, 'versions.list', { courseId: course.id })).items;
    expect(items).toHaveLength(100);
    expect(items[0]!.seq).toBe(106);
    expect(items.at(-1)!.seq).toBe(7);
  });
});

describe('compare and restore', () => {
  it('shows a readable diff and restores a version undoably', async () => {
    const clock = manualClock();
    const host = openHost(tempDir(), { now: clock.now });
    const created = await callOk(host, 'courses.create', { title: '摄影课' });
    const v1 = await callOk(
      host,
      'courses.save',
      saveInput(created, {
        summary: '学会用光',
        chapters: [
          { id: 'a', title: '光线', lessons: [{ id: 'l1', title: '顺光' }, { id: 'l2', title: '逆光' }] },
          { id: 'b', title: '构图', lessons: [{ id: 'l3', title: '三分法' }] },
        ],
      }),
    );
    const first = await callOk(host, 'versions.snapshot', { courseId: v1.id, label: '初稿' });
    expect(first).toMatchObject({ seq: 2, reason: 'manual', label: '初稿' });

    clock.advance(1000);
    const v2 = await callOk(
      host,
      'courses.save',
      saveInput(v1, {
        title: '手机摄影课',
        priceFen: 990,
        summary: '学会用光和构图',
        chapters: [
          { id: 'b', title: '构图技巧', lessons: [{ id: 'l3', title: '三分法' }, { id: 'l1', title: '顺光' }] },
          { id: 'a', title: '光线', lessons: [] },
          { id: 'c', title: '后期', lessons: [{ id: 'l4', title: '调色' }] },
        ],
      }),
    );
    const diff = await callOk(host, 'versions.compare', { courseId: v1.id, from: 2 });
    expect(diff.fields).toEqual([
      { field: 'title', before: '摄影课', after: '手机摄影课', text: [{ op: 'insert', text: '手机' }, { op: 'equal', text: '摄影课' }] },
      { field: 'priceFen', before: '0', after: '990', text: null },
      { field: 'summary', before: '学会用光', after: '学会用光和构图', text: [{ op: 'equal', text: '学会用光' }, { op: 'insert', text: '和构图' }] },
    ]);
    expect(diff.outline).toEqual([
      // Two chapters swapped: one of them is reported as moved (here "b", also renamed), not both.
      expect.objectContaining({ kind: 'chapter', id: 'b', change: 'renamedMoved', title: '构图技巧', beforeTitle: '构图' }),
      expect.objectContaining({ kind: 'chapter', id: 'c', change: 'added', title: '后期' }),
      expect.objectContaining({ kind: 'lesson', id: 'l1', change: 'moved', fromChapter: '光线', toChapter: '构图技巧' }),
      expect.objectContaining({ kind: 'lesson', id: 'l4', change: 'added', toChapter: '后期' }),
      expect.objectContaining({ kind: 'lesson', id: 'l2', change: 'removed', title: '逆光', fromChapter: '光线' }),
    ]);

    // Restore the first draft: the state before is stored, then the restored one.
    clock.advance(1000);
    const restored = await callOk(host, 'versions.restore', { courseId: v1.id, seq: 2, baseVersion: v2.version });
    expect(restored.before).toMatchObject({ reason: 'beforeRestore', restoredSeq: 2, title: '手机摄影课' });
    expect(restored.restored).toMatchObject({ reason: 'restored', restoredSeq: 2, title: '摄影课' });
    const { version: _a, updatedAt: _b, ...restoredDoc } = restored.course;
    const { version: _c, updatedAt: _d, ...firstDoc } = v1;
    expect(restoredDoc).toEqual(firstDoc);
    expect(await callOk(host, 'courses.get', { id: v1.id })).toEqual(restored.course);
    expect((await callOk(host, 'search.query', { query: '逆光' })).items).toHaveLength(1);

    // Undo the restore: restore the version taken just before it.
    const undone = await callOk(host, 'versions.restore', { courseId: v1.id, seq: restored.before.seq, baseVersion: restored.course.version });
    const { version: _e, updatedAt: _f, ...undoneDoc } = undone.course;
    const { version: _g, updatedAt: _h, ...v2Doc } = v2;
    expect(undoneDoc).toEqual(v2Doc);
    expect((await callOk(host, 'search.query', { query: '逆光' })).items).toEqual([]);
    expect(await reasons(host, v1.id)).toEqual(['restored', 'beforeRestore', 'restored', 'beforeRestore', 'manual', 'created']);
  });

  it('refuses a stale editor, unknown versions and unknown courses, changing nothing', async () => {
    const host = openHost(tempDir(), { now: manualClock().now });
    const course = await callOk(host, 'courses.create', { title: '旧' });
    const saved = await callOk(host, 'courses.save', saveInput(course, { title: '新' }));
    const stale = await callError(host, 'versions.restore', { courseId: course.id, seq: 1, baseVersion: course.version });
    expect(stale).toMatchObject({ code: 'CONFLICT', details: { currentVersion: saved.version } });
    expect((await callError(host, 'versions.restore', { courseId: course.id, seq: 9, baseVersion: saved.version })).code).toBe('NOT_FOUND');
    expect((await callError(host, 'versions.list', { courseId: 'nope' })).code).toBe('NOT_FOUND');
    expect(await callOk(host, 'courses.get', { id: course.id })).toEqual(saved);
    expect(await reasons(host, course.id)).toEqual(['created']);
  });
});
