/**
 * The wire format of team sync between desktops and the companion (issue 10, docs/features.md "Sync"). The companion
 * stores each synced row as an opaque JSON document with a server-assigned version; the studio decides what a row
 * holds (shared/sync/rows.ts). Every write takes a new version from one monotonic sequence, so the rows ordered by
 * version are the change feed and a version is also a cursor into it.
 */
import { z } from 'zod';

/** What a synced row is: a course with its outline (chapters and lessons), or the body of one lesson. */
export const SYNC_KINDS = ['course', 'lessonBody'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];

const rowId = z.string().min(1).max(64);
const isoDate = z.string().max(40);

/** A row's document; the companion never looks inside. Null on a tombstone. */
export const syncDataSchema = z.record(z.string(), z.unknown());
export type SyncData = z.infer<typeof syncDataSchema>;

/** A row as the companion has it. */
export const syncRowSchema = z.object({
  kind: z.enum(SYNC_KINDS),
  id: rowId,
  /** The course the row belongs to (its own id for a course). */
  courseId: rowId,
  /** Assigned by the companion on every accepted write; strictly increasing across all rows of the team. */
  version: z.number().int().min(1),
  data: syncDataSchema.nullable(),
  updatedAt: isoDate,
  /** Set on a tombstone: the row was deleted at that time (kept so every desktop learns of the deletion). */
  deletedAt: isoDate.nullable(),
  /** The member whose push wrote this version. */
  updatedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** The client change id of the push that wrote this version: lets a desktop recognise its own write. */
  changeId: z.string(),
});
export type SyncRow = z.infer<typeof syncRowSchema>;

/** One local change a desktop pushes. */
export const syncPushItemSchema = z.object({
  kind: z.enum(SYNC_KINDS),
  id: rowId,
  courseId: rowId,
  /** The server version this change was made on (0: a row the companion has never seen). */
  baseVersion: z.number().int().min(0),
  /**
   * Random, made when the row changed locally. A push repeated after a lost answer carries the same id, and the
   * companion answers it as accepted instead of writing it twice or calling it a conflict.
   */
  changeId: z.string().min(8).max(64),
  deleted: z.boolean(),
  data: syncDataSchema.nullable(),
  updatedAt: isoDate,
});
export type SyncPushItem = z.infer<typeof syncPushItemSchema>;

export const syncPushResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('accepted'), kind: z.enum(SYNC_KINDS), id: rowId, changeId: z.string(), version: z.number().int().min(1) }),
  /** The companion has a newer version than the push's base: nothing was written; `current` is what it has. */
  z.object({ status: z.literal('conflict'), kind: z.enum(SYNC_KINDS), id: rowId, changeId: z.string(), current: syncRowSchema }),
]);
export type SyncPushResult = z.infer<typeof syncPushResultSchema>;

/** Upper bounds a desktop keeps its batches under. */
export const SYNC_LIMITS = {
  pushItems: 500,
  /** Bytes of JSON per push request (one lesson body may reach WeChat's 1 MB on its own). */
  pushBytes: 4 * 1024 * 1024,
  pullItems: 1000,
  /** How long a pull may wait for a change before answering with none (long poll). */
  maxWaitMs: 10_000,
} as const;
