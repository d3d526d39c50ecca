import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BINARY_CALL_HEADER, HTTP_PATHS, type MediaItem, type Result } from '../../shared/contract/index';
import type { WechatMaterial } from '../../shared/domain/media';
import { defaultLessonTypeDetails } from '../../shared/domain/course-types';
import { mediaSrc } from '../../shared/rich-text/schema';
import type { StudioHost } from '../../electron/studio/host';
import { DB_FILE_NAME, openWorkspaceDatabase } from '../../electron/studio/store/database';
import { MediaService } from '../../electron/studio/services/media';
import { MediaLibrary } from '../../electron/studio/services/media-library';
import { ROOT } from '../helpers/fixtures';
import { callError, callOk, openHost, recordEvents } from '../helpers/host';
import { startServer } from '../helpers/loopback';
import { mp4Bytes, videoOptions, wavBytes } from '../helpers/media-files';
import { pngBytes } from '../helpers/images';
import { listFiles, sha256, tempDir } from '../helpers/temp-dir';

const FIXTURES = path.join(ROOT, 'tests/fixtures/media');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

/** Imports through the real session methods, in chunks of `chunk` bytes (small, so every test crosses chunk edges). */
async function importBytes(host: StudioHost, bytes: Buffer, fileName: string, options: { chunk?: number; material?: WechatMaterial } = {}) {
  const { sessionId } = await callOk(host, 'media.importStart', { fileName, size: bytes.length, ...(options.material ? { material: options.material } : {}) });
  const chunk = options.chunk ?? 4096;
  for (let offset = 0; offset < bytes.length; offset += chunk) {
    await callOk(host, 'media.importChunk', { sessionId, offset, data: bytes.subarray(offset, offset + chunk) });
  }
  return { sessionId, finish: () => host.dispatch('media.importFinish', { sessionId }) };
}

async function importOk(host: StudioHost, bytes: Buffer, fileName: string, options: { chunk?: number; material?: WechatMaterial } = {}) {
  const { finish } = await importBytes(host, bytes, fileName, options);
  const result = await finish();
  if (!result.ok) throw new Error(`import failed: ${JSON.stringify(result.error)}`);
  return result.value as { item: MediaItem; duplicate: boolean };
}

/** What the store holds besides its incoming folder. */
function storedFiles(dir: string): string[] {
  return listFiles(path.join(dir, 'media')).filter((f) => !f.startsWith('.incoming/'));
}

