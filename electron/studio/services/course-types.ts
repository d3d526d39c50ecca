/**
 * Course-type details in the workspace database (migration 0005): reading them with their schema migrated, checking a
 * save against the type's rules, and writing them inside the course save's transaction. CourseService owns the
 * transaction; this class only reads and writes its two tables and the media rows it checks references against.
 */
import type Database from 'better-sqlite3';
import { StudioError, type HandlerInput } from '../../../shared/contract/index';
import type { CourseType, FieldIssue, Lesson } from '../../../shared/domain/course';
import {
  SALE_RULES,
  TYPE_DETAILS_VERSION,
  TypeDetailsError,
  convertCourseDetails,
  isDefaultLessonDetails,
  migrateCourseTypeDetails,
  migrateLessonTypeDetails,
  typeIssues,
  type CourseTypeDetails,
  type LessonTypeDetails,
} from '../../../shared/domain/course-types';

interface LessonRow {
  lesson_id: string;
  free_trial: number;
  price_fen: number | null;
  media_hash: string | null;
  schema_version: number;
  document: string;
}

export interface MediaChoice {
  hash: string;
  mime: string;
  size: number;
  originalName: string;
  createdAt: string;
}

type SaveInput = HandlerInput<'courses.save'>;

export class CourseTypeStore {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      course: db.prepare<[string], { schema_version: number; document: string }>(
        'SELECT schema_version, document FROM course_type_details WHERE course_id = ?',
      ),
      lessons: db.prepare<[string], LessonRow>(
        `SELECT lesson_id, free_trial, price_fen, media_hash, schema_version, document
           FROM lesson_type_details WHERE course_id = ?`,
      ),
      upsertCourse: db.prepare(
        `INSERT INTO course_type_details (course_id, schema_version, document) VALUES (@courseId, @version, @document)
         ON CONFLICT (course_id) DO UPDATE SET schema_version = excluded.schema_version, document = excluded.document`,
      ),
      upsertLesson: db.prepare(
        `INSERT INTO lesson_type_details (lesson_id, course_id, free_trial, price_fen, media_hash, schema_version, document)
         VALUES (@lessonId, @courseId, @freeTrial, @priceFen, @mediaHash, @version, @document)
         ON CONFLICT (lesson_id) DO UPDATE SET course_id = excluded.course_id, free_trial = excluded.free_trial,
                price_fen = excluded.price_fen, media_hash = excluded.media_hash,
                schema_version = excluded.schema_version, document = excluded.document`,
      ),
      deleteOtherLessons: db.prepare(
        'DELETE FROM lesson_type_details WHERE course_id = ? AND lesson_id NOT IN (SELECT value FROM json_each(?))',
      ),
      media: db.prepare<[string], { mime: string }>('SELECT mime FROM media WHERE hash = ?'),
      storedLessonMedia: db.prepare<[string, string], { media_hash: string | null }>(
        'SELECT media_hash FROM lesson_type_details WHERE lesson_id = ? AND course_id = ?',
      ),
      mediaOfKind: db.prepare<[string], { hash: string; mime: string; size: number; original_name: string; created_at: string }>(
        "SELECT hash, mime, size, original_name, created_at FROM media WHERE mime LIKE ? ESCAPE '\\' ORDER BY created_at DESC, hash LIMIT 500",
      ),
    };
  }

  /** The course's details at the current schema; the type's defaults when none are stored. */
  courseDetails(courseId: string, type: CourseType): CourseTypeDetails {
    const row = this.stmt.course.get(courseId);
    return this.readable(courseId, () =>
      migrateCourseTypeDetails(row ? { ...(JSON.parse(row.document) as object), schemaVersion: row.schema_version } : null, type),
    );
  }

  /** Each lesson's stored details (lessons without a row have the defaults and are not in the map). */
  lessonDetails(courseId: string): Map<string, LessonTypeDetails> {
    const out = new Map<string, LessonTypeDetails>();
    for (const row of this.stmt.lessons.all(courseId)) {
      const raw = {
        ...(JSON.parse(row.document) as object),
        schemaVersion: row.schema_version,
        freeTrial: row.free_trial === 1,
        priceFen: row.price_fen,
        mediaHash: row.media_hash,
      };
      out.set(row.lesson_id, this.readable(courseId, () => migrateLessonTypeDetails(raw)));
    }
    return out;
  }

  /**
   * The details a save stores, checked: the ones sent, or (when omitted) the stored ones — converted if the type
   * changed, as the editor does after the creator confirms. Throws INVALID_INPUT with every problem's field path.
   * Runs inside the save's transaction, so a refusal leaves nothing written.
   */
  resolveAndCheck(input: SaveInput, storedType: CourseType, now: Date): CourseTypeDetails {
    const stored = this.courseDetails(input.id, storedType);
    const details: CourseTypeDetails = input.typeDetails ?? convertCourseDetails(stored, input.type).details;
    const issues: FieldIssue[] = typeIssues(details, {
      type: input.type,
      priceFen: input.priceFen,
      chapters: input.chapters,
      now: now.getTime(),
      previous: stored,
    });
    const kind = SALE_RULES[input.type].lessonMedia;
    input.chapters.forEach((chapter, ci) =>
      chapter.lessons.forEach((lesson, li) => {
        const hash = lesson.typeDetails?.mediaHash;
        if (!hash || !kind) return;
        const path = `chapters.${ci}.lessons.${li}.typeDetails.mediaHash`;
        const media = this.stmt.media.get(hash);
        // A reference the lesson already had stays valid while its file is away: team sync brings lesson media
        // after the row (sync-media.ts), and the course must stay editable meanwhile. Only a newly chosen file must
        // be in the workspace.
        if (!media && this.stmt.storedLessonMedia.get(lesson.id, input.id)?.media_hash === hash) return;
        if (!media) issues.push({ path, code: 'lessonMedia.unknown' });
        else if (!media.mime.startsWith(`${kind}/`)) issues.push({ path, code: 'lessonMedia.wrongKind' });
      }),
    );
    if (issues.length > 0) {
      throw new StudioError('INVALID_INPUT', `Course ${input.id}: ${issues[0]!.path} is not valid (${issues[0]!.code})`, { fields: issues });
    }
    return details;
  }

  /** Writes the course's details and replaces its lessons' (a lesson back at the defaults loses its row). */
  write(courseId: string, details: CourseTypeDetails, lessons: readonly Lesson[]): void {
    const { schemaVersion: _v, ...document } = details;
    this.stmt.upsertCourse.run({ courseId, version: TYPE_DETAILS_VERSION, document: JSON.stringify(document) });
    const kept: string[] = [];
    for (const lesson of lessons) {
      if (isDefaultLessonDetails(lesson.typeDetails)) continue;
      const { schemaVersion: _lv, freeTrial, priceFen, mediaHash, ...rest } = lesson.typeDetails!;
      this.stmt.upsertLesson.run({
        lessonId: lesson.id,
        courseId,
        freeTrial: freeTrial ? 1 : 0,
        priceFen,
        mediaHash,
        version: TYPE_DETAILS_VERSION,
        document: JSON.stringify(rest),
      });
      kept.push(lesson.id);
    }
    this.stmt.deleteOtherLessons.run(courseId, JSON.stringify(kept));
  }

  /** Audio or video files in the workspace a lesson may point at, newest first. */
  mediaChoices(kind: 'audio' | 'video'): MediaChoice[] {
    return this.stmt.mediaOfKind.all(`${kind}/%`).map((r) => ({
      hash: r.hash,
      mime: r.mime,
      size: r.size,
      originalName: r.original_name,
      createdAt: r.created_at,
    }));
  }

  /** A stored document this app cannot read makes the course unreadable with a clear error, not a crash. */
  private readable<T>(courseId: string, read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (error instanceof TypeDetailsError) {
        throw new StudioError('CONFLICT', `Course ${courseId} has type details this app cannot read: ${error.message}`, {
          details: { reason: error.code },
        });
      }
      throw error;
    }
  }
}
