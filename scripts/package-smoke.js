// The offline packaging check. Validates electron-builder.yml against electron-builder's schema, self-tests the
// beforePack hook, then packages a Linux `dir` build against a dummy Electron (the real binary cannot be downloaded
// here) and inspects what came out: the asar's contents, what was unpacked, the extra resource, and that no sources
// or tests leaked in. Takes a few seconds; needs `npm run build` first.
//
// Usage: node scripts/package-smoke.js [--keep]    (--keep leaves the packaged folder in the temp directory)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { beforePack } from './electron-builder-hooks.js';
import { electronVersion, root } from './native-addon.js';

const keep = process.argv.includes('--keep');
const require = createRequire(import.meta.url);
// Resolve electron-builder's own helpers (and the @electron/asar it packs with) from where it installed them.
const builderRequire = createRequire(require.resolve('app-builder-lib/package.json'));
const asar = builderRequire('@electron/asar');
const { getConfig, validateConfiguration } = builderRequire('./out/util/config/config');
const { DebugLogger } = builderRequire('builder-util');

const results = [];
function check(ok, what, detail = '') {
  results.push(ok);
  console.log(`${ok ? '  ✓' : '  ✗'} ${what}${detail ? ` — ${detail}` : ''}`);
  return ok;
}
function fail(message) {
  console.error(`package-smoke: ${message}`);
  process.exit(1);
}

