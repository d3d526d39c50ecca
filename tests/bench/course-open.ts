/**
 * Opening a 200-lesson course (`npm run bench:course-open`): `courses.get` through `host.dispatch` on the
 * 10,000-course benchmark workspace plus one course of 10 chapters × 20 lessons. Cold: a new host on the folder
 * (database opened, statements prepared) and its first `courses.get`; warm: repeated calls on one host. Also the
 * autosave of one lesson title in that course (search index and version check included). Target < 150 ms.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createStudioHost, type StudioHost } from '../../electron/studio/host';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract/index';
import { generateWorkspace } from './workspace-dataset';
import { ms, reportLine } from './support/stats';

async function call<M extends MethodName>(host: StudioHost, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await host.dispatch(method, input);
  if (!result.ok) throw new Error(`${method} failed: ${JSON.stringify(result.error)}`);
  return result.value as MethodOutput<M>;
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creator-studio-bench-open-'));
try {
  console.log(`Course-open benchmark — ${os.cpus()[0]?.model.trim() ?? 'cpu'} × ${os.cpus().length}, node ${process.version}`);
  const data = generateWorkspace(dataDir, { courses: 10_000, chaptersPerCourse: 4, lessonsPerChapter: 5 });
  console.log(`  dataset ${data.courses} courses, ${data.lessons} lessons, plus one course of 10 chapters × 20 lessons`);

  let setup = createStudioHost({ dataDir, shell: 'browser' });
  const created = await call(setup, 'courses.create', { title: '两百课时的大课：从零到一的内容创业' });
  let big = await call(setup, 'courses.save', {
    ...created,
    baseVersion: created.version,
    chapters: Array.from({ length: 10 }, (_, c) => ({
      id: `bench-ch-${c}`,
      title: `第${c + 1}章 阶段目标与方法`,
      lessons: Array.from({ length: 20 }, (_, l) => ({ id: `bench-l-${c}-${l}`, title: `第${c * 20 + l + 1}讲｜一个真实案例的完整拆解` })),
    })),
  });
  await setup.close();

  const cold: number[] = [];
  const firstGet: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = process.hrtime.bigint();
    const host = createStudioHost({ dataDir, shell: 'browser' });
    const t1 = process.hrtime.bigint();
    const course = await call(host, 'courses.get', { id: big.id });
    firstGet.push(ms(t1));
    cold.push(ms(t0));
    if (course.chapters.flatMap((c) => c.lessons).length !== 200) throw new Error('the course should have 200 lessons');
    await host.close();
  }
  console.log(reportLine('courses.get, 200 lessons, cold host (open + get)', cold, 150));
  console.log(reportLine('courses.get, 200 lessons, first get on new host', firstGet, 150));

  setup = createStudioHost({ dataDir, shell: 'browser' });
  const warm: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = process.hrtime.bigint();
    await call(setup, 'courses.get', { id: big.id });
    warm.push(ms(t0));
  }
  console.log(reportLine('courses.get, 200 lessons, warm host', warm, 150));

  const saves: number[] = [];
  for (let i = 0; i < 100; i++) {
    const chapters = big.chapters.map((c, ci) =>
      ci === 3 ? { ...c, lessons: c.lessons.map((l, li) => (li === 7 ? { ...l, title: `${l.title.slice(0, 20)}${'改'.repeat(i % 20)}` } : l)) } : c,
    );
    const t0 = process.hrtime.bigint();
    big = await call(setup, 'courses.save', { ...big, baseVersion: big.version, chapters });
    saves.push(ms(t0));
  }
  console.log(reportLine('autosave of one lesson title, 200-lesson course', saves, 150, 'search index + version check in the transaction'));
  await setup.close();
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
