// electron-builder hooks (electron-builder.yml: beforePack).
//
// electron-builder only logs "file source doesn't exist" for a missing extraResources entry and packages on, which
// would ship an installer whose studio cannot open its database. So before packing each platform and arch we check
// that the Electron-ABI better-sqlite3 is there and was built for that platform, that arch and Electron's ABI (not
// Node's, which is what a machine with npm_config_nodedir set silently produces).
import fs from 'node:fs';
import path from 'node:path';
import { describe, electronVersion, expectedElectronAbi, formatFor, inspectAddon } from './native-addon.js';

/** electron-builder's Arch enum, by value. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];


export async function beforePack(context) {
  const { packager, electronPlatformName } = context;
  // Set by scripts/package-smoke.js, which packages a stand-in: Electron's headers are out of reach there.
  const smoke = process.env.CREATOR_STUDIO_PACKAGE_SMOKE === '1';
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const entries = [].concat(packager.config.extraResources ?? []).map((e) => (typeof e === 'string' ? { from: e, to: e } : e));

  for (const { from, to } of entries) {
    const source = path.resolve(packager.projectDir, from);
    if (!fs.existsSync(source)) {
      throw new Error(`extra resource ${from} is missing: run \`npm run build:native:electron\` before packaging`);
    }
    if (path.basename(to ?? from) !== 'better_sqlite3.node') continue;
    if (smoke) {
      console.log(`  • native addon check: smoke-check stand-in ${path.basename(source)}, contents not checked`);
      continue;
    }

    const info = inspectAddon(source);
    const problems = [];
    if (info.format !== formatFor(electronPlatformName)) problems.push(`it is ${info.format}, ${electronPlatformName} needs ${formatFor(electronPlatformName)}`);
    const needed = arch === 'universal' ? ['x64', 'arm64'] : [arch];
    for (const a of needed) if (!info.archs.includes(a)) problems.push(`it has no ${a} code`);
    const version = packager.config.electronVersion ?? electronVersion();
    const abi = expectedElectronAbi(version);
    if (abi === null) {
      console.log(`  • native addon check: node-abi does not know Electron ${version}; ABI not checked (${describe(info)})`);
    } else if (info.abis.length !== 1 || info.abis[0] !== abi) {
      problems.push(`it was built for ABI ${info.abis.join('/') || '?'}, Electron ${version} needs ${abi}`);
    }
    if (problems.length > 0) {
      throw new Error(`${from} cannot be packaged for ${electronPlatformName}-${arch}: ${problems.join('; ')}. Rebuild it with \`npm run build:native:electron\`.`);
    }
    console.log(`  • native addon check: ${from} → ${to} (${describe(info)}) fits ${electronPlatformName}-${arch}`);
  }
}
