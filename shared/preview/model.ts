/**
 * The preview's data model: what goes in (a course as the surfaces need it, the viewing environment, the creator's
 * settings) and what comes out (one display list per surface — boxes, text lines, images, icons at absolute positions
 * in CSS pixels — plus warnings and field counters). The page draws a display list with positioned DOM elements, the
 * host paints the same list on a canvas for the PNG export; neither measures or wraps text itself.
 */
import type { CourseType } from '../domain/course';
import type { CoverCrops, CropBox } from './crop';
import type { FontSpec } from './measure';
import type { LimitChoices, LimitUnit } from './limits';
import type { Appearance, DeviceId } from './theme';

export const SURFACE_IDS = [
  'oaLead',
  'oaSecondary',
  'oaSingle',
  'feedStarred',
  'feedRegular',
  'miniProgram',
  'h5Chat',
  'h5Moments',
  'weComLink',
  'templateMessage',
  'massSendNotice',
] as const;
/**
 * oaLead / oaSecondary: the course as the lead (2.35:1 cover, title on it) or a secondary article (1:1 thumbnail) of a
 * multi-article message; oaSingle: a single-article message (the only kind with a digest); feedStarred / feedRegular:
 * the subscription feed for 星标/常读 followers (big cover) and for everyone else (thumbnail); miniProgram: a
 * mini-program share card (5:4); h5Chat / h5Moments: the course's H5 page shared to a chat and to Moments; weComLink:
 * a WeCom group-send link card (byte limits); templateMessage: a service-account template message; massSendNotice:
 * the notification and chat-list row of a 服务号 mass send.
 */
export type SurfaceId = (typeof SURFACE_IDS)[number];

/** The course as the previews need it: the editor's draft (unsaved edits included) plus facts about its cover. */
export interface PreviewCourse {
  title: string;
  summary: string;
  type: CourseType;
  priceFen: number;
  chapters: { title: string; lessons: { title: string }[] }[];
  /** The cover's pixel size and file size, or null when the course has none. */
  cover: { width: number; height: number; bytes: number; mime: string } | null;
  crops: CoverCrops;
}

/** The workspace's preview settings (stored by the host). */
export interface PreviewSettings {
  /** 公众号名称: shown as the sender on every surface. */
  accountName: string;
  /** The option chosen for each CONFLICT item of the limits table. */
  limitChoices: LimitChoices;
}

export interface PreviewEnv {
  device: DeviceId;
  appearance: Appearance;
  settings: PreviewSettings;
}

export type Paint = string | { stops: [offset: number, color: string][] };

export type IconName = 'chevronRight' | 'miniProgram' | 'image' | 'wechat';

/** One thing to draw; coordinates in CSS pixels from the surface's top-left corner. */
export type DisplayNode =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: Paint; radius?: number | [number, number, number, number] }
  | {
      kind: 'text';
      /** Left edge of the text and top of its line box; the baseline sits where CSS puts it for this line height. */
      x: number;
      y: number;
      /** Width of the text as measured (for right alignment it is already applied to x). */
      w: number;
      text: string;
      font: FontSpec;
      color: string;
      /** Which course field this line shows, for tests and the detail view. */
      role?: 'title' | 'digest' | 'value';
    }
  | {
      kind: 'image';
      x: number;
      y: number;
      w: number;
      h: number;
      /** The only image a surface shows is the course cover. */
      src: 'cover';
      /** The part of the cover drawn into the box (normalised coordinates). */
      crop: CropBox;
      radius?: number | [number, number, number, number];
    }
  | { kind: 'icon'; x: number; y: number; size: number; name: IconName; color: string };

export type WarningSeverity = 'error' | 'warning' | 'info';

export type WarningCode =
  | 'title.empty'
  | 'title.cut'
  | 'title.overLimit'
  | 'title.bytesCut'
  | 'title.templateCut'
  | 'digest.cut'
  | 'digest.overLimit'
  | 'digest.empty'
  | 'digest.emptyBody'
  | 'desc.bytesCut'
  | 'cover.missing'
  | 'cover.tooSmall'
  | 'cover.tooLarge'
  | 'cover.gif'
  | 'cover.notFiveFour'
  | 'cover.heavyForShareIcon'
  | 'crop.default'
  | 'focus.outside'
  | 'moments.titleOnly';

export interface PreviewWarning {
  code: WarningCode;
  severity: WarningSeverity;
  /** The surface it is about; null for the course as a whole (e.g. the draft API would refuse the title). */
  surface: SurfaceId | null;
  /** Values for the message (numbers, the visible part of a cut text…). */
  params: Record<string, string | number>;
  /** The limits-table entry behind it, so the UI can name the source and its date. */
  limitId?: string;
}

/** A field's length as one surface counts it. */
export interface FieldCounter {
  field: 'title' | 'summary';
  /** Which limit: `oa.title.draftApi`, `wecom.link.titleBytes`… */
  limitId: string;
  surfaces: SurfaceId[];
  unit: LimitUnit;
  used: number;
  max: number;
  over: boolean;
}

export interface SurfaceLayout {
  id: SurfaceId;
  width: number;
  height: number;
  background: string;
  nodes: DisplayNode[];
  warnings: PreviewWarning[];
}

export interface PreviewLayout {
  env: PreviewEnv;
  surfaces: SurfaceLayout[];
  /** Warnings about the course as a whole (not tied to one surface), then every surface's, without duplicates. */
  warnings: PreviewWarning[];
  counters: FieldCounter[];
  /** What WeChat will use as the digest: the summary as published, or the start of the body when it is empty. */
  digest: { text: string; fromBody: boolean };
}
