import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HostOptions, StudioHost } from '../../../electron/studio/host';
import type { Course } from '../../../shared/domain/course';
import { defaultLessonTypeDetails } from '../../../shared/domain/course-types';
import type { MediaItem, MethodInput } from '../../../shared/contract/index';
import { PACKAGE_MAX_BYTES } from '../../../shared/contract/library';
import { callError, callOk, openHost as openBareHost, steppingClock } from '../../helpers/host';
import { pngBytes } from '../../helpers/images';
import { mp3Bytes } from '../../helpers/media-files';
import { listFiles, tempDir } from '../../helpers/temp-dir';
import { craftZip, type CraftEntry } from '../../helpers/zip-craft';
import { exportPackage, importPackage, newJobId, readPackage, testPicker, uploadPackage } from '../../helpers/packages';

/** A host whose save dialog answers with a path in a fresh temp folder (the packages tests' "desktop"). */
function openHost(dataDir: string, options: Partial<HostOptions> = {}): StudioHost {
  return openBareHost(dataDir, { files: testPicker(tempDir('creator-studio-out-')), ...options });
}

/** Bytes as a package file outside any data folder. */
function packageFile(bytes: Buffer): string {
  const file = path.join(tempDir('creator-studio-pkg-'), 'package.zip');
  fs.writeFileSync(file, bytes);
  return file;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function saveInput(course: Course, changes: Partial<MethodInput<'courses.save'>> = {}): MethodInput<'courses.save'> {
  const { version, createdAt: _c, updatedAt: _u, ...document } = course;
  return { ...document, baseVersion: version, ...changes };
}

/** A course with a cover, crops and an outline with Chinese, emoji and Latin text. */
async function richCourse(host: StudioHost): Promise<{ course: Course; cover: Buffer }> {
  const cover = pngBytes(900, 500, { shade: 7 });
  const media = await callOk(host, 'media.importImage', { fileName: '封面.png', dataBase64: cover.toString('base64') });
  const created = await callOk(host, 'courses.create', { title: '手机摄影 21 讲 📷', type: 'video', priceFen: 19900, summary: '第一行\n第二行「引号」& <b>不是标签</b>' });
  const course = await callOk(
    host,
    'courses.save',
    saveInput(created, {
      coverHash: media.hash,
      coverCrops: { crop235: { x1: 0, y1: 0.1, x2: 1, y2: 0.865957 }, crop11: null, focus: null },
      chapters: [
        { id: 'c1', title: '第一章 光线', lessons: [{ id: 'l1', title: '顺光与逆光' }, { id: 'l2', title: 'Golden hour 黄金时段' }] },
        { id: 'c2', title: '第二章 构图', lessons: [] },
        { id: 'c3', title: '第三章 后期', lessons: [{ id: 'l3', title: '调色 🎨' }] },
      ],
    }),
  );
  return { course, cover };
}

/** The document without what an import regenerates: ids (course, chapters, lessons), version and timestamps. */
function comparable(course: Course) {
  const { id: _i, version: _v, createdAt: _c, updatedAt: _u, chapters, ...rest } = course;
  return { ...rest, chapters: chapters.map((c) => ({ title: c.title, lessons: c.lessons.map((l) => ({ title: l.title })) })) };
}

async function exportBytes(host: StudioHost, courseId: string): Promise<Buffer> {
  return fs.readFileSync((await exportPackage(host, courseId)).file);
}

describe('course packages: round trip', () => {
  it('exports a course and imports it into a fresh workspace exactly (new ids), with identical media bytes', async () => {
    const source = openHost(tempDir(), { now: steppingClock() });
    const { course, cover } = await richCourse(source);
    const exported = await exportPackage(source, course.id);
    expect(exported.fileName).toBe('手机摄影 21 讲 📷.course.zip');
    expect(path.basename(exported.file)).toBe(exported.fileName);
    expect(fs.statSync(exported.file).size).toBe(exported.size);
    // Only the package is in the chosen folder (the part file it was written as is gone).
    expect(fs.readdirSync(path.dirname(exported.file))).toEqual([exported.fileName]);
    const entries = await readPackage(exported.file);
    expect([...entries.keys()]).toEqual(['manifest.json', 'course.json', 'bodies.json', `media/${course.coverHash}.png`]);
    expect(JSON.parse(entries.get('course.json')!.toString('utf8'))).toEqual(course);

    const dir = tempDir();
    const target = openHost(dir, { now: steppingClock('2025-01-01T00:00:00.000Z') });
    const imported = await importPackage(target, exported.file);
    expect(imported.media).toBe(1);
    expect(comparable(imported.course)).toEqual(comparable(course));
    expect(imported.course.id).not.toBe(course.id);
    expect(imported.course.chapters.flatMap((c) => [c.id, ...c.lessons.map((l) => l.id)])).not.toContain('c1');
    expect(await callOk(target, 'courses.get', { id: imported.course.id })).toEqual(imported.course);
    const file = target.mediaFile(course.coverHash!);
    expect(file && fs.readFileSync(file.file).equals(cover)).toBe(true);
    // Searchable and with one version, as any course.
    expect((await callOk(target, 'search.query', { query: '黄金时段' })).items.map((r) => r.courseId)).toEqual([imported.course.id]);
    expect((await callOk(target, 'versions.list', { courseId: imported.course.id })).items.map((v) => v.reason)).toEqual(['imported']);
    // Nothing staged is left behind.
    expect(listFiles(path.join(dir, 'tmp'))).toEqual([]);

    // Importing the same package again gives a second, separate course.
    const again = await importPackage(target, exported.file);
    expect(again.course.id).not.toBe(imported.course.id);
    expect((await callOk(target, 'courses.list', {})).total).toBe(2);
  });

  it('round-trips a course without media', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    const course = await callOk(host, 'courses.create', { title: '空课程' });
    const bytes = await exportBytes(host, course.id);
    const other = openHost(tempDir(), { now: steppingClock() });
    const imported = await importPackage(other, packageFile(bytes));
    expect(comparable(imported.course)).toEqual(comparable(course));
    expect(imported.media).toBe(0);
  });
});

