/**
 * Course packages: one course as one zip file — `manifest.json` (format, schemaVersion, the course and bodies files'
 * hashes, the media list), `course.json` (the course document exactly as `courses.get` answers it), `bodies.json`
 * (schema 2: the lessons' rich-text bodies, keyed by the exported lesson ids) and `media/<sha256>.<ext>` (each file the
 * course refers to — cover, body images, lesson audio and video — by content hash, stored uncompressed).
 *
 * Packages stream from file to file (zip.ts) through one `chunkBytes` buffer: a course with gigabytes of video is
 * never in memory. Export writes `<target>.<random>.part` next to the target and renames it when complete; a cancel or
 * failure removes the part file. Packages are limited to PACKAGE_MAX_BYTES (32 GiB, zip64 past 4 GiB) and each audio or
 * video file to the media library's own limit.
 *
 * Import creates a new course: the course, chapter and lesson ids are always new (importing the same package twice
 * gives two courses, and a package can never overwrite or adopt rows of another course); `version`, `createdAt` and
 * `updatedAt` are the import's. Everything else — fields, outline order and titles, cover and crops, media bytes and
 * hashes, lesson bodies (saved for the new lesson ids, through the host's sanitizer again) — comes back exactly.
 *
 * Nothing is written unless the whole package is valid, in three steps: (1) with nothing written, the zip's structure
 * (zip.ts), the manifest, the course document and the bodies are checked, and every media entry against the manifest
 * (name = hash and type, declared size, limits); (2) each media file streams into `<dataDir>/tmp/import-<random>/`
 * while its SHA-256 is computed, and must match its name, its CRC and size, and what the media library's probe reads
 * from it; (3) one transaction creates the media rows, the course and its bodies, and renames the staged files into
 * `media/`. If anything fails or the import is cancelled, the transaction rolls back and the staged and placed files
 * are removed.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { PACKAGE_MAX_BYTES } from '../../../shared/contract/library';
import { StudioError, methods, type FieldProblem, type HandlerInput, type LessonBody } from '../../../shared/contract/index';
import { COURSE_LIMITS, type Course } from '../../../shared/domain/course';
import { MEDIA_LIMITS } from '../../../shared/domain/media';
import { RICH_TEXT_SCHEMA_VERSION, bodyMediaHashes } from '../../../shared/rich-text/schema';
import { upgradeBody } from '../../../shared/rich-text/upgrade';
import { APP_NAME, APP_VERSION } from '../app-meta';
import { extensionOf, type MediaService } from './media';
import { ProbeError, fileSource, probeMedia, readWavLayout, wavPeaks, type ProbeResult } from './media-probe/index';
import { saveInputOf, type VersionService } from './versions';
import { ZIP_END_BYTES, ZIP_ENTRY_OVERHEAD, ZipError, ZipFileReader, ZipFileWriter, type ZipEntry } from './zip';

export const PACKAGE_FORMAT = 'creator-studio/course-package';
/**
 * 1: manifest + course.json (the `courses.get` document of migration 0005's time) + image media by hash.
 * 2: + bodies.json (lesson bodies by exported lesson id, listed and hashed in the manifest) + audio and video media.
 * Version 1 packages are still read (no bodies; images only).
 */
export const PACKAGE_SCHEMA_VERSION = 2;

export const PACKAGE_LIMITS = {
  maxEntries: 1000,
  manifestMaxBytes: 256 * 1024,
  courseMaxBytes: 16 * 1024 * 1024,
  /** 200 lessons of bodies under WeChat's 1 MB each would not fit a package anyway; this caps the JSON's parse. */
  bodiesMaxBytes: 64 * 1024 * 1024,
  /** An image: the cover limit (body images come from the same library). */
  mediaMaxBytes: COURSE_LIMITS.coverMaxBytes,
  /** Audio and video: as large as the media library takes them. */
  avMediaMaxBytes: MEDIA_LIMITS.maxBytes,
  maxTotalBytes: PACKAGE_MAX_BYTES,
  /** JSON compresses around 10:1; a real image hardly at all. 100:1 above 1 MB is a bomb. */
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
  /** The one buffer media bytes pass through, on export and import. */
  chunkBytes: 1024 * 1024,
} as const;

