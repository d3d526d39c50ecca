/**
 * The package zip code streams: a file larger than the buffer cap goes through the writer and the reader without
 * either holding more than one `chunkBytes` buffer of it (the cap is enforced by design, checked through the IO
 * stats and the size of every chunk handed out), byte for byte; deflated entries stream in bounded chunks too, and
 * an archive that would pass 4 GiB is refused before its entry is written.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZIP_MAX_BYTES, ZipError, ZipFileReader, ZipFileWriter } from '../../../electron/studio/services/zip';
import { tempDir } from '../../helpers/temp-dir';
import { craftZip } from '../../helpers/zip-craft';

const MB = 1024 * 1024;
const CAP = 64 * 1024;
const limits = { maxEntries: 10, maxEntryBytes: () => 1e9, maxTotalBytes: 4e9, maxRatio: 1e9, ratioFloorBytes: 0 };

function pseudoRandom(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i + 4 <= size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, i);
  }
  return out;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('zip streaming', () => {
  it('writes and reads a 24 MB stored entry through a 64 KB buffer, byte for byte', async () => {
    const dir = tempDir();
    const source = path.join(dir, 'video.bin');
    const data = pseudoRandom(24 * MB + 123, 7);
    fs.writeFileSync(source, data);
    const zip = path.join(dir, 'out.zip');
    const writer = await ZipFileWriter.create(zip, new Date(), CAP);
    await writer.addBuffer('manifest.json', Buffer.from('{"a":1}'));
    let reported = 0;
    await writer.addFile('media/video.bin', source, data.length, { onBytes: (n) => (reported += n) });
    const size = await writer.finish();
    expect(reported).toBe(data.length);
    expect(size).toBe(fs.statSync(zip).size);
    expect(size).toBeGreaterThan(data.length);
    expect(writer.stats.largestBuffer).toBe(CAP);

    const reader = await ZipFileReader.open(zip, limits);
    expect([...reader.entries.keys()]).toEqual(['manifest.json', 'media/video.bin']);
    const entry = reader.entries.get('media/video.bin')!;
    expect(entry.method).toBe(0);
    const hash = createHash('sha256');
    let largest = 0;
    let total = 0;
    for await (const chunk of reader.stream(entry, CAP)) {
      largest = Math.max(largest, chunk.length);
      total += chunk.length;
      hash.update(chunk);
    }
    await reader.close();
    expect(total).toBe(data.length);
    expect(largest).toBe(CAP);
    expect(reader.stats.largestBuffer).toBe(CAP);
    expect(hash.digest('hex')).toBe(sha(data));
  });

  it('streams a deflated entry in bounded chunks, and stops a lying one at its declared size', async () => {
    const dir = tempDir();
    // Compressible but not trivial: repeated 1 KB blocks of pseudo-random bytes.
    const block = pseudoRandom(1024, 3);
    const data = Buffer.concat(Array.from({ length: 12 * 1024 }, () => block));
    const zip = path.join(dir, 'deflated.zip');
    fs.writeFileSync(zip, craftZip([{ name: 'media/a.bin', data }, { name: 'media/b.bin', data, declaredSize: 5 * MB }]));
    const reader = await ZipFileReader.open(zip, limits);
    const hash = createHash('sha256');
    let largest = 0;
    for await (const chunk of reader.stream(reader.entries.get('media/a.bin')!, CAP)) {
      largest = Math.max(largest, chunk.length);
      hash.update(chunk);
    }
    expect(largest).toBeLessThanOrEqual(CAP);
    expect(hash.digest('hex')).toBe(sha(data));
    let seen = 0;
    const lying = async () => {
      for await (const chunk of reader.stream(reader.entries.get('media/b.bin')!, CAP)) seen += chunk.length;
    };
    await expect(lying()).rejects.toMatchObject({ reason: 'bomb' });
    expect(seen).toBeLessThanOrEqual(5 * MB);
    await reader.close();
  });

  it('refuses an entry that would take the archive past 4 GiB before writing it', async () => {
    const dir = tempDir();
    const source = path.join(dir, 'sparse.bin');
    fs.closeSync(fs.openSync(source, 'w'));
    fs.truncateSync(source, ZIP_MAX_BYTES);
    const writer = await ZipFileWriter.create(path.join(dir, 'big.zip'), new Date(), CAP);
    const error = await writer.addFile('media/sparse.bin', source, ZIP_MAX_BYTES).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZipError);
    expect((error as ZipError).reason).toBe('tooLarge');
    expect(writer.size).toBe(0);
    await writer.close();
  });
});
