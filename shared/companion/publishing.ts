/**
 * Publishing a course to the official account, live reminders, and the team's data the studio keeps offline — as
 * the companion's routes carry them (wechat-protocols.md §6, §7). Used by shared/companion/api.ts.
 */
import { z } from 'zod';
import { courseIdSchema, courseRevenueSchema } from './pay';

const isoDate = z.string();

/**
 * Where a publish job is: uploading images → drafting (draft/add) → submitting (freepublish/submit) → publishing
 * (waiting for PUBLISHJOBFINISH) → published; or failed; or noPublishRights — WeChat answered 48001 because the
 * account may not use the publishing APIs (personal and unverified accounts since 2025-07, §6.4).
 */
export const PUBLISH_JOB_STATES = ['uploading', 'drafting', 'submitting', 'publishing', 'published', 'failed', 'noPublishRights'] as const;
export type PublishJobState = (typeof PUBLISH_JOB_STATES)[number];

/** Jobs in these states still have work to do; a restarted companion resumes them. */
export const ACTIVE_PUBLISH_STATES: readonly PublishJobState[] = ['uploading', 'drafting', 'submitting', 'publishing'];

/** An upload of the job: bytes as base64, what kind of image they are, and the name WeChat sees. */
const uploadSchema = z.object({
  fileName: z.string().min(1).max(128),
  mime: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/bmp']),
  dataBase64: z.string().min(4),
});

/** A crop in draft/add's `X1_Y1_X2_Y2` form (at most six decimals), or '' for WeChat's default. */
const cropSchema = z.string().regex(/^$|^[01](\.\d{1,6})?_[01](\.\d{1,6})?_[01](\.\d{1,6})?_[01](\.\d{1,6})?$/, 'crop.format');

export const createPublishJobSchema = z.object({
  courseId: courseIdSchema,
  article: z.object({
    title: z.string().min(1).max(64),
    author: z.string().max(16).default(''),
    digest: z.string().max(128).default(''),
    /** The article HTML; every `<img src>` equal to an image's `ref` is replaced by its uploadimg URL. */
    contentHtml: z.string().min(1).max(2_000_000),
    contentSourceUrl: z.string().max(1024).default(''),
    needOpenComment: z.boolean().default(false),
    picCrop2351: cropSchema.default(''),
    picCrop11: cropSchema.default(''),
  }),
  /** The cover, uploaded as permanent image material: the article's thumb_media_id. */
  cover: uploadSchema,
  /** Body images (JPEG or PNG under 1 MB, §6.2); `ref` is the exact `src` the HTML uses for it. */
  images: z.array(uploadSchema.extend({ ref: z.string().min(1).max(256), mime: z.enum(['image/jpeg', 'image/png']) })).max(200),
});
export type CreatePublishJob = z.input<typeof createPublishJobSchema>;

export const publishJobSchema = z.object({
  id: z.string(),
  courseId: z.string(),
  state: z.enum(PUBLISH_JOB_STATES),
  /** WeChat's publish_id once submitted, and publish_status once known (0 success, 2–6 failures, §6.5). */
  publishId: z.string().nullable(),
  publishStatus: z.number().int().nullable(),
  /** The permanent link (mp.weixin.qq.com/s/…) once published. */
  articleUrl: z.string().nullable(),
  /** Each body image's WeChat URL once uploaded (the studio marks its copies uploaded). */
  images: z.array(z.object({ ref: z.string(), url: z.string().nullable() })),
  /** Why the job failed or has no publishing rights: our code, an actionable message, WeChat's errcode if any. */
  error: z.object({ code: z.string(), message: z.string(), errcode: z.number().int().nullable() }).nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type PublishJob = z.infer<typeof publishJobSchema>;

export const REMINDER_STATES = ['scheduled', 'sending', 'done', 'quotaWait', 'cancelled'] as const;
/**
 * One buyer's reminder: pending → sent (WeChat accepted it) → delivered / failed (TEMPLATESENDJOBFINISH or
 * subscribe_msg_sent_event); notFollowing (43004: template messages reach followers only); notSubscribed (43101: no
 * one-time consent left); quotaWait (45009: sent after the daily quota resets, if still before the start); missed
 * (the start passed before it could go out).
 */
export const REMINDER_SEND_STATES = ['pending', 'sent', 'delivered', 'failed', 'notFollowing', 'notSubscribed', 'quotaWait', 'missed'] as const;

export const createReminderSchema = z.object({
  courseId: courseIdSchema,
  courseTitle: z.string().min(1).max(64),
  /** A template message (followers, daily quota) or a one-time subscribe message (buyers who consented). */
  kind: z.enum(['template', 'subscribe']),
  templateId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  /** The template's keys and their values (`thing1` → the course title, `time2` → the start …). */
  data: z.record(z.string().regex(/^[a-z_]+\d+$/), z.string().min(1).max(64)).refine((d) => Object.keys(d).length >= 1 && Object.keys(d).length <= 10, 'data needs 1–10 keys'),
  /** Where the message leads (the live room). */
  url: z.string().url().max(1024).optional(),
  startsAt: z.iso.datetime({ offset: true }),
  /** How long before the start the reminder goes out. */
  leadMinutes: z.number().int().min(1).max(7 * 24 * 60),
});
export type CreateReminder = z.input<typeof createReminderSchema>;

export const reminderSchema = z.object({
  id: z.string(),
  courseId: z.string(),
  courseTitle: z.string(),
  kind: z.enum(['template', 'subscribe']),
  templateId: z.string(),
  startsAt: isoDate,
  sendAt: isoDate,
  state: z.enum(REMINDER_STATES),
  /** When a run stopped at WeChat's daily quota: when it tries again (midnight Beijing time). */
  retryAt: isoDate.nullable(),
  counts: z.record(z.enum(REMINDER_SEND_STATES), z.number().int()),
  recipients: z.array(z.object({ openidMasked: z.string(), state: z.enum(REMINDER_SEND_STATES), errcode: z.number().int().nullable(), status: z.string().nullable() })),
});
export type Reminder = z.infer<typeof reminderSchema>;

/** One fact funnels count: a scan or follow through a parametric QR (with its scene's owner), an unfollow, a purchase. */
export const funnelFactSchema = z.object({
  id: z.string(),
  at: isoDate,
  kind: z.enum(['scan', 'follow', 'unfollow', 'purchase']),
  sceneStr: z.string().nullable(),
  /** `poster:<id>`, `inviter:<id>`, `funnel:<id>` when the scene is one of ours. */
  owner: z.string().nullable(),
  /** Purchases: the order's course(s) and amount paid. */
  courseIds: z.array(z.string()),
  amountFen: z.number().int().nullable(),
  /** The user, masked: lets a funnel count people rather than events. */
  openidMasked: z.string(),
});
export type FunnelFact = z.infer<typeof funnelFactSchema>;

/** Per course: paid orders, buyers and money (integer fen), over all orders. */
export const courseSalesSchema = courseRevenueSchema.extend({ buyers: z.number().int(), lastPaidAt: isoDate.nullable() });
export type CourseSales = z.infer<typeof courseSalesSchema>;

/** Limits of one insights answer: the newest rows of each kind. */
export const INSIGHTS_LIMITS = { orders: 5000, events: 1000, facts: 20_000 } as const;

