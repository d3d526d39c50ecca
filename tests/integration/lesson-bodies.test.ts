/**
 * Lesson bodies through the host's contract methods on a real SQLite file: saving and loading, the host's own
 * sanitizing, WeChat's limits refused with field codes and nothing written, images stored by hash and marked as not
 * yet uploaded, version conflicts, bodies that follow the outline, and compliance scanning of bodies.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { StudioHost } from '../../electron/studio/host';
import { DB_FILE_NAME } from '../../electron/studio/store/database';
import type { MethodInput } from '../../shared/contract/index';
import type { Course } from '../../shared/domain/course';
import { mediaSrc } from '../../shared/rich-text/schema';
import { gifBytes, jpegBytes, pngBytes } from '../helpers/images';
import { callError, callOk, openHost, steppingClock } from '../helpers/host';
import { listFiles, sha256, tempDir } from '../helpers/temp-dir';

function saveInput(course: Course, changes: Partial<MethodInput<'courses.save'>> = {}): MethodInput<'courses.save'> {
  const { version, createdAt: _c, updatedAt: _u, ...document } = course;
  return { ...document, baseVersion: version, ...changes };
}

async function courseWithLessons(host: StudioHost): Promise<Course> {
  const course = await callOk(host, 'courses.create', { title: '定价课' });
  return callOk(
    host,
    'courses.save',
    saveInput(course, { chapters: [{ id: 'ch1', title: '第一章', lessons: [{ id: 'l1', title: '开篇' }, { id: 'l2', title: '定价' }] }] }),
  );
}

const figure = (hash: string) => `<figure><img src="${mediaSrc(hash)}" alt=""><figcaption>图</figcaption></figure>`;

describe('lessons.getBody / lessons.saveBody', () => {
  it('saves a body and loads it back after the host restarts, with its schema version and size', async () => {
    const dir = tempDir();
    let host = openHost(dir, { now: steppingClock() });
    const course = await courseWithLessons(host);
    const empty = await callOk(host, 'lessons.getBody', { courseId: course.id, lessonId: 'l1' });
    expect(empty).toMatchObject({ html: '', version: 0, updatedAt: null, chars: 0, schemaVersion: 1, images: [] });

    const html = '<h2>第一课</h2><p>知识付费的<strong>核心</strong>是信任。</p><ul><li><p>一</p></li></ul><blockquote><p>引用</p></blockquote><hr>';
    const saved = await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 0, html });
    expect(saved).toMatchObject({ html, version: 1, chars: 3 + 11 + 1 + 2, bytes: Buffer.byteLength(html), dropped: { images: [], elements: [] } });
    await host.close();

    host = openHost(dir, { now: steppingClock('2025-01-01T00:00:00.000Z') });
    const loaded = await callOk(host, 'lessons.getBody', { courseId: course.id, lessonId: 'l1' });
    expect(loaded).toMatchObject({ html, version: 1, schemaVersion: 1, chars: saved.chars, bytes: saved.bytes, updatedAt: saved.updatedAt });
    const db = new Database(path.join(dir, DB_FILE_NAME), { readonly: true });
    expect(db.prepare('SELECT schema_version, html FROM lesson_bodies WHERE lesson_id = ?').get('l1')).toEqual({ schema_version: 1, html });
    db.close();
  });

  it('sanitizes what it is sent, whatever the renderer did, and says what it removed', async () => {
    const host = openHost(tempDir());
    const course = await courseWithLessons(host);
    const saved = await callOk(host, 'lessons.saveBody', {
      courseId: course.id,
      lessonId: 'l1',
      baseVersion: 0,
      html: '<p onclick="x()" class="a">正文<script>alert(1)</script><img src="https://evil.example/t.png"></p><iframe src="//x"></iframe>',
    });
    expect(saved.html).toBe('<p>正文</p>');
    expect(saved.dropped).toEqual({ images: ['https://evil.example/t.png'], elements: ['script', 'iframe'] });
  });

  it('refuses a body of 20,000 characters or more with body.tooManyChars, writing nothing', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const course = await courseWithLessons(host);
    const first = await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 0, html: '<p>原文</p>' });

    const atLimit = `<p>${'字'.repeat(20_000)}</p>`;
    const error = await callError(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: first.version, html: atLimit });
    expect(error).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'html', code: 'body.tooManyChars' }], details: { chars: 20_000 } });
    expect(await callOk(host, 'lessons.getBody', { courseId: course.id, lessonId: 'l1' })).toMatchObject({ html: '<p>原文</p>', version: 1 });

    const under = await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 1, html: `<p>${'字'.repeat(19_999)}</p>` });
    expect(under.chars).toBe(19_999);
  });

  it('refuses a body of 1,000,000 bytes or more with body.tooLarge (and far larger input before reading it)', async () => {
    const host = openHost(tempDir());
    const course = await courseWithLessons(host);
    const para = '<p><span style="color: #333333; background-color: #ffffff; font-size: 15px; letter-spacing: 1px">x</span></p>';
    const big = para.repeat(Math.ceil(1_000_000 / para.length));
    const error = await callError(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 0, html: big });
    expect(error).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'html', code: 'body.tooLarge' }] });
    const huge = await callError(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 0, html: 'x'.repeat(8_000_001) });
    expect(huge).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'html', code: 'body.tooLarge' }] });
    expect((await callOk(host, 'lessons.getBody', { courseId: course.id, lessonId: 'l1' })).version).toBe(0);
  });

  it('stores pasted images once by content hash, marks them not yet uploaded, and says which WeChat will take', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const course = await courseWithLessons(host);
    const png = pngBytes(64, 48);
    const gif = gifBytes(10, 10);
    const a = await callOk(host, 'media.importImage', { fileName: 'paste.png', dataBase64: png.toString('base64') });
    const again = await callOk(host, 'media.importImage', { fileName: 'other name.png', dataBase64: png.toString('base64') });
    const g = await callOk(host, 'media.importImage', { fileName: 'anim.gif', dataBase64: gif.toString('base64') });
    expect(a.hash).toBe(sha256(png));
    expect(again.hash).toBe(a.hash);
    expect(listFiles(path.join(dir, 'media'))).toHaveLength(2);

    const html = `<p>前</p>${figure(a.hash)}${figure(g.hash)}${figure(a.hash)}`;
    const saved = await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 0, html });
    expect(saved.images).toEqual([
      { hash: a.hash, mime: 'image/png', size: png.length, width: 64, height: 48, uploadState: 'pending', fitsArticle: true },
      { hash: g.hash, mime: 'image/gif', size: gif.length, width: 10, height: 10, uploadState: 'pending', fitsArticle: false },
    ]);
    const db = new Database(path.join(dir, DB_FILE_NAME), { readonly: true });
    expect(db.prepare('SELECT hash, state, wechat_url FROM article_image_uploads ORDER BY hash').all()).toEqual(
      [a.hash, g.hash].sort().map((hash) => ({ hash, state: 'pending', wechat_url: null })),
    );
    expect(db.prepare('SELECT lesson_id FROM lesson_body_images WHERE hash = ?').all(a.hash)).toEqual([{ lesson_id: 'l1' }]);
    db.close();

    // Removing the image from the body forgets where it was used; the file stays in the media store.
    const without = await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 1, html: '<p>前</p>' });
    expect(without.images).toEqual([]);
    expect(listFiles(path.join(dir, 'media'))).toHaveLength(2);
  });

  it('refuses an image that is not in the workspace with body.unknownImage', async () => {
    const host = openHost(tempDir());
    const course = await courseWithLessons(host);
    const error = await callError(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 0, html: figure('b'.repeat(64)) });
    expect(error).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'html', code: 'body.unknownImage' }] });
  });

  it('flags images that WeChat’s uploadimg will not take as they are: 1 MB or more, or not JPEG/PNG', async () => {
    const host = openHost(tempDir());
    const course = await courseWithLessons(host);
    const import64 = (bytes: Buffer) => callOk(host, 'media.importImage', { fileName: 'x', dataBase64: bytes.toString('base64') });
    const atLimit = await import64(pngBytes(16, 16, { totalBytes: 1024 * 1024 }));
    const under = await import64(pngBytes(16, 16, { totalBytes: 1024 * 1024 - 1 }));
    const jpeg = await import64(jpegBytes(800, 600));
    const html = figure(atLimit.hash) + figure(under.hash) + figure(jpeg.hash);
    const saved = await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l2', baseVersion: 0, html });
    expect(saved.images.map((i) => [i.mime, i.size, i.fitsArticle])).toEqual([
      ['image/png', 1024 * 1024, false],
      ['image/png', 1024 * 1024 - 1, true],
      ['image/jpeg', jpeg.size, true],
    ]);
  });

  it('answers CONFLICT for a stale base version and changes nothing', async () => {
    const host = openHost(tempDir());
    const course = await courseWithLessons(host);
    await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 0, html: '<p>一</p>' });
    await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 1, html: '<p>二</p>' });
    const error = await callError(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 1, html: '<p>旧窗口</p>' });
    expect(error).toMatchObject({ code: 'CONFLICT', details: { currentVersion: 2 } });
    expect((await callOk(host, 'lessons.getBody', { courseId: course.id, lessonId: 'l1' })).html).toBe('<p>二</p>');
  });

  it('knows only lessons of the saved course; a lesson removed and brought back keeps its body', async () => {
    const host = openHost(tempDir());
    const course = await courseWithLessons(host);
    const other = await callOk(host, 'courses.create', { title: '别的课' });
    expect((await callError(host, 'lessons.getBody', { courseId: other.id, lessonId: 'l1' })).code).toBe('NOT_FOUND');
    expect((await callError(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'nope', baseVersion: 0, html: '<p>x</p>' })).code).toBe('NOT_FOUND');
    await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l2', baseVersion: 0, html: '<p>保留</p>' });

    const removed = await callOk(host, 'courses.save', saveInput(course, { chapters: [{ id: 'ch1', title: '第一章', lessons: [{ id: 'l1', title: '开篇' }] }] }));
    expect((await callError(host, 'lessons.getBody', { courseId: course.id, lessonId: 'l2' })).code).toBe('NOT_FOUND');
    await callOk(host, 'courses.save', saveInput(removed, { chapters: course.chapters }));
    expect(await callOk(host, 'lessons.getBody', { courseId: course.id, lessonId: 'l2' })).toMatchObject({ html: '<p>保留</p>', version: 1 });
  });
});

describe('lesson bodies are published text', () => {
  it('are scanned with the course: findings placed in the body, in the text and in the HTML', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    const course = await courseWithLessons(host);
    const html = '<h2>开篇</h2><p>这是<strong>全网最好</strong>的课。</p><p>私下出售冰毒的渠道</p>';
    await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l2', baseVersion: 0, html });
    const scan = await callOk(host, 'compliance.scanCourse', { courseId: course.id });
    const inBody = scan.findings.filter((f) => f.location.field === 'body');
    expect(inBody.map((f) => f.category)).toEqual(expect.arrayContaining(['ad_absolute', 'drugs']));
    for (const f of inBody) {
      expect(f.location).toMatchObject({ target: 'lesson', id: 'l2', field: 'body' });
      // The HTML span covers the finding, tags between its characters included.
      expect(html.slice(f.location.sourceStart, f.location.sourceEnd).replace(/<[^>]*>/g, '')).toBe(f.text);
    }
    expect(scan.gate.allowed).toBe(false);
    expect(scan.gate.blocking.some((f) => f.location.field === 'body' && f.category === 'drugs')).toBe(true);
    const refused = await callError(host, 'compliance.submitForPublish', { courseId: course.id });
    expect(refused.code).toBe('COMPLIANCE_BLOCKED');
    expect(refused.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'lesson:l2.body' })]));
  });

  it('a ready course goes back to draft when a body gains a blocking finding', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    const course = await courseWithLessons(host);
    await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 0, html: '<p>认真备课。</p>' });
    expect(await callOk(host, 'compliance.submitForPublish', { courseId: course.id })).toMatchObject({ state: 'ready' });
    await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l1', baseVersion: 1, html: '<p>私下出售冰毒的渠道</p>' });
    expect(await callOk(host, 'compliance.publishState', { courseId: course.id })).toMatchObject({ state: 'draft', withdrawnReason: 'findings' });
  });

  it('the report names the lesson body as the place', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    const course = await courseWithLessons(host);
    await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l2', baseVersion: 0, html: '<p>全网最好的课</p>' });
    const report = await callOk(host, 'compliance.exportHtml', { courseId: course.id, locale: 'zh-CN' });
    expect(report.html).toContain('第 1 章第 2 课时「定价」正文');
    expect(report.html).toContain('全网最好');
  });
});
