/**
 * Where a stored file is used, asked before it may be deleted. Each place that can point at a media hash is one
 * source; the library asks them all. Course covers are the source on this branch; lesson media references and
 * rich-text images add a source each (a query by hash, ideally on an index) to MEDIA_USAGE_SOURCES.
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

export const MEDIA_USAGE_SOURCES: readonly MediaUsageSource[] = [courseCovers];

export function findMediaUsages(db: Database.Database, hash: string, sources: readonly MediaUsageSource[] = MEDIA_USAGE_SOURCES): MediaUsage[] {
  return sources.flatMap((source) => source.find(db, hash));
}
