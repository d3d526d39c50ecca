#!/usr/bin/env node
// `npm start`: build, then launch the desktop app; where the Electron runtime cannot be found or fetched (as on
// machines without internet), say so in one line and serve the same studio in browser mode instead.
// `npm run studio:web` (`--web`) goes straight to browser mode. Other arguments (--data-dir, --port) pass through.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const webOnly = args.includes('--web');
const passThrough = args.filter((a) => a !== '--web');

function run(command, commandArgs, options = {}) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
if (build.status !== 0) {
  console.error('The build failed (see above); nothing was started.');
  process.exit(build.status ?? 1);
}

/** The Electron binary, or why there is none. Requiring 'electron' downloads it on first use, which may fail. */
function findElectron() {
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
  });
  const binary = probe.stdout?.trim();
  if (probe.status === 0 && binary && fs.existsSync(binary)) return { binary };
  const reason = `${probe.stderr ?? ''}`.split('\n').find((l) => /Error|fetch failed|ENOTFOUND|ECONN/.test(l))?.trim();
  return { reason: reason || 'the Electron binary is not installed and could not be downloaded' };
}

/** Electron's main process reads `--data-dir=DIR` (one token: Chromium may reorder separate ones). */
function electronArgs(list) {
  const out = [];
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '--data-dir' && list[i + 1] !== undefined) out.push(`--data-dir=${list[++i]}`);
    else out.push(list[i]);
  }
  return out;
}

const cli = path.join(root, 'out', 'node', 'cli.js');
if (webOnly) {
  run(process.execPath, [cli, 'serve', ...passThrough]);
} else {
  const electron = findElectron();
  // Electron's main process opens SQLite itself and needs better-sqlite3 built for Electron's ABI (docs/ARCHITECTURE.md).
  const addon = path.join(root, 'build', 'native-electron', 'better_sqlite3.node');
  if (electron.binary && !fs.existsSync(addon)) {
    const native = spawnSync('npm', ['run', '--silent', 'build:native:electron'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    if (native.status !== 0) {
      electron.binary = undefined;
      electron.reason = 'better-sqlite3 could not be built for Electron (see above)';
    }
  }
  if (electron.binary) {
    run(electron.binary, ['.', ...electronArgs(passThrough)]);
  } else {
    console.log(`Electron runtime unavailable (${electron.reason}); serving the studio in browser mode instead.`);
    run(process.execPath, [cli, 'serve', ...passThrough]);
  }
}
