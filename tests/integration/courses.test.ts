import { describe, expect, it } from 'vitest';
import type { StudioHost } from '../../electron/studio/host';
import type { Course } from '../../shared/domain/course';
import type { MethodInput } from '../../shared/contract/index';
import { callError, callOk, openHost, recordEvents, steppingClock } from '../helpers/host';
import { tempDir } from '../helpers/temp-dir';

/** A host on a fresh folder whose clock ticks one second per reading, so every change is strictly later. */
function freshHost(dir = tempDir()): StudioHost {
  return openHost(dir, { now: steppingClock() });
}

async function create(host: StudioHost, input: MethodInput<'courses.create'>): Promise<Course> {
  return callOk(host, 'courses.create', input);
}

/** The save input that writes `course` back as it is, with the given changes. */
function saveInput(course: Course, changes: Partial<MethodInput<'courses.save'>> = {}): MethodInput<'courses.save'> {
  const { version, createdAt: _c, updatedAt: _u, ...document } = course;
  return { ...document, baseVersion: version, ...changes };
}

async function listIds(host: StudioHost, input: MethodInput<'courses.list'> = {}): Promise<string[]> {
  return (await callOk(host, 'courses.list', input)).items.map((c) => c.id);
}

describe('create, get, save', () => {
  it('creates a course with defaults and reads it back', async () => {
    const host = freshHost();
    const course = await create(host, { title: '  小红书运营入门  ' });
    expect(course).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: '小红书运营入门',
      type: 'article',
      priceFen: 0,
      summary: '',
      coverHash: null,
      coverCrops: { crop235: null, crop11: null, focus: null },
      typeDetails: { schemaVersion: 1, type: 'article', author: '' },
      chapters: [],
      version: 1,
      createdAt: '2024-05-01T00:00:01.000Z',
      updatedAt: '2024-05-01T00:00:01.000Z',
    });
    expect(await callOk(host, 'courses.get', { id: course.id })).toEqual(course);
  });

  it('saves the whole document, outline included, and bumps the version', async () => {
    const host = freshHost();
    const course = await create(host, { title: '写作课', type: 'camp', priceFen: 9900 });
    const saved = await callOk(
      host,
      'courses.save',
      saveInput(course, {
        title: '写作训练营',
        summary: '21 天 😀',
        priceFen: 19900,
        chapters: [
          { id: 'ch1', title: ' 第一周 ', lessons: [{ id: 'l1', title: '开营' }, { id: 'l2', title: '选题' }] },
          { id: 'ch2', title: '第二周', lessons: [{ id: 'l3', title: '结构' }] },
        ],
      }),
    );
    expect(saved).toMatchObject({ title: '写作训练营', summary: '21 天 😀', priceFen: 19900, type: 'camp', version: 2 });
    expect(saved.updatedAt > course.updatedAt).toBe(true);
    expect(saved.createdAt).toBe(course.createdAt);
    expect(saved.chapters).toEqual([
      { id: 'ch1', title: '第一周', lessons: [{ id: 'l1', title: '开营' }, { id: 'l2', title: '选题' }] },
      { id: 'ch2', title: '第二周', lessons: [{ id: 'l3', title: '结构' }] },
    ]);
    expect(await callOk(host, 'courses.get', { id: course.id })).toEqual(saved);
  });

  it('reorders chapters and lessons', async () => {
    const host = freshHost();
    const course = await create(host, { title: '排序' });
    const v2 = await callOk(
      host,
      'courses.save',
      saveInput(course, {
        chapters: [
          { id: 'A', title: 'A', lessons: [{ id: 'a1', title: 'a1' }, { id: 'a2', title: 'a2' }, { id: 'a3', title: 'a3' }] },
          { id: 'B', title: 'B', lessons: [] },
        ],
      }),
    );
    const v3 = await callOk(
      host,
      'courses.save',
      saveInput(v2, {
        chapters: [
          { id: 'B', title: 'B', lessons: [{ id: 'a3', title: 'a3' }] },
          { id: 'A', title: 'A', lessons: [{ id: 'a2', title: 'a2' }, { id: 'a1', title: 'a1' }] },
        ],
      }),
    );
    expect((await callOk(host, 'courses.get', { id: course.id })).chapters).toEqual(v3.chapters);
    expect(v3.chapters.map((c) => `${c.id}: ${c.lessons.map((l) => l.id).join(' ')}`)).toEqual(['B: a3', 'A: a2 a1']);
  });

  it('answers NOT_FOUND for an unknown course', async () => {
    const host = freshHost();
    expect(await callError(host, 'courses.get', { id: 'nope' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await callError(host, 'courses.save', { id: 'nope', baseVersion: 1, title: 'x', type: 'article', priceFen: 0, summary: '', coverHash: null, chapters: [] })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await callError(host, 'courses.get', { id: '../etc' })).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'id', code: 'id.invalid' }] });
  });
});

