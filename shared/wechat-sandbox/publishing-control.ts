/**
 * The sandbox's control routes for publishing and messages (wechat-protocols.md §6, §7): account flags (no publishing
 * rights, the template-message daily quota, how publish jobs end), message templates and subscribe consents, and a
 * read-out of what the account received (materials, body images, drafts, publish jobs, messages) for tests.
 */
import { z } from 'zod';

/** publish_status values a finished job can take (§6.5): 0 success, 2 originality check failed, 3 failure, 4 audit rejected. */
export const PUBLISH_OUTCOMES = [0, 2, 3, 4] as const;

/** Template keys name their type by prefix (`thing1`, `time2`, `amount3` …), §7.2. */
export const TEMPLATE_KEY = /^(thing|number|letter|symbol|character_string|time|date|amount|phone_number|car_number|name|phrase)\d+$/;

export const publishingControl = {
  /** Sets an official account's flags; omitted fields keep their value. */
  'accounts.setFlags': {
    method: 'POST',
    path: '/__sandbox/accounts/flags',
    body: z.object({
      appId: z.string(),
      /** Personal and unverified accounts lost the freepublish APIs in 2025-07 (§6.4): they answer 48001. */
      noPublishRights: z.boolean().optional(),
      /** Daily quota of message/template/send (default 1,000,000, the quota/get sample of §7.1); 45009 beyond it. */
      templateDailyQuota: z.number().int().min(0).max(100_000_000).optional(),
      /** How the account's next publish jobs end (publish_status, default 0). */
      publishOutcome: z.union([z.literal(0), z.literal(2), z.literal(3), z.literal(4)]).optional(),
    }),
    response: z.object({ ok: z.literal(true) }),
  },
  /** Adds (or replaces) a message template of an account: a template message (类目模板) or a subscribe-message template. */
  'templates.put': {
    method: 'POST',
    path: '/__sandbox/templates',
    body: z.object({
      appId: z.string(),
      templateId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
      kind: z.enum(['template', 'subscribe']),
      title: z.string().min(1).max(64),
      keys: z.array(z.string().regex(TEMPLATE_KEY)).min(1).max(10),
    }),
    response: z.object({ ok: z.literal(true) }),
  },
  /** A user accepts a one-time subscribe message `count` times (each consent allows one bizsend, §7.2). */
  'subscriptions.grant': {
    method: 'POST',
    path: '/__sandbox/subscriptions/grant',
    body: z.object({ appId: z.string(), userId: z.string(), templateId: z.string(), count: z.number().int().min(1).max(100).default(1) }),
    response: z.object({ ok: z.literal(true), remaining: z.number().int() }),
  },
  /** What an account has received: counts of materials and body images, drafts in the box, publish jobs, messages. */
  'publishing.state': {
    method: 'POST',
    path: '/__sandbox/publishing/state',
    body: z.object({ appId: z.string() }),
    response: z.object({
      materials: z.number().int(),
      bodyImages: z.number().int(),
      drafts: z.number().int(),
      publishes: z.array(
        z.object({ publishId: z.string(), status: z.number().int(), articleUrl: z.string().nullable(), title: z.string(), digest: z.string(), content: z.string() }),
      ),
      messages: z.array(
        z.object({
          kind: z.enum(['template', 'subscribe']),
          msgId: z.string(),
          openid: z.string(),
          templateId: z.string(),
          at: z.string(),
          data: z.record(z.string(), z.string()),
        }),
      ),
    }),
  },
} as const;
