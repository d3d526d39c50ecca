/**
 * Version history of lesson bodies: snapshots of one lesson's stored HTML, deflated, numbered per lesson, at most
 * LESSON_VERSION_POLICY.maxPerLesson kept (the oldest go first). The rules are the course versions' (versions.ts):
 *
 * `afterWrite`, called by LessonBodyService inside each body save's transaction, stores
 * - the first save of a body with no version yet: `created`;
 * - a save that changed at least `largeEditChars` characters of text since the latest snapshot: `largeEdit`;
 * - otherwise the first save at least `intervalMs` after the latest snapshot: `interval`;
 * and on demand (`manual`), around a restore (`beforeRestore`, `restored`), and by sync through
 * `snapshotBody(courseId, lessonId, 'beforeSync')`.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import {
  StudioError,
  type LessonBody,
  type LessonVersionReason,
  type LessonVersionSummary,
  type TextOp,
} from '../../../shared/contract/index';
import { richTextToText } from '../../../shared/compliance/rich-text';
import { RICH_TEXT_SCHEMA_VERSION } from '../../../shared/rich-text/schema';
import { upgradeBody } from '../../../shared/rich-text/upgrade';
import { bodyStats } from '../../../shared/rich-text/stats';
import { changedChars, diffText } from '../../../shared/versions/diff';

export const LESSON_VERSION_POLICY = {
  intervalMs: 5 * 60 * 1000,
  largeEditChars: 200,
  maxPerLesson: 100,
} as const;

interface VersionRow {
  seq: number;
  reason: LessonVersionReason;
  label: string;
  restored_seq: number | null;
  body_version: number;
  schema_version: number;
  chars: number;
  size: number;
  created_at: string;
}

const SUMMARY_COLUMNS = 'seq, reason, label, restored_seq, body_version, schema_version, chars, size, created_at';

function toSummary(row: VersionRow): LessonVersionSummary {
  return {
    seq: row.seq,
    reason: row.reason,
    label: row.label,
    bodyVersion: row.body_version,
    chars: row.chars,
    size: row.size,
    createdAt: row.created_at,
    restoredSeq: row.restored_seq,
  };
}

export interface LessonVersionDeps {
  getBody: (courseId: string, lessonId: string) => LessonBody;
  saveBody: (input: { courseId: string; lessonId: string; baseVersion: number; html: string }) => LessonBody;
}

/** The body as plain text, one line per block (leading and trailing line breaks dropped). */
const textOf = (html: string) => richTextToText(html).text.trim();