describe('the course list', () => {
  it('searches titles by substring, Chinese included, case-insensitively for Latin letters', async () => {
    const host = freshHost();
    const a = await create(host, { title: '小红书运营入门' });
    const b = await create(host, { title: '公众号运营进阶' });
    const c = await create(host, { title: 'Python 数据分析' });
    expect((await listIds(host, { query: '运营' })).sort()).toEqual([a.id, b.id].sort());
    expect(await listIds(host, { query: '小红书' })).toEqual([a.id]);
    expect(await listIds(host, { query: 'python' })).toEqual([c.id]);
    expect(await listIds(host, { query: '  数据  ' })).toEqual([c.id]);
    expect(await listIds(host, { query: '短视频' })).toEqual([]);
  });

  it('treats % and _ (and the escape character) in a query literally', async () => {
    const host = freshHost();
    const percent = await create(host, { title: '100% 干货' });
    const underscore = await create(host, { title: 'a_b 课程' });
    const backslash = await create(host, { title: 'C:\\课程' });
    await create(host, { title: 'abc 课程' });
    await create(host, { title: '1000 个技巧' });
    expect(await listIds(host, { query: '%' })).toEqual([percent.id]);
    expect(await listIds(host, { query: '100%' })).toEqual([percent.id]);
    expect(await listIds(host, { query: '_' })).toEqual([underscore.id]);
    expect(await listIds(host, { query: 'a_b' })).toEqual([underscore.id]);
    expect(await listIds(host, { query: '\\' })).toEqual([backslash.id]);
    expect((await callOk(host, 'courses.list', { query: '%' })).total).toBe(1);
  });

  it('sorts every way the list offers', async () => {
    const host = freshHost();
    const cheap = await create(host, { title: 'Banana', priceFen: 100 });
    const free = await create(host, { title: 'apple', priceFen: 0 });
    const dear = await create(host, { title: 'Cherry', priceFen: 50000 });
    const alsoCheap = await create(host, { title: '中文课', priceFen: 100 });
    // Saving the first course makes it the most recently updated while it stays the oldest created.
    await callOk(host, 'courses.save', saveInput(cheap, { title: 'Banana 2' }));

    expect(await listIds(host, { sort: 'updatedDesc' })).toEqual([cheap.id, alsoCheap.id, dear.id, free.id]);
    expect(await listIds(host, { sort: 'createdDesc' })).toEqual([alsoCheap.id, dear.id, free.id, cheap.id]);
    // Binary order: capitals before lower case, CJK after Latin.
    expect(await listIds(host, { sort: 'titleAsc' })).toEqual([cheap.id, dear.id, free.id, alsoCheap.id]);
    // Equal prices: the more recently updated first.
    expect(await listIds(host, { sort: 'priceAsc' })).toEqual([free.id, cheap.id, alsoCheap.id, dear.id]);
    expect(await listIds(host, { sort: 'priceDesc' })).toEqual([dear.id, cheap.id, alsoCheap.id, free.id]);
  });

  it('pages with a total that counts every match', async () => {
    const host = freshHost();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.unshift((await create(host, { title: `课程 ${i}` })).id);
    await create(host, { title: '别的' });

    const pages = [];
    for (let offset = 0; offset < 7; offset += 3) pages.push(await callOk(host, 'courses.list', { query: '课程', sort: 'createdDesc', limit: 3, offset }));
    expect(pages.map((p) => p.total)).toEqual([7, 7, 7]);
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((p) => p.items.map((c) => c.id))).toEqual(ids);
    expect(await callOk(host, 'courses.list', { query: '课程', limit: 3, offset: 30 })).toEqual({ items: [], total: 7 });
  });

  it('summarises each course with its outline counts', async () => {
    const host = freshHost();
    const course = await create(host, { title: '统计', priceFen: 1990, type: 'video' });
    await callOk(
      host,
      'courses.save',
      saveInput(course, {
        chapters: [
          { id: 'c1', title: '一', lessons: [{ id: 'l1', title: '1' }, { id: 'l2', title: '2' }] },
          { id: 'c2', title: '二', lessons: [{ id: 'l3', title: '3' }] },
        ],
      }),
    );
    expect((await callOk(host, 'courses.list', {})).items[0]).toMatchObject({
      id: course.id,
      title: '统计',
      type: 'video',
      priceFen: 1990,
      coverHash: null,
      chapterCount: 2,
      lessonCount: 3,
    });
  });

  it('refuses list inputs outside the contract', async () => {
    const host = freshHost();
    expect(await callError(host, 'courses.list', { sort: 'random' })).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'sort' }] });
    expect(await callError(host, 'courses.list', { limit: 0 })).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'limit' }] });
    expect(await callError(host, 'courses.list', { offset: -1 })).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'offset' }] });
  });
});

