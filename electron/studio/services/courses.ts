/**
 * Courses in the workspace database: the list (search, sort, paging), the whole document, and saves that replace the
 * outline in one transaction against the version the editor started from.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { StudioError, type CourseSort, type CourseSummary, type HandlerInput } from '../../../shared/contract/index';
import { COURSE_LIMITS, type Chapter, type Course, type CourseType } from '../../../shared/domain/course';
import { CourseTypeStore } from './course-types';
import { checkCoverCrops, formatPicCrop, parsePicCrop, type CoverCrops, type CropBox } from '../../../shared/preview/crop';

interface CourseRow {
  id: string;
  title: string;
  type: CourseType;
  price_fen: number;
  summary: string;
  cover_hash: string | null;
  cover_crop_235_1: string | null;
  cover_crop_1_1: string | null;
  cover_focus: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

/** A stored crop in WeChat's `X1_Y1_X2_Y2` form back into a box (null when unset). */
function cropFromColumn(text: string | null): CropBox | null {
  return text === null ? null : parsePicCrop(text);
}

function cropColumns(crops: CoverCrops): { crop235: string | null; crop11: string | null; focus: string | null } {
  const col = (box: CropBox | null) => (box ? formatPicCrop(box) : null);
  return { crop235: col(crops.crop235), crop11: col(crops.crop11), focus: col(crops.focus) };
}

const ORDER_BY: Record<CourseSort, string> = {
  updatedDesc: 'c.updated_at DESC, c.id',
  createdDesc: 'c.created_at DESC, c.id',
  titleAsc: 'c.title ASC, c.id',
  priceAsc: 'c.price_fen ASC, c.updated_at DESC',
  priceDesc: 'c.price_fen DESC, c.updated_at DESC',
};

