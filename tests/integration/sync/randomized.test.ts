/**
 * Randomized team sync: for each seed, two or three desktops and one companion (real SQLite files, real loopback
 * HTTP) make random edits, outline changes and deletions, go offline and come back, sync at random moments and settle
 * conflicts with random choices. At the end every desktop has the same courses and bodies as every other, and no edit
 * was lost: every value someone wrote is still somewhere unless someone who had seen it replaced it (an edit, a
 * deletion, or a conflict choice made with both versions in front of them).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SyncChoice, SyncConflict } from '../../../shared/contract/index';
import { openCompanion, pairMember, pairOwner } from '../../helpers/companion';
import { callOk } from '../../helpers/host';
import { prng } from '../../helpers/prng';
import { openDesktop, type Desktop } from '../../helpers/sync';

const SEEDS = Number(process.env.SYNC_SEEDS ?? 200);
const FIRST_SEED = Number(process.env.SYNC_FIRST_SEED ?? 1);
const STEPS = 40;

const tokensIn = (value: unknown): string[] => JSON.stringify(value ?? null).match(/t\d+x\d+/g) ?? [];

async function runSeed(seed: number): Promise<void> {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const companion = await openCompanion({ listen: true });
  const url = () => companion.url!;
  const ownerToken = await pairOwner(companion.app);
  const tokens = [ownerToken];
  const count = random() < 0.5 ? 2 : 3;
  for (let i = 1; i < count; i++) tokens.push((await pairMember(companion.app, ownerToken, 'editor', `editor-${i}`)).token);
  const desktops: Desktop[] = tokens.map((t) => openDesktop(url, t));

  let n = 0;
  const token = () => `t${seed}x${++n}`;
  /** Every value written, and those replaced by someone who had them in front of them. */
  const written = new Set<string>();
  const superseded = new Set<string>();
  const write = () => {
    const t = token();
    written.add(t);
    return t;
  };
  const supersede = (value: unknown) => tokensIn(value).forEach((t) => superseded.add(t));

  const liveCourses = async (d: Desktop) => (await callOk(d.host, 'courses.list', { limit: 500 })).items;

  async function settle(d: Desktop, conflict: SyncConflict, choice: SyncChoice): Promise<void> {
    const mine = tokensIn(conflict.local);
    const theirs = tokensIn({ course: conflict.remote.course, html: conflict.remote.html });
    if (choice === 'mine') theirs.filter((t) => !mine.includes(t)).forEach((t) => superseded.add(t));
    if (choice === 'theirs') mine.filter((t) => !theirs.includes(t)).forEach((t) => superseded.add(t));
    await callOk(d.host, 'sync.resolve', { id: conflict.id, choice });
  }

  async function step(d: Desktop): Promise<void> {
    const roll = random();
    const courses = await liveCourses(d);
    if (roll < 0.05) {
      d.reach.online = !d.reach.online;
    } else if (roll < 0.08) {
      // Pulls get through but pushes fail: pulled changes meet rows changed here and not pushed yet.
      d.reach.pushRefused = !d.reach.pushRefused;
    } else if (roll < 0.3) {
      await callOk(d.host, 'sync.now', {});
    } else if (roll < 0.4 || courses.length === 0) {
      const course = await callOk(d.host, 'courses.create', { title: write() });
      const lessonId = `l${seed}x${++n}`;
      await callOk(d.host, 'courses.save', { ...course, baseVersion: course.version, chapters: [{ id: `c${seed}x${++n}`, title: '章', lessons: [{ id: lessonId, title: write() }] }] });
      if (random() < 0.5) await callOk(d.host, 'lessons.saveBody', { courseId: course.id, lessonId, baseVersion: 0, html: `<p>${write()}</p>` });
    } else if (roll < 0.55) {
      const course = await callOk(d.host, 'courses.get', { id: pick(courses).id });
      supersede(course.title);
      await callOk(d.host, 'courses.save', { ...course, baseVersion: course.version, title: write() });
    } else if (roll < 0.63) {
      const course = await callOk(d.host, 'courses.get', { id: pick(courses).id });
      const chapters = course.chapters.map((c, i) => (i === 0 ? { ...c, lessons: [...c.lessons, { id: `l${seed}x${++n}`, title: write() }] } : c));
      await callOk(d.host, 'courses.save', { ...course, baseVersion: course.version, chapters });
    } else if (roll < 0.85) {
      const course = await callOk(d.host, 'courses.get', { id: pick(courses).id });
      const lessons = course.chapters.flatMap((c) => c.lessons);
      if (lessons.length === 0) return;
      const lessonId = pick(lessons).id;
      const body = await callOk(d.host, 'lessons.getBody', { courseId: course.id, lessonId });
      supersede(body.html);
      await callOk(d.host, 'lessons.saveBody', { courseId: course.id, lessonId, baseVersion: body.version, html: `<p>${write()}</p>` });
    } else if (roll < 0.92) {
      const course = await callOk(d.host, 'courses.get', { id: pick(courses).id });
      supersede(course);
      for (const lesson of course.chapters.flatMap((c) => c.lessons)) supersede((await callOk(d.host, 'lessons.getBody', { courseId: course.id, lessonId: lesson.id })).html);
      await callOk(d.host, 'courses.delete', { id: course.id });
    } else {
      const conflicts = (await callOk(d.host, 'sync.conflicts', {})).items;
      if (conflicts.length > 0) await settle(d, pick(conflicts), pick(['mine', 'theirs', 'both'] as const));
    }
  }

  for (let i = 0; i < STEPS; i++) await step(pick(desktops));

  // Everyone back online: sync and settle until nothing is left anywhere.
  for (const d of desktops) Object.assign(d.reach, { online: true, pushRefused: false });
  let quiet = false;
  for (let round = 0; round < 30 && !quiet; round++) {
    quiet = true;
    for (const d of desktops) {
      const status = await callOk(d.host, 'sync.now', {});
      expect(status.state, `seed ${seed}: ${status.error}`).not.toBe('offline');
      for (const conflict of (await callOk(d.host, 'sync.conflicts', {})).items) {
        quiet = false;
        await settle(d, conflict, pick(['mine', 'theirs', 'both'] as const));
      }
      const after = await callOk(d.host, 'sync.now', {});
      if (after.pending > 0 || after.conflicts > 0 || status.pending > 0) quiet = false;
    }
  }
  // One more pull each, so the last pushes have reached everyone.
  for (const d of desktops) await callOk(d.host, 'sync.now', {});
  expect(quiet, `seed ${seed}: still syncing after 30 rounds`).toBe(true);

  async function dump(d: Desktop) {
    const out: unknown[] = [];
    for (const summary of (await liveCourses(d)).sort((x, y) => x.id.localeCompare(y.id))) {
      const course = await callOk(d.host, 'courses.get', { id: summary.id });
      const bodies: string[] = [];
      for (const lesson of course.chapters.flatMap((c) => c.lessons)) bodies.push((await callOk(d.host, 'lessons.getBody', { courseId: course.id, lessonId: lesson.id })).html);
      out.push({ id: course.id, title: course.title, chapters: course.chapters, bodies });
    }
    return out;
  }
  const first = await dump(desktops[0]!);
  for (const d of desktops.slice(1)) expect(await dump(d), `seed ${seed}: desktops differ`).toEqual(first);
  for (const d of desktops) expect(await callOk(d.host, 'sync.status', {}), `seed ${seed}`).toMatchObject({ state: 'synced', pending: 0, conflicts: 0 });

  // No lost edit: every value nobody knowingly replaced is in the final courses or in some stored body.
  const everything = new Set(tokensIn(first));
  for (const d of desktops) {
    const db = new Database(path.join(d.dataDir, 'studio.db'), { readonly: true });
    try {
      for (const row of db.prepare('SELECT html FROM lesson_bodies').all() as { html: string }[]) tokensIn(row.html).forEach((t) => everything.add(t));
    } finally {
      db.close();
    }
  }
  const lost = [...written].filter((t) => !superseded.has(t) && !everything.has(t));
  expect(lost, `seed ${seed}: lost edits`).toEqual([]);
}

describe('randomized sync between desktops', () => {
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
    it(`seed ${seed} converges and loses nothing`, () => runSeed(seed), 60_000);
  }
});
