/**
 * Crash safety: a real studio host in a child process (`creator-studio serve`, built once for this test so each start
 * is fast), a script typing into a lesson through the loopback API — an ever-longer lesson title saved every ~50 ms —
 * and SIGKILL at a random moment, 100 times on one data folder. After every kill the database must pass
 * `PRAGMA integrity_check` (and the search index its own check), and the stored title must hold everything the host
 * acknowledged before it died (the spec allows losing the last second; WAL with synchronous=NORMAL loses nothing a
 * killed process committed, so this asserts the stronger property).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_FILE_NAME } from '../../electron/studio/store/database';
import { ROOT } from '../helpers/fixtures';
import { tempDir } from '../helpers/temp-dir';

const KILLS = 100;
const TYPE_INTERVAL_MS = 50;
/** Each run is killed this long after its first save was sent: from mid-startup of typing to a few saves in. */
const KILL_WINDOW_MS: [number, number] = [0, 350];

let outDir = '';

beforeAll(async () => {
  outDir = path.join(ROOT, 'out', `crash-test-${process.pid}`);
  await build({ configFile: path.join(ROOT, 'vite.node.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
}, 60_000);

afterAll(() => {
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
});

interface Host {
  child: ChildProcess;
  url: string;
  token: string;
  exited: Promise<void>;
}

function startHost(dataDir: string): Promise<Host> {
  const child = spawn(process.execPath, [path.join(outDir, 'cli.js'), 'serve', '--no-companion', '--data-dir', dataDir, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, CREATOR_STUDIO_DATA_DIR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const match = /open (http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)/.exec(out);
      if (match) resolve({ child, url: match[1]!, token: match[2]!, exited });
    });
    void exited.then(() => reject(new Error(`host exited before it was ready:\n${out}\n${err}`)));
  });
}

/** The host answered with an error: a real failure, unlike a connection cut by the kill. */
class ContractFailure extends Error {}

async function call<T>(host: Host, method: string, input: unknown): Promise<T> {
  const res = await fetch(`${host.url}/api/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
    body: JSON.stringify({ method, input }),
  });
  const body = (await res.json()) as { ok: boolean; value?: T; error?: unknown };
  if (!body.ok) throw new ContractFailure(`${method}: ${JSON.stringify(body.error)}`);
  return body.value as T;
}

interface CourseDoc {
  id: string;
  title: string;
  type: string;
  priceFen: number;
  summary: string;
  coverHash: string | null;
  version: number;
  chapters: { id: string; title: string; lessons: { id: string; title: string }[] }[];
}

/** The n-th keystroke's lesson title: a counter the check can read back, and text that grows and wraps under 64 chars. */
const titleFor = (n: number) => `第${n}次：${'写'.repeat(n % 40)}`;
const counterOf = (title: string) => Number(/^第(\d+)次：/.exec(title)?.[1] ?? -1);

function checkDatabase(dataDir: string): { integrity: string; lessonTitle: string } {
  const db = new Database(path.join(dataDir, DB_FILE_NAME));
  try {
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    // FTS5's own consistency check between the index and its content table: throws SQLITE_CORRUPT_VTAB if they differ.
    db.exec("INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)");
    const row = db.prepare<[], { title: string }>("SELECT title FROM lessons WHERE id = 'crash-lesson'").get();
    return { integrity, lessonTitle: row?.title ?? '' };
  } finally {
    db.close();
  }
}

describe('crash safety', () => {
  it(`keeps the database intact and every acknowledged save across ${KILLS} SIGKILLs while typing`, async () => {
    const dataDir = tempDir();
    let host = await startHost(dataDir);
    let course = await call<CourseDoc>(host, 'courses.create', { title: '崩溃测试课' });
    course = await call<CourseDoc>(host, 'courses.save', {
      ...course,
      baseVersion: course.version,
      chapters: [{ id: 'crash-chapter', title: '第一章', lessons: [{ id: 'crash-lesson', title: titleFor(0) }] }],
    });
    let counter = 0;
    let inFlightCommitted = 0;
    const startedAt = Date.now();
    for (let kill = 0; kill < KILLS; kill++) {
      let lastAcked = counterOf(course.chapters[0]!.lessons[0]!.title);
      let lastSent = lastAcked;
      let typing = true;
      const typist = (async () => {
        while (typing) {
          const n = ++counter;
          lastSent = n;
          const sentAt = Date.now();
          try {
            course = await call<CourseDoc>(host, 'courses.save', {
              id: course.id,
              baseVersion: course.version,
              title: course.title,
              type: course.type,
              priceFen: course.priceFen,
              summary: course.summary,
              coverHash: course.coverHash,
              chapters: [{ id: 'crash-chapter', title: '第一章', lessons: [{ id: 'crash-lesson', title: titleFor(n) }] }],
            });
            lastAcked = n;
          } catch (error) {
            if (error instanceof ContractFailure) throw error;
            return; // The host died under this request: the save may or may not have committed.
          }
          await new Promise((r) => setTimeout(r, Math.max(0, TYPE_INTERVAL_MS - (Date.now() - sentAt))));
        }
      })();
      await new Promise((r) => setTimeout(r, KILL_WINDOW_MS[0] + Math.random() * (KILL_WINDOW_MS[1] - KILL_WINDOW_MS[0])));
      host.child.kill('SIGKILL');
      await host.exited;
      typing = false;
      await typist;

      const { integrity, lessonTitle } = checkDatabase(dataDir);
      expect(integrity, `after kill ${kill + 1}`).toBe('ok');
      const stored = counterOf(lessonTitle);
      // Everything acknowledged is there; at most the one save in flight when the host died is extra.
      expect(stored, `after kill ${kill + 1}: stored ${stored}, acknowledged ${lastAcked}, sent ${lastSent}`).toBeGreaterThanOrEqual(lastAcked);
      expect(stored).toBeLessThanOrEqual(lastSent);
      if (stored > lastAcked) inFlightCommitted++;

      host = await startHost(dataDir);
      course = await call<CourseDoc>(host, 'courses.get', { id: course.id });
      expect(course.chapters[0]!.lessons[0]!.title).toBe(lessonTitle);
    }
    host.child.kill('SIGKILL');
    await host.exited;
    // Typing really happened across the runs (a test that never saved would pass the checks above trivially).
    expect(counter).toBeGreaterThan(KILLS);
    console.log(
      `crash safety: ${KILLS} kills, ${counter} saves sent, ${inFlightCommitted} kills landed after a commit and before its answer, ` +
        `${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    );
  }, 240_000);
});
