/**
 * Publishing a course to the official account, live reminders and the team's data kept offline (issue 10).
 *
 * `publish.start` runs the compliance gate first (COMPLIANCE_BLOCKED before anything is uploaded), snapshots the
 * course (`beforeSync`), builds the article from the lesson bodies and hands it to the companion, which uploads,
 * drafts and submits. `publish.changed` follows the job to its article URL. An account without publishing rights
 * (48001) ends in `noPublishRights`; `publish.export` then gives a paste-ready copy.
 */
import { z } from 'zod';
import { courseSalesSchema, funnelFactSchema, memberSchema, orderSchema, publishJobSchema, reminderSchema, wechatEventSchema } from '../companion/api';

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id.invalid');

/** The team's data as last pulled from the companion; readable offline. `cachedAt` null: never pulled. */
export const insightsSchema = z.object({
  cachedAt: z.string().nullable(),
  orders: z.array(orderSchema),
  sales: z.array(courseSalesSchema),
  members: z.array(memberSchema),
  events: z.array(wechatEventSchema),
  facts: z.array(funnelFactSchema),
});
export type Insights = z.infer<typeof insightsSchema>;

export const publishingMethods = {
  /** Publishes a course: gate, snapshot, article, then the companion's job. Answers the job as it starts. */
  'publish.start': { input: z.object({ courseId: id }), output: publishJobSchema },
  /** The course's latest publish job (asked of the companion, else as last seen), or null. */
  'publish.status': { input: z.object({ courseId: id }), output: z.object({ job: publishJobSchema.nullable() }) },
  /**
   * The article as paste-ready HTML for the official account's editor (mp.weixin.qq.com), with every image inlined
   * as a data URL and also listed, plus why it is needed — for accounts without publishing rights.
   */
  'publish.export': {
    input: z.object({ courseId: id }),
    output: z.object({
      fileName: z.string(),
      html: z.string(),
      images: z.array(z.object({ hash: z.string(), mime: z.string(), size: z.number().int() })),
      explanation: z.object({ zh: z.string(), en: z.string() }),
    }),
  },
  /**
   * Schedules the reminders a 直播 course's details choose (1 day, 3 h … before its start) to every buyer, as
   * template or subscribe messages; `titleKey` and `timeKey` name the template's keys for the title and the start.
   * Scheduling again is safe: the same reminder is not doubled, and reminders still waiting for an earlier start
   * (the session moved) are cancelled.
   */
  'reminders.schedule': {
    input: z.object({
      courseId: id,
      kind: z.enum(['template', 'subscribe']),
      templateId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'templateId.invalid'),
      titleKey: z.string().regex(/^thing\d+$/, 'templateKey.invalid').default('thing1'),
      timeKey: z.string().regex(/^time\d+$/, 'templateKey.invalid').default('time2'),
      url: z.string().url('url.invalid').max(1024).optional(),
    }),
    output: z.object({ items: z.array(reminderSchema) }),
  },
  'reminders.list': { input: z.object({ courseId: id }), output: z.object({ items: z.array(reminderSchema) }) },
  /** Cancels a reminder that has not gone out yet (CONFLICT once it is sending or done). */
  'reminders.cancel': { input: z.object({ id: z.string().min(1).max(64) }), output: reminderSchema },
  /** The cached orders, per-course sales, team, events and funnel facts (no companion needed). */
  'insights.get': { input: z.object({}), output: insightsSchema },
  /** Pulls them from the companion now (also done at start and whenever the companion becomes ready). */
  'insights.refresh': { input: z.object({}), output: insightsSchema },
} as const;
