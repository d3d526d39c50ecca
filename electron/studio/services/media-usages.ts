/**
 * Where a stored file is used, asked before it may be deleted. Each place that can point at a media hash is one
 * source; the library asks them all: course covers, a lesson's audio or video, and images in lesson bodies (each a
 * query by hash on an index).
 */
import type Database from 'better-sqlite3';
import type { MediaUsage } from '../../../shared/contract/index';

export interface MediaUsageSource {
  /** The usage kind it reports (`courseCover`, `lessonMedia`, …); the renderer translates `media.usage.<kind>`. */
  kind: string;
  find(db: Database.Database, hash: string): MediaUsage[];
}

/** Covers of courses, those in the trash included: a restored course would otherwise lose its cover. */
export const courseCovers: MediaUsageSource = {
  kind: 'courseCover',
  find: (db, hash) =>
    db
      .prepare<[string], { id: string; title: string; deleted_at: string | null }>(
        'SELECT id, title, deleted_at FROM courses WHERE cover_hash = ? ORDER BY deleted_at IS NOT NULL, updated_at DESC',
      )
      .all(hash)
      .map((row) => ({ kind: 'courseCover', courseId: row.id, courseTitle: row.title, lessonId: null, lessonTitle: null, inTrash: row.deleted_at !== null })),
};

type LessonRow = { course_id: string; course_title: string; lesson_id: string; lesson_title: string; deleted_at: string | null };

function lessonUsage(kind: string, row: LessonRow): MediaUsage {
  return { kind, courseId: row.course_id, courseTitle: row.course_title, lessonId: row.lesson_id, lessonTitle: row.lesson_title, inTrash: row.deleted_at !== null };
}

/** A lesson's audio or video (lesson_type_details.media_hash, indexed). */
export const lessonMedia: MediaUsageSource = {
  kind: 'lessonMedia',
  find: (db, hash) =>
    db
      .prepare<[string], LessonRow>(
        `SELECT c.id AS course_id, c.title AS course_title, l.id AS lesson_id, l.title AS lesson_title, c.deleted_at
           FROM lesson_type_details d JOIN lessons l ON l.id = d.lesson_id JOIN courses c ON c.id = d.course_id
          WHERE d.media_hash = ? ORDER BY c.deleted_at IS NOT NULL, c.updated_at DESC`,
      )
      .all(hash)
      .map((row) => lessonUsage('lessonMedia', row)),
};

/** Images in lesson bodies (lesson_body_images, indexed by hash). */
export const lessonBodyImages: MediaUsageSource = {
  kind: 'lessonBodyImage',
  find: (db, hash) =>
    db
      .prepare<[string], LessonRow>(
        `SELECT c.id AS course_id, c.title AS course_title, l.id AS lesson_id, l.title AS lesson_title, c.deleted_at
           FROM lesson_body_images i JOIN lesson_bodies b ON b.lesson_id = i.lesson_id
           JOIN lessons l ON l.id = b.lesson_id JOIN courses c ON c.id = b.course_id
          WHERE i.hash = ? ORDER BY c.deleted_at IS NOT NULL, c.updated_at DESC`,
      )
      .all(hash)
      .map((row) => lessonUsage('lessonBodyImage', row)),
};

export const MEDIA_USAGE_SOURCES: readonly MediaUsageSource[] = [courseCovers, lessonMedia, lessonBodyImages];

export function findMediaUsages(db: Database.Database, hash: string, sources: readonly MediaUsageSource[] = MEDIA_USAGE_SOURCES): MediaUsage[] {
  return sources.flatMap((source) => source.find(db, hash));
}
