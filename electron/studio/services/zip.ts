/**
 * A small zip writer and a defensive zip reader on node:zlib, for course packages. No zip64 (sizes are capped far
 * below 4 GB), no encryption, methods stored (0) and deflate (8) only.
 *
 * The reader trusts nothing in the file: the central directory must be where the end record says and end where it
 * begins, every local header must agree with it, entries may not overlap (the "overlapping files" zip bomb), names
 * must be plain relative paths (no `..`, no absolute or drive paths, no backslashes), symlink entries are refused,
 * and inflating stops as soon as an entry's output passes its declared size — which is itself capped per entry and in
 * total, and by a ratio to its compressed size — so a bomb is refused after at most one capped buffer, whatever its
 * headers claim. Each entry's CRC-32 and size are checked.
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  constructor(
    /** A short reason code: `notZip`, `unsupported`, `unsafePath`, `symlink`, `duplicateEntry`, `tooLarge`, `bomb`, `corrupt`. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ZipError';
  }
}

export interface ZipInput {
  name: string;
  data: Buffer;
}

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const FLAG_UTF8 = 0x0800;
const MAX_32 = 0xffffffff;

/** MS-DOS date and time fields of a Date (local fields as zip tools expect; two-second resolution). */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/** A zip of `entries` in order, each deflated unless that does not make it smaller. */
export function writeZip(entries: readonly ZipInput[], modified: Date): Buffer {
  const { time, date } = dosDateTime(modified);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const deflated = deflateRawSync(entry.data, { level: 9 });
    const stored = deflated.length >= entry.data.length;
    const body = stored ? entry.data : deflated;
    const crc = crc32(entry.data);
    if (offset + 30 + name.length + body.length > MAX_32 || entry.data.length > MAX_32) {
      throw new ZipError('tooLarge', 'The package would need zip64, which is not supported');
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_SIG, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_SIG, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, so the external attributes below are a file mode
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(FLAG_UTF8, 8);
    central.writeUInt16LE(stored ? 0 : 8, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const centralBytes = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_SIG, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralBytes, end]);
}

export interface ZipLimits {
  maxEntries: number;
  /** The largest uncompressed size allowed for an entry of this name. */
  maxEntryBytes: (name: string) => number;
  /** All entries together, uncompressed. */
  maxTotalBytes: number;
  /** Uncompressed / compressed, for entries above `ratioFloorBytes`. */
  maxRatio: number;
  ratioFloorBytes: number;
}

interface CentralEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Throws ZipError('unsafePath') unless `name` is a plain relative path of non-empty, non-dot segments. */
export function checkEntryName(name: string): void {
  const unsafe =
    name.length === 0 ||
    name.includes('\\') ||
    name.includes('\0') ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name
      .replace(/\/$/, '')
      .split('/')
      .some((segment) => segment === '' || segment === '.' || segment === '..');
  if (unsafe) throw new ZipError('unsafePath', `Entry name ${JSON.stringify(name)} is not a safe relative path`);
}

/** Reads every file entry of a zip into memory, checked against `limits`. Directory entries are skipped. */
export function readZip(zip: Buffer, limits: ZipLimits): Map<string, Buffer> {
  const { entries, cdOffset } = readCentralDirectory(zip, limits);
  const out = new Map<string, Buffer>();
  let total = 0;
  const spans: { start: number; end: number; name: string }[] = [];
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    const data = localData(zip, entry, cdOffset);
    spans.push({ start: entry.localOffset, end: data.end, name: entry.name });
    const limit = limits.maxEntryBytes(entry.name);
    if (entry.size > limit) throw new ZipError('tooLarge', `${entry.name} is ${entry.size} bytes; at most ${limit} are allowed`);
    if (total + entry.size > limits.maxTotalBytes) throw new ZipError('tooLarge', `The package holds more than ${limits.maxTotalBytes} bytes`);
    if (entry.size > limits.ratioFloorBytes && entry.size / Math.max(1, entry.compressedSize) > limits.maxRatio) {
      throw new ZipError('bomb', `${entry.name} would expand ${Math.round(entry.size / Math.max(1, entry.compressedSize))} times`);
    }
    const raw = zip.subarray(data.start, data.end);
    let bytes: Buffer;
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.size) throw new ZipError('corrupt', `${entry.name}: stored sizes disagree`);
      bytes = Buffer.from(raw);
    } else {
      try {
        // Stops as soon as the output passes the declared size, which the checks above capped.
        bytes = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'ERR_BUFFER_TOO_LARGE') throw new ZipError('bomb', `${entry.name} inflates past its declared size`);
        throw new ZipError('corrupt', `${entry.name} does not inflate: ${(error as Error).message}`);
      }
    }
    if (bytes.length !== entry.size) throw new ZipError('corrupt', `${entry.name} is ${bytes.length} bytes, not the declared ${entry.size}`);
    if (crc32(bytes) !== entry.crc) throw new ZipError('corrupt', `${entry.name} fails its CRC-32 check`);
    total += bytes.length;
    out.set(entry.name, bytes);
  }
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.start < spans[i - 1]!.end) throw new ZipError('corrupt', `${spans[i]!.name} overlaps ${spans[i - 1]!.name}`);
  }
  return out;
}