const BUILT = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/node/cli.js', 'out/main/poster-worker.js', 'out/node/poster-worker.js'];
const missing = BUILT.filter((f) => !fs.existsSync(path.join(root, f)));
if (missing.length > 0) fail(`${missing.join(', ')} not found: run \`npm run build\` first`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'creator-studio-smoke-'));
try {
  await run();
} finally {
  if (keep) console.log(`\nkept: ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}
const failed = results.filter((ok) => !ok).length;
console.log(failed === 0 ? `\npackage-smoke: all ${results.length} checks passed` : `\npackage-smoke: ${failed} of ${results.length} checks FAILED`);
process.exit(failed === 0 ? 0 : 1);

async function run() {
  // 1. The configuration, as electron-builder itself reads and validates it (offline: a JSON-schema check).
  console.log('configuration');
  const config = await getConfig(root, null, null);
  let valid = true;
  try {
    await validateConfiguration(config, new DebugLogger(false));
  } catch (error) {
    valid = false;
    console.error(String(error.message ?? error));
  }
  check(valid, 'electron-builder.yml passes electron-builder’s schema validation', `electron-builder ${builderRequire('./package.json').version}`);
  const referenced = [config.win?.icon, config.mac?.icon, config.linux?.icon, config.mac?.entitlements, config.mac?.entitlementsInherit, config.beforePack];
  for (const file of new Set(referenced.filter(Boolean))) check(fs.existsSync(path.join(root, file)), `referenced file exists: ${file}`);
  const png = fs.readFileSync(path.join(root, 'resources/icon.png'));
  check(png.readUInt32BE(16) === 1024 && png.readUInt32BE(20) === 1024, 'resources/icon.png is 1024×1024');
  check(config.npmRebuild === false && !/install-app-deps/.test(fs.readFileSync(path.join(root, 'package.json'), 'utf8')), 'no rebuild of node_modules for Electron (npmRebuild false, no install-app-deps)');

  // 2. The beforePack hook refuses what must not be shipped (it is what stops a broken installer on a real build).
  console.log('beforePack hook');
  const nodeBuild = path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
  const fakeContext = (from, electronPlatformName = 'linux') => ({
    electronPlatformName,
    arch: 1, // x64
    packager: { projectDir: root, config: { electronVersion: electronVersion(), extraResources: [{ from, to: 'native/better_sqlite3.node' }] } },
  });
  /** The hook's reason for refusing, without the file name; null when it accepted. */
  const refuses = async (context) => {
    try {
      await beforePack(context);
      return null;
    } catch (error) {
      return error.message.replace(/^.*?cannot be packaged for [^:]+: /, '').replace(/ Rebuild it with.*$/, '');
    }
  };
  const missingMsg = await refuses(fakeContext(path.join(tmp, 'absent.node')));
  check(missingMsg !== null, 'refuses a missing native addon', missingMsg ?? 'accepted it');
  const abiMsg = await refuses(fakeContext(nodeBuild));
  check(abiMsg !== null && /ABI/.test(abiMsg), 'refuses the Node-ABI build from node_modules', abiMsg ?? 'accepted it');
  const formatMsg = await refuses(fakeContext(nodeBuild, process.platform === 'win32' ? 'darwin' : 'win32'));
  check(formatMsg !== null && /needs (pe|mach-o)/.test(formatMsg), 'refuses an addon of another platform’s binary format', formatMsg ?? 'accepted it');

  // 3. Package: a dummy Electron (an executable named electron plus a version file) and a clearly named stand-in for
  // the Electron-ABI addon, both in the temp folder; everything else exactly as electron-builder.yml says.
  console.log('packaging (electron-builder --linux dir, dummy Electron)');
  const electronDist = path.join(tmp, 'electron-dist');
  fs.mkdirSync(electronDist);
  fs.writeFileSync(path.join(electronDist, 'electron'), '#!/bin/sh\necho "dummy Electron for scripts/package-smoke.js" >&2\nexit 1\n', { mode: 0o755 });
  fs.writeFileSync(path.join(electronDist, 'version'), electronVersion());
  const standIn = path.join(tmp, 'STAND-IN-node-abi-better_sqlite3.node');
  fs.copyFileSync(nodeBuild, standIn);
  const smokeConfig = {
    ...config,
    electronDist,
    directories: { ...config.directories, output: path.join(tmp, 'dist') },
    extraResources: config.extraResources.map((e) => (e.to === 'native/better_sqlite3.node' ? { ...e, from: standIn } : e)),
  };
  const configFile = path.join(tmp, 'electron-builder.smoke.json');
  fs.writeFileSync(configFile, JSON.stringify(smokeConfig, null, 2));

  const started = Date.now();
  const cli = path.join(path.dirname(require.resolve('electron-builder/package.json')), 'cli.js');
  const pack = spawnSync(process.execPath, [cli, '--linux', 'dir', '--config', configFile, '--projectDir', root], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CREATOR_STUDIO_PACKAGE_SMOKE: '1', CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
  });
  if (!check(pack.status === 0, 'electron-builder packaged the app', `${((Date.now() - started) / 1000).toFixed(1)} s, exit ${pack.status}`)) return;

  const outDir = fs.readdirSync(path.join(tmp, 'dist')).find((d) => /^linux.*-unpacked$/.test(d));
  if (!check(outDir !== undefined, 'found the unpacked app folder', outDir)) return;
  const appDir = path.join(tmp, 'dist', outDir);
  const resources = path.join(appDir, 'resources');
  const archive = path.join(resources, 'app.asar');
  check(fs.existsSync(path.join(appDir, 'creator-studio')), 'the executable is renamed to creator-studio');
  if (!check(fs.existsSync(archive), 'resources/app.asar exists', `${(fs.statSync(archive).size / 1e6).toFixed(1)} MB`)) return;

  // 4. What is inside the asar.
  console.log('app.asar contents');
  const entries = asar.listPackage(archive, { isPack: false }).map((p) => p.split(path.sep).join('/').replace(/^\//, ''));
  const has = (p) => entries.includes(p);
  const files = entries.filter((p) => !asar.statFile(archive, p).files);
  console.log(`    ${files.length} files`);
  for (const f of [...BUILT, 'package.json']) check(has(f), `contains ${f}`);
  const packagedPkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8'));
  check(packagedPkg.main === 'out/main/index.js' && has(packagedPkg.main), 'package.json "main" points at out/main/index.js');
  const html = asar.extractFile(archive, 'out/renderer/index.html').toString('utf8');
  const assets = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => `out/renderer/${m[1]}`);
  check(assets.length > 0 && assets.every(has), 'every asset index.html references is packaged', assets.join(', '));
  for (const dep of ['better-sqlite3/lib/index.js', 'bindings/package.json', 'conf/package.json', 'electron-store/package.json', 'zod/package.json', 'fastify/package.json', 'qrcode/package.json']) {
    check(has(`node_modules/${dep}`), `production dependency node_modules/${dep}`);
  }

  const leaked = files.filter((p) => {
    if (/^(tests|renderer|electron|shared|scripts|resources|docs|bin|build|dist|src|\.ci|\.git)\//.test(p)) return true;
    if (/^[^/]+\.(ts|yml|yaml)$|^tsconfig.*\.json$|^package-lock\.json$|^eslint\.config\.js$/.test(p)) return true;
    return !p.startsWith('node_modules/') && /\.(tsx?|map)$/.test(p);
  });
  const sample = (list) => `${list.length}: ${list.filter((p, i) => i < 3 || list.findIndex((q) => q.split('/')[0] === p.split('/')[0]) === i).slice(0, 8).join(', ')}`;
  check(leaked.length === 0, 'no sources, tests or configs leaked in', leaked.length ? sample(leaked) : '');
  const devDeps = ['electron', 'electron-builder', 'electron-vite', 'vite', 'vitest', 'typescript', 'tsx', 'react', 'react-dom', 'eslint', '@playwright/test'];
  const leakedDev = devDeps.filter((d) => has(`node_modules/${d}/package.json`));
  check(leakedDev.length === 0, 'no devDependencies packaged', leakedDev.join(', '));
  const junk = files.filter((p) => /^node_modules\/better-sqlite3\/(deps|src|build\/deps|build\/Release\/obj)/.test(p));
  check(junk.length === 0, 'better-sqlite3’s sources and build intermediates excluded', junk.slice(0, 3).join(', '));

  // 5. Native code outside the asar.
  console.log('native code');
  const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  check(asar.statFile(archive, addon).unpacked === true, `asar marks ${addon} as unpacked`);
  check(fs.existsSync(path.join(resources, 'app.asar.unpacked', addon)), `app.asar.unpacked/${addon} exists`);
  const packedNative = files.filter((p) => p.endsWith('.node') && !asar.statFile(archive, p).unpacked);
  check(packedNative.length === 0, 'no .node file left inside the archive', packedNative.join(', '));
  const shipped = path.join(resources, 'native', 'better_sqlite3.node');
  check(fs.existsSync(shipped) && fs.readFileSync(shipped).equals(fs.readFileSync(standIn)), 'extraResources: resources/native/better_sqlite3.node is the addon given', '(a stand-in here)');
  const previewFont = path.join(resources, 'preview', 'fonts', 'NotoSansSC-Regular.subset.woff2');
  check(fs.existsSync(previewFont), 'extraResources: the preview fonts ship in resources/preview/fonts');
}