describe('media import', () => {
  it('stores each kind by content hash with the metadata the probes read, a thumbnail for images and peaks for WAV', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const events = recordEvents(host);

    const jpg = fixture('photo-640x360.jpg');
    const photo = await importOk(host, jpg, '封面 最终版.jpg');
    expect(photo.duplicate).toBe(false);
    expect(photo.item).toMatchObject({ hash: sha256(jpg), kind: 'image', format: 'jpeg', width: 640, height: 360, thumbnail: true, originalName: '封面 最终版.jpg', size: jpg.length });
    expect(photo.item.wechat.map((c) => [c.material, c.ok])).toEqual([['image', true], ['thumb', true]]);
    const thumb = host.mediaFile(`${photo.item.hash}.thumb`)!;
    expect(thumb.mime).toBe('image/webp');
    expect(fs.readFileSync(thumb.file).toString('latin1', 8, 12)).toBe('WEBP');

    const wav = fixture('ramp-8k-mono-s16.wav');
    const voice = await importOk(host, wav, 'ramp.wav');
    expect(voice.item).toMatchObject({ kind: 'audio', format: 'wav', durationMs: 1000, codec: 'pcm_s16le', sampleRate: 8000, channels: 1, thumbnail: false });
    expect(voice.item.waveform).toHaveLength(200);
    expect(voice.item.waveform![0]).toBeLessThan(voice.item.waveform![199]!);

    const mp4 = fixture('ffmpeg-h264-320x240-1s.mp4');
    const video = await importOk(host, mp4, 'lesson.mp4', { chunk: 1000 });
    expect(video.item).toMatchObject({ kind: 'video', format: 'mp4', width: 320, height: 240, durationMs: 1000, codec: 'avc1', audioCodec: 'mp4a.40.2', thumbnail: false, waveform: null });
    expect(video.item.wechat).toEqual([{ material: 'video', ok: true, problems: [] }]);

    const h = (b: Buffer) => sha256(b);
    expect(storedFiles(dir)).toEqual(
      [
        `${h(jpg).slice(0, 2)}/${h(jpg)}.jpg`,
        `${h(wav).slice(0, 2)}/${h(wav)}.wav`,
        `${h(mp4).slice(0, 2)}/${h(mp4)}.mp4`,
        `thumbs/${h(jpg).slice(0, 2)}/${h(jpg)}.webp`,
      ].sort(),
    );
    expect(fs.readFileSync(host.mediaFile(h(mp4))!.file).equals(mp4)).toBe(true);
    expect(listFiles(path.join(dir, 'media', '.incoming'))).toEqual([]);
    expect(events.filter((e) => e.event === 'media.changed')).toHaveLength(3);

    const all = await callOk(host, 'media.list', {});
    expect(all.total).toBe(3);
    expect((await callOk(host, 'media.list', { kind: 'audio' })).items.map((i) => i.hash)).toEqual([h(wav)]);
    const page = await callOk(host, 'media.list', { limit: 2, offset: 2 });
    expect(page).toMatchObject({ total: 3 });
    expect(page.items).toHaveLength(1);
    expect(await callOk(host, 'media.get', { hash: h(mp4) })).toEqual(video.item);
  });

  it('stores the same content once, whatever it is called, and fills in metadata for a cover imported before', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const bytes = fixture('vbr-xing-48k.mp3');
    const first = await importOk(host, bytes, 'a.mp3');
    const second = await importOk(host, bytes, '副本 b.mp3', { chunk: 777 });
    expect(second.duplicate).toBe(true);
    expect(second.item).toEqual(first.item);
    expect(storedFiles(dir)).toHaveLength(1);
    expect((await callOk(host, 'media.list', {})).total).toBe(1);

    // A cover stored by media.importImage (no library metadata yet) is the same file when imported again.
    const png = pngBytes(300, 200);
    await callOk(host, 'media.importImage', { fileName: 'cover.png', dataBase64: png.toString('base64') });
    const again = await importOk(host, png, 'cover-again.png');
    expect(again).toMatchObject({ duplicate: true, item: { kind: 'image', format: 'png', width: 300, height: 200, thumbnail: true, originalName: 'cover.png' } });
    expect(storedFiles(dir)).toHaveLength(3); // the mp3, the png and the png's thumbnail
  });

  it('takes chunks as plain Uint8Arrays, as Electron IPC delivers them (structured clone, not Buffer)', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const bytes = fixture('vbri-32k-mono.mp3');
    const { sessionId } = await callOk(host, 'media.importStart', { fileName: 'ipc.mp3', size: bytes.length });
    const plain = new Uint8Array(bytes.length);
    plain.set(bytes);
    await callOk(host, 'media.importChunk', { sessionId, offset: 0, data: plain.subarray(0, 5000) });
    await callOk(host, 'media.importChunk', { sessionId, offset: 5000, data: plain.subarray(5000) });
    const { item } = await callOk(host, 'media.importFinish', { sessionId });
    expect(item).toMatchObject({ hash: sha256(bytes), durationMs: 1440 });
  });

  it('cancels midway leaving nothing behind; the session is gone afterwards', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const bytes = mp4Bytes(videoOptions(30, 200_000));
    const { sessionId } = await callOk(host, 'media.importStart', { fileName: 'big.mp4', size: bytes.length });
    await callOk(host, 'media.importChunk', { sessionId, offset: 0, data: bytes.subarray(0, 100_000) });
    expect(listFiles(path.join(dir, 'media', '.incoming'))).toEqual([`${sessionId}.part`]);

    expect(await callOk(host, 'media.importCancel', { sessionId })).toEqual({ cancelled: true });
    expect(listFiles(path.join(dir, 'media'))).toEqual([]);
    expect((await callOk(host, 'media.list', {})).total).toBe(0);
    expect(await callError(host, 'media.importChunk', { sessionId, offset: 100_000, data: bytes.subarray(100_000) })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await callError(host, 'media.importFinish', { sessionId })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await callOk(host, 'media.importCancel', { sessionId })).toEqual({ cancelled: false });
  });

  it('a cancel that arrives while a chunk is being written removes the file once the write ends', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const bytes = Buffer.alloc(6 * 1024 * 1024, 1);
    const { sessionId } = await callOk(host, 'media.importStart', { fileName: 'x.wav', size: bytes.length });
    const writing = host.dispatch('media.importChunk', { sessionId, offset: 0, data: bytes.subarray(0, 4 * 1024 * 1024) });
    const cancelling = host.dispatch('media.importCancel', { sessionId });
    const [written, cancelled] = await Promise.all([writing, cancelling]);
    expect(cancelled).toEqual({ ok: true, value: { cancelled: true } });
    expect(written).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(listFiles(path.join(dir, 'media'))).toEqual([]);
  });

  it('refuses chunks out of order, past the announced size, and a finish before the last byte', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const bytes = fixture('aac-lc-3s.m4a');
    const { sessionId } = await callOk(host, 'media.importStart', { fileName: 'a.m4a', size: bytes.length });
    await callOk(host, 'media.importChunk', { sessionId, offset: 0, data: bytes.subarray(0, 500) });
    expect(await callError(host, 'media.importChunk', { sessionId, offset: 400, data: bytes.subarray(400, 900) })).toMatchObject({ code: 'CONFLICT', details: { received: 500 } });
    expect(await callError(host, 'media.importChunk', { sessionId, offset: 500, data: Buffer.alloc(bytes.length) })).toMatchObject({
      code: 'INVALID_INPUT',
      fields: [{ path: 'file', code: 'media.sizeMismatch' }],
    });
    expect(await callError(host, 'media.importFinish', { sessionId })).toMatchObject({ fields: [{ code: 'media.incomplete' }], details: { received: 500, size: bytes.length } });
    // Bytes that are not bytes (JSON cannot carry a Uint8Array) and chunks over 8 MB never reach the session.
    expect(await callError(host, 'media.importChunk', { sessionId, offset: 500, data: 'AAAA' })).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await callError(host, 'media.importChunk', { sessionId, offset: 500, data: Buffer.alloc(8 * 1024 * 1024 + 1) })).toMatchObject({
      fields: [{ path: 'data', code: 'chunk.tooLarge' }],
    });
    await callOk(host, 'media.importChunk', { sessionId, offset: 500, data: bytes.subarray(500) });
    const done = await host.dispatch('media.importFinish', { sessionId });
    expect(done).toMatchObject({ ok: true, value: { item: { format: 'm4a' } } });
  });

  it.each([
    ['an empty file', Buffer.alloc(0), 'media.empty'],
    ['text', Buffer.from('不是媒体文件'.repeat(100)), 'media.unsupported'],
    ['an MP4 cut before its moov', fixture('h264-720p-2s.mp4').subarray(0, 3000), 'media.truncated'],
    ['a WAV cut inside its samples', fixture('ramp-8k-mono-s16.wav').subarray(0, 9000), 'media.truncated'],
  ])('refuses %s with a clear code and leaves nothing behind', async (_name, bytes, code) => {
    const dir = tempDir();
    const host = openHost(dir);
    let error;
    if (bytes.length === 0) error = await callError(host, 'media.importStart', { fileName: 'x', size: 0 });
    else {
      const { finish } = await importBytes(host, bytes, 'x.bin');
      const result = await finish();
      expect(result.ok).toBe(false);
      error = (result as Extract<Result<unknown>, { ok: false }>).error;
    }
    expect(error).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'file', code }] });
    expect(listFiles(path.join(dir, 'media'))).toEqual([]);
    expect((await callOk(host, 'media.list', {})).total).toBe(0);
  });
});

