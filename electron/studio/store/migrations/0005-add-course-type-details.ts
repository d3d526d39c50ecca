import type { Migration } from './types';

/**
 * Course types: each course's type details (a live session's schedule, a column's rhythm, a camp's dates, tasks and
 * check-in rules) as one versioned JSON document; and each lesson's sale and media fields as columns — free trial,
 * its own price in fen, the media it plays (by content hash, so "where is this file used" is one indexed query) — with
 * the rest (duration, transcript, chapter marks) as a JSON document of the same schema version. A course or lesson with
 * no row has its type's defaults (shared/domain/course-types.ts migrates a missing document from "version 0").
 * No foreign key to `media`: media rows are managed by the media library, and the host checks references on save.
 * Shipped; never edit, add a new migration instead.
 */
export const addCourseTypeDetails: Migration = {
  version: 5,
  name: 'add-course-type-details',
  up: (db) => {
    db.exec(`
      CREATE TABLE course_type_details (
        course_id TEXT PRIMARY KEY REFERENCES courses (id) ON DELETE CASCADE,
        schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
        document TEXT NOT NULL CHECK (json_valid(document))
      ) STRICT;

      CREATE TABLE lesson_type_details (
        lesson_id TEXT PRIMARY KEY REFERENCES lessons (id) ON DELETE CASCADE,
        course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
        free_trial INTEGER NOT NULL DEFAULT 0 CHECK (free_trial IN (0, 1)),
        -- NULL: sold only with the course. WeChat Pay's smallest amount is 1 fen.
        price_fen INTEGER CHECK (price_fen IS NULL OR price_fen >= 1),
        media_hash TEXT CHECK (media_hash IS NULL OR (length(media_hash) = 64 AND media_hash NOT GLOB '*[^0-9a-f]*')),
        schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
        document TEXT NOT NULL CHECK (json_valid(document))
      ) STRICT;
      CREATE INDEX lesson_type_details_by_course ON lesson_type_details (course_id);
      CREATE INDEX lesson_type_details_by_media ON lesson_type_details (media_hash) WHERE media_hash IS NOT NULL;
    `);
  },
};
