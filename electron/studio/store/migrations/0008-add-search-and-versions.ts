import type { Migration } from './types';

/**
 * Full-text search and version history.
 *
 * `search_entries` holds one row per searchable text of a course (its title and summary, each chapter and lesson
 * title; later lesson bodies) keyed by what it belongs to; `search_fts` is an FTS5 index over it with the trigram
 * tokenizer (any 3+ character substring, which is what Chinese needs without a word segmenter), as an external-content
 * table so the text is stored once. Queries of 1–2 characters cannot use trigrams and scan `search_entries.text`
 * through `search_grams`, a contentless FTS5 index of each text's character bigrams (see gramTokens in
 * shared/search/query.ts; this migration keeps its own copy, as it was when the migration shipped). Rows are written by the host in the same transaction as the save
 * that changes them; existing courses are indexed here.
 *
 * `course_versions` holds snapshots of whole course documents (the JSON `courses.get` answers, deflated), numbered per
 * course; the host keeps a bounded number per course.
 */
export const addSearchAndVersions: Migration = {
  version: 8,
  name: 'add-search-and-versions',
  up: (db) => {
    // The highlight markers (U+E000, U+E001) never occur in indexed text, as in searchText() in services/search.ts.
    const clean = (column: string) => `replace(replace(${column}, char(57344), char(65533)), char(57345), char(65533))`;
    db.exec(`
      CREATE TABLE search_entries (
        id INTEGER PRIMARY KEY,
        course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('course', 'chapter', 'lesson')),
        target_id TEXT NOT NULL,
        field TEXT NOT NULL,
        text TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX search_entries_by_target ON search_entries (course_id, kind, target_id, field);

      CREATE VIRTUAL TABLE search_fts USING fts5 (
        text,
        content = 'search_entries',
        content_rowid = 'id',
        tokenize = 'trigram'
      );

      INSERT INTO search_entries (course_id, kind, target_id, field, text)
        SELECT id, 'course', id, 'title', ${clean('title')} FROM courses WHERE title <> ''
        UNION ALL SELECT id, 'course', id, 'summary', ${clean('summary')} FROM courses WHERE summary <> ''
        UNION ALL SELECT course_id, 'chapter', id, 'title', ${clean('title')} FROM chapters WHERE title <> ''
        UNION ALL SELECT course_id, 'lesson', id, 'title', ${clean('title')} FROM lessons WHERE title <> '';
      INSERT INTO search_fts (search_fts) VALUES ('rebuild');

      CREATE VIRTUAL TABLE search_grams USING fts5 (grams, content = '', contentless_delete = 1, prefix = '6');

      CREATE TABLE course_versions (
        id INTEGER PRIMARY KEY,
        course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL CHECK (seq >= 1),
        reason TEXT NOT NULL CHECK (reason IN ('created', 'interval', 'typeChanged', 'largeEdit', 'manual', 'beforeRestore', 'restored', 'imported', 'beforeSync')),
        label TEXT NOT NULL DEFAULT '',
        restored_seq INTEGER,
        course_version INTEGER NOT NULL,
        title TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        document BLOB NOT NULL,
        size INTEGER NOT NULL CHECK (size >= 0),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX course_versions_by_course ON course_versions (course_id, seq);
    `);
    const insertGrams = db.prepare<[number, string]>('INSERT INTO search_grams (rowid, grams) VALUES (?, ?)');
    for (const row of db.prepare<[], { id: number; text: string }>('SELECT id, text FROM search_entries').all()) {
      insertGrams.run(row.id, gramTokens(row.text));
    }
  },
};

/** shared/search/query.ts `gramTokens` as of this migration. */
function gramTokens(text: string): string {
  const points: string[] = [];
  for (const ch of text) {
    const lower = ch.toLowerCase();
    points.push((lower.length === ch.length ? lower : ch).codePointAt(0)!.toString(16).padStart(6, '0'));
  }
  return points.map((p, i) => (i + 1 < points.length ? p + points[i + 1]! : p)).join(' ');
}
