import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COURSE_LIMITS } from '../../shared/domain/course';
import { SVG_BYTES, gifBytes, jpegBytes, pngBytes, webpBytes } from '../helpers/images';
import { callError, callOk, openHost } from '../helpers/host';
import { listFiles, sha256, tempDir } from '../helpers/temp-dir';

function importImage(bytes: Buffer, fileName = 'cover.bin') {
  return { fileName, dataBase64: bytes.toString('base64') };
}

describe('media.importImage', () => {
  it.each([
    ['PNG', pngBytes(800, 450), 'image/png', 'png', 800, 450],
    ['JPEG', jpegBytes(1280, 720, { progressive: true }), 'image/jpeg', 'jpg', 1280, 720],
    ['GIF', gifBytes(64, 48), 'image/gif', 'gif', 64, 48],
    ['WebP', webpBytes(900, 383, 'VP8X'), 'image/webp', 'webp', 900, 383],
  ])('stores a %s under media/<2 hex>/<sha256>.<ext>, whatever its name', async (_format, bytes, mime, ext, width, height) => {
    const dir = tempDir();
    const host = openHost(dir);
    const info = await callOk(host, 'media.importImage', importImage(bytes, '封面 (最终版).jpeg'));

    const hash = sha256(bytes);
    expect(info).toEqual({ hash, mime, size: bytes.length, width, height });
    expect(listFiles(path.join(dir, 'media'))).toEqual([`${hash.slice(0, 2)}/${hash}.${ext}`]);
    const stored = path.join(dir, 'media', hash.slice(0, 2), `${hash}.${ext}`);
    expect(fs.readFileSync(stored).equals(bytes)).toBe(true);
    expect(host.mediaFile(hash)).toEqual({ file: stored, mime });
  });

  it('stores the same bytes once, whatever they are called', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const bytes = pngBytes(32, 32, { shade: 7 });
    const first = await callOk(host, 'media.importImage', importImage(bytes, 'a.png'));
    const second = await callOk(host, 'media.importImage', importImage(bytes, 'b.png'));
    expect(second).toEqual(first);
    expect(listFiles(path.join(dir, 'media'))).toHaveLength(1);

    const other = await callOk(host, 'media.importImage', importImage(pngBytes(32, 32, { shade: 8 })));
    expect(other.hash).not.toBe(first.hash);
    expect(listFiles(path.join(dir, 'media'))).toHaveLength(2);
  });

  it('accepts an image of exactly 10 MB', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const bytes = pngBytes(16, 16, { totalBytes: COURSE_LIMITS.coverMaxBytes });
    expect(bytes.length).toBe(10 * 1024 * 1024);
    expect((await callOk(host, 'media.importImage', importImage(bytes))).size).toBe(bytes.length);
  });

  it.each([
    ['text named like an image', Buffer.from('这不是图片，只是名字叫 cover.png'), 'cover.notImage'],
    ['an SVG, which can carry scripts', SVG_BYTES, 'cover.notImage'],
    ['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n'), 'cover.notImage'],
    ['an empty file', Buffer.alloc(0), 'cover.empty'],
    ['an image one byte over 10 MB', pngBytes(16, 16, { totalBytes: COURSE_LIMITS.coverMaxBytes + 1 }), 'cover.tooLarge'],
    ['an image far over 10 MB', pngBytes(16, 16, { totalBytes: 12 * 1024 * 1024 }), 'cover.tooLarge'],
  ])('refuses %s with a cover field problem and writes no file', async (_name, bytes, code) => {
    const dir = tempDir();
    const host = openHost(dir);
    const error = await callError(host, 'media.importImage', importImage(bytes, 'cover.png'));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'cover', code }] });
    expect(listFiles(path.join(dir, 'media'))).toEqual([]);
    expect(host.mediaFile(sha256(bytes))).toBeNull();
  });

  it('refuses data that is not base64', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const error = await callError(host, 'media.importImage', { fileName: 'x.png', dataBase64: '<<not base64>>' });
    expect(error).toMatchObject({ code: 'INVALID_INPUT', fields: [{ path: 'cover', code: 'cover.notImage' }] });
    expect(listFiles(path.join(dir, 'media'))).toEqual([]);
  });
});

describe('mediaFile', () => {
  it('finds nothing for an unknown hash or anything that is not a hash', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const { hash } = await callOk(host, 'media.importImage', importImage(pngBytes(4, 4)));
    expect(host.mediaFile(hash)).not.toBeNull();

    expect(host.mediaFile('0'.repeat(64))).toBeNull();
    expect(host.mediaFile(hash.toUpperCase())).toBeNull();
    expect(host.mediaFile(hash.slice(1))).toBeNull();
    expect(host.mediaFile(`${hash}.png`)).toBeNull();
    expect(host.mediaFile(`../${hash}`)).toBeNull();
    expect(host.mediaFile('../../studio.db')).toBeNull();
    expect(host.mediaFile('')).toBeNull();
  });

  it('finds nothing when the stored file has gone missing', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    const { hash } = await callOk(host, 'media.importImage', importImage(gifBytes(2, 2)));
    fs.rmSync(path.join(dir, 'media'), { recursive: true });
    expect(host.mediaFile(hash)).toBeNull();
  });

  it('keeps images across launches', async () => {
    const dir = tempDir();
    const first = openHost(dir);
    const { hash } = await callOk(first, 'media.importImage', importImage(webpBytes(10, 10, 'VP8L')));
    first.close();
    expect(openHost(dir).mediaFile(hash)).toMatchObject({ mime: 'image/webp' });
  });
});
