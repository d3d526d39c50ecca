import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures';

const eslint = new ESLint({ cwd: ROOT });

/** The layering messages ESLint gives for `code` as if it lived at `file` (relative to the project root). */
async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  // A file the config ignored would come back with a warning and no rule run: that must not pass as "allowed".
  expect(result!.messages.filter((m) => m.fatal || /ignored/i.test(m.message))).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === 'layering/layers' && m.severity === 2).map((m) => m.message);
}

function importing(source: string): string {
  return `import * as imported from '${source}';\nexport const used = imported;\n`;
}

describe('the layering lint rule', () => {
  it.each([
    ['shared/x.ts', 'node:fs', /shared\/ runs everywhere/],
    ['shared/x.ts', 'fs', /shared\/ runs everywhere/],
    ['shared/x.ts', 'react', /shared\/ runs everywhere/],
    ['shared/x.ts', '../electron/studio/host', /shared may not import electron\/studio/],
    ['renderer/src/x.ts', '../../electron/studio/host', /renderer may not import electron\/studio/],
    ['renderer/src/x.ts', 'electron', /renderer\/ runs in a sandboxed page/],
    ['renderer/src/x.ts', 'node:path', /renderer\/ runs in a sandboxed page/],
    ['renderer/src/x.ts', 'better-sqlite3', /renderer\/ runs in a sandboxed page/],
    ['electron/studio/x.ts', 'electron', /Only electron\/main and electron\/preload may load electron/],
    ['electron/studio/x.ts', 'electron-store', /Only electron\/main and electron\/preload may load electron/],
    ['electron/studio/x.ts', '../companion/x', /electron\/studio may not import electron\/companion/],
    ['electron/studio/x.ts', '../main/window-options', /electron\/studio may not import electron\/main/],
    ['electron/companion/x.ts', '../studio/host', /electron\/companion may not import electron\/studio/],
    ['electron/sandbox/x.ts', '../companion/crypto', /electron\/sandbox may not import electron\/companion/],
    ['electron/preload/x.ts', '../studio/host', /electron\/preload may not import electron\/studio/],
  ])('refuses %s importing %j', async (file, source, message) => {
    const errors = await layeringErrors(file, importing(source));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it('checks re-exports and dynamic imports too', async () => {
    expect(await layeringErrors('shared/x.ts', "export * from '../electron/studio/host';\n")).toHaveLength(1);
    expect(await layeringErrors('shared/x.ts', "export { createStudioHost } from '../electron/studio/host';\n")).toHaveLength(1);
    expect(await layeringErrors('renderer/src/x.ts', "export const load = () => import('../../electron/studio/host');\n")).toHaveLength(1);
  });

  it.each([
    ['renderer/src/x.ts', '../../shared/csp'],
    ['renderer/src/features/x.ts', '../../../shared/contract/index'],
    ['shared/domain/x.ts', '../contract/index'],
    ['shared/x.ts', 'zod'],
    ['electron/studio/x.ts', '../../shared/csp'],
    ['electron/studio/x.ts', 'node:fs'],
    ['electron/studio/x.ts', 'better-sqlite3'],
    ['electron/studio/x.ts', '../../package.json'],
    ['electron/main/x.ts', 'electron'],
    ['electron/main/x.ts', '../studio/host'],
    ['electron/preload/x.ts', 'electron'],
  ])('allows %s importing %j', async (file, source) => {
    expect(await layeringErrors(file, importing(source))).toEqual([]);
  });
});
