/**
 * The companion's own SQLite database (`companion.db` in its data folder): WAL, foreign keys, a database from a newer
 * companion refused without being touched, a backup copy before any upgrade, and every pending migration in one
 * transaction (the runner of shared/sqlite, the same as the studio's).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_HEADER_BYTES, parseSqliteHeader } from '../../../shared/sqlite/header';
import { applyMigrations } from '../../../shared/sqlite/migrations';
import { COMPANION_MIGRATIONS, type CompanionMigration } from './migrations/index';

export const COMPANION_DB_FILE = 'companion.db';

export class DatabaseTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly fileVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `${file} was written by a newer companion (schema ${fileVersion}; this one knows up to ${supportedVersion}). ` +
        'Update the companion; the file was left untouched.',
    );
    this.name = 'DatabaseTooNewError';
  }
}

export interface OpenedDatabase {
  db: Database.Database;
  file: string;
  /** The version the file had before this open upgraded it, or null when nothing was upgraded. */
  upgradedFrom: number | null;
  backup: string | null;
}

/** user_version from the file header (shared/sqlite/header.ts), so a newer database is refused before SQLite opens it. */
function peekUserVersion(file: string): number | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const bytes = Buffer.alloc(SQLITE_HEADER_BYTES);
    const header = parseSqliteHeader(bytes.subarray(0, fs.readSync(fd, bytes, 0, SQLITE_HEADER_BYTES, 0)));
    if (header === 'notSqlite') throw new Error(`${file} is not a SQLite database`);
    return header?.userVersion ?? null;
  } finally {
    fs.closeSync(fd);
  }
}

export function openCompanionDatabase(
  dataDir: string,
  options: { migrations?: readonly CompanionMigration[]; now?: () => Date } = {},
): OpenedDatabase {
  const migrations = options.migrations ?? COMPANION_MIGRATIONS;
  const latest = migrations.length;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, COMPANION_DB_FILE);
  const headerVersion = peekUserVersion(file);
  if (headerVersion !== null && headerVersion > latest) throw new DatabaseTooNewError(file, headerVersion, latest);

  // Run by the desktop app as Electron-as-Node, the companion needs the Electron-ABI addon; the studio names it here
  // (docs/ARCHITECTURE.md, "better-sqlite3: two ABIs"). Plain Node leaves it unset and loads node_modules' build.
  const binding = process.env.CREATOR_STUDIO_SQLITE_BINDING;
  const db = new Database(file, binding ? { nativeBinding: binding } : {});
  try {
    // The header can be stale while a -wal file holds newer pages; ask SQLite before changing anything.
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > latest) throw new DatabaseTooNewError(file, current, latest);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 3000');
    let backup: string | null = null;
    if (current > 0 && current < latest) {
      const dir = path.join(dataDir, 'backups');
      fs.mkdirSync(dir, { recursive: true });
      const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
      backup = path.join(dir, `${COMPANION_DB_FILE}.v${current}-${stamp}.bak`);
      for (let n = 2; fs.existsSync(backup); n++) backup = path.join(dir, `${COMPANION_DB_FILE}.v${current}-${stamp}-${n}.bak`);
      db.prepare('VACUUM INTO ?').run(backup);
    }
    if (current < latest) applyMigrations(db, migrations, current);
    return { db, file, upgradedFrom: current > 0 && current < latest ? current : null, backup };
  } catch (error) {
    db.close();
    throw error;
  }
}
