import type { Migration } from './types';

/**
 * Compliance in the workspace: the team's term lists (flagged terms with a category, allow terms, or the tenant's own
 * hosts that links may point to), the append-only
 * trail of must-fix acknowledgements, and each course's publish readiness.
 *
 * The category ids are fixed by compliance-rules.md §4, so they are spelled out in CHECK constraints; a new category
 * needs a new migration, which is what we want. Shipped; never edit, add a new migration instead.
 */
export const addCompliance: Migration = {
  version: 3,
  name: 'add-compliance',
  up: (db) => {
    const categories = [
      'induce_share',
      'induce_follow',
      'ad_absolute',
      'edu_guarantee',
      'finance',
      'medical',
      'personal_data',
      'external_link',
      'politics',
      'porn',
      'gambling',
      'drugs',
      'fraud',
    ]
      .map((c) => `'${c}'`)
      .join(', ');
    db.exec(`
      CREATE TABLE term_lists (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
        kind TEXT NOT NULL CHECK (kind IN ('flag', 'allow', 'host')),
        -- 'manual', or 'import:<file name>' for a list made from a file.
        source TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE term_list_terms (
        list_id TEXT NOT NULL REFERENCES term_lists (id) ON DELETE CASCADE,
        term TEXT NOT NULL CHECK (length(term) BETWEEN 1 AND 100),
        -- The category a flagged term reports under; NULL on allow and host lists.
        category TEXT CHECK (category IS NULL OR category IN (${categories})),
        PRIMARY KEY (list_id, term)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE compliance_acks (
        seq INTEGER PRIMARY KEY,
        -- No foreign key: the trail outlives the course, its chapters and lessons.
        course_id TEXT NOT NULL,
        target TEXT NOT NULL CHECK (target IN ('course', 'chapter', 'lesson')),
        target_id TEXT NOT NULL,
        field TEXT NOT NULL,
        rule TEXT NOT NULL,
        category TEXT NOT NULL CHECK (category IN (${categories})),
        matched TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('ack', 'revoke')),
        reason TEXT NOT NULL CHECK (length(reason) <= 500 AND (action = 'revoke' OR length(trim(reason)) >= 1)),
        actor TEXT NOT NULL,
        -- How the actor's name was known: the bound team member, or this computer's user account.
        actor_source TEXT NOT NULL CHECK (actor_source IN ('team', 'os')),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX compliance_acks_by_course ON compliance_acks (course_id, seq);
      CREATE TRIGGER compliance_acks_append_only_update BEFORE UPDATE ON compliance_acks
        BEGIN SELECT RAISE(ABORT, 'compliance_acks is an append-only audit trail'); END;
      CREATE TRIGGER compliance_acks_append_only_delete BEFORE DELETE ON compliance_acks
        BEGIN SELECT RAISE(ABORT, 'compliance_acks is an append-only audit trail'); END;

      CREATE TABLE course_publish_states (
        course_id TEXT PRIMARY KEY REFERENCES courses (id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('draft', 'ready')),
        -- The course version the gate passed on; a save moves the version and re-runs the gate.
        course_version INTEGER NOT NULL,
        -- Why a ready course went back to draft by itself (a save brought new findings), else NULL.
        withdrawn_reason TEXT CHECK (withdrawn_reason IS NULL OR withdrawn_reason IN ('findings')),
        changed_by TEXT NOT NULL,
        changed_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
