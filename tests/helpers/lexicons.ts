/**
 * Where the shared public word lists are: the workplace keeps them beside the project (`../shared/data/lexicons`),
 * read in place and never copied in. A clone elsewhere finds them through CREATOR_STUDIO_LEXICONS, or in the nearest
 * ancestor folder that has `shared/data/lexicons`. Missing lists are an error, not a reason to skip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function find(): string | null {
  const fromEnv = process.env.CREATOR_STUDIO_LEXICONS;
  if (fromEnv) return path.resolve(fromEnv);
  for (let dir = path.resolve(ROOT, '..'); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'data', 'lexicons');
    if (fs.existsSync(path.join(candidate, 'houbb-sensitive-word-v0.26.1'))) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  const workplace = '/work/shared/data/lexicons';
  return fs.existsSync(workplace) ? workplace : null;
}

const found = find();

/** The lexicons folder; throws (failing the test that needs it) with where it looked when there is none. */
export function lexiconsDir(): string {
  if (!found) {
    throw new Error(`The shared word lists were not found: set CREATOR_STUDIO_LEXICONS, or keep shared/data/lexicons in a folder above ${ROOT}`);
  }
  return found;
}
