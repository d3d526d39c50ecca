import { describe, expect, it } from 'vitest';
import type { StudioHost } from '../../../electron/studio/host';
import type { Course } from '../../../shared/domain/course';
import type { MethodInput, SearchResult } from '../../../shared/contract/index';
import { openWorkspaceDatabase } from '../../../electron/studio/store/database';
import { callError, callOk, openHost, steppingClock } from '../../helpers/host';
import { tempDir } from '../../helpers/temp-dir';

function saveInput(course: Course, changes: Partial<MethodInput<'courses.save'>> = {}): MethodInput<'courses.save'> {
  const { version, createdAt: _c, updatedAt: _u, ...document } = course;
  return { ...document, baseVersion: version, ...changes };
}

async function seed(host: StudioHost): Promise<{ photo: Course; writing: Course }> {
  const photo = await callOk(host, 'courses.create', { title: '零基础手机摄影构图课', summary: '用手机拍出好照片，每节课 10 分钟。' });
  const savedPhoto = await callOk(
    host,
    'courses.save',
    saveInput(photo, {
      chapters: [
        { id: 'ch-1', title: '光线与构图', lessons: [{ id: 'l-1', title: '三分法构图入门' }, { id: 'l-2', title: 'Python 自动修图脚本' }] },
        { id: 'ch-2', title: '后期修图', lessons: [{ id: 'l-3', title: '调色：让照片更通透' }] },
      ],
    }),
  );
  const writing = await callOk(host, 'courses.create', { title: '公众号写作训练营', summary: '21 天写出爆款文章。' });
  return { photo: savedPhoto, writing };
}

/** A result as plain text with [brackets] around highlighted runs. */
const shown = (r: SearchResult) => r.hits.map((h) => `${h.kind}:${h.snippet.map((s) => (s.hit ? `[${s.text}]` : s.text)).join('')}`);