describe('course packages: malformed and hostile files write nothing', () => {
  /** A valid package's entries, to be tampered with. */
  /** entries: manifest, course, the cover (index 2), bodies.json (index 3). */
  async function validEntries(): Promise<{ entries: CraftEntry[]; manifest: Record<string, unknown>; courseJson: Buffer; cover: Buffer; hash: string }> {
    const host = openHost(tempDir(), { now: steppingClock() });
    const { course, cover } = await richCourse(host);
    const read = await readPackage((await exportPackage(host, course.id)).file);
    const manifest = JSON.parse(read.get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
    const courseJson = read.get('course.json')!;
    const hash = course.coverHash!;
    return {
      manifest,
      courseJson,
      cover,
      hash,
      entries: [
        { name: 'manifest.json', data: read.get('manifest.json')! },
        { name: 'course.json', data: courseJson },
        { name: `media/${hash}.png`, data: cover },
        { name: 'bodies.json', data: read.get('bodies.json')! },
      ],
    };
  }

  async function expectRefused(zip: Buffer, code: string): Promise<void> {
    const dir = tempDir();
    const host = openHost(dir, { now: steppingClock() });
    const before = listFiles(dir).filter((f) => !f.startsWith('studio.db'));
    const sessionId = await uploadPackage(host, packageFile(zip));
    const error = await callError(host, 'packages.import', { jobId: newJobId(), source: { kind: 'upload', sessionId } });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.fields?.[0]).toEqual({ path: 'package', code: `package.${code}` });
    expect((await callOk(host, 'courses.list', {})).total).toBe(0);
    expect((await callOk(host, 'search.query', { query: '摄影' })).items).toEqual([]);
    expect(listFiles(dir).filter((f) => !f.startsWith('studio.db'))).toEqual(before);
    expect(listFiles(path.join(dir, 'media'))).toEqual([]);
  }

  it('accepts the untampered entries (so the refusals below are about the tampering)', async () => {
    const { entries } = await validEntries();
    const host = openHost(tempDir(), { now: steppingClock() });
    await importPackage(host, packageFile(craftZip(entries)));
  });

  it('refuses zip-slip and absolute paths', async () => {
    const { entries } = await validEntries();
    for (const name of ['../evil.txt', 'media/../../evil.png', '/etc/passwd', 'C:/Windows/x', 'media\\..\\x', 'a//b', './course.json']) {
      await expectRefused(craftZip([...entries, { name, data: Buffer.from('x') }]), 'unsafePath');
    }
  });

  it('refuses symlink entries', async () => {
    const { entries, hash } = await validEntries();
    const withLink = entries.map((e) => (e.name.startsWith('media/') ? { ...e, mode: 0o120777 } : e));
    await expectRefused(craftZip(withLink), 'symlink');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses duplicate entries', async () => {
    const { entries } = await validEntries();
    await expectRefused(craftZip([...entries, { name: 'course.json', data: Buffer.from('{}') }]), 'duplicateEntry');
  });

  it('refuses a zip bomb by ratio, by a lying size (checked while inflating) and by overlapping entries', async () => {
    const { entries, hash } = await validEntries();
    const zeros = Buffer.alloc(9 * 1024 * 1024);
    // Honest headers, absurd ratio.
    await expectRefused(craftZip([...entries.slice(0, 2), { name: `media/${hash}.png`, data: zeros }]), 'bomb');
    // Headers claim the cover's size (so the manifest agrees); the data inflates to 500 times that: inflating stops there.
    const coverSize = entries[2]!.data.length;
    await expectRefused(craftZip([...entries.slice(0, 2), { name: `media/${hash}.png`, data: Buffer.alloc(coverSize * 500), declaredSize: coverSize }, entries[3]!]), 'bomb');
    // Two central records pointing at one local entry.
    await expectRefused(craftZip([...entries, { name: 'media/other.png', data: entries[2]!.data, shareLocalOf: 2 }]), 'corrupt');
  });

  it('refuses entries over their size limit before inflating them', async () => {
    const { entries } = await validEntries();
    const huge = Buffer.alloc(300 * 1024);
    await expectRefused(craftZip([{ name: 'manifest.json', data: huge, method: 0 }, ...entries.slice(1)]), 'tooLarge');
  });

  it('refuses wrong and future formats, and files that are not zips', async () => {
    const { entries, manifest } = await validEntries();
    const withManifest = (m: unknown) => craftZip([{ name: 'manifest.json', data: Buffer.from(JSON.stringify(m)) }, ...entries.slice(1)]);
    await expectRefused(withManifest({ ...manifest, schemaVersion: 3 }), 'schemaTooNew');
    await expectRefused(withManifest({ ...manifest, format: 'something-else' }), 'wrongFormat');
    await expectRefused(craftZip(entries.slice(1)), 'wrongFormat');
    await expectRefused(Buffer.from('PK not really a zip at all, just text'), 'notZip');
    await expectRefused(pngBytes(10, 10), 'notZip');
  });

  it('refuses missing or altered media and an altered course document', async () => {
    const { entries, manifest, courseJson } = await validEntries();
    await expectRefused(craftZip(entries.slice(0, 2)), 'missingMedia');
    await expectRefused(craftZip([...entries.slice(0, 2), { name: entries[2]!.name, data: pngBytes(900, 500, { shade: 8 }) }, entries[3]!]), 'hashMismatch');
    await expectRefused(craftZip([entries[0]!, { name: 'course.json', data: Buffer.concat([courseJson, Buffer.from(' ')]) }, entries[2]!, entries[3]!]), 'hashMismatch');
    // Same length, other bytes: the manifest's size agrees, the hash (computed while streaming) does not.
    const flipped = Buffer.from(entries[2]!.data);
    flipped[flipped.length - 20] = flipped[flipped.length - 20]! ^ 0xff;
    await expectRefused(craftZip([...entries.slice(0, 2), { name: entries[2]!.name, data: flipped, method: 0 }, entries[3]!]), 'hashMismatch');
    await expectRefused(craftZip([...entries, { name: 'notes.txt', data: Buffer.from('hi') }]), 'unexpectedEntry');
    // A course document that fails the course checks, with a matching hash.
    const badCourse = Buffer.from(JSON.stringify({ ...JSON.parse(courseJson.toString('utf8')), priceFen: -5 }));
    const m = { ...manifest, course: { file: 'course.json', sha256: sha(badCourse) } };
    await expectRefused(craftZip([{ name: 'manifest.json', data: Buffer.from(JSON.stringify(m)) }, { name: 'course.json', data: badCourse }, entries[2]!, entries[3]!]), 'invalidCourse');
  });

  it('refuses a package cut off before its end (an interrupted copy), and one whose central directory runs off the end', async () => {
    const { entries } = await validEntries();
    const whole = craftZip(entries);
    await expectRefused(whole.subarray(0, whole.length - 200), 'truncated');
    await expectRefused(whole.subarray(0, Math.floor(whole.length / 2)), 'truncated');
    // The end record survives but the directory it points at was cut: its offset + size passes where it sits.
    const end = whole.subarray(whole.length - 22);
    await expectRefused(Buffer.concat([whole.subarray(0, whole.length - 22 - 10), end]), 'truncated');
  });

  it('refuses an upload over the package size limit before any byte is sent, and an incomplete upload', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    expect((await callError(host, 'packages.uploadStart', { fileName: 'a.zip', size: PACKAGE_MAX_BYTES + 1 })).fields).toEqual([{ path: 'size', code: 'package.tooLarge' }]);
    const { sessionId } = await callOk(host, 'packages.uploadStart', { fileName: 'a.zip', size: 100 });
    await callOk(host, 'packages.uploadChunk', { sessionId, offset: 0, data: new Uint8Array(40) });
    const error = await callError(host, 'packages.import', { jobId: newJobId(), source: { kind: 'upload', sessionId } });
    expect(error.fields).toEqual([{ path: 'package', code: 'package.incomplete' }]);
    // The session was not consumed by the refusal; cancelling it removes the part file.
    expect(await callOk(host, 'packages.cancel', { id: sessionId })).toEqual({ cancelled: true });
    expect(listFiles(path.join(dir, 'tmp'))).toEqual([]);
  });
});

