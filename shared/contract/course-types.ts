/**
 * Contract methods of the course types (shared/domain/course-types.ts); spread into the method table in methods.ts.
 * The type details themselves travel inside `courses.get` / `courses.save`.
 */
import { z } from 'zod';

export const mediaChoiceSchema = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  mime: z.string(),
  size: z.number().int(),
  /** The file's name when it was imported. */
  originalName: z.string(),
  createdAt: z.string(),
});
export type MediaChoiceInfo = z.infer<typeof mediaChoiceSchema>;

export const courseTypeMethods = {
  /** The workspace's audio or video files a lesson can play, newest first (at most 500). */
  'courseTypes.mediaChoices': {
    input: z.object({ kind: z.enum(['audio', 'video']) }),
    output: z.object({ items: z.array(mediaChoiceSchema) }),
  },
} as const;
