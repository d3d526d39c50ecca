/**
 * Course packages with media larger than the old 12 MB base64 cap: a 40 MB MP4 round-trips byte for byte through a
 * package file (saved through the host's save dialog, uploaded in chunks, downloaded over loopback HTTP, or picked),
 * cancelling mid-export or mid-import leaves nothing, and a package over its limits is refused before writing.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { HostOptions, StudioHost } from '../../../electron/studio/host';
import { ZipFileReader } from '../../../electron/studio/services/zip';
import { HTTP_PATHS, TOKEN_PARAM, type EventEnvelope, type MediaItem, type MethodInput } from '../../../shared/contract/index';
import { PACKAGE_MAX_BYTES, type PackageProgress } from '../../../shared/contract/library';
import type { Course } from '../../../shared/domain/course';
import { defaultLessonTypeDetails } from '../../../shared/domain/course-types';
import { MEDIA_LIMITS } from '../../../shared/domain/media';
import { callError, callOk, openHost as openBareHost, steppingClock } from '../../helpers/host';
import { startServer } from '../../helpers/loopback';
import { mp4Parts, videoOptions } from '../../helpers/media-files';
import { exportPackage, importPackage, newJobId, testPicker, uploadPackage, type TestPicker } from '../../helpers/packages';
import { listFiles, tempDir } from '../../helpers/temp-dir';

const MB = 1024 * 1024;
const VIDEO_BYTES = 40 * MB;

function openHost(dataDir: string, options: Partial<HostOptions> = {}): StudioHost & { picker: TestPicker } {
  const picker = testPicker(tempDir('creator-studio-out-'));
  const host = openBareHost(dataDir, { files: picker, now: steppingClock(), ...options });
  return Object.assign(host, { picker });
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A valid H.264/AAC MP4 of `payload` media bytes (moov at the end), written in 1 MB blocks that all differ. */
async function writeVideo(file: string, payload: number): Promise<void> {
  const parts = mp4Parts(videoOptions(600, payload));
  const out = await fs.promises.open(file, 'w');
  await out.write(parts.before);
  const block = Buffer.alloc(MB);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i);
  for (let left = payload; left > 0; left -= block.length) {
    block.writeUInt32LE(left, 0);
    await out.write(block, 0, Math.min(left, block.length));
  }
  await out.write(parts.after);
  await out.close();
}

/** Imports a file through the media library's chunked session, as the renderer does. */
async function importMediaFile(host: StudioHost, file: string): Promise<MediaItem> {
  const size = fs.statSync(file).size;
  const { sessionId, chunkBytes } = await callOk(host, 'media.importStart', { fileName: path.basename(file), size });
  const handle = await fs.promises.open(file, 'r');
  const buffer = Buffer.alloc(chunkBytes);
  for (let offset = 0; offset < size; ) {
    const { bytesRead } = await handle.read(buffer, 0, chunkBytes, offset);
    await callOk(host, 'media.importChunk', { sessionId, offset, data: new Uint8Array(buffer.subarray(0, bytesRead)) });
    offset += bytesRead;
  }
  await handle.close();
  return (await callOk(host, 'media.importFinish', { sessionId })).item;
}

function saveInput(course: Course, changes: Partial<MethodInput<'courses.save'>>): MethodInput<'courses.save'> {
  const { version, createdAt: _c, updatedAt: _u, ...document } = course;
  return { ...document, baseVersion: version, ...changes };
}

/** A video course whose one lesson is `mediaHash`. */
async function videoCourse(host: StudioHost, mediaHash: string): Promise<Course> {
  const created = await callOk(host, 'courses.create', { title: '长视频课', type: 'video', priceFen: 29900 });
  return callOk(
    host,
    'courses.save',
    saveInput(created, {
      chapters: [{ id: 'v1', title: '第一章', lessons: [{ id: 'vl1', title: '完整版', typeDetails: { ...defaultLessonTypeDetails(), mediaHash, durationSec: 600 } }] }],
    }),
  );
}

