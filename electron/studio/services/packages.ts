/**
 * Course packages: one course as one zip file — `manifest.json` (format, schemaVersion, the course file's hash, the
 * media list), `course.json` (the course document exactly as `courses.get` answers it) and `media/<sha256>.<ext>`
 * (each file the course refers to, by content hash).
 *
 * Import creates a new course: the course, chapter and lesson ids are always new (importing the same package twice
 * gives two courses, and a package can never overwrite or adopt rows of another course); `version`, `createdAt` and
 * `updatedAt` are the import's. Everything else — fields, outline order and titles, cover and crops, media bytes and
 * hashes — comes back exactly.
 *
 * Nothing is written unless the whole package is valid: the zip is read in memory under limits (zip.ts), the manifest,
 * course document and every media file are checked (hash, kind, size), media files are staged in `<dataDir>/tmp/`,
 * then one transaction creates the course and media rows and the staged files are renamed into `media/`; if anything
 * fails, the transaction rolls back and files placed by this import are removed.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { StudioError, methods, type FieldProblem, type HandlerInput } from '../../../shared/contract/index';
import { COURSE_LIMITS, type Course } from '../../../shared/domain/course';
import { APP_NAME, APP_VERSION } from '../app-meta';
import { sniffImage } from './image-sniff';
import type { MediaService } from './media';
import { saveInputOf, type VersionService } from './versions';
import { ZipError, readZip, writeZip } from './zip';

export const PACKAGE_FORMAT = 'creator-studio/course-package';
/** 1: manifest + course.json (the `courses.get` document of migration 0005's time) + media by hash. */
export const PACKAGE_SCHEMA_VERSION = 1;

export const PACKAGE_LIMITS = {
  maxEntries: 1000,
  manifestMaxBytes: 256 * 1024,
  courseMaxBytes: 16 * 1024 * 1024,
  mediaMaxBytes: COURSE_LIMITS.coverMaxBytes,
  maxTotalBytes: 256 * 1024 * 1024,
  /** JSON compresses around 10:1; a real image hardly at all. 100:1 above 1 MB is a bomb. */
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
} as const;

const MEDIA_NAME = /^media\/([0-9a-f]{64})\.(png|jpg|gif|webp)$/;
const MIME_BY_EXT: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };
const EXT_BY_MIME: Record<string, string> = Object.fromEntries(Object.entries(MIME_BY_EXT).map(([e, m]) => [m, e]));

