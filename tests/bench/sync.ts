/**
 * Team sync (`npm run bench:sync`): the 10,000-course benchmark workspace (4 chapters × 5 lessons each, plus one body
 * per course) synced with a companion on loopback — first sent by the desktop that has it, then received by a fresh
 * second desktop — and the time from saving a lesson body on one desktop to it being in the other's database, with
 * both desktops syncing in the background (long poll). Targets: initial sync < 30 s; edit visible < 1 s.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startCompanion } from '../../electron/companion/app';
import { parseConfig } from '../../electron/companion/config';
import { createLogger } from '../../electron/companion/log';
import { companionRequest } from '../../electron/studio/companion-link/companion-client';
import { createStudioHost, type StudioHost } from '../../electron/studio/host';
import { remoteOver } from '../../electron/studio/services/sync';
import { DB_FILE_NAME } from '../../electron/studio/store/database';
import { SYNC_BACKFILL_SQL } from '../../electron/studio/store/migrations/0012-add-sync';
import type { MethodInput, MethodName, MethodOutput, SyncStatus } from '../../shared/contract/index';
import { generateWorkspace } from './workspace-dataset';
import { ms, reportLine } from './support/stats';

async function call<M extends MethodName>(host: StudioHost, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await host.dispatch(method, input);
  if (!result.ok) throw new Error(`${method} failed: ${JSON.stringify(result.error)}`);
  return result.value as MethodOutput<M>;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'creator-studio-bench-sync-'));
const BOOTSTRAP = randomBytes(24).toString('base64url');
const companion = await startCompanion(parseConfig({ host: '127.0.0.1', port: 0, dataDir: path.join(root, 'companion'), logLevel: 'warn' }), {
  masterKey: randomBytes(32),
  bootstrapPairingCode: BOOTSTRAP,
  logger: createLogger({ level: 'warn' }),
});
const hosts: StudioHost[] = [];
try {
  console.log(`Sync benchmark — ${os.cpus()[0]?.model.trim() ?? 'cpu'} × ${os.cpus().length}, node ${process.version}`);
  const owner = await companionRequest(companion.url, null, 'devices.pair', { body: { code: BOOTSTRAP, deviceName: 'bench A', memberName: 'bench' } });
  const invite = await companionRequest(companion.url, owner.deviceToken, 'invites.create', { body: { role: 'editor', memberName: 'bench B' } });
  const editor = await companionRequest(companion.url, null, 'devices.pair', { body: { code: invite.code, deviceName: 'bench B' } });
  const remote = (token: string) => remoteOver({ call: (name, parts) => companionRequest(companion.url, token, name, parts) });

  const dirA = path.join(root, 'a');
  const dirB = path.join(root, 'b');
  const data = generateWorkspace(dirA, { courses: Number(process.env.SYNC_BENCH_COURSES ?? 10_000), chaptersPerCourse: 4, lessonsPerChapter: 5 });
  // The generator writes rows with plain SQL after the schema exists; give every course one body and mark it all
  // for sync, as the sync migration does for a workspace that had content before it.
  const raw = new Database(path.join(dirA, DB_FILE_NAME));
  raw.exec(`INSERT INTO lesson_bodies (lesson_id, course_id, schema_version, html, chars, bytes, version, updated_at)
            SELECT l.id, l.course_id, 1, '<p>' || l.title || '：这一讲的正文，讲清楚一个方法和一个例子。</p>', 40, 120, 1, c.updated_at
              FROM lessons l JOIN courses c ON c.id = l.course_id WHERE l.id IN (SELECT min(id) FROM lessons GROUP BY course_id)`);
  raw.exec(SYNC_BACKFILL_SQL);
  const rows = (raw.prepare('SELECT count(*) AS n FROM sync_rows').get() as { n: number }).n;
  raw.close();
  console.log(`  dataset ${data.courses} courses (${data.deletedCourses} in the trash), ${data.lessons} lessons; ${rows} rows to sync`);

  const a = createStudioHost({ dataDir: dirA, shell: 'browser', sync: { remote: remote(owner.deviceToken), auto: false } });
  hosts.push(a);
  let t0 = process.hrtime.bigint();
  const sent = await call(a, 'sync.now', {});
  const sendMs = ms(t0);
  if (sent.pending !== 0 || sent.state !== 'synced') throw new Error(`desktop A did not finish: ${JSON.stringify(sent)}`);
  console.log(reportLine('initial sync, sending desktop (push all)', [sendMs], 30_000, `${rows} rows, ${(rows / (sendMs / 1000)).toFixed(0)} rows/s`));

  const b = createStudioHost({ dataDir: dirB, shell: 'browser', sync: { remote: remote(editor.deviceToken), auto: false } });
  hosts.push(b);
  if (process.env.SYNC_BENCH_TRACE) {
    let last = process.hrtime.bigint();
    b.on((e) => {
      const p = e.event === 'sync.progressed' ? (e.payload as SyncStatus).progress : null;
      if (p && p.done % 2000 < 400) {
        console.log(`    pulled ${p.done}: ${ms(last).toFixed(0)} ms since the last line`);
        last = process.hrtime.bigint();
      }
    });
  }
  t0 = process.hrtime.bigint();
  // CPU time beside wall time: on a shared machine the wall time mostly says how busy the other processes were.
  const cpu0 = process.cpuUsage();
  const received = await call(b, 'sync.now', {});
  const receiveMs = ms(t0);
  const cpu = process.cpuUsage(cpu0);
  const listed = await call(b, 'courses.list', { limit: 1 });
  if (received.state !== 'synced' || listed.total !== data.courses - data.deletedCourses) {
    const reasons = (await call(b, 'sync.conflicts', {})).items.slice(0, 3).map((c) => c.reason);
    throw new Error(`desktop B has ${listed.total} courses: ${JSON.stringify(received)} ${JSON.stringify(reasons)}`);
  }
  console.log(reportLine('initial sync, fresh second desktop (pull all)', [receiveMs], 30_000, `${listed.total} courses applied, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (companion included), load ${os.loadavg()[0]!.toFixed(1)}`));
  await a.close();
  await b.close();
  hosts.length = 0;

  // Both desktops now sync in the background, as in the app.
  const liveA = createStudioHost({ dataDir: dirA, shell: 'browser', sync: { remote: remote(owner.deviceToken) } });
  const liveB = createStudioHost({ dataDir: dirB, shell: 'browser', sync: { remote: remote(editor.deviceToken) } });
  hosts.push(liveA, liveB);
  const caughtUp = (host: StudioHost) =>
    new Promise<void>((resolve) => {
      const off = host.on((e) => {
        if (e.event === 'sync.progressed' && (e.payload as SyncStatus).state === 'synced') {
          off();
          resolve();
        }
      });
    });
  await Promise.all([caughtUp(liveA), caughtUp(liveB)]);

  const course = (await call(liveA, 'courses.list', { limit: 1, sort: 'titleAsc' })).items[0]!;
  const lessonId = (await call(liveA, 'courses.get', { id: course.id })).chapters[0]!.lessons[0]!.id;
  const latency: number[] = [];
  for (let i = 0; i < 30; i++) {
    const html = `<p>第 ${i} 次修改：${randomBytes(6).toString('hex')}</p>`;
    const visible = new Promise<void>((resolve) => {
      const off = liveB.on((e) => {
        if (e.event !== 'courses.changed' || (e.payload as { id: string }).id !== course.id) return;
        void call(liveB, 'lessons.getBody', { courseId: course.id, lessonId }).then((body) => {
          if (body.html === html) {
            off();
            resolve();
          }
        });
      });
    });
    const current = await call(liveA, 'lessons.getBody', { courseId: course.id, lessonId });
    t0 = process.hrtime.bigint();
    await call(liveA, 'lessons.saveBody', { courseId: course.id, lessonId, baseVersion: current.version, html });
    await visible;
    latency.push(ms(t0));
  }
  console.log(reportLine('edited lesson visible on a second desktop', latency, 1000, 'save → push → long poll → applied'));
} finally {
  for (const host of hosts) await host.close();
  await companion.close();
  fs.rmSync(root, { recursive: true, force: true });
}
