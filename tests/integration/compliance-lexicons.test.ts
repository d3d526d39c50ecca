/**
 * The shared lexicons (../shared/data/lexicons, read in place — never copied into the project) import cleanly through
 * the host's contract, the largest (houbb's 64k-line dictionary) within a few seconds, and the imported terms reach
 * the scanner.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { categoryFromFileName } from '../../shared/domain/compliance-labels';
import { callOk, openHost, steppingClock } from '../helpers/host';
import { tempDir } from '../helpers/temp-dir';
import { lexiconsDir } from '../helpers/lexicons';

const LEXICONS = lexiconsDir();
const FOLDERS = ['fwwdn-sensitive-stop-words', 'houbb-sensitive-word-v0.26.1'];

/** Every word list in a lexicon folder (licence and notice files are not lists). */
function wordLists(folder: string): string[] {
  const dir = path.join(LEXICONS, folder);
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile() && /\.(txt|dic)$/i.test(e.name) && !/^(license|notice)/i.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

describe.each(FOLDERS)('the %s lexicon', (folder) => {
  it('has word lists to import', () => {
    expect(fs.existsSync(path.join(LEXICONS, folder))).toBe(true);
    expect(wordLists(folder).length).toBeGreaterThan(3);
  });

  it('imports every file cleanly, each into its own list', async () => {
    const host = openHost(tempDir(), { now: steppingClock() });
    for (const file of wordLists(folder)) {
      const name = path.basename(file);
      const allow = /allow/i.test(name);
      const bytes = fs.readFileSync(file);
      const lines = bytes.toString('utf8').split(/\r\n|\n|\r/).filter((l) => l.trim() !== '').length;
      const started = performance.now();
      const heapBefore = process.memoryUsage().heapUsed;
      const out = await callOk(host, 'compliance.importList', {
        fileName: name,
        dataBase64: bytes.toString('base64'),
        kind: allow ? 'allow' : 'flag',
        ...(allow ? {} : { defaultCategory: categoryFromFileName(name) ?? 'fraud' }),
      });
      const ms = performance.now() - started;
      const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
      console.log(`${folder}/${path.relative(path.join(LEXICONS, folder), file)}: ${lines} lines → ${out.added} terms, ${out.skipped} skipped, ${ms.toFixed(0)} ms, heap ${heapMb.toFixed(1)} MB`);

      expect(out.list).toMatchObject({ source: `import:${name}`, kind: allow ? 'allow' : 'flag', termCount: out.added });
      expect(out.added).toBeGreaterThan(lines * 0.5);
      // No term is invented: each stored one is in the file as written.
      const text = bytes.toString('utf8');
      const stored = await callOk(host, 'compliance.listTerms', { listId: out.list.id, limit: 500 });
      for (const { term } of stored.items) expect(text).toContain(term);
      // Generous bound for a shared 2-core machine; the figure is printed above.
      expect(ms).toBeLessThan(20_000);
    }
    const lists = await callOk(host, 'compliance.lists', {});
    expect(lists.items).toHaveLength(wordLists(folder).length);
  });
});

it('reads houbb\'s tagged list as term and tag: "0售k粉qq 1,4" is the term 0售k粉qq under its first tag (1 毒品)', async () => {
  const host = openHost(tempDir(), { now: steppingClock() });
  const file = path.join(LEXICONS, 'houbb-sensitive-word-v0.26.1', 'sensitive_word_tags.txt');
  const out = await callOk(host, 'compliance.importList', {
    fileName: 'sensitive_word_tags.txt',
    dataBase64: fs.readFileSync(file).toString('base64'),
    kind: 'flag',
    defaultCategory: 'fraud',
  });
  const find = async (query: string) => (await callOk(host, 'compliance.listTerms', { listId: out.list.id, query, limit: 10 })).items;
  expect(await find('0售k粉qq')).toEqual([{ term: '0售k粉qq', category: 'drugs' }]);
  expect(await find('08宪章')).toEqual([{ term: '08宪章', category: 'politics' }]);
});

it('puts an imported lexicon to work: its terms are found in a course', async () => {
  const host = openHost(tempDir(), { now: steppingClock() });
  const file = path.join(LEXICONS, 'houbb-sensitive-word-v0.26.1', 'by-tag', 'gambling.txt');
  const terms = fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => /^[\u4e00-\u9fff]{4,8}$/.test(l));
  const term = terms[0]!;
  const out = await callOk(host, 'compliance.importList', {
    fileName: 'gambling.txt',
    dataBase64: fs.readFileSync(file).toString('base64'),
    kind: 'flag',
    defaultCategory: 'gambling',
  });
  expect(out.added).toBeGreaterThan(500);
  const course = await callOk(host, 'courses.create', { title: `课程里写着${term}` });
  const scan = await callOk(host, 'compliance.scanCourse', { courseId: course.id });
  expect(scan.findings).toContainEqual(expect.objectContaining({ category: 'gambling', severity: 'block', text: expect.stringContaining(term.slice(0, 2)) }));
});
