/**
 * The method table: every call the renderer can make on the studio host, with its input and output schemas.
 * The host validates every input against these schemas before a handler runs; handlers are typed from this table,
 * so adding a method without a handler fails to compile.
 */
import { z } from 'zod';
import {
  COURSE_LIMITS,
  COURSE_TYPES,
  checkOutlineTitle,
  checkPriceFen,
  checkSummary,
  checkTitle,
} from '../domain/course';
import {
  ORDER_STATES,
  ROLES,
  SEC_CHECK_MAX_TEXT,
  SEC_SUGGESTS,
  auditEntrySchema,
  bindingSessionSchema,
  companionRoutes,
  companionSettingsSchema,
  discountRuleSchema,
  memberSchema,
  secCheckChunkSchema,
  secLabelNameSchema,
  wechatEventSchema,
} from '../companion/api';
import { settingsSchema } from '../settings';
import { complianceMethods } from './compliance';
import { lessonBodyMethods } from './lesson-bodies';
import { mediaMethods } from './media';
import { libraryMethods } from './library';
import { previewMethods } from '../preview/contract';
import { coverCropsSchema } from '../preview/schemas';
import { courseTypeDetailsSchema, lessonTypeDetailsSchema } from '../domain/course-types';
import { courseTypeMethods } from './course-types';
import { syncMethods } from './sync';
import { funnelMethods } from '../funnel/contract';
import { publishingMethods } from './publishing';
import { posterMethods } from '../poster/contract';

/** A string checked by one of the domain's field checks; the check's code becomes the zod issue message. */
function checked(check: (value: string) => string | null) {
  return z.string().check((ctx) => {
    const code = check(ctx.value);
    if (code) ctx.issues.push({ code: 'custom', message: code, input: ctx.value });
  });
}

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id.invalid');
const isoDate = z.string();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'hash.invalid');
const courseType = z.enum(COURSE_TYPES);
const priceFen = z.number().check((ctx) => {
  const code = checkPriceFen(ctx.value);
  if (code) ctx.issues.push({ code: 'custom', message: code, input: ctx.value });
});

export const lessonSchema = z.object({ id, title: checked(checkOutlineTitle), typeDetails: lessonTypeDetailsSchema.optional() });
export const chapterSchema = z.object({
  id,
  title: checked(checkOutlineTitle),
  lessons: z.array(lessonSchema),
});

export const courseSchema = z.object({
  id,
  title: z.string(),
  type: courseType,
  priceFen: z.number().int(),
  summary: z.string(),
  coverHash: sha256.nullable(),
  coverCrops: coverCropsSchema,
  typeDetails: courseTypeDetailsSchema,
  chapters: z.array(chapterSchema),
  version: z.number().int(),
  createdAt: isoDate,
  updatedAt: isoDate,
});

export const courseSummarySchema = z.object({
  id,
  title: z.string(),
  type: courseType,
  priceFen: z.number().int(),
  coverHash: sha256.nullable(),
  chapterCount: z.number().int(),
  lessonCount: z.number().int(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type CourseSummary = z.infer<typeof courseSummarySchema>;

export const COURSE_SORTS = ['updatedDesc', 'createdDesc', 'titleAsc', 'priceAsc', 'priceDesc'] as const;
export type CourseSort = (typeof COURSE_SORTS)[number];

export const workspaceStatusSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('ready'),
    dataDir: z.string(),
    /** Set once after a damaged database was moved aside, so the UI can say where it went. */
    recoveredFrom: z.string().nullable(),
  }),
  z.object({ state: z.literal('corrupt'), dataDir: z.string(), file: z.string(), reason: z.string() }),
  z.object({
    state: z.literal('tooNew'),
    dataDir: z.string(),
    file: z.string(),
    fileVersion: z.number().int(),
    supportedVersion: z.number().int(),
  }),
]);
export type WorkspaceStatus = z.infer<typeof workspaceStatusSchema>;

export const companionStatusSchema = z.object({
  /** `embedded`: the studio runs the companion and the WeChat sandbox itself; `remote`: a team's companion. */
  mode: z.enum(['embedded', 'remote', 'off']),
  state: z.enum(['starting', 'ready', 'restarting', 'failed', 'stopped']),
  /** True while WeChat is the sandbox: the UI labels it clearly. */
  sandbox: z.boolean(),
  /** The team companion's address in `remote` mode (the embedded one's is private to the host). */
  companionUrl: z.string().nullable(),
  /** The sandbox's simulated phone page, for scanning binding QR codes without a real phone. */
  phoneUrl: z.string().nullable(),
  error: z.string().nullable(),
});
export type CompanionStatus = z.infer<typeof companionStatusSchema>;

/** Why there is no second opinion: the creator keeps the local scan alone, quietly. */
export const SECOND_OPINION_REASONS = ['offline', 'not_configured', 'rate_limited', 'error'] as const;
export type SecondOpinionReason = (typeof SECOND_OPINION_REASONS)[number];

