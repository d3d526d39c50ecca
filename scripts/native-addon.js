// Reads what a native addon was built for — file format, CPU architectures, Node ABI — from its bytes, without loading
// it (it may be another platform's binary, or Electron's ABI, which plain Node cannot load). Used by
// build-electron-native.js to check its output and by the electron-builder hook to refuse a wrong addon.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
/** Where `npm run build:native:electron` writes the Electron-ABI better-sqlite3, and electron-builder takes it from. */
export const ELECTRON_ADDON = path.join(root, 'build', 'native-electron', 'better_sqlite3.node');

const require = createRequire(import.meta.url);

export function electronVersion() {
  return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/**
 * The NODE_MODULE_VERSION Electron `version` expects, from node-abi's table (installed with better-sqlite3's
 * prebuild-install); null when node-abi is unavailable or does not know the version yet.
 */
export function expectedElectronAbi(version) {
  try {
    return Number(require('node-abi').getAbi(version, 'electron'));
  } catch {
    return null;
  }
}

const MACHO_CPU = { 0x01000007: 'x64', 0x0100000c: 'arm64' };
const ELF_MACHINE = { 3: 'ia32', 40: 'armv7l', 62: 'x64', 183: 'arm64' };
const PE_MACHINE = { 0x14c: 'ia32', 0x8664: 'x64', 0xaa64: 'arm64' };

/**
 * @returns {{ format: 'mach-o' | 'elf' | 'pe' | 'unknown', archs: string[], abis: number[] }}
 *   `abis` come from the `node_register_module_v<ABI>` symbol that NODE_MODULE_INIT exports (one per slice).
 */
export function inspectAddon(file) {
  const buf = fs.readFileSync(file);
  let format = 'unknown';
  let archs = [];
  if (buf.length >= 8 && (buf.readUInt32BE(0) === 0xcafebabe || buf.readUInt32BE(0) === 0xcafebabf)) {
    // A universal Mach-O: big-endian fat header, then one fat_arch (20 bytes, or 32 for fat64) per slice.
    const entry = buf.readUInt32BE(0) === 0xcafebabe ? 20 : 32;
    format = 'mach-o';
    for (let i = 0; i < buf.readUInt32BE(4); i++) archs.push(MACHO_CPU[buf.readUInt32BE(8 + i * entry)] ?? 'unknown');
  } else if (buf.length >= 8 && buf.readUInt32LE(0) === 0xfeedfacf) {
    format = 'mach-o';
    archs = [MACHO_CPU[buf.readUInt32LE(4)] ?? 'unknown'];
  } else if (buf.length >= 20 && buf.toString('latin1', 0, 4) === '\x7fELF') {
    format = 'elf';
    archs = [ELF_MACHINE[buf[5] === 1 ? buf.readUInt16LE(18) : buf.readUInt16BE(18)] ?? 'unknown'];
  } else if (buf.length >= 64 && buf.toString('latin1', 0, 2) === 'MZ') {
    const pe = buf.readUInt32LE(0x3c);
    if (pe + 6 <= buf.length && buf.toString('latin1', pe, pe + 4) === 'PE\0\0') {
      format = 'pe';
      archs = [PE_MACHINE[buf.readUInt16LE(pe + 4)] ?? 'unknown'];
    }
  }
  const abis = new Set();
  for (const m of buf.toString('latin1').matchAll(/node_register_module_v(\d+)/g)) abis.add(Number(m[1]));
  return { format, archs, abis: [...abis] };
}

/** The binary format an Electron platform loads. */
export function formatFor(electronPlatformName) {
  return { darwin: 'mach-o', mas: 'mach-o', win32: 'pe', linux: 'elf' }[electronPlatformName] ?? 'unknown';
}

export function describe({ format, archs, abis }) {
  return `${format} ${archs.join('+') || '?'}, ABI ${abis.join('/') || '?'}`;
}
