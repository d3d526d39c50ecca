/**
 * The companion's own SQLite file: created at the latest schema with STRICT tables in WAL mode, a database from a
 * newer companion refused without being touched, a backup before an upgrade, and the shared migration runner's
 * all-or-nothing transaction.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { COMPANION_DB_FILE, DatabaseTooNewError, openCompanionDatabase } from '../../../electron/companion/store/database';
import { COMPANION_MIGRATIONS, COMPANION_SCHEMA_VERSION, type CompanionMigration } from '../../../electron/companion/store/migrations/index';
import { listFiles, sha256File, tempDir } from '../../helpers/temp-dir';

describe('companion database', () => {
  it('is created at the latest version, in WAL mode, with STRICT tables only', () => {
    const dir = tempDir();
    const { db, upgradedFrom, backup } = openCompanionDatabase(dir);
    try {
      expect({ upgradedFrom, backup }).toEqual({ upgradedFrom: null, backup: null });
      expect(db.pragma('user_version', { simple: true })).toBe(COMPANION_SCHEMA_VERSION);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string; sql: string }[];
      expect(tables.map((t) => t.name)).toEqual([
        'audit_log',
        'binding_sessions',
        'devices',
        'enrolments',
        'events',
        'invites',
        'members',
        'pay_alerts',
        'pay_notifications',
        'pay_order_history',
        'pay_order_items',
        'pay_orders',
        'pay_platform_certificates',
        'pay_refunds',
        'publish_job_images',
        'publish_jobs',
        'reminder_schedules',
        'reminder_sends',
        'scenes',
        'secrets',
        'settings',
        'sync_applied',
        'sync_rows',
        'sync_sequence',
        'wechat_identities',
      ]);
      for (const t of tables) expect(t.sql, t.name).toMatch(/\)\s*STRICT$/);
    } finally {
      db.close();
    }
  });

  it('upgrades a version-1 database to the pay schema, keeping its rows', () => {
    const dir = tempDir();
    const v1 = openCompanionDatabase(dir, { migrations: COMPANION_MIGRATIONS.slice(0, 1) });
    v1.db.prepare("INSERT INTO members (id, name, role, created_at) VALUES ('m1', '老板', 'owner', '2024-01-01T00:00:00Z')").run();
    v1.db.close();
    const upgraded = openCompanionDatabase(dir);
    try {
      expect(upgraded.upgradedFrom).toBe(1);
      expect(upgraded.db.prepare('SELECT name FROM members').all()).toEqual([{ name: '老板' }]);
      expect(upgraded.db.prepare('SELECT count(*) AS n FROM pay_orders').get()).toEqual({ n: 0 });
    } finally {
      upgraded.db.close();
    }
  });

  it('keeps order history append-only: updates and deletes are refused by the database itself', () => {
    const { db } = openCompanionDatabase(tempDir());
    try {
      db.prepare(
        `INSERT INTO pay_orders (out_trade_no, mch_id, app_id, kind, state, description, list_fen, discount_fen, total_fen, attach, created_at, time_expire, updated_at)
         VALUES ('CS1', '1900009191', 'wx0a1b2c3d4e5f6071', 'native', 'NOTPAY', 'x', 100, 0, 100, 'c=a', 'now', 'later', 'now')`,
      ).run();
      db.prepare("INSERT INTO pay_order_history (out_trade_no, at, source, from_state, to_state, note) VALUES ('CS1', 'now', 'create', NULL, 'NOTPAY', 'x')").run();
      expect(() => db.prepare("UPDATE pay_order_history SET to_state = 'SUCCESS'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM pay_order_history').run()).toThrow(/append-only/);
      // Money is whole fen, and an order cannot refund more than it took.
      expect(() => db.prepare('UPDATE pay_orders SET total_fen = 0').run()).toThrow(/CHECK/);
      expect(() => db.prepare('UPDATE pay_orders SET refunded_fen = 101').run()).toThrow(/CHECK/);
      expect(() => db.prepare("UPDATE pay_orders SET total_fen = '1.5'").run()).toThrow();
    } finally {
      db.close();
    }
  });

  it('refuses a database from a newer companion and leaves it byte for byte as it was', () => {
    const dir = tempDir();
    const file = path.join(dir, COMPANION_DB_FILE);
    const future = new Database(file);
    future.pragma(`user_version = ${COMPANION_SCHEMA_VERSION + 1}`);
    future.close();
    const before = sha256File(file);
    expect(() => openCompanionDatabase(dir)).toThrow(DatabaseTooNewError);
    expect(sha256File(file)).toBe(before);
    expect(listFiles(dir)).toEqual([COMPANION_DB_FILE]);
  });

  it('backs up before upgrading, and applies pending steps in one transaction', () => {
    const dir = tempDir();
    openCompanionDatabase(dir).db.close();
    const addNotes: CompanionMigration = { version: COMPANION_SCHEMA_VERSION + 1, name: 'add-notes', up: (db) => db.exec('CREATE TABLE notes (id TEXT PRIMARY KEY) STRICT') };
    const upgraded = openCompanionDatabase(dir, { migrations: [...COMPANION_MIGRATIONS, addNotes], now: () => new Date('2024-06-01T08:09:10Z') });
    upgraded.db.close();
    expect(upgraded.upgradedFrom).toBe(COMPANION_SCHEMA_VERSION);
    expect(upgraded.backup).toBe(path.join(dir, 'backups', `${COMPANION_DB_FILE}.v${COMPANION_SCHEMA_VERSION}-20240601T080910Z.bak`));
    expect(fs.existsSync(upgraded.backup!)).toBe(true);

    const failing: CompanionMigration = {
      version: COMPANION_SCHEMA_VERSION + 2,
      name: 'fails',
      up: (db) => {
        db.exec('CREATE TABLE half (x INTEGER) STRICT');
        throw new Error('step broke');
      },
    };
    expect(() => openCompanionDatabase(dir, { migrations: [...COMPANION_MIGRATIONS, addNotes, failing] })).toThrow('step broke');
    const check = new Database(path.join(dir, COMPANION_DB_FILE), { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(COMPANION_SCHEMA_VERSION + 1);
    expect(check.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half'").get()).toEqual({ n: 0 });
    check.close();
  });
});
