/**
 * Version history of courses: snapshots of the whole course document (exactly what `courses.get` answers), deflated,
 * numbered per course, at most VERSION_POLICY.maxPerCourse kept (the oldest go first).
 *
 * When a snapshot is taken (`afterWrite`, called by CourseService inside each create and save transaction):
 * - a new course: `created`;
 * - a save whose type differs from the latest snapshot: `typeChanged`;
 * - a save that changed at least `largeEditChars` characters since the latest snapshot: `largeEdit`;
 * - otherwise the first save at least `intervalMs` after the latest snapshot: `interval`;
 * and on demand (`manual`), around a restore (`beforeRestore`, `restored`), after a package import (`imported`), and
 * by sync through `snapshotCourse(courseId, 'beforeSync')`.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import {
  StudioError,
  methods,
  type CourseDiff,
  type HandlerInput,
  type VersionReason,
  type VersionSummary,
} from '../../../shared/contract/index';
import type { Course } from '../../../shared/domain/course';
import { diffCourses, documentChangedChars } from '../../../shared/versions/diff';

export const VERSION_POLICY = {
  intervalMs: 5 * 60 * 1000,
  largeEditChars: 200,
  maxPerCourse: 100,
} as const;

/** The shape of `document`: 1 = the course document of `courses.get` as of migration 0005. */
export const SNAPSHOT_SCHEMA_VERSION = 1;

interface VersionRow {
  seq: number;
  reason: VersionReason;
  label: string;
  restored_seq: number | null;
  course_version: number;
  title: string;
  schema_version: number;
  size: number;
  created_at: string;
}

const SUMMARY_COLUMNS = 'seq, reason, label, restored_seq, course_version, title, schema_version, size, created_at';

function toSummary(row: VersionRow): VersionSummary {
  return {
    seq: row.seq,
    reason: row.reason,
    label: row.label,
    courseVersion: row.course_version,
    title: row.title,
    size: row.size,
    createdAt: row.created_at,
    restoredSeq: row.restored_seq,
  };
}

export interface VersionDeps {
  getCourse: (id: string) => Course;
  saveCourse: (input: HandlerInput<'courses.save'>) => Course;
}

