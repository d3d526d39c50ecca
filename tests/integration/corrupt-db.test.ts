import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudioHost } from '../../electron/studio/host';
import { DB_FILE_NAME, moveAside, openWorkspaceDatabase } from '../../electron/studio/store/database';
import { callError, callOk, fixedClock, openHost, recordEvents } from '../helpers/host';
import { tempDir } from '../helpers/temp-dir';

const NOW = '2024-06-01T08:09:10.500Z';
const DAMAGED_NAME = `${DB_FILE_NAME}.damaged-20240601T080910Z`;

/** A real workspace as the app leaves it (WAL mode, closed cleanly) holding enough rows to span hundreds of pages. */
function bigWorkspace(dir: string): { file: string; pageSize: number; pages: number } {
  const opened = openWorkspaceDatabase(dir);
  if (opened.state !== 'ready') throw new Error(opened.state);
  const insert = opened.db.prepare(
    `INSERT INTO courses (id, title, type, price_fen, summary, version, created_at, updated_at)
     VALUES (?, ?, 'article', ?, ?, 1, ?, ?)`,
  );
  opened.db.transaction(() => {
    for (let i = 0; i < 3000; i++) {
      const at = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
      insert.run(`c${i}`, `第 ${i} 课 ${'长标题'.repeat(10)}`, i, '摘要'.repeat(100), at, at);
    }
  })();
  opened.db.close();
  const file = path.join(dir, DB_FILE_NAME);
  const bytes = fs.readFileSync(file);
  const pageSize = bytes.readUInt16BE(16);
  return { file, pageSize, pages: bytes.length / pageSize };
}

/** Overwrites whole pages from `from` (inclusive) to `to` (exclusive) with a byte no b-tree page starts with. */
function damagePages(bytes: Buffer, pageSize: number, from: number, to: number): Buffer {
  const out = Buffer.from(bytes);
  out.fill(0xa5, from * pageSize, to * pageSize);
  return out;
}

/** Start fresh, then check what every damaged workspace must end with: the file moved as is, a usable new workspace. */
async function expectFreshStart(host: StudioHost, dir: string, damagedBytes: Buffer): Promise<void> {
  const events = recordEvents(host);
  const { movedTo, status } = await callOk(host, 'workspace.startFresh', {});

  expect(movedTo).toBe(path.join(dir, DAMAGED_NAME));
  expect(fs.readFileSync(movedTo).equals(damagedBytes)).toBe(true);
  expect(status).toEqual({ state: 'ready', dataDir: dir, recoveredFrom: movedTo });
  expect(await callOk(host, 'workspace.status', {})).toEqual(status);
  expect(events).toEqual([{ event: 'workspace.changed', payload: status }]);

  expect(await callOk(host, 'courses.list', {})).toEqual({ items: [], total: 0 });
  const course = await callOk(host, 'courses.create', { title: '重新开始的第一门课' });
  expect((await callOk(host, 'courses.list', {})).items.map((c) => c.id)).toEqual([course.id]);
  expect(fs.existsSync(movedTo)).toBe(true);
}

