/**
 * Course packages: one course as one zip file — `manifest.json` (format, schemaVersion, the course and bodies files'
 * hashes, the media list), `course.json` (the course document exactly as `courses.get` answers it), `bodies.json`
 * (schema 2: the lessons' rich-text bodies, keyed by the exported lesson ids) and `media/<sha256>.<ext>` (each file the
 * course refers to — cover, body images, lesson audio and video — by content hash).
 *
 * Import creates a new course: the course, chapter and lesson ids are always new (importing the same package twice
 * gives two courses, and a package can never overwrite or adopt rows of another course); `version`, `createdAt` and
 * `updatedAt` are the import's. Everything else — fields, outline order and titles, cover and crops, media bytes and
 * hashes, lesson bodies (saved for the new lesson ids, through the host's sanitizer again) — comes back exactly.
 *
 * Nothing is written unless the whole package is valid: the zip is read in memory under limits (zip.ts), the manifest,
 * course document, bodies and every media file are checked (hash, size, and what the media library's probe reads from
 * the bytes), media files are staged in `<dataDir>/tmp/`, then one transaction creates the media rows (with the
 * library's kind, format, duration and codec columns), the course and its bodies, and the staged files are renamed
 * into `media/`; if anything fails, the transaction rolls back and files placed by this import are removed.
 *
 * A package travels base64-encoded through the contract, so it is capped at PACKAGE_MAX_BYTES; a course whose media do
 * not fit is refused at export (`package.mediaTooLarge`) rather than exported without some of its files.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { PACKAGE_MAX_BYTES } from '../../../shared/contract/library';
import { StudioError, methods, type FieldProblem, type HandlerInput, type LessonBody } from '../../../shared/contract/index';
import { COURSE_LIMITS, type Course } from '../../../shared/domain/course';
import { RICH_TEXT_SCHEMA_VERSION, bodyMediaHashes } from '../../../shared/rich-text/schema';
import { upgradeBody } from '../../../shared/rich-text/upgrade';
import { APP_NAME, APP_VERSION } from '../app-meta';
import { extensionOf, type MediaService } from './media';
import { ProbeError, bufferSource, probeMedia, readWavLayout, wavPeaks, type ProbeResult } from './media-probe/index';
import { saveInputOf, type VersionService } from './versions';
import { ZipError, readZip, writeZip } from './zip';

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
  /** Audio and video: as large as a whole package may be (the contract's cap on the package file). */
  avMediaMaxBytes: PACKAGE_MAX_BYTES,
  maxTotalBytes: 256 * 1024 * 1024,
  /** JSON compresses around 10:1; a real image hardly at all. 100:1 above 1 MB is a bomb. */
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
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
/** The same limit decided from an entry's name, before it is inflated. */
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

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
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

interface CheckedMedia {
  hash: string;
  data: Buffer;
  meta: ProbeResult;
  waveform: number[] | null;
}

export class PackageService {
  constructor(private readonly deps: PackageDeps) {}

