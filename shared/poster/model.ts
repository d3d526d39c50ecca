/**
 * The share-poster document: a versioned JSON description of one poster (size, background, a flat list of elements
 * in paint order) that the editor renders with Konva and the host paints with @napi-rs/canvas. The document — not
 * Konva — is the source of truth; every edit is a `PosterChange` applied by `applyChange` (operations.ts).
 *
 * Groups are a `groupId` shared by elements rather than nested containers: the layer list and paint order stay one
 * flat array, and a group is selected, moved and locked as its members.
 */
import { z } from 'zod';

export const POSTER_SCHEMA_VERSION = 1;

/** The sizes templates come in (portrait phone screen and 3:4); custom sizes are allowed within the limits. */
export const POSTER_SIZES = [
  { width: 1080, height: 1920 },
  { width: 1080, height: 1440 },
] as const;
export const POSTER_MAX_SIDE = 4096;
export const POSTER_MAX_ELEMENTS = 500;
export const POSTER_TEXT_MAX = 2000;

export const POSTER_KINDS = ['course', 'checkin', 'invite', 'custom'] as const;
export type PosterKind = (typeof POSTER_KINDS)[number];

/** A colour: `#rrggbb`, `#rrggbbaa`, or a brand-kit reference (`brand.primary` …) resolved at paint time. */
export const BRAND_COLOR_KEYS = ['primary', 'secondary', 'accent', 'text', 'background'] as const;
export type BrandColorKey = (typeof BRAND_COLOR_KEYS)[number];
const hexColor = /^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
export const colorSchema = z
  .string()
  .refine((v) => hexColor.test(v) || (v.startsWith('brand.') && (BRAND_COLOR_KEYS as readonly string[]).includes(v.slice(6))), 'color.invalid');
export type PosterColor = z.infer<typeof colorSchema>;

const finite = z.number().finite();
const size = z.number().finite().min(1, 'size.tooSmall').max(POSTER_MAX_SIDE * 2, 'size.tooLarge');
const elementId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'id.invalid');

const baseFields = {
  id: elementId,
  /** Shown in the layers panel. */
  name: z.string().max(60),
  /** Top-left corner of the unrotated box, in poster pixels. */
  x: finite,
  y: finite,
  width: size,
  height: size,
  /** Degrees clockwise around the top-left corner (Konva's convention, used on both sides). */
  rotation: finite,
  opacity: z.number().min(0).max(1),
  /** Locked elements cannot be selected on the canvas, moved or transformed (the layers panel still lists them). */
  locked: z.boolean(),
  hidden: z.boolean(),
  /** Elements sharing a group id are selected and moved together. */
  groupId: elementId.nullable(),
};

export const FONT_WEIGHTS = ['regular', 'bold'] as const;

/** Text with `{{variables}}`; laid out by text.ts with the bundled Noto Sans SC's glyph widths. */
export const textElementSchema = z.object({
  ...baseFields,
  type: z.literal('text'),
  text: z.string().max(POSTER_TEXT_MAX, 'text.tooLong'),
  fontSize: z.number().min(8).max(400),
  fontWeight: z.enum(FONT_WEIGHTS),
  /** Line height as a multiple of the font size. */
  lineHeight: z.number().min(0.8).max(3),
  color: colorSchema,
  align: z.enum(['left', 'center', 'right']),
  verticalAlign: z.enum(['top', 'middle', 'bottom']),
  /** Shrink the font (down to `minFontSize`) until the whole text fits the box; otherwise the last line is cut with "…". */
  autoFit: z.boolean(),
  minFontSize: z.number().min(8).max(400),
});

/** Where an image comes from: a media-library file, the person's avatar (`{{avatar}}`), or the brand kit's logo. */
export const imageSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('media'), hash: z.string().regex(/^[0-9a-f]{64}$/, 'hash.invalid') }),
  z.object({ kind: z.literal('avatar') }),
  z.object({ kind: z.literal('brandLogo') }),
]);
export type ImageSource = z.infer<typeof imageSourceSchema>;

/** The visible part of the source image, as fractions of its width and height; null centres a cover crop. */
export const cropSchema = z
  .object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1), width: z.number().min(0.01).max(1), height: z.number().min(0.01).max(1) })
  .refine((c) => c.x + c.width <= 1.000001 && c.y + c.height <= 1.000001, 'crop.outside');

export const imageElementSchema = z.object({
  ...baseFields,
  type: z.literal('image'),
  source: imageSourceSchema,
  crop: cropSchema.nullable(),
  /** `rounded` uses `radius`; `circle` is the ellipse inscribed in the box (avatars). */
  mask: z.enum(['rect', 'rounded', 'circle']),
  radius: z.number().min(0).max(POSTER_MAX_SIDE),
  /** Drawn where the image is missing (no avatar for a person, a file not found). */
  placeholder: colorSchema,
});

export const shapeElementSchema = z.object({
  ...baseFields,
  type: z.literal('shape'),
  shape: z.enum(['rect', 'ellipse', 'line']),
  fill: colorSchema.nullable(),
  /** A vertical gradient to this colour when set (fill → fill2). */
  fill2: colorSchema.nullable(),
  stroke: colorSchema.nullable(),
  strokeWidth: z.number().min(0).max(200),
  radius: z.number().min(0).max(POSTER_MAX_SIDE),
});

/**
 * A QR code. `tracking`: the poster's own tracking code — a parametric official-account QR from the companion when one
 * is bound, otherwise the local tracking link (tracking.ts) — personalised per inviter; `text`: fixed content.
 * The box is square; the quiet zone (4 modules) is inside it.
 */