export class VersionService {
  private readonly stmt;
  /** Set while this service writes a course itself (restore, import), so that save takes no automatic snapshot. */
  private quiet = false;
  private deps: VersionDeps | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
    private readonly policy: { intervalMs: number; largeEditChars: number; maxPerCourse: number } = VERSION_POLICY,
  ) {
    this.stmt = {
      latest: db.prepare<[string], VersionRow & { document: Buffer }>(
        `SELECT ${SUMMARY_COLUMNS}, document FROM course_versions WHERE course_id = ? ORDER BY seq DESC LIMIT 1`,
      ),
      one: db.prepare<[string, number], VersionRow & { document: Buffer }>(
        `SELECT ${SUMMARY_COLUMNS}, document FROM course_versions WHERE course_id = ? AND seq = ?`,
      ),
      list: db.prepare<[string], VersionRow>(`SELECT ${SUMMARY_COLUMNS} FROM course_versions WHERE course_id = ? ORDER BY seq DESC`),
      insert: db.prepare(
        `INSERT INTO course_versions (course_id, seq, reason, label, restored_seq, course_version, title, schema_version, document, size, created_at)
         VALUES (@courseId, @seq, @reason, @label, @restoredSeq, @courseVersion, @title, @schemaVersion, @document, @size, @createdAt)`,
      ),
      prune: db.prepare<[string, number]>('DELETE FROM course_versions WHERE course_id = ? AND seq <= ?'),
    };
  }

  /** Wired by the host once the course service exists (the two refer to each other). */
  connect(deps: VersionDeps): void {
    this.deps = deps;
  }

  private get courses(): VersionDeps {
    if (!this.deps) throw new Error('VersionService used before connect()');
    return this.deps;
  }

  /** CourseService's hook: inside the transaction of every create and save. */
  afterWrite(course: Course, change: 'created' | 'saved'): void {
    if (this.quiet) return;
    const latest = this.stmt.latest.get(course.id);
    if (change === 'created' || !latest) {
      this.store(course, 'created');
      return;
    }
    const reason = this.reasonFor(decode(latest.document), latest.created_at, course);
    if (reason) this.store(course, reason);
  }

  private reasonFor(previous: Course, previousAt: string, course: Course): VersionReason | null {
    if (previous.type !== course.type) return 'typeChanged';
    if (documentChangedChars(previous as never, course as never) >= this.policy.largeEditChars) return 'largeEdit';
    if (this.now().getTime() - Date.parse(previousAt) >= this.policy.intervalMs) return 'interval';
    return null;
  }

  /** Stores the course as it is now. For sync: `snapshotCourse(id, 'beforeSync')` before every sync of a course. */
  snapshotCourse(courseId: string, reason: VersionReason, label = ''): VersionSummary {
    return this.store(this.courses.getCourse(courseId), reason, label);
  }

  list(courseId: string): VersionSummary[] {
    this.courses.getCourse(courseId);
    return this.stmt.list.all(courseId).map(toSummary);
  }

  /** The stored document of one version. */
  document(courseId: string, seq: number): Course {
    const row = this.stmt.one.get(courseId, seq);
    if (!row) throw new StudioError('NOT_FOUND', `Course ${courseId} has no version ${seq}`, { fields: [{ path: 'seq', code: 'version.notFound' }] });
    if (row.schema_version > SNAPSHOT_SCHEMA_VERSION) {
      throw new StudioError('CONFLICT', `Version ${seq} was stored by a newer app (schema ${row.schema_version})`);
    }
    return decode(row.document);
  }

  compare(courseId: string, from: number, to: number | undefined): CourseDiff {
    const after = to === undefined ? this.courses.getCourse(courseId) : this.document(courseId, to);
    return diffCourses(this.document(courseId, from) as never, after as never);
  }

  /**
   * Makes version `seq` the course's content in one transaction: the current course is stored (`beforeRestore`),
   * the version is saved over it through the course service (so every save check applies), and the result is stored
   * (`restored`). Restoring the `beforeRestore` version undoes it.
   */
  restore(courseId: string, seq: number, baseVersion: number): { course: Course; before: VersionSummary; restored: VersionSummary } {
    const run = this.db.transaction(() => {
      const current = this.courses.getCourse(courseId);
      if (current.version !== baseVersion) {
        throw new StudioError('CONFLICT', `Course ${courseId} is at version ${current.version}, not ${baseVersion}`, {
          details: { currentVersion: current.version },
        });
      }
      const target = this.document(courseId, seq);
      const before = this.store(current, 'beforeRestore', '', seq);
      const course = this.withoutAutoSnapshots(() => this.courses.saveCourse(saveInputOf(target, courseId, current.version)));
      const restored = this.store(course, 'restored', '', seq);
      return { course, before, restored };
    });
    return run.immediate();
  }

  /** Runs `write` (which saves a course) without the automatic snapshot, for callers that store their own. */
  withoutAutoSnapshots<T>(write: () => T): T {
    const was = this.quiet;
    this.quiet = true;
    try {
      return write();
    } finally {
      this.quiet = was;
    }
  }

  private store(course: Course, reason: VersionReason, label = '', restoredSeq: number | null = null): VersionSummary {
    const latest = this.stmt.latest.get(course.id);
    const seq = (latest?.seq ?? 0) + 1;
    const document = deflateRawSync(Buffer.from(JSON.stringify(course)));
    const row: VersionRow = {
      seq,
      reason,
      label,
      restored_seq: restoredSeq,
      course_version: course.version,
      title: course.title,
      schema_version: SNAPSHOT_SCHEMA_VERSION,
      size: document.length,
      created_at: this.now().toISOString(),
    };
    this.stmt.insert.run({
      courseId: course.id,
      seq,
      reason,
      label,
      restoredSeq,
      courseVersion: course.version,
      title: course.title,
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      document,
      size: document.length,
      createdAt: row.created_at,
    });
    this.stmt.prune.run(course.id, seq - this.policy.maxPerCourse);
    return toSummary(row);
  }
}

function decode(document: Buffer): Course {
  return JSON.parse(inflateRawSync(document).toString('utf8')) as Course;
}

/**
 * The `courses.save` input that writes `document` (a course document, as `courses.get` answers) over course `id`.
 * The save schema picks the fields it knows, so fields added to the document later restore without changes here.
 */
export function saveInputOf(document: Course, id: string, baseVersion: number): HandlerInput<'courses.save'> {
  const parsed = (methods['courses.save'].input as z.ZodType<HandlerInput<'courses.save'>>).safeParse({ ...document, id, baseVersion });
  if (!parsed.success) {
    throw new StudioError('INVALID_INPUT', 'The stored version is not a valid course document', {
      fields: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), code: /^[a-zA-Z]+\.[a-zA-Z]+$/.test(i.message) ? i.message : `invalid.${i.code}` })),
    });
  }
  return parsed.data;
}