describe('saving against a stale version', () => {
  it('answers CONFLICT with the current version and changes nothing', async () => {
    const host = freshHost();
    const course = await create(host, { title: '原标题' });
    const fromOtherWindow = await callOk(host, 'courses.save', saveInput(course, { title: '另一个窗口改的' }));

    const error = await callError(host, 'courses.save', saveInput(course, { title: '过期的编辑', chapters: [{ id: 'x', title: 'x', lessons: [] }] }));
    expect(error).toMatchObject({ code: 'CONFLICT', details: { currentVersion: 2 } });
    expect(await callOk(host, 'courses.get', { id: course.id })).toEqual(fromOtherWindow);
  });
});

describe('outline saves', () => {
  it('keeps a lesson that moves out of a chapter deleted in the same save', async () => {
    const host = freshHost();
    const course = await create(host, { title: '移动' });
    const v2 = await callOk(
      host,
      'courses.save',
      saveInput(course, {
        chapters: [
          { id: 'old', title: '要删的章', lessons: [{ id: 'keep', title: '要留下的节' }, { id: 'drop', title: '跟着删' }] },
          { id: 'new', title: '新章', lessons: [{ id: 'n1', title: '原有' }] },
        ],
      }),
    );
    const v3 = await callOk(
      host,
      'courses.save',
      saveInput(v2, { chapters: [{ id: 'new', title: '新章', lessons: [{ id: 'n1', title: '原有' }, { id: 'keep', title: '要留下的节' }] }] }),
    );
    const expected = [{ id: 'new', title: '新章', lessons: [{ id: 'n1', title: '原有' }, { id: 'keep', title: '要留下的节' }] }];
    expect(v3.chapters).toEqual(expected);
    expect((await callOk(host, 'courses.get', { id: course.id })).chapters).toEqual(expected);
    expect((await callOk(host, 'courses.list', {})).items[0]).toMatchObject({ chapterCount: 1, lessonCount: 2 });
  });

  it('refuses an id used twice in the outline and changes nothing', async () => {
    const host = freshHost();
    const course = await create(host, { title: '重复' });
    for (const chapters of [
      [
        { id: 'c1', title: '一', lessons: [{ id: 'l1', title: '1' }] },
        { id: 'c2', title: '二', lessons: [{ id: 'l1', title: '1 again' }] },
      ],
      [
        { id: 'c1', title: '一', lessons: [] },
        { id: 'c1', title: '一 again', lessons: [] },
      ],
      [{ id: 'same', title: '章', lessons: [{ id: 'same', title: '节' }] }],
    ]) {
      const error = await callError(host, 'courses.save', saveInput(course, { title: '不该保存', chapters }));
      expect(error).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'chapters', code: 'outline.duplicateId' }] });
    }
    expect(await callOk(host, 'courses.get', { id: course.id })).toEqual(course);
  });

  it('refuses a chapter or lesson id that belongs to another course and changes neither course', async () => {
    const host = freshHost();
    const mine = await create(host, { title: '我的课' });
    const other = await callOk(
      host,
      'courses.save',
      saveInput(await create(host, { title: '别人的课' }), {
        chapters: [{ id: 'theirs', title: '他们的章', lessons: [{ id: 'their-lesson', title: '他们的节' }] }],
      }),
    );
    for (const chapters of [
      [{ id: 'theirs', title: '抢过来', lessons: [] }],
      [{ id: 'c1', title: '一', lessons: [{ id: 'their-lesson', title: '抢过来' }] }],
    ]) {
      const error = await callError(host, 'courses.save', saveInput(mine, { chapters }));
      expect(error).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'chapters', code: 'outline.foreignId' }] });
    }
    expect(await callOk(host, 'courses.get', { id: mine.id })).toEqual(mine);
    expect(await callOk(host, 'courses.get', { id: other.id })).toEqual(other);
  });
});

