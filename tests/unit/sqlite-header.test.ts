import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSqliteHeader } from '../../shared/sqlite/header';
import { tempDir } from '../helpers/temp-dir';

describe('parseSqliteHeader', () => {
  it('reads user_version from a real database file, up to the full 32-bit range', () => {
    for (const version of [0, 7, 2 ** 31 - 1]) {
      const file = path.join(tempDir(), 'x.db');
      const db = new Database(file);
      db.exec('CREATE TABLE t (x)');
      db.pragma(`user_version = ${version}`);
      db.close();
      expect(parseSqliteHeader(fs.readFileSync(file).subarray(0, 100))).toEqual({ userVersion: version });
    }
  });

  it('tells an empty file, a short file and a non-SQLite file apart', () => {
    expect(parseSqliteHeader(new Uint8Array())).toBeNull();
    expect(parseSqliteHeader(Buffer.from('SQLite format 3\0'))).toBe('notSqlite');
    expect(parseSqliteHeader(Buffer.alloc(100, 0x41))).toBe('notSqlite');
  });
});
