/**
 * The committed fixtures, copied into a test's own folder: tests never write to (or regenerate) the originals.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DB_FILE_NAME } from '../../electron/studio/store/database';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const V1_FIXTURE_FILE = path.join(ROOT, 'tests', 'fixtures', 'workspace-v1.db');

/** Puts a copy of workspace-v1.db into `dataDir` as its workspace database; returns the copy's path. */
export function copyV1Fixture(dataDir: string): string {
  const target = path.join(dataDir, DB_FILE_NAME);
  fs.copyFileSync(V1_FIXTURE_FILE, target);
  return target;
}