describe('a damaged workspace database', () => {
  it('(a) random bytes: the host starts, says corrupt and why, and serves no course', async () => {
    const dir = tempDir();
    const garbage = randomBytes(16 * 1024);
    fs.writeFileSync(path.join(dir, DB_FILE_NAME), garbage);

    const host = openHost(dir, { now: fixedClock(NOW) });
    expect(await callOk(host, 'workspace.status', {})).toEqual({
      state: 'corrupt',
      dataDir: dir,
      file: path.join(dir, DB_FILE_NAME),
      reason: expect.stringContaining('SQLite header'),
    });
    expect(await callError(host, 'courses.list', {})).toMatchObject({ code: 'WORKSPACE_UNAVAILABLE', details: { state: 'corrupt' } });
    expect(await callError(host, 'courses.create', { title: '课' })).toMatchObject({ code: 'WORKSPACE_UNAVAILABLE' });
    // Nothing was written into or beside the damaged file while it sat there.
    expect(fs.readFileSync(path.join(dir, DB_FILE_NAME)).equals(garbage)).toBe(true);
    expect(fs.existsSync(path.join(dir, `${DB_FILE_NAME}-wal`))).toBe(false);

    await expectFreshStart(host, dir, garbage);
  });

  it('(b) damaged pages inside a real database: found no later than the first query, and announced', async () => {
    const dir = tempDir();
    const { file, pageSize, pages } = bigWorkspace(dir);
    expect(pages).toBeGreaterThan(100);
    const damaged = damagePages(fs.readFileSync(file), pageSize, Math.floor(pages / 3), Math.floor(pages / 2));
    fs.writeFileSync(file, damaged);

    const host = openHost(dir, { now: fixedClock(NOW) });
    const events = recordEvents(host);
    const initial = await callOk(host, 'workspace.status', {});

    expect(await callError(host, 'courses.list', {})).toMatchObject({ code: 'WORKSPACE_UNAVAILABLE' });
    const status = await callOk(host, 'workspace.status', {});
    expect(status).toEqual({ state: 'corrupt', dataDir: dir, file, reason: expect.stringContaining('SQLITE_CORRUPT') });
    // Damage seen at open needs no announcement; damage met by a query must reach every open window.
    expect(events).toEqual(initial.state === 'ready' ? [{ event: 'workspace.changed', payload: status }] : []);
    expect(await callError(host, 'courses.get', { id: 'c1' })).toMatchObject({ code: 'WORKSPACE_UNAVAILABLE' });

    await expectFreshStart(host, dir, damaged);
  });

  it('(b) a truncated database with damaged pages is refused when it is opened', async () => {
    const dir = tempDir();
    const { file, pageSize, pages } = bigWorkspace(dir);
    const truncated = damagePages(fs.readFileSync(file), pageSize, Math.floor(pages / 3), Math.floor(pages / 2)).subarray(
      0,
      Math.floor(pages * 0.6) * pageSize,
    );
    fs.writeFileSync(file, truncated);

    const host = openHost(dir, { now: fixedClock(NOW) });
    expect(await callOk(host, 'workspace.status', {})).toMatchObject({ state: 'corrupt', reason: expect.stringContaining('SQLITE_CORRUPT') });
    expect(await callError(host, 'courses.list', {})).toMatchObject({ code: 'WORKSPACE_UNAVAILABLE' });

    await expectFreshStart(host, dir, truncated);
  });

  it('opens the fresh workspace again on the next launch, the damaged copy kept beside it', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, DB_FILE_NAME), 'definitely not a database, but long enough to have a header '.repeat(4));
    const first = openHost(dir, { now: fixedClock(NOW) });
    await callOk(first, 'workspace.startFresh', {});
    await callOk(first, 'courses.create', { title: '留下来的课' });
    first.close();

    const second = openHost(dir);
    expect(await callOk(second, 'workspace.status', {})).toEqual({ state: 'ready', dataDir: dir, recoveredFrom: null });
    expect((await callOk(second, 'courses.list', {})).items.map((c) => c.title)).toEqual(['留下来的课']);
    expect(fs.existsSync(path.join(dir, DAMAGED_NAME))).toBe(true);
  });
});

describe('workspace.startFresh on a healthy workspace', () => {
  it('is refused with CONFLICT and moves nothing', async () => {
    const dir = tempDir();
    const host = openHost(dir);
    await callOk(host, 'courses.create', { title: '好好的课' });
    const files = fs.readdirSync(dir).sort();
    expect(await callError(host, 'workspace.startFresh', {})).toMatchObject({ code: 'CONFLICT', details: { state: 'ready' } });
    expect(fs.readdirSync(dir).sort()).toEqual(files);
    expect((await callOk(host, 'courses.list', {})).total).toBe(1);
  });
});

describe('moveAside', () => {
  it('never overwrites an earlier damaged copy made in the same second', () => {
    const dir = tempDir();
    const file = path.join(dir, DB_FILE_NAME);
    const now = new Date(NOW);
    fs.writeFileSync(file, 'first');
    const first = moveAside(file, now);
    fs.writeFileSync(file, 'second');
    const second = moveAside(file, now);
    expect(path.basename(first)).toBe(DAMAGED_NAME);
    expect(path.basename(second)).toBe(`${DAMAGED_NAME}-2`);
    expect(fs.readFileSync(first, 'utf8')).toBe('first');
    expect(fs.readFileSync(second, 'utf8')).toBe('second');
  });
});
