/**
 * Our own zip writer and defensive zip reader for course packages, both streaming through files with fixed-size
 * buffers: a package of a few gigabytes of video is never in memory, only one `chunkBytes` buffer of it at a time.
 *
 * Scope: methods stored (0) and deflate (8), zip64 (APPNOTE 4.3.14–4.3.15, 4.5.3) for entries, offsets or an
 * archive past 4 GiB and for more than 65,535 entries; no encryption and no multi-part archives. The writer uses zip64
 * records only where a value does not fit (or everywhere with `force64`, so the zip64 paths are testable with small
 * files); the reader accepts both, but only in their plain form: the zip64 end record directly before its locator,
 * with no extensible data, and a zip64 extra field carrying the values marked 0xFFFFFFFF in APPNOTE order.
 *
 * The writer stores file entries (already-compressed audio and video gain nothing from deflate) and deflates small
 * buffers when that helps. It computes each entry's CRC-32 as the bytes stream through and patches the local header
 * afterwards (the output is a seekable file), so no data descriptors are needed.
 *
 * The reader trusts nothing in the file: the end record must be at the end, the central directory where it says and
 * ending where the end record begins; every local header must agree with its central record; entries may not
 * overlap (the "overlapping files" bomb) nor run into the central directory; names must be plain relative paths (no
 * `..`, no absolute or drive paths, no backslashes); symlinks and duplicate names are refused. Declared sizes are
 * capped per entry, in total and by a ratio to the compressed size before anything is inflated, and inflating stops
 * as soon as the output passes the declared size, whatever the headers claim. Every entry's size and CRC-32 are
 * checked as it is read.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { crc32, createInflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  constructor(
    /**
     * A short reason code: `notZip`, `truncated`, `unsupported`, `unsafePath`, `symlink`, `duplicateEntry`, `tooLarge`,
     * `bomb`, `corrupt`.
     */
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ZipError';
  }
}

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const END64_SIG = 0x06064b50;
const LOCATOR64_SIG = 0x07064b50;
const ZIP64_EXTRA = 0x0001;
const FLAG_UTF8 = 0x0800;
const FLAG_DESCRIPTOR = 0x0008;
const MAX_16 = 0xffff;
/** The most central-directory bytes the reader holds (it reads the directory whole, before any entry). */
const CENTRAL_DIRECTORY_MAX_BYTES = 16 * 1024 * 1024;
const MAX_32 = 0xffffffff;
/** Bytes the writer adds per entry besides its name and data at most: local header + central record, zip64 extras. */
export const ZIP_ENTRY_OVERHEAD = 30 + 20 + 46 + 28;
/** Bytes of the end records at most: zip64 end record, its locator, the end record. */
export const ZIP_END_BYTES = 56 + 20 + 22;

/** The largest buffer of file data a writer or reader held, for checking that streaming stays streaming. */
export interface ZipIoStats {
  largestBuffer: number;
}

/** MS-DOS date and time fields of a Date (local fields as zip tools expect; two-second resolution). */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

export interface StreamOptions {
  signal?: AbortSignal;
  /** Called after each buffer with the number of bytes it carried. */
  onBytes?: (bytes: number) => void;
}

/**
 * Writes a zip into a new file, entry by entry. `abort()` (or any failed add) leaves the caller to remove the file;
 * callers write to a temporary name and rename on success.
 */
export class ZipFileWriter {
  private offset = 0;
  private readonly central: Buffer[] = [];
  private readonly names = new Set<string>();
  private closed = false;
  readonly stats: ZipIoStats = { largestBuffer: 0 };

  private constructor(
    private readonly handle: fs.promises.FileHandle,
    readonly file: string,
    private readonly stamp: { time: number; date: number },
    private readonly chunkBytes: number,
    private readonly force64: boolean,
  ) {}

