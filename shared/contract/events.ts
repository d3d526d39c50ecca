/**
 * The event table: what the host pushes to every open window (IPC) or page (server-sent events).
 */
import { z } from 'zod';
import { companionStatusSchema, workspaceStatusSchema } from './methods';
import { settingsSchema } from '../settings';
import { syncStatusSchema } from './sync';
import { packageProgressSchema } from './library';
import { publishJobSchema } from '../companion/api';
import { batchProgressSchema } from '../poster/contract';

export const events = {
  /** A course was created, saved, deleted or restored; `version` is its new version (0 when deleted). */
  'courses.changed': z.object({ id: z.string(), version: z.number().int(), deleted: z.boolean() }),
  /** The workspace became unavailable (a damaged database was detected) or available again. */
  'workspace.changed': workspaceStatusSchema,
  'settings.changed': settingsSchema,
  /** The embedded companion or sandbox started, stopped, failed or came back. */
  'companion.changed': companionStatusSchema,
  /** A file was added to the media library (or its metadata filled in) or removed from it. */
  'media.changed': z.object({ hash: z.string(), deleted: z.boolean() }),
  /** Team sync moved on: pushed or pulled rows, went offline or online, found or settled a conflict. */
  'sync.progressed': syncStatusSchema,
  /** A course package export or import moved on (at most once per percent and phase). */
  'packages.progressed': packageProgressSchema,
  /** A course's publish job moved on (uploading → … → published, failed or noPublishRights). */
  'publish.changed': z.object({ courseId: z.string(), job: publishJobSchema }),
  /** The offline copy of orders, team, events and funnel facts was refreshed from the companion. */
  'insights.changed': z.object({ cachedAt: z.string() }),
  /** A poster batch export made progress, finished, was cancelled or failed. */
  'posters.batchProgressed': batchProgressSchema,
  /** A poster was created, saved or deleted. */
  'posters.changed': z.object({ id: z.string(), version: z.number().int(), deleted: z.boolean() }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

/** One event on the wire. */
export interface EventEnvelope<E extends EventName = EventName> {
  event: E;
  payload: EventPayload<E>;
}