/**
 * WeChat's own verdict (msg_sec_check v2 through the team's mini program) to show beside our findings. With
 * `available: true`: suggest, label, labelName, categories and chunks are set. With `available: false`: reason is set —
 * `offline` (no companion, or it or WeChat cannot be reached), `not_configured` (no mini program or no openid to check
 * as), `rate_limited` (our limit or WeChat's 45009/45011), `error` (WeChat refused: `errcode`, or another failure).
 */
export const secondOpinionSchema = z.object({
  available: z.boolean(),
  reason: z.enum(SECOND_OPINION_REASONS).optional(),
  /** WeChat's errcode when WeChat refused the check (reason `error` or `rate_limited`). */
  errcode: z.number().int().optional(),
  /** The worst chunk's verdict: pass, review (a person should look) or risky. */
  suggest: z.enum(SEC_SUGGESTS).optional(),
  /** WeChat's label of the worst chunk: 100 normal, 10001 广告, 20001 时政, 20002 色情, 20006 违法犯罪, 20008 欺诈 … */
  label: z.number().int().optional(),
  labelName: secLabelNameSchema.optional(),
  /** Our category ids that label corresponds to (compliance-rules.md §1.2); empty for 100 and for labels we do not cover. */
  categories: z.array(z.string()).optional(),
  /** Each checked part of the text (≤ 2,500 characters, cut at sentence ends) with its UTF-16 offsets and verdict. */
  chunks: z.array(secCheckChunkSchema).optional(),
});
export type SecondOpinion = z.infer<typeof secondOpinionSchema>;

const pageInput = {
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).default(0),
};

export const mediaSchema = z.object({
  hash: sha256,
  mime: z.string(),
  size: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
});
export type MediaInfo = z.infer<typeof mediaSchema>;

const courseFields = {
  title: checked(checkTitle),
  type: courseType,
  priceFen,
  summary: checked(checkSummary),
  coverHash: sha256.nullable(),
};

