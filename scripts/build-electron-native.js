// Builds better-sqlite3 for Electron's ABI into build/native-electron/better_sqlite3.node, the file electron-builder
// ships as resources/native/better_sqlite3.node and electron/main/native-binding.ts loads by path.
//
// node_modules/better-sqlite3 is never touched: tests, browser mode and the companion keep its Node-ABI build. The
// package is copied to a temp folder and built there with node-gyp against Electron's headers, which are fetched
// from electronjs.org (internet needed) into a fresh folder on every run, so a stale or wrong header cache can never
// leak into the result. Needs a C++ toolchain: Xcode command-line tools on macOS, Visual Studio Build Tools
// ("Desktop development with C++") and Python 3 on Windows, build-essential and python3 on Linux.
//
// Usage: node scripts/build-electron-native.js [--arch=x64|arm64|universal] [--dist-url=URL] [--verbose]
//   --arch      default: universal (arm64 + x64 in one file) on macOS, since `dist:mac` packages both; x64 on
//               Windows, matching the NSIS target; the machine's own arch elsewhere.
//   --dist-url  where Electron's headers are fetched from (default https://electronjs.org/headers), for a mirror.
//   --verbose   show node-gyp's output as it runs.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { ELECTRON_ADDON, describe, electronVersion, expectedElectronAbi, inspectAddon, root } from './native-addon.js';

const PREFIX = 'build:native:electron:';
const require = createRequire(import.meta.url);

/** A failure explained in one line; thrown rather than exiting so that the temp folder is still removed. */
class Failure extends Error {}
function fail(message) {
  throw new Failure(message);
}

// An npm_config_nodedir (set for Node builds on CI) or any other npm_config_* that node-gyp reads would silently
// override the Electron target and build for Node's ABI: node-gyp must see only the flags given here.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_config_(nodedir|target|target_arch|arch|runtime|disturl|dist_url|devdir|build_from_source)$/i.test(k)),
);

function main(args) {
  const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const verbose = args.includes('--verbose');
  const distUrl = option('dist-url') ?? 'https://electronjs.org/headers';
  const archOption = option('arch') ?? (process.platform === 'darwin' ? 'universal' : process.platform === 'win32' ? 'x64' : process.arch);
  const archs = archOption === 'universal' ? ['arm64', 'x64'] : [archOption];
  if (!archs.every((a) => ['x64', 'arm64', 'ia32'].includes(a))) fail(`unknown --arch=${archOption} (x64, arm64, ia32 or universal)`);
  if (archs.length > 1 && process.platform !== 'darwin') fail('--arch=universal is for macOS only (it needs lipo)');

  const version = electronVersion();
  const pkgDir = path.join(root, 'node_modules', 'better-sqlite3');
  const pkgVersion = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  console.log(`${PREFIX} better-sqlite3 ${pkgVersion} for Electron ${version} (${process.platform} ${archs.join(' + ')})`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'creator-studio-native-'));
  const devdir = path.join(tmp, 'electron-headers');
  const gyp = (command, arch, extra, cwd) => {
    const flags = [`--target=${version}`, `--dist-url=${distUrl}`, '--runtime=electron', `--arch=${arch}`, `--devdir=${devdir}`];
    const run = spawnSync(process.execPath, [nodeGyp, command, ...extra, ...flags], { cwd, env, stdio: verbose ? 'inherit' : 'pipe', encoding: 'utf8' });
    return { ok: run.status === 0, output: `${run.stdout ?? ''}${run.stderr ?? ''}`, error: run.error };
  };

  try {
    // The headers first, on their own, so that a machine without internet fails in seconds with one clear line.
    if (!gyp('install', archs[0], [], tmp).ok) {
      fail(`cannot fetch the Electron ${version} headers from ${distUrl} (needs internet access); nothing was built. Run with --verbose for node-gyp's output.`);
    }

    const src = path.join(tmp, 'better-sqlite3');
    fs.cpSync(pkgDir, src, {
      recursive: true,
      filter: (from) => !['build', 'node_modules'].includes(path.relative(pkgDir, from).split(path.sep)[0]),
    });

    const built = [];
    for (const arch of archs) {
      console.log(`${PREFIX} compiling for ${arch} (about a minute)…`);
      const result = gyp('rebuild', arch, ['--release', '--jobs=max'], src);
      if (!result.ok) {
        if (!verbose) console.error(result.output.split('\n').slice(-30).join('\n'));
        fail(`node-gyp failed for ${arch}${result.error ? ` (${result.error.message})` : ''}; see its output above. Is a C++ toolchain installed?`);
      }
      const out = path.join(tmp, `better_sqlite3-${arch}.node`);
      fs.copyFileSync(path.join(src, 'build', 'Release', 'better_sqlite3.node'), out);
      built.push(out);
    }

    let result = built[0];
    if (built.length > 1) {
      result = path.join(tmp, 'better_sqlite3-universal.node');
      if (spawnSync('lipo', ['-create', '-output', result, ...built], { stdio: 'inherit' }).status !== 0) {
        fail('lipo could not merge the arm64 and x64 builds into one universal file');
      }
    }

    // Check the result before it replaces anything: every arch present, and Electron's ABI rather than Node's.
    const info = inspectAddon(result);
    const abi = expectedElectronAbi(version);
    const missingArchs = archs.filter((a) => !info.archs.includes(a));
    if (missingArchs.length > 0) fail(`the build has no ${missingArchs.join(', ')} code (${describe(info)}); nothing was written`);
    if (abi !== null && (info.abis.length !== 1 || info.abis[0] !== abi)) {
      fail(`the build targets ABI ${info.abis.join('/') || '?'}, but Electron ${version} needs ${abi}; nothing was written`);
    }

    fs.mkdirSync(path.dirname(ELECTRON_ADDON), { recursive: true });
    fs.copyFileSync(result, `${ELECTRON_ADDON}.partial`);
    fs.renameSync(`${ELECTRON_ADDON}.partial`, ELECTRON_ADDON);
    const bytes = fs.readFileSync(ELECTRON_ADDON);
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    console.log(`${PREFIX} wrote ${ELECTRON_ADDON}`);
    console.log(
      `${PREFIX}   ${describe(info)}${abi === null ? ' (ABI unverified: node-abi does not know this Electron)' : ''}, ` +
        `${(bytes.length / 1e6).toFixed(1)} MB, sha256 ${sha256}`,
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof Failure)) throw error;
  console.error(`${PREFIX} ${error.message}`);
  process.exitCode = 1;
}