describe('search.query', () => {
  it('finds Chinese text of 3+ characters through the trigram index, with highlighted snippets and where it matched', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    const { photo } = await seed(host);
    const result = await callOk(host, 'search.query', { query: '三分法' });
    expect(result.items.map((r) => r.courseId)).toEqual([photo.id]);
    expect(result.items[0]!.hits).toEqual([{ kind: 'lesson', targetId: 'l-1', field: 'title', snippet: [{ text: '三分法', hit: true }, { text: '构图入门', hit: false }] }]);
    expect(shown((await callOk(host, 'search.query', { query: '摄影构图' })).items[0]!)).toEqual(['course:零基础手机[摄影构图]课']);
  });

  it('finds 1- and 2-character queries, which trigrams cannot, and all terms of a mixed query', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    const { photo, writing } = await seed(host);
    const two = await callOk(host, 'search.query', { query: '构图' });
    expect(two.items.map((r) => r.courseId)).toEqual([photo.id]);
    expect(shown(two.items[0]!)).toEqual(['course:零基础手机摄影[构图]课', 'chapter:光线与[构图]', 'lesson:三分法[构图]入门']);
    const one = await callOk(host, 'search.query', { query: '写' });
    expect(one.items.map((r) => r.courseId)).toEqual([writing.id]);
    expect(shown(one.items[0]!)).toEqual(['course:公众号[写]作训练营', 'course:21 天[写]出爆款文章。']);
    // All terms must occur in one text: "调色" (short, scanned) and "照片更" (indexed).
    const mixed = await callOk(host, 'search.query', { query: '照片更 调色' });
    expect(shown(mixed.items[0]!)).toEqual(['lesson:[调色]：让[照片更]通透']);
    expect((await callOk(host, 'search.query', { query: '构图 写作' })).items).toEqual([]);
  });

  it('matches Latin case-insensitively and treats FTS and LIKE syntax as plain text', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    await seed(host);
    expect(shown((await callOk(host, 'search.query', { query: 'python' })).items[0]!)).toEqual(['lesson:[Python] 自动修图脚本']);
    expect(shown((await callOk(host, 'search.query', { query: 'PY' })).items[0]!)).toEqual(['lesson:[Py]thon 自动修图脚本']);
    // A short Latin term beside an indexed one is checked case-insensitively on the indexed matches.
    expect(shown((await callOk(host, 'search.query', { query: 'pY 自动修图' })).items[0]!)).toEqual(['lesson:[Py]thon [自动修图]脚本']);
    expect((await callOk(host, 'search.query', { query: 'qq 自动修图' })).items).toEqual([]);
    for (const query of ['"', 'a OR b', 'NEAR(', '%', '_', '*摄影', '\\']) {
      expect((await callOk(host, 'search.query', { query })).items, query).toEqual([]);
    }
  });

  it('follows saves, renames, removed lessons, deletes and restores at once', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    const { photo } = await seed(host);
    const renamed = await callOk(
      host,
      'courses.save',
      saveInput(photo, { chapters: [{ id: 'ch-1', title: '光线与构图', lessons: [{ id: 'l-1', title: '黄金分割法' }] }] }),
    );
    expect((await callOk(host, 'search.query', { query: '三分法' })).items).toEqual([]);
    expect((await callOk(host, 'search.query', { query: '调色' })).items).toEqual([]);
    expect(shown((await callOk(host, 'search.query', { query: '黄金分割' })).items[0]!)).toEqual(['lesson:[黄金分割]法']);
    await callOk(host, 'courses.delete', { id: renamed.id });
    expect((await callOk(host, 'search.query', { query: '黄金分割' })).items).toEqual([]);
    await callOk(host, 'courses.restore', { id: renamed.id });
    expect((await callOk(host, 'search.query', { query: '黄金分割' })).items).toHaveLength(1);
  });

  it('indexes exactly the stored texts, and a failed save changes nothing in the index', async () => {
    const dir = tempDir();
    const host = openHost(dir, { now: steppingClock() });
    const { photo } = await seed(host);
    const error = await callError(host, 'courses.save', saveInput(photo, { title: '新标题新标题', baseVersion: 1 }));
    expect(error.code).toBe('CONFLICT');
    expect((await callOk(host, 'search.query', { query: '新标题' })).items).toEqual([]);
    await host.close();
    const opened = openWorkspaceDatabase(dir);
    if (opened.state !== 'ready') throw new Error(opened.state);
    const rows = opened.db.prepare('SELECT kind, target_id, field, text FROM search_entries ORDER BY id').all();
    // The FTS index agrees with its content table.
    opened.db.exec("INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)");
    opened.db.close();
    expect(rows).toHaveLength(9);
    expect(rows).toContainEqual({ kind: 'lesson', target_id: 'l-3', field: 'title', text: '调色：让照片更通透' });
  });

  it('refuses empty and overlong queries with field codes', async () => {
    const host = openHost(tempDir());
    expect((await callError(host, 'search.query', { query: '   ' })).fields).toEqual([{ path: 'query', code: 'query.required' }]);
    expect((await callError(host, 'search.query', { query: '长'.repeat(101) })).fields).toEqual([{ path: 'query', code: 'query.tooLong' }]);
  });
});

