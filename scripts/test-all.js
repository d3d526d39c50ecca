#!/usr/bin/env node
// `npm test`: every suite in order — typecheck, lint, unit + integration (vitest), build, packaging smoke check,
// end-to-end (Playwright in a real Chromium) — and one closing line `N passed, N failed` summing them all.
// Typecheck, lint, build and the smoke check count as one test each; vitest and Playwright count their tests.
// Every suite runs even after a failure, so one run shows everything that is wrong.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const results = path.join(root, 'test-results');
fs.mkdirSync(results, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function step(title, command, args) {
  console.log(`\n=== ${title}: ${[path.basename(command), ...args].join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  console.log(`=== ${title}: exit ${result.status ?? result.signal} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

const suites = [];
const single = (name, ok) => suites.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1 });

single('typecheck', step('typecheck', 'npm', ['run', '--silent', 'typecheck']));
single('lint', step('lint', bin('eslint'), ['--max-warnings', '0', '.']));

const vitestJson = path.join(results, 'vitest.json');
fs.rmSync(vitestJson, { force: true });
const vitestOk = step('unit + integration', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile=${vitestJson}`]);
const vitest = readJson(vitestJson);
if (vitest) {
  // A suite that failed to load has no tests in the count: count it as a failure of its own.
  const brokenFiles = vitest.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
  suites.push({ name: 'unit + integration', passed: vitest.numPassedTests, failed: vitest.numFailedTests + brokenFiles });
} else single('unit + integration', false);
if (!vitestOk && suites.at(-1).failed === 0) suites.at(-1).failed = 1;

const built = step('build', 'npm', ['run', '--silent', 'build']);
single('build', built);
single('packaging smoke check', built && step('packaging smoke check', process.execPath, ['scripts/package-smoke.js']));

const e2eJson = path.join(results, 'e2e.json');
fs.rmSync(e2eJson, { force: true });
const e2eOk = built && step('end-to-end', bin('playwright'), ['test']);
const e2e = readJson(e2eJson);
if (e2e && built) {
  suites.push({ name: 'end-to-end', passed: e2e.stats.expected + e2e.stats.flaky, failed: e2e.stats.unexpected });
  if (!e2eOk && e2e.stats.unexpected === 0) suites.at(-1).failed += 1;
} else single('end-to-end', false);

console.log('\n=== Summary');
for (const s of suites) console.log(`${s.name.padEnd(24)} ${s.passed} passed, ${s.failed} failed`);
const passed = suites.reduce((n, s) => n + s.passed, 0);
const failed = suites.reduce((n, s) => n + s.failed, 0);
const line = `${passed} passed, ${failed} failed`;
fs.writeFileSync(path.join(results, 'summary.txt'), `${line}\n`);
console.log(line);
process.exitCode = failed === 0 ? 0 : 1;