  export(courseId: string): { fileName: string; data: Buffer } {
    const course = this.deps.getCourse(courseId);
    const bodies = new Map([...this.deps.bodiesOf(courseId)].filter(([, html]) => html.length > 0));
    const media: Manifest['media'] = [];
    const files: { name: string; data: Buffer }[] = [];
    // Every file is located and measured before any is read: a course whose media cannot fit is refused, never
    // exported without some of them.
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
      return { hash, mime: found.mime as MediaMime, file: found.file, size };
    });
    const total = located.reduce((sum, m) => sum + m.size, 0);
    if (total > PACKAGE_MAX_BYTES) {
      throw cannotPackage('mediaTooLarge', `The course's media have ${total} bytes; a package holds up to ${PACKAGE_MAX_BYTES}`, { size: total, limit: PACKAGE_MAX_BYTES });
    }
    for (const m of located) {
      const data = fs.readFileSync(m.file);
      if (sha256(data) !== m.hash) throw new StudioError('INTERNAL', `Media file ${m.hash} does not match its hash`);
      const file = `media/${m.hash}.${extensionOf(m.mime)}`;
      media.push({ hash: m.hash, mime: m.mime, size: data.length, file });
      files.push({ name: file, data });
    }
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
      media,
    };
    const data = writeZip(
      [
        { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2)) },
        { name: 'course.json', data: courseJson },
        { name: 'bodies.json', data: bodiesJson },
        ...files,
      ],
      this.deps.now(),
    );
    if (data.length > PACKAGE_MAX_BYTES) {
      throw cannotPackage('tooLarge', `The package would have ${data.length} bytes; packages are limited to ${PACKAGE_MAX_BYTES}`, { size: data.length, limit: PACKAGE_MAX_BYTES });
    }
    // Characters no file system takes in a name, and control characters.
    const safeTitle = [...course.title].map((ch) => (/[\\/:*?"<>|]/.test(ch) || ch.charCodeAt(0) < 0x20 ? '_' : ch)).join('').slice(0, 60) || 'course';
    return { fileName: `${safeTitle}.course.zip`, data };
  }

  /** Verifies the whole package, then creates the course and its media in one step. */
  import(bytes: Buffer): { course: Course; media: number } {
    const checked = this.verify(bytes);
    const staging = path.join(this.deps.dataDir, 'tmp', `import-${randomBytes(8).toString('hex')}`);
    const placed: string[] = [];
    try {
      fs.mkdirSync(staging, { recursive: true });
      const staged = checked.media.map((m) => {
        const file = path.join(staging, `${m.hash}.${m.meta.ext}`);
        fs.writeFileSync(file, m.data, { flush: true });
        return { ...m, staged: file, target: mediaPath(this.deps.dataDir, m.hash, m.meta.mime) };
      });
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
            size: m.data.length,
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
    } finally {
      for (const file of placed) fs.rmSync(file, { force: true });
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }

  private verify(bytes: Buffer): {
    save: HandlerInput<'courses.save'>;
    /** New lesson id → body HTML. */
    bodies: Map<string, string>;
    media: CheckedMedia[];
  } {
    let entries: Map<string, Buffer>;
    try {
      entries = readZip(bytes, {
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
      throw error;
    }

    const manifestBytes = entries.get('manifest.json');
    if (!manifestBytes) throw invalid('wrongFormat', 'The file has no manifest.json: it is not a course package');
    let manifestJson: unknown;
    try {
      manifestJson = JSON.parse(manifestBytes.toString('utf8'));
    } catch {
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
    const courseBytes = entries.get('course.json');
    if (!courseBytes) throw invalid('wrongFormat', 'The package has no course.json');
    if (sha256(courseBytes) !== manifest.course.sha256) throw invalid('hashMismatch', 'course.json does not match the hash in the manifest');

    const media = manifest.media.map((m): CheckedMedia => {
      const match = MEDIA_NAME.exec(m.file);
      if (!match || match[1] !== m.hash || extensionOf(m.mime) !== match[2]) throw invalid('wrongFormat', `Media entry ${m.file} is not named by its hash and type`);
      const data = entries.get(m.file);
      if (!data) throw invalid('missingMedia', `${m.file} is listed but missing`);
      if (data.length > mediaLimit(m.mime)) throw invalid('tooLarge', `${m.file} is over the ${mediaLimit(m.mime)} bytes a package holds for ${m.mime}`);
      if (data.length !== m.size || sha256(data) !== m.hash) throw invalid('hashMismatch', `${m.file} does not match its hash`);
      // What the file is, read from its bytes by the media library's own probe.
      let meta: ProbeResult;
      let waveform: number[] | null = null;
      try {
        const src = bufferSource(data);
        meta = probeMedia(src);
        if (meta.format === 'wav') waveform = wavPeaks(src, readWavLayout(src));
      } catch (error) {
        if (error instanceof ProbeError) throw invalid('badMedia', `${m.file} is not readable media: ${error.message}`, [{ path: m.file, code: error.code }]);
        throw error;
      }
      if (meta.mime !== m.mime) throw invalid('badMedia', `${m.file} is not the ${m.mime} it claims to be`);
      return { hash: m.hash, data, meta, waveform };
    });

    // Bodies by exported lesson id (schema 2); upgraded to this app's rich-text schema as stored bodies are on load.
    let oldBodies = new Map<string, string>();
    if (manifest.bodies) {
      const bodiesBytes = entries.get('bodies.json');
      if (!bodiesBytes) throw invalid('wrongFormat', 'The package has no bodies.json');
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

/** Where a media file lives: the layout of MediaService (media/<first two hex>/<sha256>.<ext>). */
function mediaPath(dataDir: string, hash: string, mime: string): string {
  return path.join(dataDir, 'media', hash.slice(0, 2), `${hash}.${extensionOf(mime)}`);
}