describe('WeChat material limits', () => {
  it('reports each broken limit on the item and refuses the file when that material was asked for', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    // 61 s of 16 kHz mono 16-bit: 1.95 MB, under the 2 MB voice limit but over its 60 s.
    const long = wavBytes({ seconds: 61, sampleRate: 16000, channels: 1, bits: 16 });
    expect(long.length).toBeLessThan(2 * 1024 * 1024);
    const reported = await importOk(host, long, 'long.wav', { chunk: 512 * 1024 });
    expect(reported.item.wechat).toEqual([{ material: 'voice', ok: false, problems: [{ code: 'tooLong', limit: 60_000, actual: 61_000 }] }]);

    const other = wavBytes({ seconds: 61, sampleRate: 16000, channels: 1, bits: 16, tone: { hz: 300, amplitude: 0.3 } });
    const { finish } = await importBytes(host, other, 'other.wav', { material: 'voice', chunk: 512 * 1024 });
    const refused = await finish();
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', fields: [{ path: 'file', code: 'media.wechat.tooLong' }], details: { material: 'voice', durationMs: 61_000, limitMs: 60_000 } },
    });
    expect(host.mediaFile(sha256(other))).toBeNull();

    const mov = fixture('ffmpeg-hevc-320x180-1s.mov');
    const movRefused = await (await importBytes(host, mov, 'clip.mov', { material: 'video' })).finish();
    expect(movRefused).toMatchObject({ ok: false, error: { fields: [{ code: 'media.wechat.format' }], details: { format: 'mov', formats: 'mp4' } } });

    // The size is known at start: a 12 MB video is refused before a byte is sent.
    expect(await callError(host, 'media.importStart', { fileName: 'big.mp4', size: 12 * 1024 * 1024, material: 'video' })).toMatchObject({
      fields: [{ code: 'media.wechat.tooLarge' }],
      details: { limit: 10 * 1024 * 1024 },
    });
    const thumbTooBig = await (await importBytes(host, fixture('photo-320x240.png'), 'p.png', { material: 'thumb' })).finish();
    expect(thumbTooBig).toMatchObject({ ok: false, error: { fields: [{ code: 'media.wechat.format' }] } });
    expect(await importOk(host, fixture('photo-640x360.jpg'), 'thumb.jpg', { material: 'thumb' })).toMatchObject({ item: { format: 'jpeg' } });
    expect(storedFiles(dir).filter((f) => !f.startsWith('thumbs/'))).toHaveLength(2);
  });
});

