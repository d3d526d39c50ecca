/**
 * Stored bodies carry their rich-text schemaVersion and are brought up to the current one on load by pure steps
 * (style.md §4: JSON and rich-text documents are migrated on load). Version 1 is the first; a later version adds
 * its step here (`UPGRADES[n]` turns a version-n body into version n+1) and bumps RICH_TEXT_SCHEMA_VERSION.
 */
import { RICH_TEXT_SCHEMA_VERSION } from './schema';

const UPGRADES: Record<number, (html: string) => string> = {};

export function upgradeBody(schemaVersion: number, html: string): string {
  if (schemaVersion > RICH_TEXT_SCHEMA_VERSION) {
    throw new Error(`Lesson body schema ${schemaVersion} is newer than this app's ${RICH_TEXT_SCHEMA_VERSION}`);
  }
  let out = html;
  for (let v = schemaVersion; v < RICH_TEXT_SCHEMA_VERSION; v++) {
    const step = UPGRADES[v];
    if (!step) throw new Error(`No upgrade from lesson body schema ${v}`);
    out = step(out);
  }
  return out;
}
