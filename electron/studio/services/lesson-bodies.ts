/**
 * Lesson bodies in the workspace database. The host has the final word on what is stored: every body is sanitized
 * here to the WeChat-safe subset (whatever the renderer sent), measured against WeChat's article limits, and its
 * images checked against the media store — all before one IMMEDIATE transaction writes it, so a refused save writes
 * nothing.
 */
import type Database from 'better-sqlite3';
import { StudioError, type BodyImage, type LessonBody } from '../../../shared/contract/index';
import { RICH_TEXT_SCHEMA_VERSION, WECHAT_BODY_LIMITS, bodyMediaHashes } from '../../../shared/rich-text/schema';
import { sanitizeRichText } from '../../../shared/rich-text/sanitize';
import { bodyLimitProblems, bodyStats } from '../../../shared/rich-text/stats';
import { upgradeBody } from '../../../shared/rich-text/upgrade';

interface BodyRow {
  lesson_id: string;
  course_id: string;
  schema_version: number;
  html: string;
  chars: number;
  bytes: number;
  version: number;
  updated_at: string;
}

interface ImageRow {
  hash: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  state: 'pending' | 'uploaded' | null;
}

const NOTHING_DROPPED: LessonBody['dropped'] = { images: [], elements: [] };

export class LessonBodyService {
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
    /**
     * Runs inside the transaction of every body save, with the HTML and version as stored (the search index and the
     * body versions follow bodies here).
     */
    private readonly afterWrite: (courseId: string, lessonId: string, html: string, version: number) => void = () => {},
  ) {
    this.stmt = {
      lessonInCourse: db.prepare<[string, string], { id: string }>(
        `SELECT l.id FROM lessons l JOIN courses c ON c.id = l.course_id
          WHERE l.id = ? AND l.course_id = ? AND c.deleted_at IS NULL`,
      ),
      body: db.prepare<[string], BodyRow>('SELECT * FROM lesson_bodies WHERE lesson_id = ?'),
      bodiesOfCourse: db.prepare<[string], { lesson_id: string; schema_version: number; html: string }>(
        `SELECT b.lesson_id, b.schema_version, b.html FROM lesson_bodies b JOIN lessons l ON l.id = b.lesson_id
          WHERE l.course_id = ?`,
      ),
      images: db.prepare<[string], ImageRow>(
        `SELECT m.hash, m.mime, m.size, m.width, m.height, u.state
           FROM lesson_body_images i JOIN media m ON m.hash = i.hash LEFT JOIN article_image_uploads u ON u.hash = i.hash
          WHERE i.lesson_id = ? ORDER BY i.position`,
      ),
      knownMedia: db.prepare<[string], { hash: string }>('SELECT hash FROM media WHERE hash IN (SELECT value FROM json_each(?))'),
      upsert: db.prepare(
        `INSERT INTO lesson_bodies (lesson_id, course_id, schema_version, html, chars, bytes, version, updated_at)
         VALUES (@lessonId, @courseId, @schemaVersion, @html, @chars, @bytes, 1, @now)
         ON CONFLICT (lesson_id) DO UPDATE SET course_id = excluded.course_id, schema_version = excluded.schema_version,
           html = excluded.html, chars = excluded.chars, bytes = excluded.bytes, version = lesson_bodies.version + 1,
           updated_at = excluded.updated_at`,
      ),
      clearImages: db.prepare('DELETE FROM lesson_body_images WHERE lesson_id = ?'),
      insertImage: db.prepare('INSERT INTO lesson_body_images (lesson_id, hash, position) VALUES (?, ?, ?)'),
      markPending: db.prepare(
        `INSERT INTO article_image_uploads (hash, state, wechat_url, updated_at) VALUES (?, 'pending', NULL, ?)
         ON CONFLICT (hash) DO NOTHING`,
      ),
    };
  }

  get(courseId: string, lessonId: string): LessonBody {
    this.requireLesson(courseId, lessonId);
    return this.read(courseId, lessonId, NOTHING_DROPPED);
  }

  save(input: { courseId: string; lessonId: string; baseVersion: number; html: string }): LessonBody {
    const { html, report } = sanitizeRichText(input.html);
    const stats = bodyStats(html);
    const over = bodyLimitProblems(stats);
    if (over.length > 0) {
      throw new StudioError(
        'INVALID_INPUT',
        `The body is over WeChat's limits (${stats.chars} characters, ${stats.bytes} bytes; fewer than ${WECHAT_BODY_LIMITS.maxChars} and ${WECHAT_BODY_LIMITS.maxBytes} allowed)`,
        { fields: over.map((code) => ({ path: 'html', code })), details: { chars: stats.chars, bytes: stats.bytes } },
      );
    }
    const hashes = bodyMediaHashes(html);
    const known = new Set(this.stmt.knownMedia.all(JSON.stringify(hashes)).map((r) => r.hash));
    const unknown = hashes.find((h) => !known.has(h));
    if (unknown) {
      throw new StudioError('INVALID_INPUT', `Image ${unknown} is not in the workspace`, {
        fields: [{ path: 'html', code: 'body.unknownImage' }],
        details: { hash: unknown },
      });
    }
    const tx = this.db.transaction(() => {
      this.requireLesson(input.courseId, input.lessonId);
      const stored = this.stmt.body.get(input.lessonId);
      const current = stored?.version ?? 0;
      if (current !== input.baseVersion) {
        throw new StudioError('CONFLICT', `The body of lesson ${input.lessonId} is at version ${current}, not ${input.baseVersion}`, {
          details: { currentVersion: current },
        });
      }
      const now = this.now().toISOString();
      this.stmt.upsert.run({
        lessonId: input.lessonId,
        courseId: input.courseId,
        schemaVersion: RICH_TEXT_SCHEMA_VERSION,
        html,
        chars: stats.chars,
        bytes: stats.bytes,
        now,
      });
      this.stmt.clearImages.run(input.lessonId);
      hashes.forEach((hash, position) => {
        this.stmt.insertImage.run(input.lessonId, hash, position);
        // New images wait for sync to upload them with media/uploadimg; an uploaded one stays uploaded.
        this.stmt.markPending.run(hash, now);
      });
      this.afterWrite(input.courseId, input.lessonId, html, current + 1);
    });
    tx.immediate();
    return this.read(input.courseId, input.lessonId, { images: report.droppedImages, elements: report.droppedElements });
  }

  /**
   * Writes a body that came from the team through sync: sanitized like any save, but neither checked against the
   * local version (sync has decided it wins) nor against the local outline (the lesson may arrive with a later
   * change of its course, or be in a course whose outline is in conflict here). Images not in this workspace are
   * kept in the HTML and left out of the image list until the media arrive.
   */
  /**
   * An image that synced bodies name has arrived in the library: those bodies list it now (their image lists, used by
   * usages and publishing, leave out what is not in the workspace). The text and version stay as they are.
   */
  imageArrived(hash: string): void {
    const bodies = this.db
      .prepare<[string, string], { lesson_id: string; html: string }>(
        `SELECT lesson_id, html FROM lesson_bodies b WHERE instr(html, ?) > 0
           AND NOT EXISTS (SELECT 1 FROM lesson_body_images i WHERE i.lesson_id = b.lesson_id AND i.hash = ?)`,
      )
      .all(hash, hash);
    if (bodies.length === 0) return;
    const now = this.now().toISOString();
    this.db
      .transaction(() => {
        for (const body of bodies) {
          const hashes = bodyMediaHashes(body.html);
          if (!hashes.includes(hash)) continue;
          const known = new Set(this.stmt.knownMedia.all(JSON.stringify(hashes)).map((r) => r.hash));
          this.stmt.clearImages.run(body.lesson_id);
          hashes.filter((h) => known.has(h)).forEach((h, position) => {
            this.stmt.insertImage.run(body.lesson_id, h, position);
            this.stmt.markPending.run(h, now);
          });
        }
      })
      .immediate();
  }

  writeSynced(courseId: string, lessonId: string, rawHtml: string): void {
    const { html } = sanitizeRichText(rawHtml);
    const stats = bodyStats(html);
    const hashes = bodyMediaHashes(html);
    const known = new Set(this.stmt.knownMedia.all(JSON.stringify(hashes)).map((r) => r.hash));
    this.db
      .transaction(() => {
        const current = this.stmt.body.get(lessonId)?.version ?? 0;
        const now = this.now().toISOString();
        this.stmt.upsert.run({ lessonId, courseId, schemaVersion: RICH_TEXT_SCHEMA_VERSION, html, chars: stats.chars, bytes: stats.bytes, now });
        this.stmt.clearImages.run(lessonId);
        hashes.filter((h) => known.has(h)).forEach((hash, position) => {
          this.stmt.insertImage.run(lessonId, hash, position);
          this.stmt.markPending.run(hash, now);
        });
        this.afterWrite(courseId, lessonId, html, current + 1);
      })
      .immediate();
  }

  /** The stored HTML of a lesson's body (upgraded to the current schema), or null when it has none. */
  storedHtml(lessonId: string): { courseId: string; html: string } | null {
    const row = this.stmt.body.get(lessonId);
    return row ? { courseId: row.course_id, html: upgradeBody(row.schema_version, row.html) } : null;
  }

  /** The bodies of a course's current lessons (lesson id → HTML), for the compliance scan. */
  htmlOfCourse(courseId: string): Map<string, string> {
    return new Map(this.stmt.bodiesOfCourse.all(courseId).map((r) => [r.lesson_id, upgradeBody(r.schema_version, r.html)]));
  }

  private requireLesson(courseId: string, lessonId: string): void {
    if (!this.stmt.lessonInCourse.get(lessonId, courseId)) {
      throw new StudioError('NOT_FOUND', `Lesson ${lessonId} is not in course ${courseId}`);
    }
  }

  private read(courseId: string, lessonId: string, dropped: LessonBody['dropped']): LessonBody {
    const row = this.stmt.body.get(lessonId);
    const images: BodyImage[] = this.stmt.images.all(lessonId).map((r) => ({
      hash: r.hash,
      mime: r.mime,
      size: r.size,
      width: r.width,
      height: r.height,
      uploadState: r.state ?? 'pending',
      fitsArticle: WECHAT_BODY_LIMITS.imageMimes.includes(r.mime) && r.size < WECHAT_BODY_LIMITS.imageMaxBytes,
    }));
    if (!row) {
      return { courseId, lessonId, html: '', schemaVersion: RICH_TEXT_SCHEMA_VERSION, version: 0, updatedAt: null, chars: 0, bytes: 0, images, dropped };
    }
    const html = upgradeBody(row.schema_version, row.html);
    const stats = html === row.html ? { chars: row.chars, bytes: row.bytes } : bodyStats(html);
    return {
      courseId,
      lessonId,
      html,
      schemaVersion: RICH_TEXT_SCHEMA_VERSION,
      version: row.version,
      updatedAt: row.updated_at,
      ...stats,
      images,
      dropped,
    };
  }
}
