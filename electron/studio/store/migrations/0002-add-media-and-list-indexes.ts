import type { Migration } from './types';

/** Content-addressed media (course covers first) and the indexes behind the course list's other sort orders. */
export const addMediaAndListIndexes: Migration = {
  version: 2,
  name: 'add-media-and-list-indexes',
  up: (db) => {
    db.exec(`
      CREATE TABLE media (
        hash TEXT PRIMARY KEY,
        mime TEXT NOT NULL,
        size INTEGER NOT NULL CHECK (size >= 0),
        width INTEGER,
        height INTEGER,
        original_name TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX courses_by_created ON courses (created_at) WHERE deleted_at IS NULL;
      CREATE INDEX courses_by_title ON courses (title) WHERE deleted_at IS NULL;
      CREATE INDEX courses_by_price ON courses (price_fen, updated_at DESC) WHERE deleted_at IS NULL;
    `);
  },
};