/** Escapes LIKE wildcards so a search for "100%" finds that text, not everything. */
function likePattern(query: string): string {
  return `%${query.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

export class CourseService {
  private readonly stmt;
  readonly types: CourseTypeStore;

  /**
   * @param afterWrite runs inside the transaction of every create and save with the course as stored: the search
   *   index and version history stay in step with the course, or the whole save is rolled back.
   */
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
    private readonly afterWrite: (course: Course, change: 'created' | 'saved') => void = () => {},
    /** Runs inside the transaction of every move to the trash and restore (sync records the tombstone there). */
    private readonly afterTrash: (id: string, deleted: boolean) => void = () => {},
  ) {
    this.types = new CourseTypeStore(db);
    this.stmt = {
      course: db.prepare<[string], CourseRow>(
        `SELECT id, title, type, price_fen, summary, cover_hash, cover_crop_235_1, cover_crop_1_1, cover_focus, version,
                created_at, updated_at
           FROM courses WHERE id = ? AND deleted_at IS NULL`,
      ),
      chapters: db.prepare<[string], { id: string; title: string }>(
        'SELECT id, title FROM chapters WHERE course_id = ? ORDER BY position',
      ),
      lessons: db.prepare<[string], { id: string; title: string; chapter_id: string }>(
        'SELECT id, title, chapter_id FROM lessons WHERE course_id = ? ORDER BY position',
      ),
      versionOf: db.prepare<
        [string],
        { version: number; type: CourseType; deleted_at: string | null; cover_hash: string | null; cover_crop_235_1: string | null; cover_crop_1_1: string | null; cover_focus: string | null }
      >('SELECT version, type, deleted_at, cover_hash, cover_crop_235_1, cover_crop_1_1, cover_focus FROM courses WHERE id = ?'),
      mediaSize: db.prepare<[string], { width: number | null; height: number | null }>('SELECT width, height FROM media WHERE hash = ?'),
      insertCourse: db.prepare(
        `INSERT INTO courses (id, title, type, price_fen, summary, cover_hash, version, created_at, updated_at)
         VALUES (@id, @title, @type, @priceFen, @summary, NULL, 1, @now, @now)`,
      ),
      insertSynced: db.prepare(
        `INSERT INTO courses (id, title, type, price_fen, summary, cover_hash, cover_crop_235_1, cover_crop_1_1, cover_focus,
                              version, created_at, updated_at)
         VALUES (@id, @title, @type, @priceFen, @summary, @coverHash, @crop235, @crop11, @focus, 2, @createdAt, @now)`,
      ),
      updateCourse: db.prepare(
        `UPDATE courses SET title = @title, type = @type, price_fen = @priceFen, summary = @summary,
                cover_hash = @coverHash, cover_crop_235_1 = @crop235, cover_crop_1_1 = @crop11, cover_focus = @focus,
                version = version + 1, updated_at = @now
          WHERE id = @id`,
      ),
      foreignChapters: db.prepare<[string, string], { id: string }>(
        'SELECT id FROM chapters WHERE course_id <> ? AND id IN (SELECT value FROM json_each(?))',
      ),
      foreignLessons: db.prepare<[string, string], { id: string }>(
        'SELECT id FROM lessons WHERE course_id <> ? AND id IN (SELECT value FROM json_each(?))',
      ),
      upsertChapter: db.prepare(
        `INSERT INTO chapters (id, course_id, title, position) VALUES (@id, @courseId, @title, @position)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, position = excluded.position`,
      ),
      upsertLesson: db.prepare(
        `INSERT INTO lessons (id, course_id, chapter_id, title, position)
         VALUES (@id, @courseId, @chapterId, @title, @position)
         ON CONFLICT (id) DO UPDATE SET chapter_id = excluded.chapter_id, title = excluded.title,
                                        position = excluded.position`,
      ),
      deleteOtherLessons: db.prepare(
        'DELETE FROM lessons WHERE course_id = ? AND id NOT IN (SELECT value FROM json_each(?))',
      ),
      deleteOtherChapters: db.prepare(
        'DELETE FROM chapters WHERE course_id = ? AND id NOT IN (SELECT value FROM json_each(?))',
      ),
      softDelete: db.prepare(
        'UPDATE courses SET deleted_at = ?, version = version + 1, updated_at = ? WHERE id = ? AND deleted_at IS NULL',
      ),
      restore: db.prepare(
        'UPDATE courses SET deleted_at = NULL, version = version + 1, updated_at = ? WHERE id = ? AND deleted_at IS NOT NULL',
      ),
    };
  }

  list(input: HandlerInput<'courses.list'>): { items: CourseSummary[]; total: number } {
    const query = input.query.trim();
    const where = query ? "c.deleted_at IS NULL AND c.title LIKE @pattern ESCAPE '\\'" : 'c.deleted_at IS NULL';
    const params = query ? { pattern: likePattern(query) } : {};
    const rows = this.db
      .prepare<Record<string, unknown>, CourseRow & { chapter_count: number; lesson_count: number }>(
        `SELECT c.id, c.title, c.type, c.price_fen, c.cover_hash, c.created_at, c.updated_at,
                (SELECT count(*) FROM chapters ch WHERE ch.course_id = c.id) AS chapter_count,
                (SELECT count(*) FROM lessons l WHERE l.course_id = c.id) AS lesson_count
           FROM courses c WHERE ${where}
          ORDER BY ${ORDER_BY[input.sort]} LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit: input.limit, offset: input.offset });
    const { total } = this.db
      .prepare<Record<string, unknown>, { total: number }>(`SELECT count(*) AS total FROM courses c WHERE ${where}`)
      .get(params)!;
    return {
      total,
      items: rows.map((r) => ({
        id: r.id,
        title: r.title,
        type: r.type,
        priceFen: r.price_fen,
        coverHash: r.cover_hash,
        chapterCount: r.chapter_count,
        lessonCount: r.lesson_count,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      })),
    };
  }

  get(id: string): Course {
    const row = this.stmt.course.get(id);
    if (!row) throw new StudioError('NOT_FOUND', `Course ${id} does not exist`);
    const chapters: Chapter[] = this.stmt.chapters.all(id).map((c) => ({ id: c.id, title: c.title, lessons: [] }));
    const byId = new Map(chapters.map((c) => [c.id, c]));
    const lessonDetails = this.types.lessonDetails(id);
    for (const l of this.stmt.lessons.all(id)) {
      const typeDetails = lessonDetails.get(l.id);
      byId.get(l.chapter_id)?.lessons.push(typeDetails ? { id: l.id, title: l.title, typeDetails } : { id: l.id, title: l.title });
    }
    return {
      id: row.id,
      title: row.title,
      type: row.type,
      priceFen: row.price_fen,
      summary: row.summary,
      coverHash: row.cover_hash,
      coverCrops: {
        crop235: cropFromColumn(row.cover_crop_235_1),
        crop11: cropFromColumn(row.cover_crop_1_1),
        focus: cropFromColumn(row.cover_focus),
      },
      typeDetails: this.types.courseDetails(id, row.type),
      chapters,
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  create(input: HandlerInput<'courses.create'>): Course {
    const id = randomUUID();
    const tx = this.db.transaction(() => {
      this.stmt.insertCourse.run({
        id,
        title: input.title.trim(),
        type: input.type,
        priceFen: input.priceFen,
        summary: input.summary,
        now: this.now().toISOString(),
      });
      const created = this.get(id);
      this.afterWrite(created, 'created');
      return created;
    });
    return tx.immediate();
  }

  /**
   * @param options.fromSync the team's version of the course, written by sync: its type details were checked where
   *   they were written, and are stored as they are — checked again here, a live session whose start has passed since
   *   or lesson media that have not arrived yet would keep the desktops apart for good.
   */
  save(input: HandlerInput<'courses.save'>, options: { fromSync?: boolean } = {}): Course {
    const { chapterIds, lessons, lessonIds } = checkOutline(input);

    const tx = this.db.transaction(() => {
      const stored = this.stmt.versionOf.get(input.id);
      if (!stored || stored.deleted_at) throw new StudioError('NOT_FOUND', `Course ${input.id} does not exist`);
      if (stored.version !== input.baseVersion) {
        throw new StudioError('CONFLICT', `Course ${input.id} is at version ${stored.version}, not ${input.baseVersion}`, {
          details: { currentVersion: stored.version },
        });
      }
      const crops = this.cropsToStore(input, stored);
      const typeDetails = options.fromSync && input.typeDetails ? input.typeDetails : this.types.resolveAndCheck(input, stored.type, this.now());
      const chapterJson = JSON.stringify(chapterIds);
      const lessonJson = JSON.stringify(lessonIds);
      this.checkNotForeign(input.id, chapterJson, lessonJson);
      this.stmt.updateCourse.run({
        id: input.id,
        title: input.title.trim(),
        type: input.type,
        priceFen: input.priceFen,
        summary: input.summary,
        coverHash: input.coverHash,
        ...cropColumns(crops),
        now: this.now().toISOString(),
      });
      input.chapters.forEach((c, position) =>
        this.stmt.upsertChapter.run({ id: c.id, courseId: input.id, title: c.title.trim(), position }),
      );
      // Upserts before deletes: a lesson moved out of a chapter that this save removes already points at its new
      // chapter when the old one is deleted, so ON DELETE CASCADE cannot take it along.
      for (const l of lessons) {
        this.stmt.upsertLesson.run({ id: l.id, courseId: input.id, chapterId: l.chapterId, title: l.title.trim(), position: l.position });
      }
      this.stmt.deleteOtherLessons.run(input.id, lessonJson);
      this.stmt.deleteOtherChapters.run(input.id, chapterJson);
      this.types.write(input.id, typeDetails, lessons);
      const saved = this.get(input.id);
      this.afterWrite(saved, 'saved');
      return saved;
    });
    return tx.immediate();
  }

  /**
   * Writes a course that came from the team and does not exist here (sync's bulk path for pulled courses): the same
   * checks as `save` (lesson limit, ids unique and not another course's, cover crops against the cover; type details
   * stored as sent, see `save`'s fromSync), then plain inserts — there is nothing stored to compare with or remove.
   * Leaves the course as the normal path (insert, then save) would: version 2, created when the team created it.
   * Runs inside the caller's transaction, without a savepoint of its own: every check comes before the first write.
   */
  insertSynced(input: Omit<HandlerInput<'courses.save'>, 'baseVersion'> & { createdAt: string }): Course {
    if (!this.db.inTransaction) throw new Error('CourseService.insertSynced runs inside a transaction');
    const { chapterIds, lessons, lessonIds } = checkOutline(input);
    if (this.stmt.versionOf.get(input.id)) throw new StudioError('CONFLICT', `Course ${input.id} already exists`);
    const crops = this.cropsToStore(input, { cover_hash: null, cover_crop_235_1: null, cover_crop_1_1: null, cover_focus: null });
    this.checkNotForeign(input.id, JSON.stringify(chapterIds), JSON.stringify(lessonIds));
    const typeDetails = input.typeDetails ?? this.types.resolveAndCheck({ ...input, baseVersion: 0 }, input.type, this.now());
    this.stmt.insertSynced.run({
      id: input.id,
      title: input.title.trim(),
      type: input.type,
      priceFen: input.priceFen,
      summary: input.summary,
      coverHash: input.coverHash,
      ...cropColumns(crops),
      createdAt: input.createdAt,
      now: this.now().toISOString(),
    });
    input.chapters.forEach((c, position) =>
      this.stmt.upsertChapter.run({ id: c.id, courseId: input.id, title: c.title.trim(), position }),
    );
    for (const l of lessons) {
      this.stmt.upsertLesson.run({ id: l.id, courseId: input.id, chapterId: l.chapterId, title: l.title.trim(), position: l.position });
    }
    this.types.write(input.id, typeDetails, lessons);
    const saved = this.get(input.id);
    this.afterWrite(saved, 'created');
    return saved;
  }

  private checkNotForeign(courseId: string, chapterJson: string, lessonJson: string): void {
    const foreign = [...this.stmt.foreignChapters.all(courseId, chapterJson), ...this.stmt.foreignLessons.all(courseId, lessonJson)];
    if (foreign.length > 0) {
      throw new StudioError('INVALID_INPUT', `Outline id ${foreign[0]!.id} belongs to another course`, {
        fields: [{ path: 'chapters', code: 'outline.foreignId' }],
      });
    }
  }

  /**
   * The crops this save stores: the ones sent, checked against the cover's pixel size (inside the image, the right
   * shape); when none are sent, the stored ones — unless the cover changed, since crops belong to one image.
   */
  private cropsToStore(
    input: Pick<HandlerInput<'courses.save'>, 'coverHash' | 'coverCrops'>,
    stored: { cover_hash: string | null; cover_crop_235_1: string | null; cover_crop_1_1: string | null; cover_focus: string | null },
  ): CoverCrops {
    if (!input.coverCrops) {
      if (stored.cover_hash !== input.coverHash) return { crop235: null, crop11: null, focus: null };
      return {
        crop235: cropFromColumn(stored.cover_crop_235_1),
        crop11: cropFromColumn(stored.cover_crop_1_1),
        focus: cropFromColumn(stored.cover_focus),
      };
    }
    const cover = input.coverHash ? (this.stmt.mediaSize.get(input.coverHash) ?? null) : null;
    if (input.coverHash && !cover) {
      throw new StudioError('INVALID_INPUT', `Cover ${input.coverHash} is not in the workspace`, { fields: [{ path: 'coverHash', code: 'cover.unknown' }] });
    }
    const issues = checkCoverCrops(input.coverCrops, cover);
    if (issues.length > 0) {
      throw new StudioError('INVALID_INPUT', `Cover crop ${issues[0]!.path} is not valid: ${issues[0]!.code}`, { fields: issues });
    }
    return input.coverCrops;
  }

  delete(id: string): void {
    const now = this.now().toISOString();
    this.db
      .transaction(() => {
        const changed = this.stmt.softDelete.run(now, now, id).changes;
        if (changed === 0) throw new StudioError('NOT_FOUND', `Course ${id} does not exist`);
        this.afterTrash(id, true);
      })
      .immediate();
  }

  restore(id: string): Course {
    return this.db
      .transaction(() => {
        const changed = this.stmt.restore.run(this.now().toISOString(), id).changes;
        if (changed === 0) throw new StudioError('NOT_FOUND', `No deleted course ${id} to restore`);
        this.afterTrash(id, false);
        return this.get(id);
      })
      .immediate();
  }
}

/** The checks of an outline that need no database: the lesson limit and every id once. */
function checkOutline(input: Pick<HandlerInput<'courses.save'>, 'chapters'>) {
  const chapterIds = input.chapters.map((c) => c.id);
  const lessons = input.chapters.flatMap((c) => c.lessons.map((l, position) => ({ ...l, chapterId: c.id, position })));
  const lessonIds = lessons.map((l) => l.id);
  if (lessonIds.length > COURSE_LIMITS.maxLessonsPerCourse) {
    throw new StudioError('INVALID_INPUT', `A course holds at most ${COURSE_LIMITS.maxLessonsPerCourse} lessons`, {
      fields: [{ path: 'chapters', code: 'outline.tooManyLessons' }],
    });
  }
  const duplicate = firstDuplicate([...chapterIds, ...lessonIds]);
  if (duplicate) {
    throw new StudioError('INVALID_INPUT', `Outline id ${duplicate} appears twice`, {
      fields: [{ path: 'chapters', code: 'outline.duplicateId' }],
    });
  }
  return { chapterIds, lessons, lessonIds };
}

function firstDuplicate(ids: string[]): string | null {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return null;
}
