import type { CompanionMigration } from './types';

/**
 * Team sync (issue 10): the team's synced rows — courses with their outline and lesson bodies — as opaque JSON
 * documents with a server-assigned version. `version` comes from one sequence for all rows, so `sync_rows` ordered by
 * version is the change feed (each row appears once, at its latest write; tombstones stay so deletions travel).
 */
export const addSync: CompanionMigration = {
  version: 4,
  name: 'add-sync',
  up: (db) => {
    db.exec(`
      CREATE TABLE sync_rows (
        kind TEXT NOT NULL CHECK (kind IN ('course', 'lessonBody')),
        id TEXT NOT NULL,
        course_id TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        data TEXT,
        updated_at TEXT NOT NULL,
        deleted_at TEXT,
        updated_by TEXT REFERENCES members (id) ON DELETE SET NULL,
        updated_by_name TEXT,
        change_id TEXT NOT NULL,
        PRIMARY KEY (kind, id),
        CHECK ((data IS NULL) = (deleted_at IS NOT NULL))
      ) STRICT;
      CREATE UNIQUE INDEX sync_rows_by_version ON sync_rows (version);

      -- The last version handed out; a row's version never goes back, even when its row is rewritten.
      CREATE TABLE sync_sequence (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        last INTEGER NOT NULL
      ) STRICT;
      INSERT INTO sync_sequence (id, last) VALUES (1, 0);

      -- Every change id ever written and the version it got: a push repeated after its answer was lost is recognised
      -- even when someone has changed the row again since.
      CREATE TABLE sync_applied (
        change_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        version INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