/** Imports through the media library's session methods. */
async function importMedia(host: StudioHost, bytes: Buffer, fileName: string): Promise<MediaItem> {
  const { sessionId } = await callOk(host, 'media.importStart', { fileName, size: bytes.length });
  for (let offset = 0; offset < bytes.length; offset += 4 * 1024 * 1024) {
    await callOk(host, 'media.importChunk', { sessionId, offset, data: bytes.subarray(offset, offset + 4 * 1024 * 1024) });
  }
  return (await callOk(host, 'media.importFinish', { sessionId })).item;
}

/** The document without ids (course, chapters, lessons), version and timestamps — every other field kept. */
function withoutIds(course: Course) {
  const { id: _i, version: _v, createdAt: _c, updatedAt: _u, chapters, ...rest } = course;
  return { ...rest, chapters: chapters.map(({ id: _ch, lessons, ...c }) => ({ ...c, lessons: lessons.map(({ id: _l, ...l }) => l) })) };
}

const readAll = (bytes: Buffer) => readPackage(packageFile(bytes));

/** An audio course: a body with an image on lesson a1, an MP3 on lesson a1, a second lesson without either. */
async function audioCourse(host: StudioHost) {
  const image = pngBytes(640, 360, { shade: 3 });
  const audio = mp3Bytes({ frames: 400, header: 'xing' });
  const imageItem = await callOk(host, 'media.importImage', { fileName: '插图.png', dataBase64: image.toString('base64') });
  const audioItem = await importMedia(host, audio, '第一讲.mp3');
  expect(audioItem.kind).toBe('audio');
  const created = await callOk(host, 'courses.create', { title: '声音课：播客入门', type: 'audio', priceFen: 9900 });
  const course = await callOk(
    host,
    'courses.save',
    saveInput(created, {
      chapters: [
        {
          id: 'ac1',
          title: '第一章',
          lessons: [
            { id: 'a1', title: '录音设备', typeDetails: { ...defaultLessonTypeDetails(), freeTrial: true, mediaHash: audioItem.hash, durationSec: 10, transcript: '大家好' } },
            { id: 'a2', title: '剪辑' },
          ],
        },
      ],
    }),
  );
  const html = `<h2>设备清单</h2><figure><img src="studio-media:${imageItem.hash}" alt="麦克风"><figcaption>动圈麦克风</figcaption></figure><p>先说<strong>话筒</strong>。</p>`;
  const body = await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'a1', baseVersion: 0, html });
  return { course, image, audio, imageHash: imageItem.hash, audioItem, bodyHtml: body.html };
}

