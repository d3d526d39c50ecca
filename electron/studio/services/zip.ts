/**
 * Our own zip writer and defensive zip reader for course packages, both streaming through files with fixed-size
 * buffers: a package of a few gigabytes of video is never in memory, only one `chunkBytes` buffer of it at a time.
 *
 * Scope: methods stored (0) and deflate (8); no encryption, no multi-part archives and no zip64 — an archive and its
 * offsets must stay under 4 GiB (ZIP_MAX_BYTES) and 65,535 entries, so a package over that is refused before a byte is
 * written (`tooLarge`) rather than written in a form other tools would misread.
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
const FLAG_UTF8 = 0x0800;
const FLAG_DESCRIPTOR = 0x0008;
const MAX_32 = 0xffffffff;
/** The largest archive (and so the largest entry) this zip code writes or reads: offsets are 32-bit without zip64. */
export const ZIP_MAX_BYTES = MAX_32;
/** The most entries an archive without zip64 can count. */
export const ZIP_MAX_ENTRIES = 0xffff;
/** Bytes the writer adds per entry besides its name and data: local header + central record. */
export const ZIP_ENTRY_OVERHEAD = 30 + 46;
/** Bytes of the end record. */
export const ZIP_END_BYTES = 22;

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
  ) {}

  /** Creates `file` (which must not exist) for writing. */
  static async create(file: string, modified: Date, chunkBytes: number): Promise<ZipFileWriter> {
    const handle = await fs.promises.open(file, 'wx');
    return new ZipFileWriter(handle, file, dosDateTime(modified), chunkBytes);
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

  /** Writes the central directory and end record, flushes and closes the file. Returns the archive's size. */
  async finish(): Promise<number> {
    const centralBytes = Buffer.concat(this.central);
    const cdOffset = this.offset;
    this.ensureRoom(centralBytes.length + ZIP_END_BYTES);
    await this.write(centralBytes);
    const end = Buffer.alloc(ZIP_END_BYTES);
    end.writeUInt32LE(END_SIG, 0);
    end.writeUInt16LE(this.names.size, 8);
    end.writeUInt16LE(this.names.size, 10);
    end.writeUInt32LE(centralBytes.length, 12);
    end.writeUInt32LE(cdOffset, 16);
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

  private ensureRoom(bytes: number): void {
    if (this.offset + bytes > ZIP_MAX_BYTES) {
      throw new ZipError('tooLarge', `The archive would pass ${ZIP_MAX_BYTES} bytes, the most a zip without zip64 can address`);
    }
  }

  private async write(bytes: Buffer): Promise<void> {
    this.ensureRoom(bytes.length);
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written, this.offset + written);
      written += bytesWritten;
    }
    this.offset += bytes.length;
  }

  private async writeLocal(name: string, method: number, crc: number, compressedSize: number, size: number): Promise<number> {
    checkEntryName(name);
    if (this.names.has(name)) throw new ZipError('duplicateEntry', `${name} added twice`);
    if (this.names.size >= ZIP_MAX_ENTRIES) throw new ZipError('tooLarge', `A zip without zip64 holds at most ${ZIP_MAX_ENTRIES} entries`);
    const nameBytes = Buffer.from(name, 'utf8');
    // Refused before the header is written: the whole entry and its central record must fit.
    this.ensureRoom(30 + 46 + 2 * nameBytes.length + compressedSize + ZIP_END_BYTES);
    this.names.add(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_SIG, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(this.stamp.time, 10);
    local.writeUInt16LE(this.stamp.date, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressedSize, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const at = this.offset;
    await this.write(Buffer.concat([local, nameBytes]));
    return at;
  }

  private addCentral(name: string, method: number, crc: number, compressedSize: number, size: number, at: number): void {
    const nameBytes = Buffer.from(name, 'utf8');
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_SIG, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, so the external attributes below are a file mode
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(FLAG_UTF8, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(this.stamp.time, 12);
    central.writeUInt16LE(this.stamp.date, 14);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(compressedSize, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(at, 42);
    this.central.push(central, nameBytes);
  }
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
  if (fileSize < ZIP_END_BYTES) throw new ZipError('notZip', 'The file is too short to be a zip');
  const tailLength = Math.min(fileSize, ZIP_END_BYTES + 0xffff);
  const tail = Buffer.alloc(tailLength);
  await readExactly(handle, tail, fileSize - tailLength, 'the end record');
  let endAt = -1;
  for (let i = tailLength - ZIP_END_BYTES; i >= 0; i--) {
    if (tail.readUInt32LE(i) === END_SIG && i + ZIP_END_BYTES + tail.readUInt16LE(i + 20) === tailLength) {
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
  const onDisk = tail.readUInt16LE(endAt + 8);
  const count = tail.readUInt16LE(endAt + 10);
  const cdSize = tail.readUInt32LE(endAt + 12);
  const cdOffset = tail.readUInt32LE(endAt + 16);
  if (count === 0xffff || cdSize === MAX_32 || cdOffset === MAX_32) throw new ZipError('unsupported', 'zip64 archives are not supported');
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) throw new ZipError('unsupported', 'Multi-part archives are not supported');
  if (count > limits.maxEntries) throw new ZipError('tooLarge', `The package has ${count} entries; at most ${limits.maxEntries} are allowed`);
  if (cdOffset + cdSize !== endOffset) {
    throw new ZipError(cdOffset + cdSize > endOffset ? 'truncated' : 'corrupt', 'The central directory is not where the end record says');
  }
  // At most maxEntries records of 46 bytes plus names, extras and comments of at most 64 KiB each.
  if (cdSize > limits.maxEntries * (46 + 3 * 0xffff)) throw new ZipError('corrupt', 'The central directory is too large for its entries');
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
    const compressedSize = cd.readUInt32LE(at + 20);
    const size = cd.readUInt32LE(at + 24);
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const external = cd.readUInt32LE(at + 38);
    const localOffset = cd.readUInt32LE(at + 42);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > cdSize) throw new ZipError('corrupt', 'The central directory is damaged');
    const name = cd.toString('utf8', at + 46, at + 46 + nameLength);
    at = next;
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
    const isDirectory = name.endsWith('/');
    if (!isDirectory) {
      const limit = limits.maxEntryBytes(name);
      if (size > limit) throw new ZipError('tooLarge', `${name} is ${size} bytes; at most ${limit} are allowed`);
      total += size;
      if (total > limits.maxTotalBytes) throw new ZipError('tooLarge', `The package holds more than ${limits.maxTotalBytes} bytes`);
      if (method === 0 && compressedSize !== size) throw new ZipError('corrupt', `${name}: stored sizes disagree`);
      if (size > limits.ratioFloorBytes && size / Math.max(1, compressedSize) > limits.maxRatio) {
        throw new ZipError('bomb', `${name} would expand ${Math.round(size / Math.max(1, compressedSize))} times`);
      }
    }
    // The local header: same name and method, and (without a data descriptor) the same sizes and CRC.
    const local = Buffer.alloc(30 + nameLength);
    if (localOffset + local.length > cdOffset) throw new ZipError('corrupt', `${name}: no local header before the central directory`);
    await readExactly(handle, local, localOffset, `${name}'s local header`);
    if (local.readUInt32LE(0) !== LOCAL_SIG) throw new ZipError('corrupt', `${name}: no local header`);
    const localName = local.toString('utf8', 30, 30 + local.readUInt16LE(26));
    if (localName !== name) throw new ZipError('corrupt', `${name}: local header names ${JSON.stringify(localName)}`);
    if (local.readUInt16LE(8) !== method) throw new ZipError('corrupt', `${name}: local header disagrees on the method`);
    const localFlags = local.readUInt16LE(6);
    if (!(localFlags & FLAG_DESCRIPTOR) && (local.readUInt32LE(18) !== compressedSize || local.readUInt32LE(22) !== size || local.readUInt32LE(14) !== crc)) {
      throw new ZipError('corrupt', `${name}: local header disagrees with the central directory`);
    }
    const dataStart = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
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
