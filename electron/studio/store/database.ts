/**
 * Opening the workspace database: refusal of a database from a newer app (without touching it), detection of a damaged
 * file (left in place until the creator chooses a fresh workspace), a backup copy before any upgrade, and all pending
 * migrations in one transaction.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_HEADER_BYTES, parseSqliteHeader } from '../../../shared/sqlite/header';
import { applyMigrations } from '../../../shared/sqlite/migrations';
import { MIGRATIONS, type Migration } from './migrations/index';

/** The runner lives in shared/sqlite (the companion's store uses it too); re-exported for the studio's callers. */
export { applyMigrations };

export const DB_FILE_NAME = 'studio.db';

export interface OpenOptions {
  /**
   * Path of a better-sqlite3 native addon built for the running ABI. Electron passes its Electron-ABI build here;
   * plain Node (tests, browser mode, the companion) leaves it unset and gets the package's own Node-ABI build.
   */
  nativeBinding?: string;
  migrations?: readonly Migration[];
  /** Injected clock for backup names; tests pin it. */
  now?: () => Date;
}

export type OpenResult =
  | { state: 'ready'; db: Database.Database; upgradedFrom: number | null; backup: string | null }
  | { state: 'corrupt'; file: string; reason: string }
  | { state: 'tooNew'; file: string; fileVersion: number; supportedVersion: number };

/** SQLite error codes that mean the file itself is damaged or is not a database at all. */
const DAMAGE_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE']);

export function isDamageError(error: unknown): error is Error & { code: string } {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && DAMAGE_CODES.has(code);
}

/** The header of `file` (see shared/sqlite/header.ts); null for a missing or empty file. */
function peekHeader(file: string): ReturnType<typeof parseSqliteHeader> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const header = Buffer.alloc(SQLITE_HEADER_BYTES);
    return parseSqliteHeader(header.subarray(0, fs.readSync(fd, header, 0, SQLITE_HEADER_BYTES, 0)));
  } finally {
    fs.closeSync(fd);
  }
}

export function openWorkspaceDatabase(dataDir: string, options: OpenOptions = {}): OpenResult {
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.length;
  const file = path.join(dataDir, DB_FILE_NAME);
  fs.mkdirSync(dataDir, { recursive: true });

  const header = peekHeader(file);
  if (header === 'notSqlite') {
    return { state: 'corrupt', file, reason: 'The file does not start with a SQLite header.' };
  }
  if (header && header.userVersion > latest) {
    return { state: 'tooNew', file, fileVersion: header.userVersion, supportedVersion: latest };
  }

  let db: Database.Database | null = null;
  try {
    db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    // The header can be stale while a -wal file holds newer pages; ask SQLite before changing anything.
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > latest) {
      db.close();
      return { state: 'tooNew', file, fileVersion: current, supportedVersion: latest };
    }
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a killed app loses nothing that was committed; only a power cut can lose the last commit.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 3000');

    let backup: string | null = null;
    if (current > 0 && current < latest) backup = backupBeforeUpgrade(db, dataDir, current, options.now?.() ?? new Date());
    if (current < latest) applyMigrations(db, migrations, current);
    return { state: 'ready', db, upgradedFrom: current > 0 && current < latest ? current : null, backup };
  } catch (error) {
    db?.close();
    if (isDamageError(error)) return { state: 'corrupt', file, reason: `${error.code}: ${error.message}` };
    throw error;
  }
}

/** A consistent copy (VACUUM INTO) under backups/, named by the version it came from and the time. */
function backupBeforeUpgrade(db: Database.Database, dataDir: string, fromVersion: number, now: Date): string {
  const dir = path.join(dataDir, 'backups');
  fs.mkdirSync(dir, { recursive: true });
  const target = unusedPath(path.join(dir, `${DB_FILE_NAME}.v${fromVersion}-${timestamp(now)}`), '.bak');
  db.prepare('VACUUM INTO ?').run(target);
  return target;
}

/** Moves a damaged database (and its -wal/-shm companions) aside with a timestamp; returns the new main file path. */
export function moveAside(file: string, now: Date = new Date()): string {
  const target = unusedPath(`${file}.damaged-${timestamp(now)}`, '');
  fs.renameSync(file, target);
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, target + suffix);
  }
  return target;
}

/** `base + suffix`, or `base-2 + suffix`, `base-3 + suffix`… when two copies are made within the same second. */
function unusedPath(base: string, suffix: string): string {
  let candidate = base + suffix;
  for (let n = 2; fs.existsSync(candidate); n++) candidate = `${base}-${n}${suffix}`;
  return candidate;
}

export function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