describe('course packages: lesson bodies, audio and video (schema 2)', () => {
  it('round-trips a course with a body image and an audio lesson into a fresh workspace', async () => {
    const source = openHost(tempDir(), { now: steppingClock() });
    const { course, image, audio, imageHash, audioItem, bodyHtml } = await audioCourse(source);
    const bytes = await exportBytes(source, course.id);
    const entries = await readAll(bytes);
    expect([...entries.keys()].sort()).toEqual(['bodies.json', 'course.json', 'manifest.json', `media/${audioItem.hash}.mp3`, `media/${imageHash}.png`].sort());
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as { schemaVersion: number; bodies: { sha256: string } };
    expect(manifest.schemaVersion).toBe(2);
    expect(manifest.bodies.sha256).toBe(sha(entries.get('bodies.json')!));

    const dir = tempDir();
    const target = openHost(dir, { now: steppingClock('2025-01-01T00:00:00.000Z') });
    const imported = await importPackage(target, packageFile(bytes));
    expect(imported.media).toBe(2);
    expect(withoutIds(imported.course)).toEqual(withoutIds(course));
    const [first, second] = imported.course.chapters[0]!.lessons;
    expect(first!.id).not.toBe('a1');
    const body = await callOk(target, 'lessons.getBody', { courseId: imported.course.id, lessonId: first!.id });
    expect(body.html).toBe(bodyHtml);
    expect(body.images.map((i) => i.hash)).toEqual([imageHash]);
    expect((await callOk(target, 'lessons.getBody', { courseId: imported.course.id, lessonId: second!.id })).version).toBe(0);
    // Media bytes identical, rows as the media library writes them.
    expect(fs.readFileSync(target.mediaFile(imageHash)!.file).equals(image)).toBe(true);
    expect(fs.readFileSync(target.mediaFile(audioItem.hash)!.file).equals(audio)).toBe(true);
    const { createdAt: _a, originalName: _n, ...audioMeta } = audioItem;
    const { createdAt: _b, originalName: _m, ...importedMeta } = await callOk(target, 'media.get', { hash: audioItem.hash });
    expect(importedMeta).toEqual(audioMeta);
    // The body is searchable and the files are in use in the new workspace.
    expect((await callOk(target, 'search.query', { query: '动圈麦克风' })).items.map((r) => r.hits.map((h) => h.targetId))).toEqual([[first!.id]]);
    expect((await callOk(target, 'media.usages', { hash: audioItem.hash })).items.map((u) => u.lessonId)).toEqual([first!.id]);
    expect((await callOk(target, 'media.usages', { hash: imageHash })).items.map((u) => u.lessonId)).toEqual([first!.id]);
    expect(listFiles(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('still imports a version 1 package (no bodies.json)', async () => {
    const source = openHost(tempDir(), { now: steppingClock() });
    const { course, cover } = await richCourse(source);
    const entries = await readAll(await exportBytes(source, course.id));
    const { bodies: _b, ...manifest } = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
    const v1 = craftZip([
      { name: 'manifest.json', data: Buffer.from(JSON.stringify({ ...manifest, schemaVersion: 1 })) },
      { name: 'course.json', data: entries.get('course.json')! },
      { name: `media/${course.coverHash}.png`, data: cover },
    ]);
    const target = openHost(tempDir(), { now: steppingClock() });
    const imported = await importPackage(target, packageFile(v1));
    expect(withoutIds(imported.course)).toEqual(withoutIds(course));
    expect(imported.media).toBe(1);
  });

  it('refuses, writing nothing, a package whose body refers to an image it does not contain', async () => {
    const source = openHost(tempDir(), { now: steppingClock() });
    const { course, imageHash } = await audioCourse(source);
    const entries = await readAll(await exportBytes(source, course.id));
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as { media: { hash: string }[] };
    const tampered = craftZip([
      { name: 'manifest.json', data: Buffer.from(JSON.stringify({ ...manifest, media: manifest.media.filter((m) => m.hash !== imageHash) })) },
      ...[...entries].filter(([name]) => name !== 'manifest.json' && name !== `media/${imageHash}.png`).map(([name, data]) => ({ name, data })),
    ]);
    const dir = tempDir();
    const target = openHost(dir, { now: steppingClock() });
    const error = await callError(target, 'packages.import', { jobId: newJobId(), source: { kind: 'upload', sessionId: await uploadPackage(target, packageFile(tampered)) } });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.fields?.[0]).toEqual({ path: 'package', code: 'package.missingMedia' });
    expect((await callOk(target, 'courses.list', {})).total).toBe(0);
    expect((await callOk(target, 'media.list', {})).total).toBe(0);
    expect(listFiles(path.join(dir, 'media'))).toEqual([]);
  });

  it('runs the host sanitizer and limits on imported bodies: a body over the WeChat limits fails the import and writes nothing', async () => {
    const source = openHost(tempDir(), { now: steppingClock() });
    const { course } = await audioCourse(source);
    const entries = await readAll(await exportBytes(source, course.id));
    const bodies = JSON.parse(entries.get('bodies.json')!.toString('utf8')) as { schemaVersion: number; bodies: Record<string, string> };
    const bodiesJson = Buffer.from(JSON.stringify({ ...bodies, bodies: { ...bodies.bodies, a2: `<p>${'字'.repeat(20_001)}</p><script>x()</script>` } }));
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
    const tampered = craftZip([
      { name: 'manifest.json', data: Buffer.from(JSON.stringify({ ...manifest, bodies: { file: 'bodies.json', sha256: sha(bodiesJson) } })) },
      { name: 'bodies.json', data: bodiesJson },
      ...[...entries].filter(([name]) => name !== 'manifest.json' && name !== 'bodies.json').map(([name, data]) => ({ name, data })),
    ]);
    const dir = tempDir();
    const target = openHost(dir, { now: steppingClock() });
    const error = await callError(target, 'packages.import', { jobId: newJobId(), source: { kind: 'upload', sessionId: await uploadPackage(target, packageFile(tampered)) } });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.fields).toEqual([{ path: 'package', code: 'package.invalidBody' }, { path: 'html', code: 'body.tooManyChars' }]);
    expect((await callOk(target, 'courses.list', {})).total).toBe(0);
    expect((await callOk(target, 'media.list', {})).total).toBe(0);
    expect(listFiles(path.join(dir, 'media'))).toEqual([]);
  });

});
