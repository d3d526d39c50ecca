import type { Migration } from './types';

/** The first schema: courses with a chapter → lesson outline. Shipped; never edit, add a new migration instead. */
export const createCourses: Migration = {
  version: 1,
  name: 'create-courses',
  up: (db) => {
    db.exec(`
      CREATE TABLE courses (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('article', 'audio', 'video', 'live', 'column', 'camp')),
        price_fen INTEGER NOT NULL CHECK (price_fen >= 0),
        summary TEXT NOT NULL DEFAULT '',
        cover_hash TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT
      ) STRICT;
      CREATE INDEX courses_by_updated ON courses (updated_at) WHERE deleted_at IS NULL;

      CREATE TABLE chapters (
        id TEXT PRIMARY KEY,
        course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        position INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX chapters_by_course ON chapters (course_id, position);

      CREATE TABLE lessons (
        id TEXT PRIMARY KEY,
        course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
        chapter_id TEXT NOT NULL REFERENCES chapters (id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        position INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX lessons_by_chapter ON lessons (chapter_id, position);
      CREATE INDEX lessons_by_course ON lessons (course_id);
    `);
  },
};
