import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudioHost } from '../../../electron/studio/host';
import { mediaRemoteAt, type SyncMediaRemote } from '../../../electron/studio/services/sync-media';
import { syncMediaPath } from '../../../shared/companion/api';
import { StudioError, type EventEnvelope } from '../../../shared/contract/index';
import { defaultLessonTypeDetails } from '../../../shared/domain/course-types';
import { MEDIA_LIMITS } from '../../../shared/domain/media';
import { startCompanion } from '../../../electron/companion/app';
import { createLogger } from '../../../electron/companion/log';
import { BOOTSTRAP_CODE, openCompanion, pairMember, pairOwner, testConfig } from '../../helpers/companion';
import { tempDir } from '../../helpers/temp-dir';
import { callError, callOk } from '../../helpers/host';
import { jpegBytes, pngBytes } from '../../helpers/images';
import { mp4Bytes, videoOptions } from '../../helpers/media-files';
import { openDesktop, syncState, type Desktop } from '../../helpers/sync';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function team() {
  const companion = await openCompanion({ listen: true });
  const url = () => companion.url!;
  const ownerToken = await pairOwner(companion.app);
  const editor = await pairMember(companion.app, ownerToken, 'editor', '小李');
  return { companion, url, ownerToken, editorToken: editor.token };
}

/** Imports a file into a desktop's media library through its chunked import, as the media page does. */
async function importFile(host: StudioHost, bytes: Buffer, fileName: string): Promise<string> {
  const { sessionId, chunkBytes } = await callOk(host, 'media.importStart', { fileName, size: bytes.length });
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    await callOk(host, 'media.importChunk', { sessionId, offset, data: new Uint8Array(bytes.subarray(offset, offset + chunkBytes)) });
  }
  return (await callOk(host, 'media.importFinish', { sessionId })).item.hash;
}

/** A video course on `d` with a cover image and one lesson whose video is `video` (a little over two chunks). */
async function videoCourse(d: Desktop) {
  const cover = pngBytes(900, 500);
  const video = mp4Bytes(videoOptions(12, 2 * MEDIA_LIMITS.chunkBytes + 300_000));
  const coverHash = await importFile(d.host, cover, '封面.png');
  const videoHash = await importFile(d.host, video, '第一讲.mp4');
  const course = await callOk(d.host, 'courses.create', { title: '剪辑课', type: 'video' });
  await callOk(d.host, 'courses.save', {
    id: course.id,
    baseVersion: course.version,
    title: course.title,
    type: course.type,
    priceFen: 4900,
    summary: '',
    coverHash,
    chapters: [{ id: 'ch-1', title: '第一章', lessons: [{ id: 'l-1', title: '开场', typeDetails: { ...defaultLessonTypeDetails(), mediaHash: videoHash, durationSec: 12 } }] }],
  });
  return { courseId: course.id, cover, video, coverHash, videoHash };
}

function fileOn(d: Desktop, hash: string): Buffer {
  const located = d.host.mediaFile(hash);
  if (!located) throw new Error(`no file ${hash} on this desktop`);
  return fs.readFileSync(located.file);
}

/** Every file under the companion's blob store (the part files of unfinished uploads included). */
function companionBlobs(dataDir: string): string[] {
  const root = path.join(dataDir, 'sync-media');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile());
}

/** Resolves when `test` accepts an event the host emits. */
function eventOn(host: StudioHost, test: (e: EventEnvelope) => boolean): Promise<EventEnvelope> {
  return new Promise((resolve) => {
    const off = host.on((e) => {
      if (test(e)) {
        off();
        resolve(e);
      }
    });
  });
}

