import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

/**
 * The plain-Node entry points (the `creator-studio` command: browser mode now; companion and sandbox later), built
 * to out/node/ with every npm dependency left external, so they load the Node-ABI better-sqlite3.
 */
const external = [
  ...Object.keys(pkg.dependencies),
  ...builtinModules.flatMap((m) => [m, `node:${m}`]),
];

export default defineConfig({
  build: {
    ssr: true,
    outDir: 'out/node',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: false,
    rolldownOptions: {
      // The poster batch workers (electron/studio/services/poster-batch.ts) load their own entry beside cli.js.
      input: { cli: resolve('electron/cli/index.ts'), 'poster-worker': resolve('electron/studio/services/poster-worker.ts') },
      external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
});
