import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SyncRemote } from '../../../electron/studio/services/sync';
import { DB_FILE_NAME } from '../../../electron/studio/store/database';
import { openCompanion, pairMember, pairOwner } from '../../helpers/companion';
import { callOk, openHost } from '../../helpers/host';
import { companionRemote, openDesktop, type Desktop } from '../../helpers/sync';

const COURSES = 300;

async function team() {
  const companion = await openCompanion({ listen: true });
  const url = () => companion.url!;
  const ownerToken = await pairOwner(companion.app);
  const editor = await pairMember(companion.app, ownerToken, 'editor', '小李');
  return { url, ownerToken, editorToken: editor.token };
}

/** `n` courses of 2 chapters × 2 lessons, the first lesson of each with a body; answers the course ids. */
async function fill(d: Desktop, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const course = await callOk(d.host, 'courses.create', { title: `批量课程 ${i}`, summary: i % 2 ? `第 ${i} 门的简介` : '' });
    const chapters = [0, 1].map((c) => ({
      id: `${course.id}-ch${c}`,
      title: `第 ${c + 1} 章`,
      lessons: [0, 1].map((l) => ({ id: `${course.id}-l${c}${l}`, title: `第 ${c + 1}.${l + 1} 讲 课程${i}` })),
    }));
    await callOk(d.host, 'courses.save', { id: course.id, baseVersion: course.version, title: course.title, type: course.type, priceFen: 100 + i, summary: course.summary, coverHash: null, chapters });
    await callOk(d.host, 'lessons.saveBody', { courseId: course.id, lessonId: `${course.id}-l00`, baseVersion: 0, html: `<p>课程 ${i} 的正文</p>` });
    ids.push(course.id);
  }
  return ids;
}

/** What a workspace holds that sync writes, in a form two desktops can be compared by. */
function contents(dataDir: string) {
  const db = new Database(path.join(dataDir, DB_FILE_NAME), { readonly: true });
  try {
    const all = (sql: string) => db.prepare(sql).all();
    return {
      courses: all('SELECT id, title, type, price_fen, summary, cover_hash, created_at FROM courses ORDER BY id'),
      chapters: all('SELECT id, course_id, title, position FROM chapters ORDER BY id'),
      lessons: all('SELECT id, course_id, chapter_id, title, position FROM lessons ORDER BY id'),
      bodies: all('SELECT lesson_id, course_id, html FROM lesson_bodies ORDER BY lesson_id'),
      search: all('SELECT course_id, kind, target_id, field, text FROM search_entries ORDER BY course_id, kind, target_id, field'),
    };
  } finally {
    db.close();
  }
}

describe('applying a large pull', () => {
  it('applies in batches; a failure mid-apply keeps the committed batches, and a restart resumes from the cursor with nothing lost or twice', async () => {
    const { url, ownerToken, editorToken } = await team();
    const a = openDesktop(url, ownerToken);
    await fill(a, COURSES);
    expect((await callOk(a.host, 'sync.now', {})).state).toBe('synced');

    const b = openDesktop(url, editorToken);
    const dbPath = path.join(b.dataDir, DB_FILE_NAME);
    const raw = new Database(dbPath);
    // A write that fails inside the second batch (as a full disk would): the 251st course cannot be inserted.
    raw.exec(`CREATE TRIGGER fail_mid_apply BEFORE INSERT ON courses WHEN (SELECT count(*) FROM courses) >= 250
              BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    const failed = await callOk(b.host, 'sync.now', {});
    expect(failed.error).toContain('injected failure');

    const count = (sql: string) => (raw.prepare(sql).get() as { n: number }).n;
    // The first batch (200 course rows) committed whole; the failed batch left nothing, not even half a course.
    expect(count('SELECT count(*) AS n FROM courses')).toBe(200);
    expect(count('SELECT count(*) AS n FROM chapters')).toBe(400);
    expect(count('SELECT count(*) AS n FROM lessons')).toBe(800);
    expect(count('SELECT count(*) AS n FROM course_versions')).toBe(200);
    expect(count("SELECT count(*) AS n FROM search_entries WHERE kind = 'course' AND field = 'title'")).toBe(200);
    expect(count('SELECT count(*) AS n FROM sync_rows')).toBe(200);
    // The cursor moved only with what is safely here: the rows of the pulled page not applied wait in the inbox.
    const cursor = Number((raw.prepare("SELECT value FROM sync_state WHERE key = 'cursor'").get() as { value: string }).value);
    expect(count('SELECT count(*) AS n FROM sync_inbox')).toBe(200);
    expect(count('SELECT max(version) AS n FROM sync_inbox')).toBe(cursor);
    raw.exec("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')");

    // The desktop goes away mid-sync; it comes back without the failure.
    await b.host.close();
    raw.exec('DROP TRIGGER fail_mid_apply');
    raw.close();
    const pulls: number[] = [];
    const remote = companionRemote(url, editorToken);
    const recording: SyncRemote = { push: (items) => remote.push(items), pull: (since, limit, waitMs) => (pulls.push(since), remote.pull(since, limit, waitMs)) };
    const again = openHost(b.dataDir, { sync: { remote: recording, auto: false } });
    const done = await callOk(again, 'sync.now', {});
    expect(done).toMatchObject({ state: 'synced', pending: 0, conflicts: 0 });
    expect(pulls[0]).toBe(cursor);

    // Everything arrived once, and equals what the sending desktop wrote through its normal saves (search included).
    const here = contents(b.dataDir);
    const there = contents(a.dataDir);
    expect(here.courses).toHaveLength(COURSES);
    expect(here.bodies).toHaveLength(COURSES);
    expect(here).toEqual(there);
    const check = new Database(dbPath);
    try {
      check.exec("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')");
      expect(check.prepare('SELECT count(*) AS n FROM sync_inbox').get()).toEqual({ n: 0 });
      expect(check.prepare("SELECT count(*) AS n FROM course_versions WHERE reason = 'beforeSync'").get()).toEqual({ n: 0 });
    } finally {
      check.close();
    }
    const found = await callOk(again, 'search.query', { query: '课程 123 的正文' });
    expect(found.items.map((r) => r.courseTitle)).toEqual(['批量课程 123']);
  });

  it('checks a course new here like any save: an outline id another local course has keeps it out, as a conflict with the reason', async () => {
    const { url, ownerToken, editorToken } = await team();
    const a = openDesktop(url, ownerToken);
    const b = openDesktop(url, editorToken);
    for (const d of [a, b]) {
      const course = await callOk(d.host, 'courses.create', { title: d === a ? '团队的课' : '本机的课' });
      await callOk(d.host, 'courses.save', { id: course.id, baseVersion: course.version, title: course.title, type: course.type, priceFen: 0, summary: '', coverHash: null, chapters: [{ id: 'same-chapter', title: '第一章', lessons: [] }] });
    }
    expect((await callOk(a.host, 'sync.now', {})).state).toBe('synced');
    const status = await callOk(b.host, 'sync.now', {});
    expect(status.conflicts).toBe(1);
    const [conflict] = (await callOk(b.host, 'sync.conflicts', {})).items;
    expect(conflict!.reason).toContain('belongs to another course');
    expect((await callOk(b.host, 'courses.list', { limit: 10 })).items.map((c) => c.title)).toEqual(['本机的课']);
    expect((await callOk(b.host, 'search.query', { query: '团队的课' })).items).toEqual([]);
  });
});