async function put(url: string, token: string, hash: string, offset: number, size: number, chunk: Buffer) {
  return fetch(`${url}${syncMediaPath(hash)}?offset=${offset}&size=${size}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array(chunk),
  });
}

describe('media travels with sync through the companion', () => {
  it('a course with a cover image and a lesson video made on A appears on B with byte-identical files and full metadata', async () => {
    const { companion, url, ownerToken, editorToken } = await team();
    const a = openDesktop(url, ownerToken);
    const b = openDesktop(url, editorToken);
    const made = await videoCourse(a);
    const image = jpegBytes(40, 30);
    const imageHash = await importFile(a.host, image, '图.jpg');
    await callOk(a.host, 'lessons.saveBody', { courseId: made.courseId, lessonId: 'l-1', baseVersion: 0, html: `<p>看图</p><p><img src="studio-media:${imageHash}" alt="图"></p>` });
    expect(await callOk(a.host, 'sync.now', {})).toMatchObject({ state: 'synced', pending: 0 });
    // Stored on the companion under their hashes before the rows went out.
    expect(companionBlobs(companion.dataDir).map((f) => path.basename(f)).sort()).toEqual([made.coverHash, made.videoHash, imageHash].sort());

    const changed: string[] = [];
    b.host.on((e) => {
      if (e.event === 'media.changed') changed.push((e.payload as { hash: string }).hash);
    });
    expect(await callOk(b.host, 'sync.now', {})).toMatchObject({ state: 'synced', pending: 0, conflicts: 0 });

    expect(fileOn(b, made.coverHash).equals(made.cover)).toBe(true);
    expect(fileOn(b, made.videoHash).equals(made.video)).toBe(true);
    expect(fileOn(b, imageHash).equals(image)).toBe(true);
    expect(changed.sort()).toEqual([made.coverHash, made.videoHash, imageHash].sort());
    // The body that shows the image lists it once it is here (usages, publishing).
    expect((await callOk(b.host, 'media.usages', { hash: imageHash })).items).toMatchObject([{ kind: 'lessonBodyImage', lessonId: 'l-1' }]);
    // Imported through the library's own path: probed like a local import.
    const onA = await callOk(a.host, 'media.get', { hash: made.videoHash });
    const onB = await callOk(b.host, 'media.get', { hash: made.videoHash });
    expect(onB).toMatchObject({ kind: 'video', codec: onA.codec, durationMs: onA.durationMs, width: 1280, height: 720, size: made.video.length });
    expect((await callOk(b.host, 'media.get', { hash: made.coverHash })).thumbnail).toBe(true);

    const course = await callOk(b.host, 'courses.get', { id: made.courseId });
    expect(course.coverHash).toBe(made.coverHash);
    expect(course.chapters[0]!.lessons[0]!.typeDetails?.mediaHash).toBe(made.videoHash);
    // Putting the arrived cover on is the team's version, not a local change to send back.
    expect(await callOk(b.host, 'sync.now', {})).toMatchObject({ state: 'synced', pending: 0 });
    expect((await callOk(b.host, 'media.usages', { hash: made.coverHash })).items).toHaveLength(1);
  });

  it('a row is applied while its media cannot be fetched; the files land later by the background retry and the cover fills in', async () => {
    const { url, ownerToken, editorToken } = await team();
    const a = openDesktop(url, ownerToken);
    const made = await videoCourse(a);
    // A second course with only the cover: its outline does not need the video, so B can edit it before media land.
    const other = await callOk(a.host, 'courses.create', { title: '封面课' });
    await callOk(a.host, 'courses.save', { ...other, baseVersion: other.version, coverHash: made.coverHash });
    await callOk(a.host, 'sync.now', {});

    const b = openDesktop(url, editorToken, { auto: true });
    b.reach.mediaOffline = true;
    await eventOn(b.host, (e) => e.event === 'courses.changed' && (e.payload as { id: string }).id === made.courseId);
    const early = await callOk(b.host, 'courses.get', { id: made.courseId });
    expect(early.title).toBe('剪辑课');
    expect(early.coverHash).toBeNull();
    expect((await callError(b.host, 'media.get', { hash: made.videoHash })).code).toBe('NOT_FOUND');
    // Editing a course meanwhile does not take its cover away from the team.
    const otherOnB = await callOk(b.host, 'courses.get', { id: other.id });
    expect(otherOnB.coverHash).toBeNull();
    await callOk(b.host, 'courses.save', { ...otherOnB, baseVersion: otherOnB.version, title: '封面课（新）' });
    // The video course stays editable too: its lesson keeps the video it refers to while the file is still away.
    await callOk(b.host, 'courses.save', { ...early, baseVersion: early.version, title: '剪辑课（新）' });
    expect((await callOk(b.host, 'courses.get', { id: made.courseId })).chapters[0]!.lessons[0]!.typeDetails?.mediaHash).toBe(made.videoHash);
    await syncState(b.host, (st) => st.pending === 0);
    await callOk(a.host, 'sync.now', {});
    expect(await callOk(a.host, 'courses.get', { id: other.id })).toMatchObject({ title: '封面课（新）', coverHash: made.coverHash });
    expect(await callOk(a.host, 'courses.get', { id: made.courseId })).toMatchObject({ title: '剪辑课（新）', coverHash: made.coverHash });

    const coverLanded = eventOn(b.host, (e) => e.event === 'media.changed' && (e.payload as { hash: string }).hash === made.coverHash);
    const coverOn = (id: string) => eventOn(b.host, (e) => e.event === 'courses.changed' && (e.payload as { id: string }).id === id);
    const coversOn = Promise.all([coverOn(made.courseId), coverOn(other.id)]);
    const videoLanded = eventOn(b.host, (e) => e.event === 'media.changed' && (e.payload as { hash: string }).hash === made.videoHash);
    b.reach.mediaOffline = false;
    await Promise.all([coverLanded, videoLanded, coversOn]);
    expect(fileOn(b, made.videoHash).equals(made.video)).toBe(true);

    expect((await callOk(b.host, 'courses.get', { id: made.courseId })).coverHash).toBe(made.coverHash);
    expect((await callOk(b.host, 'courses.get', { id: other.id })).coverHash).toBe(made.coverHash);
  });

  it('an upload cut off mid-way resumes where the companion’s copy ends, without sending finished chunks again', async () => {
    const { companion, url, ownerToken } = await team();
    const sent: { hash: string; offset: number }[] = [];
    // The cover (one chunk), then the video's first chunk get through; the connection drops at the video's second.
    let cutAfter = 2;
    const a = openDesktop(url, ownerToken, {
      media: (inner): SyncMediaRemote => ({
        ...inner,
        upload: async (hash, offset, size, chunk) => {
          if (cutAfter === 0) throw new StudioError('COMPANION_UNAVAILABLE', 'connection lost mid-upload');
          cutAfter -= 1;
          sent.push({ hash, offset });
          return inner.upload(hash, offset, size, chunk);
        },
      }),
    });
    const made = await videoCourse(a);
    expect(await callOk(a.host, 'sync.now', {})).toMatchObject({ state: 'offline', pending: 1 });
    const remote = mediaRemoteAt(() => ({ url: url(), token: ownerToken }));
    expect(await remote.has([made.coverHash, made.videoHash])).toEqual([
      { hash: made.coverHash, stored: true, received: made.cover.length },
      { hash: made.videoHash, stored: false, received: MEDIA_LIMITS.chunkBytes },
    ]);
    expect(sent).toEqual([
      { hash: made.coverHash, offset: 0 },
      { hash: made.videoHash, offset: 0 },
    ]);

    cutAfter = Number.POSITIVE_INFINITY;
    expect(await callOk(a.host, 'sync.now', {})).toMatchObject({ state: 'synced', pending: 0 });
    expect(sent.slice(2)).toEqual([
      { hash: made.videoHash, offset: MEDIA_LIMITS.chunkBytes },
      { hash: made.videoHash, offset: 2 * MEDIA_LIMITS.chunkBytes },
    ]);
    expect((await remote.has([made.videoHash]))[0]).toEqual({ hash: made.videoHash, stored: true, received: made.video.length });

    const b = openDesktop(url, ownerToken);
    await callOk(b.host, 'sync.now', {});
    expect(fileOn(b, made.videoHash).equals(made.video)).toBe(true);
    expect(companionBlobs(companion.dataDir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('a partial upload survives a companion restart and continues from the same byte', async () => {
    // The first run is started by hand: it is stopped in the middle of the test, not when the test ends.
    const dataDir = tempDir('companion-restart-');
    const masterKey = randomBytes(32);
    const deps = { masterKey, bootstrapPairingCode: BOOTSTRAP_CODE, logger: createLogger({ level: 'silent' }), checkResponses: true };
    const first = await startCompanion(testConfig(dataDir), deps);
    const ownerToken = await pairOwner(first.app);
    const bytes = Buffer.alloc(5000, 3);
    const hash = sha256(bytes);
    expect((await put(first.url!, ownerToken, hash, 0, bytes.length, bytes.subarray(0, 2000))).status).toBe(200);
    await first.close();

    const again = await openCompanion({ listen: true, dataDir, masterKey });
    const remote = mediaRemoteAt(() => ({ url: again.url!, token: ownerToken }));
    expect(await remote.has([hash])).toEqual([{ hash, stored: false, received: 2000 }]);
    expect(await remote.upload(hash, 2000, bytes.length, new Uint8Array(bytes.subarray(2000)))).toEqual({ hash, stored: true, received: 5000 });
    const download = await remote.download(hash, new AbortController().signal);
    const parts: Uint8Array[] = [];
    for await (const part of download.body) parts.push(part);
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
  });

  it('an upload whose bytes do not hash to its name is refused and nothing is kept', async () => {
    const { companion, url, ownerToken } = await team();
    const bytes = pngBytes(64, 64);
    const wrong = sha256(Buffer.from('something else'));
    const refused = await put(url(), ownerToken, wrong, 0, bytes.length, bytes);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 'INVALID_INPUT', details: { actual: sha256(bytes) } } });
    expect(companionBlobs(companion.dataDir)).toEqual([]);
    const remote = mediaRemoteAt(() => ({ url: url(), token: ownerToken }));
    expect(await remote.has([wrong])).toEqual([{ hash: wrong, stored: false, received: 0 }]);

    // A chunk that does not start where the companion's copy ends is refused with where it does.
    const big = Buffer.alloc(3000, 7);
    const bigHash = sha256(big);
    expect((await put(url(), ownerToken, bigHash, 0, big.length, big.subarray(0, 1000))).status).toBe(200);
    const skip = await put(url(), ownerToken, bigHash, 2000, big.length, big.subarray(2000));
    expect(skip.status).toBe(409);
    expect(await skip.json()).toMatchObject({ error: { code: 'CONFLICT', details: { received: 1000 } } });
    // A chunk longer than the file announced is refused and cut off again.
    const over = await put(url(), ownerToken, bigHash, 1000, big.length, Buffer.alloc(2500, 7));
    expect(over.status).toBe(400);
    expect(await remote.has([bigHash])).toEqual([{ hash: bigHash, stored: false, received: 1000 }]);
    expect((await put(url(), ownerToken, bigHash, 1000, big.length, big.subarray(1000))).status).toBe(200);
    expect(await remote.has([bigHash])).toEqual([{ hash: bigHash, stored: true, received: 3000 }]);
  });

  it('a viewer downloads the team’s media but cannot upload', async () => {
    const { companion, url, ownerToken } = await team();
    const viewer = await pairMember(companion.app, ownerToken, 'viewer', '访客');
    const a = openDesktop(url, ownerToken);
    const made = await videoCourse(a);
    await callOk(a.host, 'sync.now', {});

    const v = openDesktop(url, viewer.token);
    await callOk(v.host, 'sync.now', {});
    expect(fileOn(v, made.coverHash).equals(made.cover)).toBe(true);
    expect(fileOn(v, made.videoHash).equals(made.video)).toBe(true);

    const bytes = pngBytes(32, 32);
    const refused = await put(url(), viewer.token, sha256(bytes), 0, bytes.length, bytes);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(companionBlobs(companion.dataDir).filter((f) => path.basename(f).startsWith(sha256(bytes)))).toEqual([]);

    // The viewer's own new cover stays home: its push (and the upload before it) is refused.
    const coverHash = await importFile(v.host, bytes, '访客.png');
    const course = await callOk(v.host, 'courses.get', { id: made.courseId });
    await callOk(v.host, 'courses.save', { ...course, baseVersion: course.version, coverHash });
    const status = await callOk(v.host, 'sync.now', {});
    expect(status).toMatchObject({ state: 'syncing', pending: 1 });
    expect(status.error).toMatch(/viewer/);
    expect(companionBlobs(companion.dataDir).map((f) => path.basename(f))).not.toContain(coverHash);
  });
});
