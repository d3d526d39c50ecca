import type Database from 'better-sqlite3';
import type { Migration as SqliteMigration } from '../../../../shared/sqlite/migrations';

/** One step of the workspace schema. `up` runs inside the single transaction that applies every pending step. */
export type Migration = SqliteMigration<Database.Database>;