  /** Creates `file` (which must not exist) for writing. `force64` writes zip64 records even where values fit. */
  static async create(file: string, modified: Date, chunkBytes: number, options: { force64?: boolean } = {}): Promise<ZipFileWriter> {
    const handle = await fs.promises.open(file, 'wx');
    return new ZipFileWriter(handle, file, dosDateTime(modified), chunkBytes, options.force64 ?? false);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.offset;
  }

  /** A small in-memory entry (JSON), deflated when that makes it smaller; written in `chunkBytes` slices. */
  async addBuffer(name: string, data: Buffer): Promise<void> {
    const deflated = deflateRawSync(data, { level: 9 });
    const stored = deflated.length >= data.length;
    const body = stored ? data : deflated;
    const at = await this.writeLocal(name, stored ? 0 : 8, crc32(data), body.length, data.length);
    for (let i = 0; i < body.length; i += this.chunkBytes) await this.write(body.subarray(i, i + this.chunkBytes));
    this.addCentral(name, stored ? 0 : 8, crc32(data), body.length, data.length, at);
  }

  /**
   * A file copied in stored form, `chunkBytes` at a time through one buffer. `size` is what the caller measured (the
   * headers are written first); a file that is longer or shorter by the time it is read is an error, as is one whose
   * bytes `check` refuses (the caller's hash of them) at the end.
   */
  async addFile(name: string, source: string, size: number, options: StreamOptions & { check?: { update(b: Buffer): void; verify(): void } } = {}): Promise<void> {
    const at = await this.writeLocal(name, 0, 0, size, size);
    const input = await fs.promises.open(source, 'r');
    let crc = 0;
    let done = 0;
    try {
      const buffer = Buffer.allocUnsafe(Math.min(this.chunkBytes, Math.max(1, size)));
      this.stats.largestBuffer = Math.max(this.stats.largestBuffer, buffer.length);
      for (;;) {
        options.signal?.throwIfAborted();
        const { bytesRead } = await input.read(buffer, 0, buffer.length, done);
        if (bytesRead === 0) break;
        if (done + bytesRead > size) throw new ZipError('corrupt', `${source} grew while it was being packaged`);
        const slice = buffer.subarray(0, bytesRead);
        crc = crc32(slice, crc);
        options.check?.update(slice);
        await this.write(slice);
        done += bytesRead;
        options.onBytes?.(bytesRead);
      }
    } finally {
      await input.close();
    }
    if (done !== size) throw new ZipError('corrupt', `${source} shrank while it was being packaged`);
    options.check?.verify();
    // The CRC is known only now: patch it into the local header (offset 14), then the central record carries it.
    const crcBytes = Buffer.alloc(4);
    crcBytes.writeUInt32LE(crc >>> 0, 0);
    await this.handle.write(crcBytes, 0, 4, at + 14);
    this.addCentral(name, 0, crc, size, size, at);
  }

