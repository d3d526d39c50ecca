import type { Migration } from './types';

/**
 * Rich-text lesson bodies (issue 7): one row per lesson with the sanitized HTML, its rich-text schemaVersion, its own
 * version (bodies are saved apart from the course document, against the version the editor started from) and the
 * measured size; which stored images each body shows; and each image's upload state for WeChat's article images
 * (`media/uploadimg`), `pending` until sync uploads it.
 *
 * `lesson_id` deliberately has no foreign key to `lessons`: a lesson deleted from the outline and brought back by the
 * course editor's undo keeps its body. Reads join `lessons`, so a removed lesson's body is neither shown nor scanned.
 */
export const addLessonBodies: Migration = {
  version: 6,
  name: 'add-lesson-bodies',
  up: (db) => {
    db.exec(`
      CREATE TABLE lesson_bodies (
        lesson_id TEXT PRIMARY KEY,
        course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
        schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
        html TEXT NOT NULL,
        chars INTEGER NOT NULL CHECK (chars >= 0),
        bytes INTEGER NOT NULL CHECK (bytes >= 0),
        version INTEGER NOT NULL CHECK (version >= 1),
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX lesson_bodies_by_course ON lesson_bodies (course_id);

      CREATE TABLE lesson_body_images (
        lesson_id TEXT NOT NULL REFERENCES lesson_bodies (lesson_id) ON DELETE CASCADE,
        hash TEXT NOT NULL REFERENCES media (hash),
        position INTEGER NOT NULL,
        PRIMARY KEY (lesson_id, hash)
      ) STRICT;
      CREATE INDEX lesson_body_images_by_hash ON lesson_body_images (hash);

      CREATE TABLE article_image_uploads (
        hash TEXT PRIMARY KEY REFERENCES media (hash),
        state TEXT NOT NULL CHECK (state IN ('pending', 'uploaded')),
        wechat_url TEXT CHECK ((state = 'uploaded') = (wechat_url IS NOT NULL)),
        updated_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