describe('usages and deletion', () => {
  it('knows a lesson\'s audio and the images in lesson bodies as usages too', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const { item: audio } = await importOk(host, wavBytes({ seconds: 1 }), 'lesson.wav');
    const { item: image } = await importOk(host, fixture('photo-640x360.jpg'), 'figure.jpg');
    const course = await callOk(host, 'courses.create', { title: '播客课', type: 'audio', priceFen: 9900 });
    await callOk(host, 'courses.save', {
      id: course.id,
      baseVersion: course.version,
      title: course.title,
      type: 'audio',
      priceFen: 9900,
      summary: '',
      coverHash: null,
      chapters: [{ id: 'c1', title: '第一章', lessons: [{ id: 'l1', title: '开场', typeDetails: { ...defaultLessonTypeDetails(), mediaHash: audio.hash } }, { id: 'l2', title: '图文' }] }],
    });
    await callOk(host, 'lessons.saveBody', { courseId: course.id, lessonId: 'l2', baseVersion: 0, html: `<figure><img src="${mediaSrc(image.hash)}" alt=""></figure>` });

    expect((await callOk(host, 'media.usages', { hash: audio.hash })).items).toEqual([
      { kind: 'lessonMedia', courseId: course.id, courseTitle: '播客课', lessonId: 'l1', lessonTitle: '开场', inTrash: false },
    ]);
    expect((await callOk(host, 'media.usages', { hash: image.hash })).items).toEqual([
      { kind: 'lessonBodyImage', courseId: course.id, courseTitle: '播客课', lessonId: 'l2', lessonTitle: '图文', inTrash: false },
    ]);
    expect(await callError(host, 'media.delete', { hash: image.hash })).toMatchObject({ code: 'CONFLICT', fields: [{ code: 'media.inUse.lessonBodyImage' }] });
    expect(await callError(host, 'media.delete', { hash: audio.hash })).toMatchObject({ code: 'CONFLICT', fields: [{ code: 'media.inUse.lessonMedia' }] });
  });

  it('refuses to delete a course cover, listing the course (in the trash too), and deletes it once unused', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const { item } = await importOk(host, fixture('photo-640x360.jpg'), 'cover.jpg');
    const course = await callOk(host, 'courses.create', { title: '写作入门' });
    const saved = await callOk(host, 'courses.save', { id: course.id, baseVersion: course.version, title: course.title, type: course.type, priceFen: 0, summary: '', coverHash: item.hash, chapters: [] });

    expect(await callOk(host, 'media.usages', { hash: item.hash })).toEqual({
      items: [{ kind: 'courseCover', courseId: course.id, courseTitle: '写作入门', lessonId: null, lessonTitle: null, inTrash: false }],
    });
    expect(await callError(host, 'media.delete', { hash: item.hash })).toMatchObject({
      code: 'CONFLICT',
      fields: [{ path: `courseCover:${course.id}`, code: 'media.inUse.courseCover' }],
      details: { usages: 1 },
    });

    await callOk(host, 'courses.delete', { id: course.id });
    expect((await callOk(host, 'media.usages', { hash: item.hash })).items).toMatchObject([{ inTrash: true }]);
    expect(await callError(host, 'media.delete', { hash: item.hash })).toMatchObject({ code: 'CONFLICT' });
    expect(host.mediaFile(item.hash)).not.toBeNull();

    const restored = await callOk(host, 'courses.restore', { id: course.id });
    await callOk(host, 'courses.save', { id: course.id, baseVersion: restored.version, title: saved.title, type: saved.type, priceFen: 0, summary: '', coverHash: null, chapters: [] });
    expect((await callOk(host, 'media.usages', { hash: item.hash })).items).toEqual([]);
    const events = recordEvents(host);
    expect(await callOk(host, 'media.delete', { hash: item.hash })).toEqual({ hash: item.hash });
    expect(events).toEqual([{ event: 'media.changed', payload: { hash: item.hash, deleted: true } }]);
    expect(listFiles(path.join(dir, 'media'))).toEqual([]);
    expect(await callError(host, 'media.get', { hash: item.hash })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await callError(host, 'media.delete', { hash: item.hash })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await callError(host, 'media.usages', { hash: item.hash })).toMatchObject({ code: 'NOT_FOUND' });
  });
});

