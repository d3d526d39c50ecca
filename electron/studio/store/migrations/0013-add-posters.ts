import type { Migration } from './types';

/**
 * Share posters (issue 8): one row per poster holding its versioned JSON document (shared/poster/model.ts, migrated on
 * load), and the workspace's brand kit as a one-row table. `version` counts saves for the CONFLICT check.
 */
export const addPosters: Migration = {
  version: 13,
  name: 'add-posters',
  up: (db) => {
    db.exec(`
      CREATE TABLE posters (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        width INTEGER NOT NULL CHECK (width > 0),
        height INTEGER NOT NULL CHECK (height > 0),
        schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
        document TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX posters_by_updated ON posters (updated_at DESC);
      CREATE TABLE poster_brand (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        schema_version INTEGER NOT NULL,
        document TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
