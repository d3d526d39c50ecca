import type { Migration } from './types';

/**
 * Version history of lesson bodies (issue 7), beside `course_versions`: snapshots of one lesson's sanitized body HTML,
 * deflated, numbered per lesson; the host keeps a bounded number per lesson (services/lesson-body-versions.ts).
 *
 * Like `lesson_bodies`, `lesson_id` has no foreign key to `lessons` (a lesson brought back by undo keeps its history);
 * the course's deletion removes its bodies' history. Bodies saved before this migration get their first version when
 * they are next saved.
 */
export const addLessonBodyVersions: Migration = {
  version: 9,
  name: 'add-lesson-body-versions',
  up: (db) => {
    db.exec(`
      CREATE TABLE lesson_body_versions (
        id INTEGER PRIMARY KEY,
        lesson_id TEXT NOT NULL,
        course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL CHECK (seq >= 1),
        reason TEXT NOT NULL CHECK (reason IN ('created', 'interval', 'largeEdit', 'manual', 'beforeRestore', 'restored', 'beforeSync')),
        label TEXT NOT NULL DEFAULT '',
        restored_seq INTEGER,
        body_version INTEGER NOT NULL CHECK (body_version >= 0),
        schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
        html BLOB NOT NULL,
        chars INTEGER NOT NULL CHECK (chars >= 0),
        size INTEGER NOT NULL CHECK (size >= 0),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX lesson_body_versions_by_lesson ON lesson_body_versions (lesson_id, seq);
      CREATE INDEX lesson_body_versions_by_course ON lesson_body_versions (course_id);
    `);
  },
};