describe('invalid fields', () => {
  it.each([
    ['an empty title', { title: '   ' }, [{ path: 'title', code: 'title.required' }]],
    ['a 65-character title', { title: '课'.repeat(65) }, [{ path: 'title', code: 'title.tooLong' }]],
    ['a negative price', { priceFen: -100 }, [{ path: 'priceFen', code: 'price.negative' }]],
    ['a fraction of a fen', { priceFen: 19.9 }, [{ path: 'priceFen', code: 'price.fractionalFen' }]],
    ['a price over the limit', { priceFen: 100_000_000 }, [{ path: 'priceFen', code: 'price.tooLarge' }]],
    ['a long summary', { summary: '字'.repeat(1001) }, [{ path: 'summary', code: 'summary.tooLong' }]],
    ['an unknown type', { type: 'podcast' }, [{ path: 'type', code: 'invalid.invalid_value' }]],
    ['a malformed cover hash', { coverHash: 'abc' }, [{ path: 'coverHash', code: 'hash.invalid' }]],
    [
      'empty outline titles',
      { chapters: [{ id: 'c1', title: '', lessons: [{ id: 'l1', title: ' ' }] }] },
      [
        { path: 'chapters.0.title', code: 'outlineTitle.required' },
        { path: 'chapters.0.lessons.0.title', code: 'outlineTitle.required' },
      ],
    ],
    ['a bad outline id', { chapters: [{ id: 'has space', title: '章', lessons: [] }] }, [{ path: 'chapters.0.id', code: 'id.invalid' }]],
  ])('refuses a save with %s, naming the field, and saves nothing', async (_name, changes, fields) => {
    const host = freshHost();
    const course = await create(host, { title: '好标题', priceFen: 990 });
    const error = await callError(host, 'courses.save', { ...saveInput(course), ...changes });
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    expect(error.fields).toEqual(fields);
    expect(await callOk(host, 'courses.get', { id: course.id })).toEqual(course);
  });

  it('refuses to create a course with an invalid title or price, and creates nothing', async () => {
    const host = freshHost();
    expect((await callError(host, 'courses.create', { title: '' })).fields).toEqual([{ path: 'title', code: 'title.required' }]);
    expect((await callError(host, 'courses.create', { title: '课', priceFen: -1 })).fields).toEqual([{ path: 'priceFen', code: 'price.negative' }]);
    expect((await callError(host, 'courses.create', {})).fields).toEqual([{ path: 'title', code: 'invalid.invalid_type' }]);
    expect(await callOk(host, 'courses.list', {})).toEqual({ items: [], total: 0 });
  });

  it('counts an emoji title by characters: 64 emoji are allowed', async () => {
    const host = freshHost();
    expect((await create(host, { title: '🎓'.repeat(64) })).title).toBe('🎓'.repeat(64));
  });
});

