import type { Migration } from './types';

/**
 * Campaign funnels (issue 9): one row per plan holding its versioned JSON document (shared/funnel/document.ts,
 * migrated on load by pure functions, so a new document version needs no SQL migration), a save version for
 * conflict checks and a tombstone for sync. `funnel_settings` is the workspace's choice for each CONFLICT item of the
 * rule table (resources/funnel/rules.json), one JSON row.
 */
export const addFunnels: Migration = {
  version: 10,
  name: 'add-funnels',
  up: (db) => {
    db.exec(`
      CREATE TABLE funnels (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
        document TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT
      ) STRICT;
      CREATE INDEX funnels_by_updated ON funnels (deleted_at, updated_at);
      CREATE TABLE funnel_settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        document TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
