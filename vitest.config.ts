import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    // Forked workers: better-sqlite3 is a native addon, and a crash in one file must not take the others down.
    pool: 'forks',
    // Two cores: one worker each; more only make the SQLite and child-process tests fight for CPU.
    maxWorkers: 2,
    // Integration tests spawn `node --import tsx` (a cold TypeScript start) and write real databases.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