describe('delete and restore', () => {
  it('moves a course to the trash and brings it back with its outline', async () => {
    const host = freshHost();
    const keep = await create(host, { title: '留着' });
    const course = await callOk(
      host,
      'courses.save',
      saveInput(await create(host, { title: '删了又回来' }), { chapters: [{ id: 'c1', title: '章', lessons: [{ id: 'l1', title: '节' }] }] }),
    );

    expect(await callOk(host, 'courses.delete', { id: course.id })).toEqual({ id: course.id });
    expect(await listIds(host)).toEqual([keep.id]);
    expect((await callOk(host, 'courses.list', {})).total).toBe(1);
    expect(await callError(host, 'courses.get', { id: course.id })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await callError(host, 'courses.save', saveInput(course))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await callError(host, 'courses.delete', { id: course.id })).toMatchObject({ code: 'NOT_FOUND' });

    const restored = await callOk(host, 'courses.restore', { id: course.id });
    expect(restored).toMatchObject({ id: course.id, title: '删了又回来', chapters: course.chapters });
    expect(restored.version).toBeGreaterThan(course.version);
    expect((await listIds(host)).sort()).toEqual([keep.id, course.id].sort());
    expect(await callError(host, 'courses.restore', { id: course.id })).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('courses.changed events', () => {
  it('fire for create, save, delete and restore, and not for refused calls', async () => {
    const host = freshHost();
    const events = recordEvents(host);
    const course = await create(host, { title: '事件' });
    const saved = await callOk(host, 'courses.save', saveInput(course, { title: '事件 2' }));
    await callError(host, 'courses.save', saveInput(course, { title: '过期' }));
    await callError(host, 'courses.create', { title: '' });
    await callOk(host, 'courses.delete', { id: course.id });
    const restored = await callOk(host, 'courses.restore', { id: course.id });

    expect(events).toEqual([
      { event: 'courses.changed', payload: { id: course.id, version: 1, deleted: false } },
      { event: 'courses.changed', payload: { id: course.id, version: saved.version, deleted: false } },
      { event: 'courses.changed', payload: { id: course.id, version: 0, deleted: true } },
      { event: 'courses.changed', payload: { id: course.id, version: restored.version, deleted: false } },
    ]);
  });
});

describe('durability', () => {
  it('keeps everything after the host closes and a new one opens the same folder', async () => {
    const dir = tempDir();
    const first = freshHost(dir);
    const course = await callOk(
      first,
      'courses.save',
      saveInput(await create(first, { title: '持久', priceFen: 29 }), { chapters: [{ id: 'c1', title: '章', lessons: [{ id: 'l1', title: '节' }] }] }),
    );
    const trashed = await create(first, { title: '回收站里' });
    await callOk(first, 'courses.delete', { id: trashed.id });
    first.close();

    const second = freshHost(dir);
    expect(await callOk(second, 'courses.get', { id: course.id })).toEqual(course);
    expect(await listIds(second)).toEqual([course.id]);
    expect((await callOk(second, 'courses.restore', { id: trashed.id })).title).toBe('回收站里');
  });
});
