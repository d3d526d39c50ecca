import { createCompanion } from './0001-create-companion';
import { addPay } from './0002-add-pay';
import { addSync } from './0004-add-sync';
import { addPublishing } from './0003-add-publishing';
import type { CompanionMigration } from './types';

export type { CompanionMigration } from './types';

/** Every migration of the companion's database, in order. Explicit on purpose: no directory globbing. */
export const COMPANION_MIGRATIONS: readonly CompanionMigration[] = [createCompanion, addPay, addPublishing, addSync];

export const COMPANION_SCHEMA_VERSION = COMPANION_MIGRATIONS.length;
