import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DB_FILE_NAME, openWorkspaceDatabase } from '../../electron/studio/store/database';
import { LATEST_VERSION, MIGRATIONS } from '../../electron/studio/store/migrations/index';
import { callError, callOk, openHost } from '../helpers/host';
import { sha256File, tempDir } from '../helpers/temp-dir';

/**
 * A real database written by a newer app: today's schema, a course, and a `user_version` one past what this build
 * knows. Rollback-journal mode, as a newer app might leave it; closed cleanly, so it is a single file.
 */
function newerWorkspace(dir: string): string {
  const file = path.join(dir, DB_FILE_NAME);
  const db = new Database(file);
  for (const m of MIGRATIONS) m.up(db);
  db.prepare(
    `INSERT INTO courses (id, title, type, price_fen, summary, version, created_at, updated_at)
     VALUES ('from-the-future', '未来的课程', 'video', 100, '', 1, '2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z')`,
  ).run();
  db.pragma(`user_version = ${LATEST_VERSION + 1}`);
  db.close();
  return file;
}

describe('a workspace from a newer version of the app', () => {
  it('is refused by openWorkspaceDatabase without being opened', () => {
    const dir = tempDir();
    const file = newerWorkspace(dir);
    expect(openWorkspaceDatabase(dir)).toEqual({
      state: 'tooNew',
      file,
      fileVersion: LATEST_VERSION + 1,
      supportedVersion: LATEST_VERSION,
    });
  });

  it('starts the host in the tooNew state, reporting both versions', async () => {
    const dir = tempDir();
    const file = newerWorkspace(dir);
    const host = openHost(dir);
    expect(await callOk(host, 'workspace.status', {})).toEqual({
      state: 'tooNew',
      dataDir: dir,
      file,
      fileVersion: LATEST_VERSION + 1,
      supportedVersion: LATEST_VERSION,
    });
  });

  it('is left byte for byte as it was, with no -wal or -shm beside it', async () => {
    const dir = tempDir();
    const file = newerWorkspace(dir);
    const before = sha256File(file);
    const host = openHost(dir);
    await host.dispatch('courses.list', {});
    await host.dispatch('workspace.startFresh', {});
    host.close();
    expect(sha256File(file)).toBe(before);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(fs.existsSync(`${file}-shm`)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'backups'))).toBe(false);
  });

  it.each([
    ['courses.list', {}],
    ['courses.get', { id: 'from-the-future' }],
    ['courses.create', { title: '新课' }],
    ['courses.delete', { id: 'from-the-future' }],
    ['media.importImage', { fileName: 'a.png', dataBase64: '' }],
  ])('answers %s with WORKSPACE_UNAVAILABLE', async (method, input) => {
    const dir = tempDir();
    newerWorkspace(dir);
    const host = openHost(dir);
    expect(await callError(host, method, input)).toMatchObject({ code: 'WORKSPACE_UNAVAILABLE', details: { state: 'tooNew' } });
  });

  it('refuses workspace.startFresh with CONFLICT and moves nothing: the data is fine, the app is old', async () => {
    const dir = tempDir();
    newerWorkspace(dir);
    const host = openHost(dir);
    const filesBefore = fs.readdirSync(dir).sort();
    expect(await callError(host, 'workspace.startFresh', {})).toMatchObject({ code: 'CONFLICT', details: { state: 'tooNew' } });
    expect(fs.readdirSync(dir).sort()).toEqual(filesBefore);
    expect((await callOk(host, 'workspace.status', {})).state).toBe('tooNew');
  });

  it('is recognised even when its newest pages (the version bump too) are still in its -wal file', async () => {
    const writer = tempDir();
    const live = new Database(path.join(writer, DB_FILE_NAME));
    live.pragma('journal_mode = WAL');
    live.pragma('wal_autocheckpoint = 0'); // keep every page in the WAL, as a newer app killed mid-session would
    for (const m of MIGRATIONS) m.up(live);
    live.prepare(
      `INSERT INTO courses (id, title, type, price_fen, summary, version, created_at, updated_at)
       VALUES ('wal-only', '只在 WAL 里', 'audio', 0, '', 1, '2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z')`,
    ).run();
    live.pragma(`user_version = ${LATEST_VERSION + 1}`);
    const dir = tempDir();
    for (const suffix of ['', '-wal']) fs.copyFileSync(path.join(writer, DB_FILE_NAME + suffix), path.join(dir, DB_FILE_NAME + suffix));
    live.close();
    // The precondition: the main file's header alone does not give the newer version away.
    expect(fs.readFileSync(path.join(dir, DB_FILE_NAME)).readUInt32BE(60)).toBeLessThanOrEqual(LATEST_VERSION);

    const host = openHost(dir);
    expect(await callOk(host, 'workspace.status', {})).toMatchObject({ state: 'tooNew', fileVersion: LATEST_VERSION + 1 });
    host.close();

    const check = new Database(path.join(dir, DB_FILE_NAME), { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 1);
    expect(check.prepare('SELECT title FROM courses').all()).toEqual([{ title: '只在 WAL 里' }]);
    check.close();
  });

  it('still answers the methods the UI needs to explain the situation', async () => {
    const dir = tempDir();
    newerWorkspace(dir);
    const host = openHost(dir);
    expect((await callOk(host, 'app.info', {})).dataDir).toBe(dir);
    expect((await callOk(host, 'settings.update', { locale: 'en-US' })).locale).toBe('en-US');
  });
});