function readCentralDirectory(zip: Buffer, limits: ZipLimits): { entries: CentralEntry[]; cdOffset: number } {
  if (zip.length < 22) throw new ZipError('notZip', 'The file is too short to be a zip');
  let endAt = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_SIG && i + 22 + zip.readUInt16LE(i + 20) === zip.length) {
      endAt = i;
      break;
    }
  }
  if (endAt < 0) throw new ZipError('notZip', 'No zip end record found');
  const disk = zip.readUInt16LE(endAt + 4);
  const cdDisk = zip.readUInt16LE(endAt + 6);
  const onDisk = zip.readUInt16LE(endAt + 8);
  const count = zip.readUInt16LE(endAt + 10);
  const cdSize = zip.readUInt32LE(endAt + 12);
  const cdOffset = zip.readUInt32LE(endAt + 16);
  if (count === 0xffff || cdSize === MAX_32 || cdOffset === MAX_32) throw new ZipError('unsupported', 'zip64 archives are not supported');
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) throw new ZipError('unsupported', 'Multi-part archives are not supported');
  if (count > limits.maxEntries) throw new ZipError('tooLarge', `The package has ${count} entries; at most ${limits.maxEntries} are allowed`);
  if (cdOffset + cdSize !== endAt) throw new ZipError('corrupt', 'The central directory is not where the end record says');

  const entries: CentralEntry[] = [];
  const names = new Set<string>();
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > endAt || zip.readUInt32LE(at) !== CENTRAL_SIG) throw new ZipError('corrupt', 'The central directory is damaged');
    const madeBy = zip.readUInt16LE(at + 4) >> 8;
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const external = zip.readUInt32LE(at + 38);
    const localOffset = zip.readUInt32LE(at + 42);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > endAt) throw new ZipError('corrupt', 'The central directory is damaged');
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (flags & 0x0001) throw new ZipError('unsupported', `${name} is encrypted`);
    if (method !== 0 && method !== 8) throw new ZipError('unsupported', `${name} uses compression method ${method}`);
    if (compressedSize === MAX_32 || size === MAX_32 || localOffset === MAX_32) throw new ZipError('unsupported', 'zip64 entries are not supported');
    checkEntryName(name);
    // Unix (3) and macOS (19) makers keep the file mode in the high 16 bits; S_IFLNK is 0o120000.
    if ((madeBy === 3 || madeBy === 19) && ((external >>> 16) & 0o170000) === 0o120000) {
      throw new ZipError('symlink', `${name} is a symbolic link`);
    }
    if (names.has(name)) throw new ZipError('duplicateEntry', `${name} appears twice`);
    names.add(name);
    entries.push({ name, method, crc, compressedSize, size, localOffset });
    at = next;
  }
  return { entries, cdOffset };
}

function localData(zip: Buffer, entry: CentralEntry, cdOffset: number): { start: number; end: number } {
  const at = entry.localOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL_SIG) throw new ZipError('corrupt', `${entry.name}: no local header`);
  const nameLength = zip.readUInt16LE(at + 26);
  const extraLength = zip.readUInt16LE(at + 28);
  const localName = zip.toString('utf8', at + 30, at + 30 + nameLength);
  if (localName !== entry.name) throw new ZipError('corrupt', `${entry.name}: local header names ${JSON.stringify(localName)}`);
  if (zip.readUInt16LE(at + 8) !== entry.method) throw new ZipError('corrupt', `${entry.name}: local header disagrees on the method`);
  const start = at + 30 + nameLength + extraLength;
  const end = start + entry.compressedSize;
  // Data must end before the central directory starts (checked against the end record, so cdOffset ≤ zip.length).
  if (end > cdOffset) throw new ZipError('corrupt', `${entry.name}: data runs past the central directory`);
  return { start, end };
}
