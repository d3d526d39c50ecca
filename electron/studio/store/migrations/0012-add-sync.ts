import type { Migration } from './types';

/**
 * Team sync (issue 10). Beside the synced tables rather than inside them, one row per synced thing — a course with
 * its outline, or one lesson's body — with what sync needs to know about it:
 *
 * - `synced_version`: the companion's version this row was last in step with (the base of its next push; 0 = never
 *   synced). `dirty`: changed here since; `change_id` names that change, so a push repeated after a lost answer is
 *   recognised by the companion. `deleted_at`: a tombstone (a course moved to the trash here).
 * - `conflict`: the companion has a newer version than our base and we changed the row too; both are kept in
 *   `sync_conflicts` until the creator chooses, and the row is neither pushed nor overwritten meanwhile.
 *
 * `sync_inbox` holds pulled rows not applied yet (a body whose course has not arrived, or rows pulled just before a
 * crash): it and the feed cursor in `sync_state` are written in one transaction, so no pulled change is lost.
 * Existing courses and bodies start dirty with base 0: the first sync sends them all.
 */
/** Marks every live course and body not yet known to sync as a change to send (also used by the sync benchmark). */
export const SYNC_BACKFILL_SQL = `
  INSERT OR IGNORE INTO sync_rows (kind, id, course_id, synced_version, dirty, change_id, deleted_at, updated_at)
    SELECT 'course', id, id, 0, 1, lower(hex(randomblob(16))), NULL, updated_at FROM courses WHERE deleted_at IS NULL;
  INSERT OR IGNORE INTO sync_rows (kind, id, course_id, synced_version, dirty, change_id, deleted_at, updated_at)
    SELECT 'lessonBody', b.lesson_id, b.course_id, 0, 1, lower(hex(randomblob(16))), NULL, b.updated_at
      FROM lesson_bodies b JOIN courses c ON c.id = b.course_id WHERE c.deleted_at IS NULL;
`;

export const addSync: Migration = {
  version: 12,
  name: 'add-sync',
  up: (db) => {
    db.exec(`
      CREATE TABLE sync_rows (
        kind TEXT NOT NULL CHECK (kind IN ('course', 'lessonBody')),
        id TEXT NOT NULL,
        course_id TEXT NOT NULL,
        synced_version INTEGER NOT NULL DEFAULT 0 CHECK (synced_version >= 0),
        dirty INTEGER NOT NULL CHECK (dirty IN (0, 1)),
        conflict INTEGER NOT NULL DEFAULT 0 CHECK (conflict IN (0, 1)),
        change_id TEXT NOT NULL,
        deleted_at TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (kind, id)
      ) STRICT;
      CREATE INDEX sync_rows_outbox ON sync_rows (kind, id) WHERE dirty = 1 AND conflict = 0;
      CREATE INDEX sync_rows_by_course ON sync_rows (course_id);

      CREATE TABLE sync_conflicts (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('course', 'lessonBody')),
        row_id TEXT NOT NULL,
        course_id TEXT NOT NULL,
        local_data TEXT,
        local_deleted INTEGER NOT NULL CHECK (local_deleted IN (0, 1)),
        remote_version INTEGER NOT NULL,
        remote_data TEXT,
        remote_deleted INTEGER NOT NULL CHECK (remote_deleted IN (0, 1)),
        remote_change_id TEXT NOT NULL,
        remote_updated_at TEXT NOT NULL,
        remote_updated_by TEXT,
        reason TEXT,
        created_at TEXT NOT NULL,
        resolved_at TEXT,
        resolution TEXT CHECK (resolution IN ('mine', 'theirs', 'both'))
      ) STRICT;
      CREATE UNIQUE INDEX sync_conflicts_open ON sync_conflicts (kind, row_id) WHERE resolved_at IS NULL;

      CREATE TABLE sync_inbox (
        kind TEXT NOT NULL CHECK (kind IN ('course', 'lessonBody')),
        id TEXT NOT NULL,
        course_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        row TEXT NOT NULL,
        PRIMARY KEY (kind, id)
      ) STRICT;

      CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `);
    db.exec(SYNC_BACKFILL_SQL);
  },
};