const IMAGE_MIMES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp'] as const;
const AV_MIMES = ['audio/mpeg', 'audio/mp4', 'audio/wav', 'video/mp4', 'video/quicktime'] as const;
const MEDIA_MIMES = [...IMAGE_MIMES, ...AV_MIMES] as const;
type MediaMime = (typeof MEDIA_MIMES)[number];
const MEDIA_NAME = /^media\/([0-9a-f]{64})\.(png|jpg|gif|webp|bmp|mp3|m4a|wav|mp4|mov)$/;
const isImageMime = (mime: string) => (IMAGE_MIMES as readonly string[]).includes(mime);

/** The largest file of a type a package may hold (per entry; the whole package has its own cap). */
function mediaLimit(mime: string): number {
  return isImageMime(mime) ? PACKAGE_LIMITS.mediaMaxBytes : PACKAGE_LIMITS.avMediaMaxBytes;
}
/** The same limit decided from an entry's name, before it is read. */
function entryLimit(name: string): number {
  const ext = MEDIA_NAME.exec(name)?.[2];
  return ext && ['mp3', 'm4a', 'wav', 'mp4', 'mov'].includes(ext) ? PACKAGE_LIMITS.avMediaMaxBytes : PACKAGE_LIMITS.mediaMaxBytes;
}