  /** Writes the central directory and end records, flushes and closes the file. Returns the archive's size. */
  async finish(): Promise<number> {
    const centralBytes = Buffer.concat(this.central);
    const cdOffset = this.offset;
    const count = this.names.size;
    await this.write(centralBytes);
    const zip64 = this.force64 || count >= MAX_16 || cdOffset >= MAX_32 || centralBytes.length >= MAX_32;
    if (zip64) {
      const end64At = this.offset;
      const end64 = Buffer.alloc(56);
      end64.writeUInt32LE(END64_SIG, 0);
      end64.writeBigUInt64LE(44n, 4); // the record's size after this field
      end64.writeUInt16LE((3 << 8) | 45, 12);
      end64.writeUInt16LE(45, 14);
      end64.writeBigUInt64LE(BigInt(count), 24);
      end64.writeBigUInt64LE(BigInt(count), 32);
      end64.writeBigUInt64LE(BigInt(centralBytes.length), 40);
      end64.writeBigUInt64LE(BigInt(cdOffset), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(LOCATOR64_SIG, 0);
      locator.writeBigUInt64LE(BigInt(end64At), 8);
      locator.writeUInt32LE(1, 16);
      await this.write(Buffer.concat([end64, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_SIG, 0);
    end.writeUInt16LE(zip64 ? MAX_16 : count, 8);
    end.writeUInt16LE(zip64 ? MAX_16 : count, 10);
    end.writeUInt32LE(zip64 ? MAX_32 : centralBytes.length, 12);
    end.writeUInt32LE(zip64 ? MAX_32 : cdOffset, 16);
    await this.write(end);
    await this.handle.datasync();
    await this.close();
    return this.offset;
  }

  /** Closes the file without finishing it (the caller removes it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  private async write(bytes: Buffer): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written, this.offset + written);
      written += bytesWritten;
    }
    this.offset += bytes.length;
  }

  /** Whether an entry's sizes need zip64 (its offset is decided separately, in the central record). */
  private sizes64(compressedSize: number, size: number): boolean {
    return this.force64 || size >= MAX_32 || compressedSize >= MAX_32;
  }

  private async writeLocal(name: string, method: number, crc: number, compressedSize: number, size: number): Promise<number> {
    checkEntryName(name);
    if (this.names.has(name)) throw new ZipError('duplicateEntry', `${name} added twice`);
    this.names.add(name);
    const nameBytes = Buffer.from(name, 'utf8');
    const zip64 = this.sizes64(compressedSize, size);
    const extra = zip64 ? zip64Extra([size, compressedSize]) : Buffer.alloc(0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_SIG, 0);
    local.writeUInt16LE(zip64 ? 45 : 20, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(this.stamp.time, 10);
    local.writeUInt16LE(this.stamp.date, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(zip64 ? MAX_32 : compressedSize, 18);
    local.writeUInt32LE(zip64 ? MAX_32 : size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(extra.length, 28);
    const at = this.offset;
    await this.write(Buffer.concat([local, nameBytes, extra]));
    return at;
  }

  private addCentral(name: string, method: number, crc: number, compressedSize: number, size: number, at: number): void {
    const nameBytes = Buffer.from(name, 'utf8');
    // Every value that does not fit (or all three under force64) is 0xFFFFFFFF here and 8 bytes in the extra field.
    const zip64 = this.sizes64(compressedSize, size) || at >= MAX_32;
    const extra = zip64 ? zip64Extra([size, compressedSize, at]) : Buffer.alloc(0);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_SIG, 0);
    central.writeUInt16LE((3 << 8) | (zip64 ? 45 : 20), 4); // made by: Unix, so the external attributes below are a file mode
    central.writeUInt16LE(zip64 ? 45 : 20, 6);
    central.writeUInt16LE(FLAG_UTF8, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(this.stamp.time, 12);
    central.writeUInt16LE(this.stamp.date, 14);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(zip64 ? MAX_32 : compressedSize, 20);
    central.writeUInt32LE(zip64 ? MAX_32 : size, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(zip64 ? MAX_32 : at, 42);
    this.central.push(central, nameBytes, extra);
  }
}

/** The zip64 extended information extra field (header 0x0001) with 8-byte values in the order given. */
function zip64Extra(values: number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(ZIP64_EXTRA, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((value, i) => extra.writeBigUInt64LE(BigInt(value), 4 + 8 * i));
  return extra;
}

/**
 * The 8-byte values of a zip64 extra field for the fields marked 0xFFFFFFFF, in APPNOTE order (`wanted` says which
 * are marked); throws `corrupt` when a marked value is missing.
 */
function readZip64Extra(extra: Buffer, wanted: boolean[], what: string): (number | null)[] {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (at + 4 + length > extra.length) break;
    if (id === ZIP64_EXTRA) {
      let next = at + 4;
      return wanted.map((want) => {
        if (!want) return null;
        if (next + 8 > at + 4 + length) throw new ZipError('corrupt', `${what}: the zip64 field lacks a value`);
        const value = toSafeNumber(extra.readBigUInt64LE(next), what);
        next += 8;
        return value;
      });
    }
    at += 4 + length;
  }
  throw new ZipError('corrupt', `${what}: marked zip64 but has no zip64 field`);
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError('unsupported', `${what}: a size or offset beyond 2^53`);
  return Number(value);
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

/** One file entry as the central directory declares it (checked against its local header). */
export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Where the entry's data begins in the archive. */
  dataStart: number;
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

/**
 * A zip file opened for reading: `open` reads and checks the end record, the whole central directory and every local
 * header (a few bytes each) before any entry's data is read, so structural problems are found before anything else.
 */
export class ZipFileReader {
  readonly stats: ZipIoStats = { largestBuffer: 0 };

  private constructor(
    private readonly handle: fs.promises.FileHandle,
    /** File entries in central-directory order (directory entries are skipped). */
    readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  static async open(file: string, limits: ZipLimits): Promise<ZipFileReader> {
    const handle = await fs.promises.open(file, 'r');
    try {
      const size = (await handle.stat()).size;
      const entries = await readDirectory(handle, size, limits);
      return new ZipFileReader(handle, entries);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => {});
  }

  /** A whole entry in memory (JSON documents; their size limits cap this). */
  async readAll(entry: ZipEntry): Promise<Buffer> {
    const raw = Buffer.alloc(entry.compressedSize);
    await readExactly(this.handle, raw, entry.dataStart, entry.name);
    let bytes: Buffer;
    if (entry.method === 0) bytes = raw;
    else {
      try {
        bytes = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new ZipError('bomb', `${entry.name} inflates past its declared size`);
        throw new ZipError('corrupt', `${entry.name} does not inflate: ${(error as Error).message}`);
      }
    }
    if (bytes.length !== entry.size) throw new ZipError('corrupt', `${entry.name} is ${bytes.length} bytes, not the declared ${entry.size}`);
    if (crc32(bytes) >>> 0 !== entry.crc) throw new ZipError('corrupt', `${entry.name} fails its CRC-32 check`);
    return bytes;
  }

  /**
   * An entry's bytes, at most `chunkBytes` at a time. A yielded buffer is reused for the next one: use it before
   * asking for more. Throws ZipError when the data inflates past its declared size (`bomb`), ends short, or fails its
   * CRC-32 (`corrupt`) — the last check comes after the last chunk, so a consumer commits nothing until the end.
   */
  async *stream(entry: ZipEntry, chunkBytes: number, options: StreamOptions = {}): AsyncGenerator<Buffer> {
    let crc = 0;
    let produced = 0;
    const raw = this.rawChunks(entry, chunkBytes, options.signal);
    if (entry.method === 0) {
      for await (const chunk of raw) {
        crc = crc32(chunk, crc);
        produced += chunk.length;
        options.onBytes?.(chunk.length);
        yield chunk;
      }
    } else {
      // The raw chunks are copied into the inflater (it may hold them past our next read); its output comes in its own
      // chunks of at most `chunkSize`.
      const copies = (async function* () {
        for await (const chunk of raw) yield Buffer.from(chunk);
      })();
      const inflater = createInflateRaw({ chunkSize: Math.min(64 * 1024, chunkBytes) });
      const source = Readable.from(copies, { objectMode: true, highWaterMark: 1 });
      source.on('error', (error) => inflater.destroy(error));
      source.pipe(inflater);
      try {
        for await (const chunk of inflater as AsyncIterable<Buffer>) {
          produced += chunk.length;
          if (produced > entry.size) throw new ZipError('bomb', `${entry.name} inflates past its declared ${entry.size} bytes`);
          crc = crc32(chunk, crc);
          options.onBytes?.(chunk.length);
          yield chunk;
        }
      } catch (error) {
        if (error instanceof ZipError || (error as Error).name === 'AbortError') throw error;
        throw new ZipError('corrupt', `${entry.name} does not inflate: ${(error as Error).message}`);
      } finally {
        source.destroy();
        inflater.destroy();
      }
    }
    if (produced !== entry.size) throw new ZipError('corrupt', `${entry.name} is ${produced} bytes, not the declared ${entry.size}`);
    if (crc >>> 0 !== entry.crc) throw new ZipError('corrupt', `${entry.name} fails its CRC-32 check`);
  }

  private async *rawChunks(entry: ZipEntry, chunkBytes: number, signal?: AbortSignal): AsyncGenerator<Buffer> {
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(chunkBytes, entry.compressedSize)));
    this.stats.largestBuffer = Math.max(this.stats.largestBuffer, buffer.length);
    for (let at = 0; at < entry.compressedSize; ) {
      signal?.throwIfAborted();
      const n = Math.min(buffer.length, entry.compressedSize - at);
      await readExactly(this.handle, buffer.subarray(0, n), entry.dataStart + at, entry.name);
      at += n;
      yield buffer.subarray(0, n);
    }
  }
}

async function readExactly(handle: fs.promises.FileHandle, into: Buffer, position: number, what: string): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new ZipError('truncated', `The file ends inside ${what}: it was cut off`);
    done += bytesRead;
  }
}

/** The end record, central directory and local headers, checked (see the file comment). */
async function readDirectory(handle: fs.promises.FileHandle, fileSize: number, limits: ZipLimits): Promise<Map<string, ZipEntry>> {
  const END = 22;
  if (fileSize < END) throw new ZipError('notZip', 'The file is too short to be a zip');
  const tailLength = Math.min(fileSize, END + 0xffff);
  const tail = Buffer.alloc(tailLength);
  await readExactly(handle, tail, fileSize - tailLength, 'the end record');
  let endAt = -1;
  for (let i = tailLength - END; i >= 0; i--) {
    if (tail.readUInt32LE(i) === END_SIG && i + END + tail.readUInt16LE(i + 20) === tailLength) {
      endAt = i;
      break;
    }
  }
  if (endAt < 0) {
    // A zip that starts like one but has no end record was cut off (an interrupted copy or download).
    const head = Buffer.alloc(4);
    await readExactly(handle, head, 0, 'the first header');
    if (head.readUInt32LE(0) === LOCAL_SIG) throw new ZipError('truncated', 'The zip has no end record: the file was cut off');
    throw new ZipError('notZip', 'No zip end record found');
  }
  const endOffset = fileSize - tailLength + endAt;
  const disk = tail.readUInt16LE(endAt + 4);
  const cdDisk = tail.readUInt16LE(endAt + 6);
  let onDisk = tail.readUInt16LE(endAt + 8);
  let count = tail.readUInt16LE(endAt + 10);
  let cdSize = tail.readUInt32LE(endAt + 12);
  let cdOffset = tail.readUInt32LE(endAt + 16);
  if (disk !== 0 || cdDisk !== 0) throw new ZipError('unsupported', 'Multi-part archives are not supported');
  // Where the central directory must end: at the end record, or at the zip64 end record when there is one.
  let cdEnd = endOffset;
  if (count === MAX_16 || onDisk === MAX_16 || cdSize === MAX_32 || cdOffset === MAX_32) {
    // zip64: the locator sits right before the end record, and the zip64 end record (no extensible data) before it.
    const end64At = endOffset - 20 - 56;
    if (end64At < 0) throw new ZipError('corrupt', 'The end record is marked zip64 but has no zip64 locator');
    const records = Buffer.alloc(56 + 20);
    await readExactly(handle, records, end64At, 'the zip64 end records');
    const locator = records.subarray(56);
    if (locator.readUInt32LE(0) !== LOCATOR64_SIG) throw new ZipError('corrupt', 'The end record is marked zip64 but has no zip64 locator');
    if (locator.readUInt32LE(4) !== 0 || locator.readUInt32LE(16) !== 1) throw new ZipError('unsupported', 'Multi-part archives are not supported');
    if (toSafeNumber(locator.readBigUInt64LE(8), 'the zip64 locator') !== end64At || records.readUInt32LE(0) !== END64_SIG || records.readBigUInt64LE(4) !== 44n) {
      throw new ZipError('corrupt', 'The zip64 end record is not where its locator says');
    }
    if (records.readUInt32LE(16) !== 0 || records.readUInt32LE(20) !== 0) throw new ZipError('unsupported', 'Multi-part archives are not supported');
    onDisk = toSafeNumber(records.readBigUInt64LE(24), 'the zip64 end record');
    count = toSafeNumber(records.readBigUInt64LE(32), 'the zip64 end record');
    cdSize = toSafeNumber(records.readBigUInt64LE(40), 'the zip64 end record');
    cdOffset = toSafeNumber(records.readBigUInt64LE(48), 'the zip64 end record');
    cdEnd = end64At;
  }
  if (onDisk !== count) throw new ZipError('unsupported', 'Multi-part archives are not supported');
  if (count > limits.maxEntries) throw new ZipError('tooLarge', `The package has ${count} entries; at most ${limits.maxEntries} are allowed`);
  if (cdOffset + cdSize !== cdEnd) {
    throw new ZipError(cdOffset + cdSize > cdEnd ? 'truncated' : 'corrupt', 'The central directory is not where the end record says');
  }
  // Read whole, so capped: records of 46 bytes with names, extras and comments of reasonable length (ours: ~150 bytes).
  if (cdSize > Math.min(limits.maxEntries * (46 + 3 * 0xffff), CENTRAL_DIRECTORY_MAX_BYTES)) {
    throw new ZipError('tooLarge', `The central directory has ${cdSize} bytes; at most ${CENTRAL_DIRECTORY_MAX_BYTES} are read`);
  }
  const cd = Buffer.alloc(cdSize);
  await readExactly(handle, cd, cdOffset, 'the central directory');

  const entries = new Map<string, ZipEntry>();
  const names = new Set<string>();
  const spans: { start: number; end: number; name: string }[] = [];
  let total = 0;
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cdSize || cd.readUInt32LE(at) !== CENTRAL_SIG) throw new ZipError('corrupt', 'The central directory is damaged');
    const madeBy = cd.readUInt16LE(at + 4) >> 8;
    const flags = cd.readUInt16LE(at + 8);
    const method = cd.readUInt16LE(at + 10);
    const crc = cd.readUInt32LE(at + 16);
    let compressedSize = cd.readUInt32LE(at + 20);
    let size = cd.readUInt32LE(at + 24);
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const external = cd.readUInt32LE(at + 38);
    let localOffset = cd.readUInt32LE(at + 42);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > cdSize) throw new ZipError('corrupt', 'The central directory is damaged');
    const name = cd.toString('utf8', at + 46, at + 46 + nameLength);
    if (size === MAX_32 || compressedSize === MAX_32 || localOffset === MAX_32) {
      const extra = cd.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
      const [s64, c64, o64] = readZip64Extra(extra, [size === MAX_32, compressedSize === MAX_32, localOffset === MAX_32], name);
      size = s64 ?? size;
      compressedSize = c64 ?? compressedSize;
      localOffset = o64 ?? localOffset;
    }
    at = next;
    if (flags & 0x0001) throw new ZipError('unsupported', `${name} is encrypted`);
    if (method !== 0 && method !== 8) throw new ZipError('unsupported', `${name} uses compression method ${method}`);
    checkEntryName(name);
    // Unix (3) and macOS (19) makers keep the file mode in the high 16 bits; S_IFLNK is 0o120000.
    if ((madeBy === 3 || madeBy === 19) && ((external >>> 16) & 0o170000) === 0o120000) {
      throw new ZipError('symlink', `${name} is a symbolic link`);
    }
    if (names.has(name)) throw new ZipError('duplicateEntry', `${name} appears twice`);
    names.add(name);
    const isDirectory = name.endsWith('/');
    if (!isDirectory) {
      const limit = limits.maxEntryBytes(name);
      if (size > limit) throw new ZipError('tooLarge', `${name} is ${size} bytes; at most ${limit} are allowed`);
      total += size;
      if (total > limits.maxTotalBytes) throw new ZipError('tooLarge', `The package holds more than ${limits.maxTotalBytes} bytes`);
      if (method === 0 && compressedSize !== size) throw new ZipError('corrupt', `${name}: stored sizes disagree`);
      // Deflate adds at most 5 bytes per 16 KiB stored block (plus a few): more compressed bytes than that are not its
      // data, and would make readAll hold far more than the entry's capped size.
      if (method === 8 && compressedSize > size + Math.ceil(size / 16384) * 5 + 64) {
        throw new ZipError('corrupt', `${name}: ${compressedSize} compressed bytes for ${size} bytes of data`);
      }
      if (size > limits.ratioFloorBytes && size / Math.max(1, compressedSize) > limits.maxRatio) {
        throw new ZipError('bomb', `${name} would expand ${Math.round(size / Math.max(1, compressedSize))} times`);
      }
    }
    // The local header: same name and method, and (without a data descriptor) the same sizes and CRC.
    const head = Buffer.alloc(30);
    if (localOffset + 30 > cdOffset) throw new ZipError('corrupt', `${name}: no local header before the central directory`);
    await readExactly(handle, head, localOffset, `${name}'s local header`);
    if (head.readUInt32LE(0) !== LOCAL_SIG) throw new ZipError('corrupt', `${name}: no local header`);
    const localNameLength = head.readUInt16LE(26);
    const localExtraLength = head.readUInt16LE(28);
    if (localOffset + 30 + localNameLength + localExtraLength > cdOffset) throw new ZipError('corrupt', `${name}: local header runs into the central directory`);
    const rest = Buffer.alloc(localNameLength + localExtraLength);
    await readExactly(handle, rest, localOffset + 30, `${name}'s local header`);
    const localName = rest.toString('utf8', 0, localNameLength);
    if (localName !== name) throw new ZipError('corrupt', `${name}: local header names ${JSON.stringify(localName)}`);
    if (head.readUInt16LE(8) !== method) throw new ZipError('corrupt', `${name}: local header disagrees on the method`);
    if (!(head.readUInt16LE(6) & FLAG_DESCRIPTOR)) {
      let localCompressed = head.readUInt32LE(18);
      let localSize = head.readUInt32LE(22);
      if (localSize === MAX_32 || localCompressed === MAX_32) {
        // A local zip64 field carries both sizes (APPNOTE 4.5.3).
        const [s64, c64] = readZip64Extra(rest.subarray(localNameLength), [true, true], name);
        localSize = s64!;
        localCompressed = c64!;
      }
      if (localCompressed !== compressedSize || localSize !== size || head.readUInt32LE(14) !== crc) {
        throw new ZipError('corrupt', `${name}: local header disagrees with the central directory`);
      }
    }
    const dataStart = localOffset + 30 + localNameLength + localExtraLength;
    const dataEnd = dataStart + compressedSize;
    if (dataEnd > cdOffset) throw new ZipError('corrupt', `${name}: data runs past the central directory`);
    spans.push({ start: localOffset, end: dataEnd, name });
    if (!isDirectory) entries.set(name, { name, method, crc, compressedSize, size, dataStart });
  }
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.start < spans[i - 1]!.end) throw new ZipError('corrupt', `${spans[i]!.name} overlaps ${spans[i - 1]!.name}`);
  }
  return entries;
}
