/**
 * The package zip code streams: a file larger than the buffer cap goes through the writer and the reader without
 * either holding more than one `chunkBytes` buffer of it (the cap is enforced by design, checked through the IO
 * stats and the size of every chunk handed out), byte for byte; deflated entries stream in bounded chunks too; zip64
 * records (forced on small files) are written and read back, and damaged zip64 records are refused.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZipFileReader, ZipFileWriter } from '../../../electron/studio/services/zip';
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

    // Far more compressed bytes than deflate can produce for the declared size: refused from the directory alone.
    const padded = path.join(dir, 'padded.zip');
    fs.writeFileSync(padded, craftZip([{ name: 'course.json', data: pseudoRandom(2 * MB, 5), declaredSize: 1000 }]));
    await expect(ZipFileReader.open(padded, limits)).rejects.toMatchObject({ reason: 'corrupt' });
  });

  it('writes zip64 records (forced on small files) that it reads back, and refuses damaged ones', async () => {
    const dir = tempDir();
    const source = path.join(dir, 'audio.bin');
    const data = pseudoRandom(3 * MB + 7, 11);
    fs.writeFileSync(source, data);
    const zip = path.join(dir, 'z64.zip');
    const writer = await ZipFileWriter.create(zip, new Date(), CAP, { force64: true });
    await writer.addBuffer('manifest.json', Buffer.from(JSON.stringify({ hello: '世界'.repeat(100) })));
    await writer.addFile('media/audio.bin', source, data.length);
    await writer.finish();
    const bytes = fs.readFileSync(zip);
    // The end record is all markers; the zip64 end record and its locator sit right before it.
    const endAt = bytes.length - 22;
    expect([bytes.readUInt16LE(endAt + 10), bytes.readUInt32LE(endAt + 12), bytes.readUInt32LE(endAt + 16)]).toEqual([0xffff, 0xffffffff, 0xffffffff]);
    expect(bytes.readUInt32LE(endAt - 20)).toBe(0x07064b50);
    expect(bytes.readUInt32LE(endAt - 76)).toBe(0x06064b50);

    const reader = await ZipFileReader.open(zip, limits);
    const entry = reader.entries.get('media/audio.bin')!;
    expect({ size: entry.size, compressedSize: entry.compressedSize, method: entry.method }).toEqual({ size: data.length, compressedSize: data.length, method: 0 });
    const chunks: Buffer[] = [];
    for await (const chunk of reader.stream(entry, CAP)) chunks.push(Buffer.from(chunk));
    expect(sha(Buffer.concat(chunks))).toBe(sha(data));
    expect(JSON.parse((await reader.readAll(reader.entries.get('manifest.json')!)).toString('utf8'))).toEqual({ hello: '世界'.repeat(100) });
    await reader.close();

    const refused = async (damaged: Buffer) => {
      const file = path.join(dir, `damaged-${Math.random().toString(36).slice(2)}.zip`);
      fs.writeFileSync(file, damaged);
      return ZipFileReader.open(file, limits).then(
        async (r) => {
          await r.close();
          return 'opened';
        },
        (error: unknown) => (error as { reason?: string }).reason,
      );
    };
    // The locator points somewhere else.
    const moved = Buffer.from(bytes);
    moved.writeBigUInt64LE(BigInt(moved.readBigUInt64LE(endAt - 12) - 1n), endAt - 12);
    expect(await refused(moved)).toBe('corrupt');
    // No locator at all in front of a marked end record.
    const noLocator = Buffer.from(bytes);
    noLocator.writeUInt32LE(0, endAt - 20);
    expect(await refused(noLocator)).toBe('corrupt');
    // A central record marked zip64 whose extra field is gone (renamed to another header id).
    const cdOffset = Number(bytes.readBigUInt64LE(endAt - 76 + 48));
    const noExtra = Buffer.from(bytes);
    const nameLength = noExtra.readUInt16LE(cdOffset + 28);
    noExtra.writeUInt16LE(0x9999, cdOffset + 46 + nameLength);
    expect(await refused(noExtra)).toBe('corrupt');
    // A size beyond 2^53 in the zip64 extra field.
    const huge = Buffer.from(bytes);
    huge.writeBigUInt64LE(1n << 60n, cdOffset + 46 + nameLength + 4);
    expect(await refused(huge)).toBe('unsupported');
    // The untouched file still opens (so each refusal above is about its damage).
    expect(await refused(bytes)).toBe('opened');
  });
});
