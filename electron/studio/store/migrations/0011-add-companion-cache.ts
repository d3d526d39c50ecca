import type { Migration } from './types';

/**
 * Issue 10: what the studio keeps from the companion so it reads offline — orders, members, events, per-course sales
 * and the facts funnel actuals count (scans and follows by scene, unfollows, purchases, with times) — replaced as a
 * whole on every pull; and each course's latest publish job with its article URL.
 */
export const addCompanionCache: Migration = {
  version: 11,
  name: 'add-companion-cache',
  up: (db) => {
    db.exec(`
      CREATE TABLE companion_cache (
        kind TEXT NOT NULL CHECK (kind IN ('order', 'member', 'event', 'sale', 'fact')),
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (kind, id)
      ) STRICT;
      CREATE INDEX companion_cache_in_order ON companion_cache (kind, position);

      CREATE TABLE companion_cache_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE course_publications (
        course_id TEXT PRIMARY KEY REFERENCES courses (id) ON DELETE CASCADE,
        job_id TEXT NOT NULL,
        state TEXT NOT NULL,
        article_url TEXT,
        job_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
