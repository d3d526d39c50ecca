/**
 * Team sync as the renderer sees it (issue 10): the state for the shell's indicator, the conflicts waiting for a
 * choice, and the choice. How rows travel is in shared/companion/sync.ts; how the host keeps them in
 * electron/studio/services/sync.ts.
 */
import { z } from 'zod';

export const SYNC_STATES = [
  /** No companion is configured: nothing is synced. */
  'off',
  /** The companion cannot be reached; changes wait in the outbox (`pending`). */
  'offline',
  'syncing',
  'synced',
  /** Everything else is in step, but conflicts wait for the creator. */
  'conflicts',
] as const;
export type SyncState = (typeof SYNC_STATES)[number];

export const syncStatusSchema = z.object({
  state: z.enum(SYNC_STATES),
  /** Local changes not yet on the companion (the outbox). */
  pending: z.number().int().min(0),
  conflicts: z.number().int().min(0),
  /** Rows done and total in the current push or pull, for a progress bar on large syncs; null when idle. */
  progress: z.object({ phase: z.enum(['push', 'pull']), done: z.number().int().min(0), total: z.number().int().min(0) }).nullable(),
  lastSyncedAt: z.string().nullable(),
  /** Why the last attempt failed (English, for the tooltip and logs); null after a success. */
  error: z.string().nullable(),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

export const SYNC_CHOICES = [
  /** Keep this desktop's version: it is pushed over the team's. */
  'mine',
  /** Take the team's version; this desktop's is kept as a 'beforeSync' version in its history. */
  'theirs',
  /** Keep both: the team's in place, this desktop's as a copy (a new course, or a new lesson beside the original). */
  'both',
] as const;
export type SyncChoice = (typeof SYNC_CHOICES)[number];

const outlineSchema = z.array(
  z.object({ id: z.string(), title: z.string(), lessons: z.array(z.object({ id: z.string(), title: z.string() }).passthrough()) }).passthrough(),
);

/** One side of a conflict: a course (its fields and outline) or a lesson body; `deleted` when that side deleted it. */
export const syncConflictSideSchema = z.object({
  deleted: z.boolean(),
  course: z
    .object({ title: z.string(), summary: z.string(), priceFen: z.number().int(), type: z.string(), chapters: outlineSchema })
    .passthrough()
    .nullable(),
  html: z.string().nullable(),
});
export type SyncConflictSide = z.infer<typeof syncConflictSideSchema>;

export const syncConflictSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['course', 'lessonBody']),
  courseId: z.string(),
  /** The lesson whose body conflicts (kind lessonBody). */
  lessonId: z.string().nullable(),
  /** For the list: the course's title here (or the team's when it is gone here), and the lesson's. */
  courseTitle: z.string(),
  lessonTitle: z.string().nullable(),
  /** This desktop's version as it is now. */
  local: syncConflictSideSchema,
  /** The team's version on the companion. */
  remote: syncConflictSideSchema.extend({ updatedBy: z.string().nullable(), updatedAt: z.string(), version: z.number().int() }),
  /** Set when the team's version could not be applied here (e.g. it needs media this workspace lacks). */
  reason: z.string().nullable(),
  createdAt: z.string(),
});
export type SyncConflict = z.infer<typeof syncConflictSchema>;

export const syncMethods = {
  'sync.status': { input: z.object({}), output: syncStatusSchema },
  /** Pushes the outbox and pulls the team's changes now; answers when done (or when the companion failed). */
  'sync.now': { input: z.object({}), output: syncStatusSchema },
  'sync.conflicts': { input: z.object({}), output: z.object({ items: z.array(syncConflictSchema) }) },
  /** Settles one conflict; the choice is then pushed, so it wins on every desktop. NOT_FOUND when already settled. */
  'sync.resolve': { input: z.object({ id: z.number().int(), choice: z.enum(SYNC_CHOICES) }), output: syncStatusSchema },
} as const;