/** A workspace with the 40 MB video course, its video file and item. */
async function largeCourse(): Promise<{ host: StudioHost & { picker: TestPicker }; course: Course; video: string; item: MediaItem }> {
  const video = path.join(tempDir('creator-studio-video-'), '完整版.mp4');
  await writeVideo(video, VIDEO_BYTES);
  const host = openHost(tempDir());
  const item = await importMediaFile(host, video);
  expect(item.kind).toBe('video');
  return { host, course: await videoCourse(host, item.hash), video, item };
}

const withoutIds = (course: Course) => {
  const { id: _i, version: _v, createdAt: _c, updatedAt: _u, chapters, ...rest } = course;
  return { ...rest, chapters: chapters.map(({ id: _ch, lessons, ...c }) => ({ ...c, lessons: lessons.map(({ id: _l, ...l }) => l) })) };
};

/** The host's `packages.progressed` events for `jobId`, as they arrive. */
function progressOf(host: StudioHost, jobId: string): PackageProgress[] {
  const seen: PackageProgress[] = [];
  host.on((event: EventEnvelope) => {
    if (event.event === 'packages.progressed' && (event.payload as PackageProgress).jobId === jobId) seen.push(event.payload as PackageProgress);
  });
  return seen;
}

/** Calls `act` on the first progress event of `jobId` in `phase` that has moved past zero. */
function onFirstProgress(host: StudioHost, jobId: string, phase: string, act: () => void): () => PackageProgress[] {
  const seen: PackageProgress[] = [];
  let fired = false;
  host.on((event: EventEnvelope) => {
    if (event.event !== 'packages.progressed') return;
    const progress = event.payload as PackageProgress;
    if (progress.jobId !== jobId) return;
    seen.push(progress);
    if (!fired && progress.phase === phase && progress.doneBytes > 0) {
      fired = true;
      act();
    }
  });
  return () => seen;
}