export const methods = {
  'app.info': {
    input: z.object({}),
    output: z.object({
      name: z.string(),
      version: z.string(),
      /** `desktop` inside Electron, `browser` when served over loopback HTTP. */
      shell: z.enum(['desktop', 'browser']),
      dataDir: z.string(),
      platform: z.string(),
    }),
  },
  'settings.get': { input: z.object({}), output: settingsSchema },
  'settings.update': { input: settingsSchema.partial(), output: settingsSchema },
  'workspace.status': { input: z.object({}), output: workspaceStatusSchema },
  /** Moves a damaged database aside (timestamped, never deleted) and opens a fresh, empty workspace. */
  'workspace.startFresh': {
    input: z.object({}),
    output: z.object({ movedTo: z.string(), status: workspaceStatusSchema }),
  },
  'courses.list': {
    input: z.object({
      query: z.string().max(200).default(''),
      sort: z.enum(COURSE_SORTS).default('updatedDesc'),
      limit: z.number().int().min(1).max(500).default(50),
      offset: z.number().int().min(0).default(0),
    }),
    output: z.object({ items: z.array(courseSummarySchema), total: z.number().int() }),
  },
  'courses.get': { input: z.object({ id }), output: courseSchema },
  'courses.create': {
    input: z.object({
      title: checked(checkTitle),
      type: courseType.default('article'),
      priceFen: priceFen.default(0),
      summary: checked(checkSummary).default(''),
    }),
    output: courseSchema,
  },
  /**
   * Saves the whole course document. `baseVersion` is the version the editor started from; a save against a newer
   * stored version is refused with CONFLICT and changes nothing.
   */
  'courses.save': {
    input: z.object({
      id,
      baseVersion: z.number().int().min(1),
      ...courseFields,
      /** Omitted: the stored crops stay, unless the cover changed (crops belong to one image and are then cleared). */
      coverCrops: coverCropsSchema.optional(),
      /** The type's details (course-types.ts). Omitted: the stored ones stay (converted if the type changed). */
      typeDetails: courseTypeDetailsSchema.optional(),
      chapters: z.array(chapterSchema).max(COURSE_LIMITS.maxChapters),
    }),
    output: courseSchema,
  },
  /** Moves a course to the trash (a tombstone kept for sync); `courses.restore` brings it back. */
  'courses.delete': { input: z.object({ id }), output: z.object({ id }) },
  'courses.restore': { input: z.object({ id }), output: courseSchema },
  /** Copies an image into the workspace's content-addressed media folder. `dataBase64` is the file's bytes. */
  'media.importImage': {
    input: z.object({ fileName: z.string().max(255), dataBase64: z.string() }),
    output: mediaSchema,
  },
  'companion.status': { input: z.object({}), output: companionStatusSchema },
  /** Pairs this studio with a team's standalone companion (HTTPS) using a one-time code from its owner. */
  'companion.connect': {
    input: z.object({
      url: z.string().trim().min(1, 'companionUrl.required').max(2048),
      pairingCode: z.string().trim().min(8, 'pairingCode.invalid').max(128, 'pairingCode.invalid'),
      deviceName: z.string().trim().min(1).max(64).optional(),
    }),
    output: companionStatusSchema,
  },
  /** Goes back to the embedded companion and WeChat sandbox. */
  'companion.useEmbedded': { input: z.object({}), output: companionStatusSchema },
  /** The team on the companion, and which member this device acts as; avatars arrive as data URLs (or ''). */
  'team.members': {
    input: z.object({}),
    /** `cachedAt` is set when the answer comes from the offline cache (meId is then '' unless known). */
    output: z.object({ items: z.array(memberSchema), meId: z.string(), cachedAt: z.string().optional() }),
  },
  'team.setRole': { input: z.object({ memberId: z.string(), role: z.enum(ROLES) }), output: memberSchema },
  'team.unbind': { input: z.object({ memberId: z.string() }), output: memberSchema },
  /** Starts a QR binding: a new member with the chosen role, or re-binding an existing member. */
  'team.startBinding': {
    input: z.union([
      z.object({ memberId: z.string() }),
      z.object({ name: z.string().trim().min(1, 'memberName.required').max(64, 'memberName.tooLong'), role: z.enum(ROLES) }),
    ]),
    output: bindingSessionSchema,
  },
  'team.binding': { input: z.object({ id: z.string() }), output: bindingSessionSchema },
  /** The companion's WeChat set-up as the team sees it (never a secret), and how members bind by default. */
  'team.settings': { input: z.object({}), output: companionSettingsSchema },
  'team.updateSettings': { input: z.object({ bindingMode: z.enum(['qrconnect', 'oauth']) }), output: companionSettingsSchema },
  'wechatEvents.list': {
    input: z.object({ type: z.string().max(64).optional(), ...pageInput }),
    output: z.object({ items: z.array(wechatEventSchema), total: z.number().int(), cachedAt: z.string().optional() }),
  },
  'audit.list': { input: z.object(pageInput), output: z.object({ items: z.array(auditEntrySchema), total: z.number().int() }) },
  /** WeChat Pay as the companion has it set up (never a secret: only whether each is set). */
  'pay.settings': { input: z.object({}), output: companionRoutes['pay.settings'].response },
  /** Secrets travel one way only: the creator types or picks them, the host hands them to the companion. */
  'pay.updateSettings': { input: companionRoutes['pay.updateSettings'].body, output: companionRoutes['pay.updateSettings'].response },
  /** One signed call to WeChat Pay whose answer's signature is verified. */
  'pay.test': { input: z.object({}), output: companionRoutes['pay.test'].response },
  'orders.list': {
    input: z.object({
      courseId: z.string().max(64).optional(),
      state: z.enum(ORDER_STATES).optional(),
      from: z.string().max(40).optional(),
      to: z.string().max(40).optional(),
      ...pageInput,
    }),
    /** `cachedAt` is set when the companion is unreachable and the answer comes from the offline cache. */
    output: companionRoutes['orders.list'].response.extend({ cachedAt: z.string().optional() }),
  },
  'orders.get': { input: z.object({ outTradeNo: z.string().max(64) }), output: companionRoutes['orders.get'].response },
  /**
   * A Native order for one of this workspace's courses at its current price — for a live sale or, in sandbox mode, a
   * test purchase the simulated phone can pay.
   */
  'orders.create': {
    input: z.object({
      /** One course, or several sold together as a bundle. */
      courseIds: z.array(z.string().max(64)).min(1, 'order.noCourse').max(20),
      discount: discountRuleSchema.optional(),
    }),
    output: companionRoutes['orders.create'].response,
  },
  'orders.query': { input: z.object({ outTradeNo: z.string().max(64) }), output: companionRoutes['orders.query'].response },
  'orders.close': { input: z.object({ outTradeNo: z.string().max(64) }), output: companionRoutes['orders.close'].response },
  /** A full refund (amountFen omitted) or a partial one. */
  'orders.refund': {
    input: z.object({
      outTradeNo: z.string().max(64),
      amountFen: z.number().int().min(1, 'refund.amountInvalid').optional(),
      reason: z.string().max(80).optional(),
    }),
    output: companionRoutes['refunds.create'].response,
  },
  'orders.exportCsv': {
    input: z.object({ courseId: z.string().max(64).optional(), state: z.enum(ORDER_STATES).optional() }),
    output: z.object({ fileName: z.string(), csv: z.string() }),
  },
  /** The audit log as CSV text (UTF-8 with BOM) for the renderer to save. */
  'audit.exportCsv': { input: z.object({}), output: z.object({ fileName: z.string(), csv: z.string() }) },
  /**
   * The online second opinion on a text: WeChat's content check through the companion's mini program. Never fails for
   * being offline or unconfigured — it answers `available: false` with the reason, and the local scan stands alone.
   */
  'compliance.secondOpinion': {
    input: z.object({ text: z.string().max(SEC_CHECK_MAX_TEXT, 'text.tooLong') }),
    output: secondOpinionSchema,
  },
  ...complianceMethods,
  ...previewMethods,
  ...courseTypeMethods,
  ...lessonBodyMethods,
  ...mediaMethods,
  ...libraryMethods(courseSchema),
  ...syncMethods,
  ...funnelMethods,
  ...publishingMethods,
  ...posterMethods,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What a caller passes (defaults may be omitted). */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What a handler receives, after validation and defaults. */
export type HandlerInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}