const manifestSchema = z.object({
  format: z.literal(PACKAGE_FORMAT),
  schemaVersion: z.number().int().min(1),
  app: z.object({ name: z.string(), version: z.string() }).optional(),
  exportedAt: z.string().optional(),
  course: z.object({ file: z.literal('course.json'), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  media: z.array(
    z.object({
      hash: z.string().regex(/^[0-9a-f]{64}$/),
      mime: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
      size: z.number().int().min(1),
      file: z.string(),
    }),
  ),
});
type Manifest = z.infer<typeof manifestSchema>;

/** Media hashes a course document refers to. Extend here when documents refer to more media (lesson bodies). */
export function mediaOf(course: Course): string[] {
  return course.coverHash ? [course.coverHash] : [];
}

function invalid(code: string, message: string, extra: FieldProblem[] = []): StudioError {
  return new StudioError('INVALID_INPUT', message, { fields: [{ path: 'package', code: `package.${code}` }, ...extra] });
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
  now: () => Date;
}

export class PackageService {
  constructor(private readonly deps: PackageDeps) {}

  export(courseId: string): { fileName: string; data: Buffer } {
    const course = this.deps.getCourse(courseId);
    const media: Manifest['media'] = [];
    const files: { name: string; data: Buffer }[] = [];
    for (const hash of [...new Set(mediaOf(course))]) {
      const found = this.deps.media.locate(hash);
      if (!found) throw new StudioError('NOT_FOUND', `Media ${hash} of course ${courseId} is missing from the workspace`);
      const data = fs.readFileSync(found.file);
      if (sha256(data) !== hash) throw new StudioError('INTERNAL', `Media file ${hash} does not match its hash`);
      const file = `media/${hash}.${EXT_BY_MIME[found.mime] ?? 'bin'}`;
      media.push({ hash, mime: found.mime as Manifest['media'][number]['mime'], size: data.length, file });
      files.push({ name: file, data });
    }
    const courseJson = Buffer.from(JSON.stringify(course, null, 2));
    const manifest: Manifest = {
      format: PACKAGE_FORMAT,
      schemaVersion: PACKAGE_SCHEMA_VERSION,
      app: { name: APP_NAME, version: APP_VERSION },
      exportedAt: this.deps.now().toISOString(),
      course: { file: 'course.json', sha256: sha256(courseJson) },
      media,
    };
    const data = writeZip(
      [{ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2)) }, { name: 'course.json', data: courseJson }, ...files],
      this.deps.now(),
    );
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
        const file = path.join(staging, `${m.hash}.${EXT_BY_MIME[m.mime]}`);
        fs.writeFileSync(file, m.data, { flush: true });
        return { ...m, staged: file, target: mediaPath(this.deps.dataDir, m.hash, m.mime) };
      });
      const run = this.deps.db.transaction(() => {
        const insertMedia = this.deps.db.prepare(
          `INSERT INTO media (hash, mime, size, width, height, original_name, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`,
        );
        const at = this.deps.now().toISOString();
        for (const m of staged) insertMedia.run(m.hash, m.mime, m.data.length, m.width, m.height, path.basename(m.target), at);
        const course = this.deps.versions.withoutAutoSnapshots(() => {
          const created = this.deps.createCourse({ title: checked.save.title, type: checked.save.type, priceFen: checked.save.priceFen, summary: checked.save.summary });
          return this.deps.saveCourse({ ...checked.save, id: created.id, baseVersion: created.version });
        });
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
    media: { hash: string; mime: string; data: Buffer; width: number | null; height: number | null }[];
  } {
    let entries: Map<string, Buffer>;
    try {
      entries = readZip(bytes, {
        maxEntries: PACKAGE_LIMITS.maxEntries,
        maxEntryBytes: (name) =>
          name === 'manifest.json' ? PACKAGE_LIMITS.manifestMaxBytes : name === 'course.json' ? PACKAGE_LIMITS.courseMaxBytes : PACKAGE_LIMITS.mediaMaxBytes,
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

    const listed = new Map(manifest.media.map((m) => [m.file, m]));
    if (listed.size !== manifest.media.length) throw invalid('duplicateEntry', 'manifest.json lists a media file twice');
    for (const name of entries.keys()) {
      if (name === 'manifest.json' || name === 'course.json') continue;
      if (!listed.has(name)) throw invalid('unexpectedEntry', `${name} is not part of a course package`);
    }
    const courseBytes = entries.get('course.json');
    if (!courseBytes) throw invalid('wrongFormat', 'The package has no course.json');
    if (sha256(courseBytes) !== manifest.course.sha256) throw invalid('hashMismatch', 'course.json does not match the hash in the manifest');

    const media = manifest.media.map((m) => {
      const match = MEDIA_NAME.exec(m.file);
      if (!match || match[1] !== m.hash || MIME_BY_EXT[match[2]!] !== m.mime) throw invalid('wrongFormat', `Media entry ${m.file} is not named by its hash and type`);
      const data = entries.get(m.file);
      if (!data) throw invalid('missingMedia', `${m.file} is listed but missing`);
      if (data.length !== m.size || sha256(data) !== m.hash) throw invalid('hashMismatch', `${m.file} does not match its hash`);
      const image = sniffImage(data);
      if (!image || image.mime !== m.mime) throw invalid('badMedia', `${m.file} is not the ${m.mime} it claims to be`);
      return { hash: m.hash, mime: m.mime, data, width: image.width, height: image.height };
    });

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
    const renamed = {
      ...outline.data,
      chapters: outline.data.chapters.map((c) => ({ ...c, id: randomUUID(), lessons: c.lessons.map((l) => ({ ...l, id: randomUUID() })) })),
    } as unknown as Course;
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
    for (const hash of mediaOf(renamed)) {
      if (!have.has(hash)) throw invalid('missingMedia', `The course refers to media ${hash}, which the package does not contain`);
    }
    return { save, media };
  }
}

/** Where a media file lives: the layout of MediaService (media/<first two hex>/<sha256>.<ext>). */
function mediaPath(dataDir: string, hash: string, mime: string): string {
  return path.join(dataDir, 'media', hash.slice(0, 2), `${hash}.${EXT_BY_MIME[mime] ?? 'bin'}`);
}