const manifestSchema = z.object({
  format: z.literal(PACKAGE_FORMAT),
  schemaVersion: z.number().int().min(1),
  app: z.object({ name: z.string(), version: z.string() }).optional(),
  exportedAt: z.string().optional(),
  course: z.object({ file: z.literal('course.json'), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  /** Schema 2 and later; absent in version 1 packages. */
  bodies: z.object({ file: z.literal('bodies.json'), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  media: z.array(
    z.object({
      hash: z.string().regex(/^[0-9a-f]{64}$/),
      mime: z.enum(MEDIA_MIMES),
      size: z.number().int().min(1),
      file: z.string(),
    }),
  ),
});
type Manifest = z.infer<typeof manifestSchema>;

/** bodies.json: the rich-text schema its HTML is in, and each lesson's body by the exported lesson id. */
const bodiesSchema = z.object({
  schemaVersion: z.number().int().min(1),
  bodies: z.record(z.string(), z.string()),
});
type BodiesFile = z.infer<typeof bodiesSchema>;

/**
 * Media hashes a course refers to, each once: its cover, each lesson's audio or video (`typeDetails.mediaHash`) and
 * the images in its lesson bodies (`bodies`: lesson id → HTML). Extend here when a course refers to more media.
 */
export function mediaOf(course: Course, bodies: ReadonlyMap<string, string> = new Map()): string[] {
  const out = new Set<string>();
  if (course.coverHash) out.add(course.coverHash);
  for (const chapter of course.chapters) {
    for (const lesson of chapter.lessons) {
      if (lesson.typeDetails?.mediaHash) out.add(lesson.typeDetails.mediaHash);
      const html = bodies.get(lesson.id);
      if (html) for (const hash of bodyMediaHashes(html)) out.add(hash);
    }
  }
  return [...out];
}

function invalid(code: string, message: string, extra: FieldProblem[] = []): StudioError {
  return new StudioError('INVALID_INPUT', message, { fields: [{ path: 'package', code: `package.${code}` }, ...extra] });
}

/** A course that cannot be packaged (export): INVALID_INPUT with a `package.<code>` field and the numbers. */
function cannotPackage(code: string, message: string, details: Record<string, string | number>): StudioError {
  return new StudioError('INVALID_INPUT', message, { fields: [{ path: 'package', code: `package.${code}` }], details });
}

/** The answer to a job the creator cancelled (`packages.cancel`). */
export function cancelledError(): StudioError {
  return new StudioError('CONFLICT', 'The package job was cancelled', { fields: [{ path: 'package', code: 'package.cancelled' }] });
}

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/** File-system refusals the creator can act on (another folder, free space, a file that moved), by errno code. */
const FS_REFUSALS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST']);
const fsCode = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code;

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where a job stands: `export` (bytes written), `verify` (import: bytes read and checked), `store` (committing). */
export interface PackageProgress {
  phase: 'export' | 'verify' | 'store';
  doneBytes: number;
  totalBytes: number;
}

export interface PackageRunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: PackageProgress) => void;
}

export interface PackageDeps {
  db: Database.Database;
  dataDir: string;
  media: MediaService;
  versions: VersionService;
  getCourse: (id: string) => Course;
  createCourse: (input: HandlerInput<'courses.create'>) => Course;
  saveCourse: (input: HandlerInput<'courses.save'>) => Course;
  /** The course's lesson bodies (lesson id → HTML, current schema). */
  bodiesOf: (courseId: string) => Map<string, string>;
  /** LessonBodyService.save: sanitizes, checks limits and images, writes (a savepoint inside the import's transaction). */
  saveBody: (input: { courseId: string; lessonId: string; baseVersion: number; html: string }) => LessonBody;
  now: () => Date;
}

/** A manifest media entry matched with its zip entry (step 1 of an import). */
interface ListedMedia {
  hash: string;
  mime: MediaMime;
  entry: ZipEntry;
}

interface StagedMedia {
  hash: string;
  size: number;
  staged: string;
  target: string;
  meta: ProbeResult;
  waveform: number[] | null;
}

export class PackageService {
  private readonly chunkBytes = PACKAGE_LIMITS.chunkBytes;

  constructor(private readonly deps: PackageDeps) {}

  /** The file name a course's package is offered under: its title without characters file systems refuse. */
  fileNameOf(courseId: string): string {
    const course = this.deps.getCourse(courseId);
    const safeTitle = [...course.title].map((ch) => (/[\\/:*?"<>|]/.test(ch) || ch.charCodeAt(0) < 0x20 ? '_' : ch)).join('').slice(0, 60) || 'course';
    return `${safeTitle}.course.zip`;
  }

  /** Writes the course's package to `target` (replacing a file there only once the package is complete). */
  async exportTo(courseId: string, target: string, options: PackageRunOptions = {}): Promise<{ fileName: string; size: number }> {
    const course = this.deps.getCourse(courseId);
    const bodies = new Map([...this.deps.bodiesOf(courseId)].filter(([, html]) => html.length > 0));
    // Every file is located and measured before anything is written: a course whose media cannot fit is refused,
    // never exported without some of them.
    const located = mediaOf(course, bodies).map((hash) => {
      const found = this.deps.media.locate(hash);
      if (!found) throw new StudioError('NOT_FOUND', `Media ${hash} of course ${courseId} is missing from the workspace`);
      if (!(MEDIA_MIMES as readonly string[]).includes(found.mime)) {
        throw cannotPackage('mediaUnsupported', `Media ${hash} (${found.mime}) cannot be put in a package`, { hash, mime: found.mime });
      }
      const size = fs.statSync(found.file).size;
      const limit = mediaLimit(found.mime);
      if (size > limit) {
        throw cannotPackage('mediaTooLarge', `Media ${hash} has ${size} bytes; a package holds ${found.mime} files up to ${limit} bytes`, { hash, size, limit });
      }
      const mime = found.mime as MediaMime;
      return { hash, mime, source: found.file, size, file: `media/${hash}.${extensionOf(mime)}` };
    });
    const courseJson = Buffer.from(JSON.stringify(course, null, 2));
    const bodiesFile: BodiesFile = { schemaVersion: RICH_TEXT_SCHEMA_VERSION, bodies: Object.fromEntries(bodies) };
    const bodiesJson = Buffer.from(JSON.stringify(bodiesFile, null, 2));
    const manifest: Manifest = {
      format: PACKAGE_FORMAT,
      schemaVersion: PACKAGE_SCHEMA_VERSION,
      app: { name: APP_NAME, version: APP_VERSION },
      exportedAt: this.deps.now().toISOString(),
      course: { file: 'course.json', sha256: sha256(courseJson) },
      bodies: { file: 'bodies.json', sha256: sha256(bodiesJson) },
      media: located.map((m) => ({ hash: m.hash, mime: m.mime, size: m.size, file: m.file })),
    };
    const manifestJson = Buffer.from(JSON.stringify(manifest, null, 2));
    // An upper bound (JSON counted uncompressed): refused before the first byte rather than part way.
    const planned =
      [['manifest.json', manifestJson.length], ['course.json', courseJson.length], ['bodies.json', bodiesJson.length], ...located.map((m) => [m.file, m.size] as const)]
        .map(([name, size]) => ZIP_ENTRY_OVERHEAD + 2 * Buffer.byteLength(name as string) + (size as number))
        .reduce((a, b) => a + b, 0) + ZIP_END_BYTES;
    if (planned > PACKAGE_MAX_BYTES) {
      throw cannotPackage('tooLarge', `The package would have about ${planned} bytes; packages are limited to ${PACKAGE_MAX_BYTES}`, { size: planned, limit: PACKAGE_MAX_BYTES });
    }
    const totalBytes = located.reduce((sum, m) => sum + m.size, 0);
    let doneBytes = 0;
    options.onProgress?.({ phase: 'export', doneBytes, totalBytes });

    const part = `${target}.${randomBytes(6).toString('hex')}.part`;
    let writer: ZipFileWriter;
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      writer = await ZipFileWriter.create(part, this.deps.now(), this.chunkBytes);
    } catch (error) {
      if (FS_REFUSALS.has(fsCode(error) ?? '')) throw cannotPackage('cannotWrite', `Cannot write ${target}: ${fsCode(error)}`, { path: target, reason: fsCode(error)! });
      throw error;
    }
    try {
      await writer.addBuffer('manifest.json', manifestJson);
      await writer.addBuffer('course.json', courseJson);
      await writer.addBuffer('bodies.json', bodiesJson);
      for (const m of located) {
        const hash = createHash('sha256');
        await writer.addFile(m.file, m.source, m.size, {
          signal: options.signal,
          onBytes: (n) => {
            doneBytes += n;
            options.onProgress?.({ phase: 'export', doneBytes, totalBytes });
          },
          check: {
            update: (b) => hash.update(b),
            verify: () => {
              if (hash.digest('hex') !== m.hash) throw new StudioError('INTERNAL', `The stored media file ${m.hash} does not match its hash`);
            },
          },
        });
      }
      options.signal?.throwIfAborted();
      const size = await writer.finish();
      fs.renameSync(part, target);
      return { fileName: path.basename(target), size };
    } catch (error) {
      await writer.close().catch(() => {});
      fs.rmSync(part, { force: true });
      if (isAbort(error)) throw cancelledError();
      if (error instanceof ZipError) throw cannotPackage(error.reason, error.message, {});
      if (FS_REFUSALS.has(fsCode(error) ?? '')) throw cannotPackage('cannotWrite', `Cannot write ${target}: ${fsCode(error)}`, { path: target, reason: fsCode(error)! });
      throw error;
    }
  }

  /** Verifies the whole package file, then creates the course and its media in one step (see the file comment). */
  async importFile(file: string, options: PackageRunOptions = {}): Promise<{ course: Course; media: number }> {
    let reader: ZipFileReader;
    try {
      reader = await ZipFileReader.open(file, {
        maxEntries: PACKAGE_LIMITS.maxEntries,
        maxEntryBytes: (name) =>
          name === 'manifest.json'
            ? PACKAGE_LIMITS.manifestMaxBytes
            : name === 'course.json'
              ? PACKAGE_LIMITS.courseMaxBytes
              : name === 'bodies.json'
                ? PACKAGE_LIMITS.bodiesMaxBytes
                : entryLimit(name),
        maxTotalBytes: PACKAGE_LIMITS.maxTotalBytes,
        maxRatio: PACKAGE_LIMITS.maxRatio,
        ratioFloorBytes: PACKAGE_LIMITS.ratioFloorBytes,
      });
    } catch (error) {
      if (error instanceof ZipError) throw invalid(error.reason, error.message);
      if (FS_REFUSALS.has(fsCode(error) ?? '')) throw invalid('cannotRead', `Cannot read ${file}: ${fsCode(error)}`);
      throw error;
    }
    const staging = path.join(this.deps.dataDir, 'tmp', `import-${randomBytes(8).toString('hex')}`);
    const placed: string[] = [];
    try {
      const checked = await this.verifyDocuments(reader);
      const staged = await this.stageMedia(reader, checked.media, staging, options);
      options.signal?.throwIfAborted();
      const totalBytes = staged.reduce((sum, m) => sum + m.size, 0);
      options.onProgress?.({ phase: 'store', doneBytes: totalBytes, totalBytes });
      const run = this.deps.db.transaction(() => {
        // The media library's columns (migration 0007), from the probe, as media.importFinish writes them; a file
        // already in the workspace keeps its row. Thumbnails are made by the library, not here.
        const insertMedia = this.deps.db.prepare(
          `INSERT INTO media (hash, mime, size, width, height, original_name, created_at, kind, format, duration_ms, codec,
             audio_codec, bitrate, sample_rate, channels, has_thumb, waveform)
           VALUES (@hash, @mime, @size, @width, @height, @name, @createdAt, @kind, @format, @durationMs, @codec, @audioCodec,
             @bitrate, @sampleRate, @channels, 0, @waveform)
           ON CONFLICT (hash) DO NOTHING`,
        );
        const at = this.deps.now().toISOString();
        for (const m of staged) {
          insertMedia.run({
            hash: m.hash,
            mime: m.meta.mime,
            size: m.size,
            width: m.meta.width,
            height: m.meta.height,
            name: path.basename(m.target),
            createdAt: at,
            kind: m.meta.kind,
            format: m.meta.format,
            durationMs: m.meta.durationMs,
            codec: m.meta.codec,
            audioCodec: m.meta.audioCodec,
            bitrate: m.meta.bitrate,
            sampleRate: m.meta.sampleRate,
            channels: m.meta.channels,
            waveform: m.waveform ? JSON.stringify(m.waveform) : null,
          });
        }
        const course = this.deps.versions.withoutAutoSnapshots(() => {
          const created = this.deps.createCourse({ title: checked.save.title, type: checked.save.type, priceFen: checked.save.priceFen, summary: checked.save.summary });
          return this.deps.saveCourse({ ...checked.save, id: created.id, baseVersion: created.version });
        });
        // Bodies for the new lesson ids, through the host's sanitizer and limits again.
        for (const [lessonId, html] of checked.bodies) {
          try {
            this.deps.saveBody({ courseId: course.id, lessonId, baseVersion: 0, html });
          } catch (error) {
            if (error instanceof StudioError && error.code === 'INVALID_INPUT') {
              throw invalid('invalidBody', `A lesson body in the package is not valid: ${error.message}`, error.fields ?? []);
            }
            throw error;
          }
        }
        this.deps.versions.snapshotCourse(course.id, 'imported');
        // Files last, still inside the transaction: a failed rename rolls the rows back.
        for (const m of staged) {
          if (fs.existsSync(m.target)) continue;
          fs.mkdirSync(path.dirname(m.target), { recursive: true });
          fs.renameSync(m.staged, m.target);
          placed.push(m.target);
        }
        return course;
      });
      const course = run.immediate();
      placed.length = 0;
      return { course, media: staged.length };
    } catch (error) {
      if (isAbort(error)) throw cancelledError();
      if (error instanceof ZipError) throw invalid(error.reason, error.message);
      throw error;
    } finally {
      await reader.close();
      for (const file of placed) fs.rmSync(file, { force: true });
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }

  /**
   * Step 2: each media entry streamed into `staging`, hashed on the way (the name must be the hash), its CRC and size
   * checked by the reader, then probed. Nothing outside `staging` is written.
   */
  private async stageMedia(reader: ZipFileReader, media: ListedMedia[], staging: string, options: PackageRunOptions): Promise<StagedMedia[]> {
    const totalBytes = media.reduce((sum, m) => sum + m.entry.size, 0);
    let doneBytes = 0;
    options.onProgress?.({ phase: 'verify', doneBytes, totalBytes });
    if (media.length > 0) fs.mkdirSync(staging, { recursive: true });
    const out: StagedMedia[] = [];
    for (const m of media) {
      const ext = extensionOf(m.mime);
      const staged = path.join(staging, `${m.hash}.${ext}`);
      const handle = await fs.promises.open(staged, 'wx');
      const hash = createHash('sha256');
      try {
        let at = 0;
        const chunks = reader.stream(m.entry, this.chunkBytes, {
          signal: options.signal,
          onBytes: (n) => {
            doneBytes += n;
            options.onProgress?.({ phase: 'verify', doneBytes, totalBytes });
          },
        });
        for await (const chunk of chunks) {
          hash.update(chunk);
          let written = 0;
          while (written < chunk.length) {
            const { bytesWritten } = await handle.write(chunk, written, chunk.length - written, at + written);
            written += bytesWritten;
          }
          at += chunk.length;
        }
        await handle.datasync();
      } finally {
        await handle.close();
      }
      if (hash.digest('hex') !== m.hash) throw invalid('hashMismatch', `${m.entry.name} does not match its hash`);
      const { meta, waveform } = probeFile(staged, m.entry.name);
      if (meta.mime !== m.mime) throw invalid('badMedia', `${m.entry.name} is not the ${m.mime} it claims to be`);
      out.push({ hash: m.hash, size: m.entry.size, staged, target: mediaPath(this.deps.dataDir, m.hash, m.mime), meta, waveform });
    }
    return out;
  }

  /** Step 1: the manifest, the course document and the bodies, and the media entries against the manifest. */
  private async verifyDocuments(reader: ZipFileReader): Promise<{
    save: HandlerInput<'courses.save'>;
    /** New lesson id → body HTML. */
    bodies: Map<string, string>;
    media: ListedMedia[];
  }> {
    const { entries } = reader;
    const manifestEntry = entries.get('manifest.json');
    if (!manifestEntry) throw invalid('wrongFormat', 'The file has no manifest.json: it is not a course package');
    let manifestJson: unknown;
    try {
      manifestJson = JSON.parse((await reader.readAll(manifestEntry)).toString('utf8'));
    } catch (error) {
      if (error instanceof ZipError) throw error;
      throw invalid('wrongFormat', 'manifest.json is not JSON');
    }
    const header = z.object({ format: z.string(), schemaVersion: z.number() }).safeParse(manifestJson);
    if (!header.success || header.data.format !== PACKAGE_FORMAT) throw invalid('wrongFormat', 'This is not a Creator Studio course package');
    if (header.data.schemaVersion > PACKAGE_SCHEMA_VERSION) {
      throw invalid('schemaTooNew', `The package has schema ${header.data.schemaVersion}; this app reads up to ${PACKAGE_SCHEMA_VERSION}`);
    }
    const parsed = manifestSchema.safeParse(manifestJson);
    if (!parsed.success) throw invalid('wrongFormat', `manifest.json is not valid: ${parsed.error.issues[0]?.message ?? ''}`);
    const manifest = parsed.data;
    const version = manifest.schemaVersion;
    if (version >= 2 && !manifest.bodies) throw invalid('wrongFormat', 'manifest.json does not list bodies.json');
    if (version < 2 && (manifest.bodies || manifest.media.some((m) => !isImageMime(m.mime)))) {
      throw invalid('wrongFormat', 'A version 1 package holds neither bodies nor audio and video');
    }

    const listed = new Map(manifest.media.map((m) => [m.file, m]));
    if (listed.size !== manifest.media.length) throw invalid('duplicateEntry', 'manifest.json lists a media file twice');
    for (const name of entries.keys()) {
      if (name === 'manifest.json' || name === 'course.json' || (name === 'bodies.json' && manifest.bodies)) continue;
      if (!listed.has(name)) throw invalid('unexpectedEntry', `${name} is not part of a course package`);
    }
    const courseEntry = entries.get('course.json');
    if (!courseEntry) throw invalid('wrongFormat', 'The package has no course.json');
    const courseBytes = await reader.readAll(courseEntry);
    if (sha256(courseBytes) !== manifest.course.sha256) throw invalid('hashMismatch', 'course.json does not match the hash in the manifest');

    // Media are checked here only as far as the directory tells (names, sizes, limits); their bytes in step 2.
    const media = manifest.media.map((m): ListedMedia => {
      const match = MEDIA_NAME.exec(m.file);
      if (!match || match[1] !== m.hash || extensionOf(m.mime) !== match[2]) throw invalid('wrongFormat', `Media entry ${m.file} is not named by its hash and type`);
      const entry = entries.get(m.file);
      if (!entry) throw invalid('missingMedia', `${m.file} is listed but missing`);
      if (entry.size > mediaLimit(m.mime)) throw invalid('tooLarge', `${m.file} is over the ${mediaLimit(m.mime)} bytes a package holds for ${m.mime}`);
      if (entry.size !== m.size) throw invalid('hashMismatch', `${m.file} has ${entry.size} bytes; the manifest says ${m.size}`);
      return { hash: m.hash, mime: m.mime, entry };
    });

    // Bodies by exported lesson id (schema 2); upgraded to this app's rich-text schema as stored bodies are on load.
    let oldBodies = new Map<string, string>();
    if (manifest.bodies) {
      const bodiesEntry = entries.get('bodies.json');
      if (!bodiesEntry) throw invalid('wrongFormat', 'The package has no bodies.json');
      const bodiesBytes = await reader.readAll(bodiesEntry);
      if (sha256(bodiesBytes) !== manifest.bodies.sha256) throw invalid('hashMismatch', 'bodies.json does not match the hash in the manifest');
      let bodiesJson: unknown;
      try {
        bodiesJson = JSON.parse(bodiesBytes.toString('utf8'));
      } catch {
        throw invalid('invalidBody', 'bodies.json is not JSON');
      }
      const file = bodiesSchema.safeParse(bodiesJson);
      if (!file.success) throw invalid('invalidBody', 'bodies.json is not valid');
      if (file.data.schemaVersion > RICH_TEXT_SCHEMA_VERSION) {
        throw invalid('schemaTooNew', `The lesson bodies have rich-text schema ${file.data.schemaVersion}; this app reads up to ${RICH_TEXT_SCHEMA_VERSION}`);
      }
      oldBodies = new Map(Object.entries(file.data.bodies).map(([id, html]) => [id, upgradeBody(file.data.schemaVersion, html)]));
    }

    let document: unknown;
    try {
      document = JSON.parse(courseBytes.toString('utf8'));
    } catch {
      throw invalid('invalidCourse', 'course.json is not JSON');
    }
    const outline = z
      .object({ chapters: z.array(z.object({ lessons: z.array(z.object({}).passthrough()) }).passthrough()) })
      .passthrough()
      .safeParse(document);
    if (!outline.success) throw invalid('invalidCourse', 'course.json is not a course document');
    // New ids for the course's outline (see the file comment); the course id comes from courses.create.
    const newLessonId = new Map<string, string>();
    const renamed = {
      ...outline.data,
      chapters: outline.data.chapters.map((c) => ({
        ...c,
        id: randomUUID(),
        lessons: c.lessons.map((l) => {
          const id = randomUUID();
          if (typeof l.id === 'string') newLessonId.set(l.id, id);
          return { ...l, id };
        }),
      })),
    } as unknown as Course;
    const bodies = new Map<string, string>();
    for (const [oldId, html] of oldBodies) {
      const id = newLessonId.get(oldId);
      if (!id) throw invalid('invalidBody', `bodies.json has a body for lesson ${oldId}, which the course does not have`);
      if (html) bodies.set(id, html);
    }
    let save: HandlerInput<'courses.save'>;
    try {
      save = saveInputOf(renamed, 'import', 1);
    } catch (error) {
      if (error instanceof StudioError) throw invalid('invalidCourse', 'course.json is not a valid course', error.fields ?? []);
      throw error;
    }
    const create = methods['courses.create'].input.safeParse({ title: save.title, type: save.type, priceFen: save.priceFen, summary: save.summary });
    if (!create.success) throw invalid('invalidCourse', 'course.json is not a valid course');
    const have = new Set(media.map((m) => m.hash));
    for (const hash of mediaOf(renamed, bodies)) {
      if (!have.has(hash)) throw invalid('missingMedia', `The course refers to media ${hash}, which the package does not contain`);
    }
    return { save, bodies, media };
  }
}

/** What a staged file is, read from its bytes by the media library's own probe (and a WAV's peaks). */
function probeFile(file: string, name: string): { meta: ProbeResult; waveform: number[] | null } {
  const fd = fs.openSync(file, 'r');
  try {
    const src = fileSource(fd, fs.fstatSync(fd).size);
    const meta = probeMedia(src);
    return { meta, waveform: meta.format === 'wav' ? wavPeaks(src, readWavLayout(src)) : null };
  } catch (error) {
    if (error instanceof ProbeError) throw invalid('badMedia', `${name} is not readable media: ${error.message}`, [{ path: name, code: error.code }]);
    throw error;
  } finally {
    fs.closeSync(fd);
  }
}

/** Where a media file lives: the layout of MediaService (media/<first two hex>/<sha256>.<ext>). */
function mediaPath(dataDir: string, hash: string, mime: string): string {
  return path.join(dataDir, 'media', hash.slice(0, 2), `${hash}.${extensionOf(mime)}`);
}