describe('course packages with large media', () => {
  it('round-trips a course with a 40 MB video byte for byte, stored (not deflated) in the package', async () => {
    const { host, course, video, item } = await largeCourse();
    const jobId = newJobId();
    const events = progressOf(host, jobId);
    const exported = await exportPackage(host, course.id, jobId);
    expect(exported.size).toBeGreaterThan(VIDEO_BYTES);
    // Progress went from 0 to every byte of the media, in order, at most about once a percent.
    const done = events.map((e) => e.doneBytes);
    expect(done[0]).toBe(0);
    expect(done.at(-1)).toBe(item.size);
    expect([...done].sort((a, b) => a - b)).toEqual(done);
    expect(events.length).toBeLessThanOrEqual(102);

    const reader = await ZipFileReader.open(exported.file, { maxEntries: 10, maxEntryBytes: () => 1e9, maxTotalBytes: 4e9, maxRatio: 1e9, ratioFloorBytes: 0 });
    const entry = reader.entries.get(`media/${item.hash}.mp4`)!;
    await reader.close();
    expect({ method: entry.method, size: entry.size, compressedSize: entry.compressedSize }).toEqual({ method: 0, size: item.size, compressedSize: item.size });

    const dir = tempDir();
    const target = openHost(dir);
    const imported = await importPackage(target, exported.file);
    expect(withoutIds(imported.course)).toEqual(withoutIds(course));
    expect(imported.media).toBe(1);
    expect(await sha256File(target.mediaFile(item.hash)!.file)).toBe(await sha256File(video));
    const { createdAt: _a, originalName: _n, ...meta } = item;
    const { createdAt: _b, originalName: _m, ...importedMeta } = await callOk(target, 'media.get', { hash: item.hash });
    expect(importedMeta).toEqual(meta);
    expect(listFiles(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('imports a package the creator picks in the open dialog; a dismissed dialog imports nothing', async () => {
    const { host, course, item } = await largeCourse();
    const exported = await exportPackage(host, course.id);
    const target = openHost(tempDir());
    target.picker.next = null;
    expect(await callOk(target, 'packages.import', { jobId: newJobId(), source: { kind: 'pick' } })).toEqual({ outcome: 'dismissed' });
    target.picker.next = path.join(target.picker.outDir, 'gone.zip');
    expect((await callError(target, 'packages.import', { jobId: newJobId(), source: { kind: 'pick' } })).fields).toEqual([{ path: 'package', code: 'package.cannotRead' }]);
    target.picker.next = exported.file;
    const imported = await callOk(target, 'packages.import', { jobId: newJobId(), source: { kind: 'pick' } });
    expect(imported.outcome === 'imported' && withoutIds(imported.course)).toEqual(withoutIds(course));
    expect(fs.statSync(target.mediaFile(item.hash)!.file).size).toBe(item.size);
    // The picked file is the creator's: left where it was.
    expect(fs.existsSync(exported.file)).toBe(true);
  });

  it('in browser mode, serves the export once over loopback HTTP as an attachment, then removes it', async () => {
    const dir = tempDir();
    const browserHost = openBareHost(dir, { now: steppingClock() });
    const video = path.join(tempDir('creator-studio-video-'), 'clip.mp4');
    await writeVideo(video, 20 * MB);
    const item = await importMediaFile(browserHost, video);
    const course = await videoCourse(browserHost, item.hash);
    const server = await startServer({ host: browserHost });
    const exported = await callOk(browserHost, 'packages.export', { courseId: course.id, jobId: newJobId() });
    if (exported.outcome !== 'download') throw new Error(`expected a download, got ${exported.outcome}`);
    const url = `${server.url}${HTTP_PATHS.packageDownload}${exported.downloadId}`;
    expect((await fetch(url)).status).toBe(401);
    const res = await fetch(`${url}?${TOKEN_PARAM}=${server.token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="____.course.zip"; filename*=UTF-8''${encodeURIComponent('长视频课.course.zip')}`);
    const file = path.join(tempDir('creator-studio-dl-'), exported.fileName);
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    expect(fs.statSync(file).size).toBe(exported.size);
    await expect.poll(() => listFiles(path.join(dir, 'tmp'))).toEqual([]);
    expect((await fetch(`${url}?${TOKEN_PARAM}=${server.token}`)).status).toBe(404);

    const target = openHost(tempDir());
    const imported = await importPackage(target, file);
    expect(await sha256File(target.mediaFile(item.hash)!.file)).toBe(await sha256File(video));
    expect(imported.course.title).toBe('长视频课');
  });

  it('cancelling mid-export leaves no file behind, and a dismissed save dialog writes nothing', async () => {
    const { host, course } = await largeCourse();
    const jobId = newJobId();
    const seen = onFirstProgress(host, jobId, 'export', () => void host.dispatch('packages.cancel', { id: jobId }));
    const error = await callError(host, 'packages.export', { courseId: course.id, jobId });
    expect(error.code).toBe('CONFLICT');
    expect(error.fields).toEqual([{ path: 'package', code: 'package.cancelled' }]);
    // Cancelled part way: some media bytes had been written, not all.
    const last = seen().at(-1)!;
    expect(last.doneBytes).toBeLessThan(VIDEO_BYTES);
    expect(listFiles(host.picker.outDir)).toEqual([]);
    // The job is over: cancelling again finds nothing.
    expect(await callOk(host, 'packages.cancel', { id: jobId })).toEqual({ cancelled: false });

    // A place that cannot be written (its "folder" is a file) is named as such, and leaves nothing.
    fs.writeFileSync(path.join(host.picker.outDir, 'not-a-folder'), 'x');
    host.picker.outDir = path.join(host.picker.outDir, 'not-a-folder');
    const refused = await callError(host, 'packages.export', { courseId: course.id, jobId: newJobId() });
    expect(refused.fields).toEqual([{ path: 'package', code: 'package.cannotWrite' }]);
    host.picker.outDir = path.dirname(host.picker.outDir);
    expect(listFiles(host.picker.outDir)).toEqual(['not-a-folder']);

    // Cancelled while the save dialog is open: nothing is written once the creator picks a place.
    let answer: (file: string) => void = () => {};
    const slow = openBareHost(tempDir(), {
      files: { chooseSavePath: () => new Promise<string>((resolve) => (answer = resolve)), chooseOpenPath: () => Promise.resolve(null) },
    });
    const plain = await callOk(slow, 'courses.create', { title: '对话框中取消' });
    const slowJob = newJobId();
    const pending = callError(slow, 'packages.export', { courseId: plain.id, jobId: slowJob });
    await expect.poll(() => callOk(slow, 'packages.cancel', { id: slowJob })).toEqual({ cancelled: true });
    answer(path.join(host.picker.outDir, 'late.course.zip'));
    expect((await pending).fields).toEqual([{ path: 'package', code: 'package.cancelled' }]);
    expect(listFiles(host.picker.outDir)).toEqual(['not-a-folder']);

    const dismissing = openBareHost(tempDir(), { files: { chooseSavePath: () => Promise.resolve(null), chooseOpenPath: () => Promise.resolve(null) } });
    const other = await callOk(dismissing, 'courses.create', { title: '空课' });
    expect(await callOk(dismissing, 'packages.export', { courseId: other.id, jobId: newJobId() })).toEqual({ outcome: 'dismissed' });
  });

  it('cancelling mid-import leaves the data folder and the database as they were', async () => {
    const { host, course } = await largeCourse();
    const exported = await exportPackage(host, course.id);
    const dir = tempDir();
    const target = openHost(dir);
    const existing = await callOk(target, 'courses.create', { title: '原有课程' });
    const sessionId = await uploadPackage(target, exported.file);
    const before = listFiles(dir).filter((f) => !f.startsWith('studio.db') && !f.startsWith('tmp/'));
    const jobId = newJobId();
    onFirstProgress(target, jobId, 'verify', () => void target.dispatch('packages.cancel', { id: jobId }));
    const error = await callError(target, 'packages.import', { jobId, source: { kind: 'upload', sessionId } });
    expect(error.fields).toEqual([{ path: 'package', code: 'package.cancelled' }]);
    expect(listFiles(dir).filter((f) => !f.startsWith('studio.db'))).toEqual(before);
    expect(listFiles(path.join(dir, 'tmp'))).toEqual([]);
    expect((await callOk(target, 'courses.list', {})).items.map((c) => c.id)).toEqual([existing.id]);
    expect((await callOk(target, 'media.list', {})).total).toBe(0);
  });

  it('refuses, before writing anything, a course whose media pass the per-file or the package limit', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    // Videos as sparse files with their rows: the refusal must come from the sizes, before any byte is read.
    const bigVideo = (hash: string, size: number) => {
      const file = path.join(dir, 'media', hash.slice(0, 2), `${hash}.mp4`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.closeSync(fs.openSync(file, 'w'));
      fs.truncateSync(file, size);
      const db = new Database(path.join(dir, 'studio.db'));
      db.prepare(`INSERT INTO media (hash, mime, size, original_name, created_at, kind, has_thumb) VALUES (?, 'video/mp4', ?, 'big.mp4', ?, 'video', 0)`).run(
        hash,
        size,
        new Date().toISOString(),
      );
      db.close();
      return hash;
    };
    const lesson = (id: string, mediaHash: string) => ({ id, title: id, typeDetails: { ...defaultLessonTypeDetails(), mediaHash } });
    // One file over the media library's limit.
    const single = await videoCourse(host, bigVideo('ab'.repeat(32), MEDIA_LIMITS.maxBytes + 1));
    const error = await callError(host, 'packages.export', { courseId: single.id, jobId: newJobId() });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.fields).toEqual([{ path: 'package', code: 'package.mediaTooLarge' }]);
    // Files each within it, together over the package limit.
    const count = Math.ceil(PACKAGE_MAX_BYTES / MEDIA_LIMITS.maxBytes) + 1;
    const lessons = Array.from({ length: count }, (_, i) => lesson(`l${i}`, bigVideo(String(i + 1).padStart(2, '0').repeat(32), MEDIA_LIMITS.maxBytes - MB)));
    const created = await callOk(host, 'courses.create', { title: '很多长视频', type: 'video', priceFen: 100 });
    const many = await callOk(host, 'courses.save', saveInput(created, { chapters: [{ id: 'c', title: '章', lessons }] }));
    const total = await callError(host, 'packages.export', { courseId: many.id, jobId: newJobId() });
    expect(total.fields).toEqual([{ path: 'package', code: 'package.tooLarge' }]);
    expect(total.details?.limit).toBe(PACKAGE_MAX_BYTES);
    expect(listFiles(host.picker.outDir)).toEqual([]);
  });
});
