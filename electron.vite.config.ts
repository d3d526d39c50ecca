import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The poster batch workers (electron/studio/services/poster-batch.ts) load their own entry beside index.js.
      rolldownOptions: { input: { index: resolve('electron/main/index.ts'), 'poster-worker': resolve('electron/studio/services/poster-worker.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // One CommonJS file: an ESM preload would force `sandbox: false` on the window (stack-notes trap 4).
      rolldownOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    build: {
      outDir: resolve('out/renderer'),
      emptyOutDir: true,
      minify: true,
      rolldownOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
