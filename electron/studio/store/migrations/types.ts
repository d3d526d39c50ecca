import type Database from 'better-sqlite3';

/** One step of the schema. `up` runs inside the single transaction that applies every pending step. */
export interface Migration {
  /** The `PRAGMA user_version` the database has after this step. */
  version: number;
  name: string;
  up: (db: Database.Database) => void;
}