describe('lesson bodies in search', () => {
  const bodyHits = async (host: StudioHost, query: string) =>
    (await callOk(host, 'search.query', { query })).items.flatMap((r) => r.hits.filter((h) => h.field === 'body').map((h) => ({ course: r.courseId, lesson: h.targetId })));

  it('finds a word that is only in a body, follows body changes, course saves and lesson deletion', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    const { photo } = await seed(host);
    const first = await callOk(host, 'lessons.saveBody', {
      courseId: photo.id,
      lessonId: 'l-3',
      baseVersion: 0,
      html: '<p>先看<strong>直方图</strong>再调整曲线</p><ul><li>白平衡校准</li></ul>',
    });
    expect(await bodyHits(host, '直方图')).toEqual([{ course: photo.id, lesson: 'l-3' }]);
    expect(await bodyHits(host, '白平衡')).toEqual([{ course: photo.id, lesson: 'l-3' }]);
    // Text across an inline tag boundary is found as the reader sees it, and markup is not indexed.
    expect(await bodyHits(host, '直方图再调整')).toEqual([{ course: photo.id, lesson: 'l-3' }]);
    expect(await bodyHits(host, 'strong')).toEqual([]);

    await callOk(host, 'lessons.saveBody', { courseId: photo.id, lessonId: 'l-3', baseVersion: first.version, html: '<p>色阶与曲线</p>' });
    expect(await bodyHits(host, '直方图')).toEqual([]);
    expect(await bodyHits(host, '色阶与')).toEqual([{ course: photo.id, lesson: 'l-3' }]);

    // A course save keeps the body entry; removing the lesson removes it; undoing the removal brings it back.
    const current = await callOk(host, 'courses.get', { id: photo.id });
    const renamed = await callOk(host, 'courses.save', saveInput(current, { title: '零基础手机摄影构图课（新版）' }));
    expect(await bodyHits(host, '色阶与')).toEqual([{ course: photo.id, lesson: 'l-3' }]);
    const without = await callOk(host, 'courses.save', saveInput(renamed, { chapters: renamed.chapters.map((c) => ({ ...c, lessons: c.lessons.filter((l) => l.id !== 'l-3') })) }));
    expect(await bodyHits(host, '色阶与')).toEqual([]);
    await callOk(host, 'courses.save', saveInput(without, { chapters: renamed.chapters }));
    expect(await bodyHits(host, '色阶与')).toEqual([{ course: photo.id, lesson: 'l-3' }]);
    // Emptying the body removes its entry.
    const stored = await callOk(host, 'lessons.getBody', { courseId: photo.id, lessonId: 'l-3' });
    await callOk(host, 'lessons.saveBody', { courseId: photo.id, lessonId: 'l-3', baseVersion: stored.version, html: '' });
    expect(await bodyHits(host, '色阶与')).toEqual([]);
  });
});

describe('rebuildFromTables', () => {
  it('produces exactly the entries that saves write', async () => {
    const dir = tempDir();
    const host = openHost(dir, { now: steppingClock() });
    const { photo } = await seed(host);
    await callOk(host, 'courses.create', { title: '标记\uE000字符\uE001课', summary: '' });
    const reading = await callOk(host, 'courses.create', { title: '晨读', summary: '' });
    const saved = await callOk(host, 'courses.save', saveInput(reading, { chapters: [{ id: 'w-1', title: '第一周', lessons: [{ id: 'w-l1', title: '开篇' }] }] }));
    await callOk(host, 'lessons.saveBody', { courseId: saved.id, lessonId: 'w-l1', baseVersion: 0, html: '<h2>开头</h2><p>三秒抓住<em>读者</em>注意力</p>' });
    await callOk(host, 'courses.delete', { id: photo.id });
    const queries = ['写', '课', '字符', '爆款文章', 'ab', '抓住读者'];
    const answers = async (h: StudioHost) => Promise.all(queries.map((query) => callOk(h, 'search.query', { query })));
    const before = await answers(host);
    await host.close();
    const opened = openWorkspaceDatabase(dir);
    if (opened.state !== 'ready') throw new Error(opened.state);
    const read = () => opened.db.prepare('SELECT course_id, kind, target_id, field, text FROM search_entries ORDER BY course_id, kind, target_id, field').all();
    const bySaves = read();
    const { SearchIndex } = await import('../../../electron/studio/services/search');
    new SearchIndex(opened.db).rebuildFromTables();
    const rebuilt = read();
    opened.db.close();
    expect(bySaves).toHaveLength(14);
    expect(rebuilt).toEqual(bySaves);
    // Both indexes (trigram and grams) answer as before.
    const after = await answers(openHost(dir, { now: steppingClock() }));
    expect(after).toEqual(before);
    expect(before.map((r) => r.items.length)).toEqual([1, 1, 1, 1, 0, 1]);
  });
});
