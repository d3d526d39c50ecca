/**
 * Full-text search on the 10,000-course benchmark workspace (`npm run bench:search`; `-- --courses=N` for another
 * size): median / p95 / min of `search.query` through `host.dispatch` on a warm host, for Chinese queries of 1, 2 and
 * 3+ characters (the 1–2 character ones take the LIKE scan, 3+ the trigram index), a query that matches nothing, a
 * mixed query and Latin text. Target: < 30 ms. Exits 0; a missed target is reported, not thrown.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createStudioHost } from '../../electron/studio/host';
import { generateWorkspace } from './workspace-dataset';
import { ms, reportLine } from './support/stats';

const coursesArg = process.argv.find((a) => a.startsWith('--courses='));
const courses = coursesArg ? Number(coursesArg.slice('--courses='.length)) : 10_000;
const RUNS = 60;

/** [query, what it exercises]: common and rare words, in titles, summaries and lesson titles. */
const QUERIES: [string, string][] = [
  ['摄', '1 char, common'],
  ['鉴', '1 char, rare'],
  ['量', '1 char, matches nothing'],
  ['摄影', '2 chars, common'],
  ['书法', '2 chars, rarer'],
  ['量子', '2 chars, matches nothing'],
  ['训练营', '3 chars, common'],
  ['古诗词鉴赏', '5 chars'],
  ['为什么大多数人', '7 chars, in lesson titles'],
  ['量子纠缠', '4 chars, matches nothing'],
  ['摄影 构图', 'two 2-char terms'],
  ['手机摄影 入门', 'indexed + short term'],
  ['Python', 'Latin'],
  ['excel', 'Latin, other case'],
];

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creator-studio-bench-search-'));
try {
  console.log(`Search benchmark — ${os.cpus()[0]?.model.trim() ?? 'cpu'} × ${os.cpus().length}, node ${process.version}`);
  const t0 = process.hrtime.bigint();
  const data = generateWorkspace(dataDir, { courses, chaptersPerCourse: 4, lessonsPerChapter: 5 });
  console.log(`  dataset ${data.courses} courses, ${data.chapters} chapters, ${data.lessons} lessons (generated and indexed in ${(ms(t0) / 1000).toFixed(1)} s)`);
  const host = createStudioHost({ dataDir, shell: 'browser' });
  try {
    for (const [query, label] of QUERIES) {
      const samples: number[] = [];
      let found = 0;
      let more = false;
      for (let i = 0; i < RUNS + 3; i++) {
        const start = process.hrtime.bigint();
        const result = await host.dispatch('search.query', { query, limit: 20 });
        const elapsed = ms(start);
        if (!result.ok) throw new Error(`search.query failed: ${JSON.stringify(result.error)}`);
        const value = result.value as { items: unknown[]; more: boolean };
        found = value.items.length;
        more = value.more;
        if (i >= 3) samples.push(elapsed);
      }
      console.log(reportLine(`"${query}" (${label})`, samples, 30, `${found}${more ? '+' : ''} courses`));
    }
  } finally {
    await host.close();
  }
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
