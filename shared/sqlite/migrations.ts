/**
 * The migration runner shared by every SQLite database of ours (the studio's workspace, the companion's store):
 * `PRAGMA user_version` names the schema a file has, an explicit ordered list says how to reach the latest one, and
 * every pending step runs in one IMMEDIATE transaction — a database is either fully upgraded or left as it was.
 *
 * No SQLite import here (shared/ loads only zod): the database is described by the three methods the runner uses,
 * which better-sqlite3's Database has.
 */

/** The part of a SQLite connection the runner needs (better-sqlite3's Database fits it). */
export interface MigratableDatabase {
  exec(sql: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction(fn: () => void): { immediate(): unknown };
}

/** One step of a schema. `up` runs inside the single transaction that applies every pending step. */
export interface Migration<Db extends MigratableDatabase = MigratableDatabase> {
  /** The `PRAGMA user_version` the database has after this step: 1 for the first migration, 2 for the next… */
  version: number;
  /** kebab-case, as in the file name (`0002-add-media-and-list-indexes`). */
  name: string;
  up: (db: Db) => void;
}

/** Checks that the list is numbered 1, 2, 3… in order, so a misplaced or duplicated step fails loudly. */
export function checkMigrationOrder(migrations: readonly Pick<Migration, 'version' | 'name'>[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}

/** Runs every step after `from` in one transaction: either the database reaches the latest version or it stays as it was. */
export function applyMigrations<Db extends MigratableDatabase>(db: Db, migrations: readonly Migration<Db>[], from: number): void {
  checkMigrationOrder(migrations);
  const pending = migrations.filter((m) => m.version > from);
  db.transaction(() => {
    for (const m of pending) {
      m.up(db);
      // An integer we produced ourselves; PRAGMA takes no bound parameters.
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
}
