/**
 * Scores the compliance scanner on its dev set (`npm run score:compliance`; `-- --file=PATH` scores another TSV of the
 * same format). Issue 5 "Quality bar": recall ≥ 0.95 per category and ≤ 3% false positives on clean lines.
 *
 * Each line of tests/fixtures/compliance/devset.tsv is scanned as one document by the default scanner with the
 * whitelist the file declares; info-level findings are hints, not findings, and are ignored. Prints per category
 * precision, recall, TP/FN/FP; the false-positive rate on clean lines; recall per evasion kind; then every miss and
 * every false positive with its line number, so rules can be fixed from the list. Exits 0 whether or not the bar is
 * met (the verdict is the last line; the unit test is what fails), 2 when the file is malformed.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDefaultScanner } from '../../shared/compliance/default-scanner';
import { DEVSET_PATH, formatScore, loadDevset, scoreDevset } from '../helpers/compliance-devset';

const fileArg = process.argv.slice(2).find((a) => a.startsWith('--file='));
const file = fileArg ? path.resolve(fileArg.slice('--file='.length)) : DEVSET_PATH;

let devset: ReturnType<typeof loadDevset>;
try {
  devset = loadDevset(file);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}

const buildStart = performance.now();
const scanner = createDefaultScanner({ whitelist: devset.whitelist });
const buildMs = performance.now() - buildStart;

const scanStart = performance.now();
const score = scoreDevset(devset, (text) => scanner.scan(text));
const scanMs = performance.now() - scanStart;

console.log(formatScore(score, path.relative(process.cwd(), file)));
console.log('');
console.log(
  `Scanner built in ${buildMs.toFixed(0)} ms (${scanner.stats.patterns} patterns); ${score.examples} lines scanned in ${scanMs.toFixed(0)} ms; whitelist ${devset.whitelist.join(', ')}`,
);
