import type Database from 'better-sqlite3';
import type { Migration } from '../../../../shared/sqlite/migrations';

/** One step of the companion's schema. `up` runs inside the single transaction that applies every pending step. */
export type CompanionMigration = Migration<Database.Database>;
