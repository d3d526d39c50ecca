import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CourseService } from '../../electron/studio/services/courses';
import { DB_FILE_NAME, applyMigrations, openWorkspaceDatabase, type OpenResult } from '../../electron/studio/store/database';
import { MIGRATIONS, LATEST_VERSION, type Migration } from '../../electron/studio/store/migrations/index';
import { createCourses } from '../../electron/studio/store/migrations/0001-create-courses';
import { defaultTypeDetails } from '../../shared/domain/course-types';
import { V1_FIXTURE_COURSES, V1_FIXTURE_VERSION } from '../fixtures/workspace-v1-content';
import { EMPTY_COVER_CROPS } from '../../shared/preview/crop';
import { V1_FIXTURE_FILE, copyV1Fixture } from '../helpers/fixtures';
import { fixedClock } from '../helpers/host';
import { listFiles, tempDir } from '../helpers/temp-dir';

/** Every row of the v1 tables, in a stable order, for comparing two databases. */
function dumpV1Tables(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    return {
      userVersion: [db.pragma('user_version', { simple: true })],
      courses: db.prepare('SELECT * FROM courses ORDER BY id').all(),
      chapters: db.prepare('SELECT * FROM chapters ORDER BY id').all(),
      lessons: db.prepare('SELECT * FROM lessons ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
}

function expectReady(result: OpenResult): Extract<OpenResult, { state: 'ready' }> {
  if (result.state !== 'ready') throw new Error(`expected a ready workspace, got ${JSON.stringify(result)}`);
  return result;
}

function tableNames(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((r) => r.name);
}

describe('upgrading a version 1 workspace', () => {
  it('starts from a committed fixture that really is a version 1 database', () => {
    const dir = tempDir();
    const copy = path.join(dir, 'copy.db');
    fs.copyFileSync(V1_FIXTURE_FILE, copy); // read a copy: even a read-only open must not touch the committed file
    const db = new Database(copy, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(V1_FIXTURE_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(tableNames(db)).toEqual(['chapters', 'courses', 'lessons']);
    db.close();
  });

  it('reaches the latest version, reports where it came from and adds the media table', () => {
    const dir = tempDir();
    copyV1Fixture(dir);
    const result = expectReady(openWorkspaceDatabase(dir, { now: fixedClock('2024-06-01T08:09:10.123Z') }));
    try {
      expect(result.upgradedFrom).toBe(1);
      expect(result.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      expect(LATEST_VERSION).toBe(MIGRATIONS.length);
      expect(result.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(tableNames(result.db)).toContain('media');
      expect(result.db.prepare('SELECT count(*) AS n FROM media').get()).toEqual({ n: 0 });
    } finally {
      result.db.close();
    }
  });

  it('keeps a backup under backups/ that is itself the untouched version 1 database', () => {
    const dir = tempDir();
    copyV1Fixture(dir);
    const result = expectReady(openWorkspaceDatabase(dir, { now: fixedClock('2024-06-01T08:09:10.123Z') }));
    result.db.close();

    expect(result.backup).toBe(path.join(dir, 'backups', `${DB_FILE_NAME}.v1-20240601T080910Z.bak`));
    expect(listFiles(path.join(dir, 'backups'))).toEqual([`${DB_FILE_NAME}.v1-20240601T080910Z.bak`]);
    const backup = dumpV1Tables(result.backup!);
    expect(backup.userVersion).toEqual([1]);
    expect(backup).toEqual(dumpV1Tables(copyV1Fixture(tempDir())));
    const db = new Database(result.backup!, { readonly: true });
    expect(tableNames(db)).not.toContain('media');
    db.close();
  });

  it('gives every course back through CourseService, outline in order, the trashed one left out', () => {
    const dir = tempDir();
    copyV1Fixture(dir);
    const { db } = expectReady(openWorkspaceDatabase(dir));
    try {
      const courses = new CourseService(db);
      const live = V1_FIXTURE_COURSES.filter((c) => c.deletedAt === null);
      for (const { deletedAt: _deletedAt, ...expected } of live) {
        // Type details did not exist in version 1: each course reads its type's defaults (typeDetails "version 0").
        expect(courses.get(expected.id)).toEqual({ ...expected, coverCrops: EMPTY_COVER_CROPS, typeDetails: defaultTypeDetails(expected.type) });
      }
      const listed = courses.list({ query: '', sort: 'createdDesc', limit: 50, offset: 0 });
      expect(listed.total).toBe(live.length);
      expect(listed.items.map((c) => c.id)).toEqual(['course-camp', 'course-english', 'course-xhs']);
      expect(listed.items.find((c) => c.id === 'course-xhs')).toMatchObject({ chapterCount: 3, lessonCount: 5, priceFen: 19900 });
      expect(() => courses.get('course-trashed')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    } finally {
      db.close();
    }
  });

  it('upgrades once: opening again neither migrates nor backs up', () => {
    const dir = tempDir();
    copyV1Fixture(dir);
    expectReady(openWorkspaceDatabase(dir, { now: fixedClock('2024-06-01T00:00:00Z') })).db.close();
    const again = expectReady(openWorkspaceDatabase(dir, { now: fixedClock('2024-06-02T00:00:00Z') }));
    again.db.close();
    expect(again).toMatchObject({ upgradedFrom: null, backup: null });
    expect(listFiles(path.join(dir, 'backups'))).toHaveLength(1);
  });
});

describe('a migration that fails', () => {
  const failingSecondStep: Migration = {
    version: 2,
    name: 'fails-halfway',
    up: (db) => {
      db.exec('CREATE TABLE half_done (x INTEGER) STRICT');
      db.exec("UPDATE courses SET title = 'overwritten'");
      throw new Error('step 2 broke');
    },
  };

  it('leaves the database at version 1 with its data intact: every pending step is one transaction', () => {
    const dir = tempDir();
    const file = copyV1Fixture(dir);
    const before = dumpV1Tables(file);

    expect(() => openWorkspaceDatabase(dir, { migrations: [createCourses, failingSecondStep] })).toThrow('step 2 broke');

    expect(dumpV1Tables(file)).toEqual(before);
    const db = new Database(file, { readonly: true });
    expect(tableNames(db)).toEqual(['chapters', 'courses', 'lessons']);
    db.close();
  });

  it('rolls back earlier steps of the same run too, on a fresh database', () => {
    const dir = tempDir();
    expect(() => openWorkspaceDatabase(dir, { migrations: [createCourses, failingSecondStep] })).toThrow('step 2 broke');
    const db = new Database(path.join(dir, DB_FILE_NAME), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(tableNames(db)).toEqual([]);
    db.close();
  });
});

describe('a fresh data folder', () => {
  it('gets the latest schema, without an upgrade or a backup', () => {
    const dir = path.join(tempDir(), 'not-yet-created');
    const result = expectReady(openWorkspaceDatabase(dir));
    try {
      expect(result).toMatchObject({ upgradedFrom: null, backup: null });
      expect(result.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      expect(tableNames(result.db)).toEqual([
        'article_image_uploads',
        'chapters',
        'companion_cache',
        'companion_cache_meta',
        'compliance_acks',
        'course_publications',
        'course_publish_states',
        'course_type_details',
        'course_versions',
        'courses',
        'funnel_settings',
        'funnels',
        'lesson_bodies',
        'lesson_body_images',
        'lesson_body_versions',
        'lesson_type_details',
        'lessons',
        'media',
        'poster_brand',
        'posters',
        'preview_settings',
        'search_entries',
        // FTS5's own tables for the two search indexes (external content and contentless: no _content table).
        'search_fts',
        'search_fts_config',
        'search_fts_data',
        'search_fts_docsize',
        'search_fts_idx',
        'search_grams',
        'search_grams_config',
        'search_grams_data',
        'search_grams_docsize',
        'search_grams_idx',
        'sync_conflicts',
        'sync_inbox',
        'sync_rows',
        'sync_state',
        'term_list_terms',
        'term_lists',
      ]);
      expect(result.db.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      result.db.close();
    }
    expect(fs.existsSync(path.join(dir, 'backups'))).toBe(false);
  });

  it('treats an empty studio.db file like a missing one', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, DB_FILE_NAME), '');
    const result = expectReady(openWorkspaceDatabase(dir));
    expect(result.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    result.db.close();
  });
});

describe('the migration list', () => {
  const [first, second] = MIGRATIONS as [Migration, Migration];

  it('is numbered 1, 2, 3… in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it.each([
    ['out of order', [second, first]],
    ['with a gap', [first, { ...second, version: 3 }]],
    ['with a repeated version', [first, { ...second, version: 1 }]],
  ])('is refused when %s, before anything runs', (_name, migrations) => {
    const dir = tempDir();
    const db = new Database(path.join(dir, 'x.db'));
    try {
      expect(() => applyMigrations(db, migrations, 0)).toThrow(/has version \d+, expected \d+/);
      expect(db.pragma('user_version', { simple: true })).toBe(0);
      expect(tableNames(db)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('is refused by openWorkspaceDatabase too', () => {
    expect(() => openWorkspaceDatabase(tempDir(), { migrations: [second, first] })).toThrow(/expected 1/);
  });

  it('reaches the same schema one step at a time as all at once', () => {
    const stepwise = new Database(':memory:');
    const atOnce = new Database(':memory:');
    applyMigrations(stepwise, [first], 0);
    applyMigrations(stepwise, MIGRATIONS, 1);
    applyMigrations(atOnce, MIGRATIONS, 0);
    const schema = (db: Database.Database) => db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all();
    expect(schema(stepwise)).toEqual(schema(atOnce));
    expect(stepwise.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    stepwise.close();
    atOnce.close();
  });
});