async function binaryCall(url: string, token: string, method: string, input: object, body: Buffer, contentType = 'application/octet-stream') {
  const res = await fetch(`${url}${HTTP_PATHS.callBinary}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType, Authorization: `Bearer ${token}`, [BINARY_CALL_HEADER]: encodeURIComponent(JSON.stringify({ method, input })) },
    body,
  });
  return { status: res.status, body: (await res.json()) as Result<unknown> };
}
const jsonCall = async (url: string, token: string, method: string, input: unknown) =>
  (await (
    await fetch(`${url}${HTTP_PATHS.call}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify({ method, input }) })
  ).json()) as Result<{ sessionId: string; item: MediaItem }>;

describe('over loopback HTTP', () => {
  it('carries chunks as raw request bodies and refuses them without the token or as another content type', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const server = await startServer({ host });
    const bytes = fixture('lame-64k-1.5s.mp3');
    const start = await jsonCall(server.url, server.token, 'media.importStart', { fileName: 'voice.mp3', size: bytes.length });
    const sessionId = (start as { ok: true; value: { sessionId: string } }).value.sessionId;

    expect((await binaryCall(server.url, 'wrong', 'media.importChunk', { sessionId, offset: 0 }, bytes)).status).toBe(401);
    expect((await binaryCall(server.url, server.token, 'media.importChunk', { sessionId, offset: 0 }, bytes, 'text/plain')).status).toBe(415);
    // JSON cannot carry the bytes: the same method through /api/call is refused by the contract.
    expect(await jsonCall(server.url, server.token, 'media.importChunk', { sessionId, offset: 0, data: [1, 2, 3] })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    for (let offset = 0; offset < bytes.length; offset += 5000) {
      const r = await binaryCall(server.url, server.token, 'media.importChunk', { sessionId, offset }, bytes.subarray(offset, offset + 5000));
      expect(r).toEqual({ status: 200, body: { ok: true, value: { received: Math.min(bytes.length, offset + 5000) } } });
    }
    const done = await jsonCall(server.url, server.token, 'media.importFinish', { sessionId });
    expect(done).toMatchObject({ ok: true, value: { item: { format: 'mp3', durationMs: 1541, channels: 1 } } });

    const media = await fetch(`${server.url}/media/${sha256(bytes)}?token=${server.token}`);
    expect(media.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await media.arrayBuffer()).equals(bytes)).toBe(true);
  });
});

