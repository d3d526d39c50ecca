import { describe, expect, it } from 'vitest';
import { openCompanion, pairOwner } from '../../helpers/companion';
import { callOk } from '../../helpers/host';
import { openDesktop, openRelay, syncState } from '../../helpers/sync';

const COURSES = 250;

describe('the companion killed in the middle of a sync', () => {
  it('loses no change and writes none twice: the outbox resumes against the restarted companion', async () => {
    const first = await openCompanion({ listen: true });
    const token = await pairOwner(first.app);
    const { relay, url: relayUrl } = await openRelay(Number(new URL(first.url!).port));

    const a = openDesktop(() => relayUrl, token, { auto: true });
    a.reach.online = false;
    for (let i = 0; i < COURSES; i++) {
      const course = await callOk(a.host, 'courses.create', { title: `课程 ${i}` });
      await callOk(a.host, 'courses.save', { ...course, baseVersion: course.version, chapters: [{ id: `ch-${i}`, title: '一', lessons: [{ id: `l-${i}`, title: '课' }] }] });
      await callOk(a.host, 'lessons.saveBody', { courseId: course.id, lessonId: `l-${i}`, baseVersion: 0, html: `<p>正文 ${i}</p>` });
    }
    expect((await callOk(a.host, 'sync.status', {})).pending).toBe(COURSES * 2);

    // The second push of 200 rows reaches the companion and is committed, but its answer never comes back; then the
    // companion is gone (connections refused) and is killed.
    relay.dropNextAnswerTo('POST /api/sync/push', 1);
    const offline = syncState(a.host, (s) => s.state === 'offline');
    a.reach.online = true;
    await relay.droppedAnswer;
    await offline;
    const committedBeforeKill = first.app.db.prepare('SELECT count(*) AS n FROM sync_rows').get() as { n: number };
    expect(committedBeforeKill.n).toBe(400);
    const stillPending = (await callOk(a.host, 'sync.status', {})).pending;
    expect(stillPending).toBe(COURSES * 2 - 200);
    await first.app.close();

    // Restarted on the same data. Before the first desktop gets through again, a teammate takes a course from the
    // batch whose answer was lost and changes it.
    const second = await openCompanion({ listen: true, dataDir: first.dataDir, masterKey: first.masterKey });
    const b = openDesktop(() => second.url!, token);
    await callOk(b.host, 'sync.now', {});
    const fromLostBatch = second.app.db.prepare("SELECT id FROM sync_rows WHERE kind = 'course' AND version > 200 ORDER BY version LIMIT 1").get() as { id: string };
    const taken = await callOk(b.host, 'courses.get', { id: fromLostBatch.id });
    await callOk(b.host, 'courses.save', { ...taken, baseVersion: taken.version, title: '队友改过的标题' });
    expect(await callOk(b.host, 'sync.now', {})).toMatchObject({ state: 'synced', pending: 0 });

    // The desktop's backoff finds the companion and pushes the rest, repeating the lost batch: recognised by its change
    // ids, so no row is written twice and the teammate's newer change is no conflict.
    relay.restore(Number(new URL(second.url!).port));
    await syncState(a.host, (s) => s.state === 'synced' && s.pending === 0);
    expect((await callOk(a.host, 'sync.now', {})).conflicts).toBe(0);
    expect((await callOk(a.host, 'courses.get', { id: fromLostBatch.id })).title).toBe('队友改过的标题');

    const db = second.app.db;
    const rows = db.prepare('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM sync_rows').get() as { n: number; ids: number };
    expect(rows).toEqual({ n: COURSES * 2, ids: COURSES * 2 });
    // Every row written exactly once: the replayed batch took no new versions.
    // Every row written exactly once, plus the teammate's one edit: the replayed batch took no new versions.
    expect((db.prepare('SELECT last FROM sync_sequence').get() as { last: number }).last).toBe(COURSES * 2 + 1);

    // A fresh desktop gets every course once.
    const c = openDesktop(() => second.url!, token);
    expect(await callOk(c.host, 'sync.now', {})).toMatchObject({ state: 'synced', pending: 0, conflicts: 0 });
    const list = await callOk(c.host, 'courses.list', { limit: 500 });
    expect(list.total).toBe(COURSES);
    expect(new Set(list.items.map((x) => x.title)).size).toBe(COURSES);
    const one = list.items.find((x) => x.title === '课程 7')!;
    const course = await callOk(c.host, 'courses.get', { id: one.id });
    expect((await callOk(c.host, 'lessons.getBody', { courseId: one.id, lessonId: course.chapters[0]!.lessons[0]!.id })).html).toBe('<p>正文 7</p>');
  }, 120_000);
});
