/**
 * Builds zip files byte by byte for hostile-package tests, with every field under the test's control (names the
 * writer would never produce, lying sizes, symlink modes, entries that share data). Independent of
 * electron/studio/services/zip.ts, so a bug there cannot hide itself here.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface CraftEntry {
  name: string;
  data: Buffer;
  /** Default 8 (deflate). */
  method?: 0 | 8;
  /** Overrides the uncompressed size written in both headers. */
  declaredSize?: number;
  /** Unix mode for the external attributes (default 0o100644). */
  mode?: number;
  /** Points this entry's central record at an earlier entry's local header (overlapping entries). */
  shareLocalOf?: number;
}

export function craftZip(entries: CraftEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const method = e.method ?? 8;
    const body = method === 8 ? deflateRawSync(e.data) : e.data;
    const size = e.declaredSize ?? e.data.length;
    const crc = crc32(e.data);
    let localOffset = offset;
    if (e.shareLocalOf === undefined) {
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(0x0800, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(body.length, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(name.length, 26);
      locals.push(local, name, body);
      offset += 30 + name.length + body.length;
    } else {
      localOffset = offsets[e.shareLocalOf]!;
    }
    offsets.push(localOffset);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(localOffset, 42);
    centrals.push(central, name);
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