describe('a killed import', () => {
  it('leaves no file in the store and no row; the next start removes the partial upload', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/index.ts', 'serve', '--data-dir', dir, '--port', '0', '--no-companion'], {
      cwd: ROOT,
      env: { ...process.env, CREATOR_STUDIO_DATA_DIR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let out = '';
    const [, url, token] = await new Promise<RegExpExecArray>((resolve, reject) => {
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const m = /open (http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)/.exec(out);
        if (m) resolve(m);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    const bytes = mp4Bytes(videoOptions(60, 3 * 1024 * 1024));
    const start = await jsonCall(url!, token!, 'media.importStart', { fileName: 'lesson.mp4', size: bytes.length });
    const sessionId = (start as { ok: true; value: { sessionId: string } }).value.sessionId;
    await binaryCall(url!, token!, 'media.importChunk', { sessionId, offset: 0 }, bytes.subarray(0, 2 * 1024 * 1024));
    // A second chunk in flight when the process dies.
    const inFlight = binaryCall(url!, token!, 'media.importChunk', { sessionId, offset: 2 * 1024 * 1024 }, bytes.subarray(2 * 1024 * 1024)).catch(() => null);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    await inFlight;

    // The partial upload exists (so this test can tell) but only in the incoming folder.
    expect(listFiles(path.join(dir, 'media', '.incoming'))).toEqual([`${sessionId}.part`]);
    expect(storedFiles(dir)).toEqual([]);
    expect(fs.existsSync(path.join(dir, DB_FILE_NAME))).toBe(true);

    const host = openHost(dir);
    expect((await callOk(host, 'media.list', {})).total).toBe(0);
    expect(listFiles(path.join(dir, 'media'))).toEqual([]);
    expect(host.mediaFile(sha256(bytes))).toBeNull();
    // And the same file imports cleanly afterwards.
    expect((await importOk(host, bytes, 'lesson.mp4', { chunk: 1024 * 1024 })).item).toMatchObject({ kind: 'video', durationMs: 60_000 });
  });
});

describe('an abandoned import', () => {
  it('is cancelled after the idle time and its partial file removed', async () => {
    const dir = tempDir();
    const opened = openWorkspaceDatabase(dir);
    if (opened.state !== 'ready') throw new Error(opened.state);
    onTestFinished(() => {
      opened.db.close();
    });
    const logs: string[] = [];
    const library = new MediaLibrary(opened.db, new MediaService(opened.db, dir), { now: () => new Date(), changed: () => {}, log: (l) => logs.push(l), idleMs: 50 });
    onTestFinished(() => library.close());
    const bytes = fixture('h264-720p-2s.mp4');
    const { sessionId } = await library.start({ fileName: 'tab-closed.mp4', size: bytes.length });
    await library.chunk({ sessionId, offset: 0, data: bytes.subarray(0, 1000) });
    expect(listFiles(path.join(dir, 'media', '.incoming'))).toEqual([`${sessionId}.part`]);

    await expect.poll(() => listFiles(path.join(dir, 'media', '.incoming')), { timeout: 2000, interval: 25 }).toEqual([]);
    expect(logs.join('\n')).toContain('tab-closed.mp4');
    await expect(library.chunk({ sessionId, offset: 1000, data: bytes.subarray(1000) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