export const qrElementSchema = z.object({
  ...baseFields,
  type: z.literal('qr'),
  content: z.discriminatedUnion('kind', [z.object({ kind: z.literal('tracking') }), z.object({ kind: z.literal('text'), text: z.string().min(1).max(500) })]),
  errorCorrection: z.enum(['L', 'M', 'Q', 'H']),
  foreground: colorSchema,
  background: colorSchema,
});

export const posterElementSchema = z.discriminatedUnion('type', [textElementSchema, imageElementSchema, shapeElementSchema, qrElementSchema]);

export type TextElement = z.infer<typeof textElementSchema>;
export type ImageElement = z.infer<typeof imageElementSchema>;
export type ShapeElement = z.infer<typeof shapeElementSchema>;
export type QrElement = z.infer<typeof qrElementSchema>;
export type PosterElement = z.infer<typeof posterElementSchema>;
export type ElementType = PosterElement['type'];

export const posterDocumentSchema = z
  .object({
    schemaVersion: z.literal(POSTER_SCHEMA_VERSION),
    kind: z.enum(POSTER_KINDS),
    width: z.number().int().min(100, 'size.tooSmall').max(POSTER_MAX_SIDE, 'size.tooLarge'),
    height: z.number().int().min(100, 'size.tooSmall').max(POSTER_MAX_SIDE, 'size.tooLarge'),
    background: colorSchema,
    /** Paint order: the first element is at the bottom. */
    elements: z.array(posterElementSchema).max(POSTER_MAX_ELEMENTS, 'elements.tooMany'),
    /** Values the editor previews with and a single export uses (`nickname` → "小明"). */
    sampleValues: z.record(z.string(), z.string().max(500)),
  })
  .refine((d) => new Set(d.elements.map((e) => e.id)).size === d.elements.length, 'elements.duplicateId');
/** One poster's document (what is saved; selection, zoom and other UI state never are). */
export type PosterDocument = z.infer<typeof posterDocumentSchema>;

/** The workspace's brand kit: colours templates refer to (`brand.primary`), the logo, and the default weights. */
export const brandKitSchema = z.object({
  schemaVersion: z.literal(1),
  colors: z.object({
    primary: z.string().regex(hexColor, 'color.invalid'),
    secondary: z.string().regex(hexColor, 'color.invalid'),
    accent: z.string().regex(hexColor, 'color.invalid'),
    text: z.string().regex(hexColor, 'color.invalid'),
    background: z.string().regex(hexColor, 'color.invalid'),
  }),
  /** A media-library image. */
  logoHash: z.string().regex(/^[0-9a-f]{64}$/, 'hash.invalid').nullable(),
  /** Weight of template headings (the bundled face comes in regular and bold). */
  headingWeight: z.enum(FONT_WEIGHTS),
  /** Base of the local tracking link (tracking.ts) used when no companion is bound; empty until the creator sets it. */
  linkBase: z.string().max(200).refine((v) => v === '' || /^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(v), 'link.invalid'),
});
export type BrandKit = z.infer<typeof brandKitSchema>;

export const DEFAULT_BRAND_KIT: BrandKit = {
  schemaVersion: 1,
  colors: { primary: '#E8573C', secondary: '#1F3A5F', accent: '#F5B83D', text: '#1F2329', background: '#FFF8F0' },
  logoHash: null,
  headingWeight: 'bold',
  linkBase: '',
};

/** A colour as a canvas understands it, brand references resolved. */
export function resolveColor(color: PosterColor, brand: BrandKit): string {
  if (color.startsWith('brand.')) return brand.colors[color.slice(6) as BrandColorKey];
  return color;
}

/** Thrown when a stored document cannot be read (newer than this app, or not a poster). */
export class PosterDocumentError extends Error {
  constructor(
    readonly code: 'poster.tooNew' | 'poster.invalid',
    message: string,
  ) {
    super(message);
    this.name = 'PosterDocumentError';
  }
}

/**
 * Pure upgrades from each older schema version to the next, applied in order on load. Version 1 is the first, so the
 * list is empty; a later version appends `{ from: 1, up }` and never edits a shipped step.
 */
export const POSTER_MIGRATIONS: readonly { from: number; up: (doc: Record<string, unknown>) => Record<string, unknown> }[] = [];

/** Reads a stored document of any known version: migrates it to the current one and validates it. */
export function migratePosterDocument(raw: unknown): PosterDocument {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PosterDocumentError('poster.invalid', 'A poster document is an object');
  let doc = raw as Record<string, unknown>;
  const version = doc.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new PosterDocumentError('poster.invalid', 'The poster has no schema version');
  if (version > POSTER_SCHEMA_VERSION) {
    throw new PosterDocumentError('poster.tooNew', `The poster was saved by a newer version (schema ${version} > ${POSTER_SCHEMA_VERSION})`);
  }
  for (const step of POSTER_MIGRATIONS) {
    if ((doc.schemaVersion as number) === step.from) doc = { ...step.up(doc), schemaVersion: step.from + 1 };
  }
  const parsed = posterDocumentSchema.safeParse(doc);
  if (!parsed.success) throw new PosterDocumentError('poster.invalid', `The poster document is not valid: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

/** Reads a stored brand kit; anything unreadable falls back to the defaults (a brand kit is never worth a failure). */
export function readBrandKit(raw: unknown): BrandKit {
  const parsed = brandKitSchema.safeParse(raw);
  return parsed.success ? parsed.data : DEFAULT_BRAND_KIT;
}
