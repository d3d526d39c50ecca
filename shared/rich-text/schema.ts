/**
 * The rich-text subset of a lesson body: HTML that WeChat's article editor (draft/add `content`) keeps as it is.
 * Defined once here; the sanitizer (sanitize.ts) reduces any HTML to it, in the renderer on paste and in the host,
 * which has the final word on save. The TipTap editor's schema (renderer/src/features/lesson-body/extensions.ts)
 * produces exactly these elements.
 *
 * WeChat removes scripts and filters images that do not come from its `media/uploadimg` API, and keeps inline `style`
 * attributes but no `<style>` sheets or classes (docs: wechat-protocols.md §6.2–6.3, wechat-surfaces.md B1 "Body").
 * So: no scripts, no event handlers, no classes or ids, no links to other sites, inline styles from a short list only.
 */

/** Bumped when the stored form changes; bodies carry it and are migrated on load by pure functions. */
export const RICH_TEXT_SCHEMA_VERSION = 1;

/**
 * WeChat's limits on an article's `content`: "< 20,000 characters and < 1 MB" (wechat-protocols.md §6.3, draft/add;
 * wechat-surfaces.md B1 "Body", source [W2]). Characters are counted on the text (what a reader reads); bytes on the
 * HTML as UTF-8. WeChat says "1M" without saying which megabyte: we take the smaller, 1,000,000 bytes.
 */
export const WECHAT_BODY_LIMITS = {
  /** The text must have fewer characters than this (Unicode code points). */
  maxChars: 20_000,
  /** The HTML must have fewer UTF-8 bytes than this. */
  maxBytes: 1_000_000,
  /** `media/uploadimg`: an image in an article must be JPEG or PNG and under 1 MB (wechat-protocols.md §6.2). */
  imageMaxBytes: 1024 * 1024,
  imageMimes: ['image/jpeg', 'image/png'] as readonly string[],
} as const;

/** Elements of the subset and the attributes each may carry. Anything else is unwrapped (text kept) or dropped. */
export const RICH_TEXT_ELEMENTS = {
  p: ['style'],
  h1: ['style'],
  h2: ['style'],
  h3: ['style'],
  h4: ['style'],
  blockquote: [],
  pre: [],
  code: [],
  ul: [],
  ol: [],
  li: [],
  hr: [],
  br: [],
  strong: [],
  em: [],
  u: [],
  s: [],
  span: ['style'],
  figure: [],
  img: ['src', 'alt'],
  figcaption: [],
} as const satisfies Record<string, readonly string[]>;
export type RichTextElement = keyof typeof RICH_TEXT_ELEMENTS;

export const HEADING_LEVELS = [1, 2, 3, 4] as const;

/** Inline style properties allowed on blocks (paragraphs and headings). */
export const BLOCK_STYLE_PROPERTIES = ['text-align', 'text-indent', 'line-height'] as const;
/** Inline style properties allowed on `<span>` (text). Bold, italic, underline and strike become elements instead. */
export const TEXT_STYLE_PROPERTIES = ['color', 'background-color', 'font-size', 'letter-spacing'] as const;

/** A style value is kept only if it is made of these characters (no url(), no expression(), no escapes, no quotes). */
export const STYLE_VALUE = /^[#a-zA-Z0-9.,%()\s-]{1,64}$/;
const STYLE_VALUE_FORBIDDEN = /expression|url|javascript|var\(|attr\(|image/i;

export function styleValueAllowed(property: string, value: string): boolean {
  if (!STYLE_VALUE.test(value) || STYLE_VALUE_FORBIDDEN.test(value)) return false;
  if (property === 'text-align') return /^(left|center|right|justify)$/i.test(value);
  return true;
}

/** Where an image in a body may point. */
export const MEDIA_SRC_PREFIX = 'studio-media:';
/** A locally stored image (the workspace's content-addressed media), uploaded to WeChat later by sync. */
export const MEDIA_SRC = /^studio-media:([0-9a-f]{64})$/;
/** An image already on WeChat's CDN (what `media/uploadimg` returns, and what WeChat articles contain). */
export const WECHAT_IMAGE_SRC = /^https?:\/\/mmbiz\.q(?:pic|logo)\.cn\/[A-Za-z0-9_\-./?=&%]{1,1500}$/;

export function mediaSrc(hash: string): string {
  return `${MEDIA_SRC_PREFIX}${hash}`;
}

/** The media hash an image source refers to, or null for a WeChat CDN image. */
export function mediaHashOf(src: string): string | null {
  return MEDIA_SRC.exec(src)?.[1] ?? null;
}

/** The hashes of the local images a body refers to, in order of first appearance, each once. */
export function bodyMediaHashes(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/<img\s[^>]*?src="studio-media:([0-9a-f]{64})"/g)) out.add(m[1] as string);
  return [...out];
}