export class LessonBodyVersionService {
  private readonly stmt;
  /** Set while this service saves a body itself (restore), so that the save takes no automatic snapshot. */
  private quiet = false;
  private deps: LessonVersionDeps | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
    private readonly policy: { intervalMs: number; largeEditChars: number; maxPerLesson: number } = LESSON_VERSION_POLICY,
  ) {
    this.stmt = {
      latest: db.prepare<[string], VersionRow & { html: Buffer }>(
        `SELECT ${SUMMARY_COLUMNS}, html FROM lesson_body_versions WHERE lesson_id = ? ORDER BY seq DESC LIMIT 1`,
      ),
      one: db.prepare<[string, string, number], VersionRow & { html: Buffer }>(
        `SELECT ${SUMMARY_COLUMNS}, html FROM lesson_body_versions WHERE lesson_id = ? AND course_id = ? AND seq = ?`,
      ),
      list: db.prepare<[string, string], VersionRow>(
        `SELECT ${SUMMARY_COLUMNS} FROM lesson_body_versions WHERE lesson_id = ? AND course_id = ? ORDER BY seq DESC`,
      ),
      insert: db.prepare(
        `INSERT INTO lesson_body_versions (lesson_id, course_id, seq, reason, label, restored_seq, body_version, schema_version, html, chars, size, created_at)
         VALUES (@lessonId, @courseId, @seq, @reason, @label, @restoredSeq, @bodyVersion, @schemaVersion, @html, @chars, @size, @createdAt)`,
      ),
      prune: db.prepare<[string, number]>('DELETE FROM lesson_body_versions WHERE lesson_id = ? AND seq <= ?'),
    };
  }

  /** Wired by the host once the body service exists (the two refer to each other). */
  connect(deps: LessonVersionDeps): void {
    this.deps = deps;
  }

  private get bodies(): LessonVersionDeps {
    if (!this.deps) throw new Error('LessonBodyVersionService used before connect()');
    return this.deps;
  }

  /** LessonBodyService's hook: inside the transaction of every body save, with the body as stored. */
  afterWrite(written: { courseId: string; lessonId: string; html: string; version: number }): void {
    if (this.quiet) return;
    const body = { ...written, schemaVersion: RICH_TEXT_SCHEMA_VERSION };
    const latest = this.stmt.latest.get(body.lessonId);
    if (!latest) {
      this.store(body, 'created');
      return;
    }
    const reason = this.reasonFor(decode(latest), latest.created_at, body.html);
    if (reason) this.store(body, reason);
  }

  private reasonFor(previousHtml: string, previousAt: string, html: string): LessonVersionReason | null {
    if (changedChars(textOf(previousHtml), textOf(html)) >= this.policy.largeEditChars) return 'largeEdit';
    if (this.now().getTime() - Date.parse(previousAt) >= this.policy.intervalMs) return 'interval';
    return null;
  }

  /** Stores the body as it is now. For sync: `snapshotBody(courseId, lessonId, 'beforeSync')` before a body is sent. */
  snapshotBody(courseId: string, lessonId: string, reason: LessonVersionReason, label = ''): LessonVersionSummary {
    return this.store(this.bodies.getBody(courseId, lessonId), reason, label);
  }

  list(courseId: string, lessonId: string): LessonVersionSummary[] {
    this.bodies.getBody(courseId, lessonId);
    return this.stmt.list.all(lessonId, courseId).map(toSummary);
  }

  /** The stored HTML of one version, upgraded to the current rich-text schema. */
  html(courseId: string, lessonId: string, seq: number): string {
    const row = this.stmt.one.get(lessonId, courseId, seq);
    if (!row) {
      throw new StudioError('NOT_FOUND', `Lesson ${lessonId} has no body version ${seq}`, { fields: [{ path: 'seq', code: 'version.notFound' }] });
    }
    return decode(row);
  }

  compare(courseId: string, lessonId: string, from: number, to: number | undefined): { text: TextOp[] } {
    const after = to === undefined ? this.bodies.getBody(courseId, lessonId).html : this.html(courseId, lessonId, to);
    return { text: diffText(textOf(this.html(courseId, lessonId, from)), textOf(after)) };
  }

  /**
   * Makes version `seq` the lesson's body in one transaction: the current body is stored (`beforeRestore`), the
   * version's HTML is saved through the body service (sanitizer, limits, images, version check), and the result is
   * stored (`restored`). Restoring the `beforeRestore` version undoes it.
   */
  restore(courseId: string, lessonId: string, seq: number, baseVersion: number): { body: LessonBody; before: LessonVersionSummary; restored: LessonVersionSummary } {
    const run = this.db.transaction(() => {
      const current = this.bodies.getBody(courseId, lessonId);
      if (current.version !== baseVersion) {
        throw new StudioError('CONFLICT', `The body of lesson ${lessonId} is at version ${current.version}, not ${baseVersion}`, {
          details: { currentVersion: current.version },
        });
      }
      const target = this.html(courseId, lessonId, seq);
      const before = this.store(current, 'beforeRestore', '', seq);
      const was = this.quiet;
      this.quiet = true;
      let body: LessonBody;
      try {
        body = this.bodies.saveBody({ courseId, lessonId, baseVersion, html: target });
      } finally {
        this.quiet = was;
      }
      const restored = this.store(body, 'restored', '', seq);
      return { body, before, restored };
    });
    return run.immediate();
  }

  private store(
    body: { courseId: string; lessonId: string; html: string; version: number; schemaVersion: number },
    reason: LessonVersionReason,
    label = '',
    restoredSeq: number | null = null,
  ): LessonVersionSummary {
    const latest = this.stmt.latest.get(body.lessonId);
    const seq = (latest?.seq ?? 0) + 1;
    const html = deflateRawSync(Buffer.from(body.html));
    const row: VersionRow = {
      seq,
      reason,
      label,
      restored_seq: restoredSeq,
      body_version: body.version,
      schema_version: body.schemaVersion,
      chars: bodyStats(body.html).chars,
      size: html.length,
      created_at: this.now().toISOString(),
    };
    this.stmt.insert.run({
      lessonId: body.lessonId,
      courseId: body.courseId,
      seq,
      reason,
      label,
      restoredSeq,
      bodyVersion: row.body_version,
      schemaVersion: row.schema_version,
      html,
      chars: row.chars,
      size: row.size,
      createdAt: row.created_at,
    });
    this.stmt.prune.run(body.lessonId, seq - this.policy.maxPerLesson);
    return toSummary(row);
  }
}

function decode(row: { html: Buffer; schema_version: number }): string {
  return upgradeBody(row.schema_version, inflateRawSync(row.html).toString('utf8'));
}
