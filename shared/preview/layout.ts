/**
 * Lays out every WeChat surface a course becomes, as pure computation: the same function runs in the page (the
 * gallery), in the host (the PNG export) and in the benchmark. Sizes follow WeChat's iOS client at 375 pt as seen in
 * its chat, feed and notification views — WeUI's type scale (17/16/15/14/13/12 px) and colours — and scale with the
 * device width where WeChat's do (cards are a share of the width, covers keep their ratio). Which crop each surface
 * shows and how each one cuts text are the documented facts (wechat-surfaces.md B1–B6); the pixel sizes of padding
 * and gaps are our reading of the client, not documented numbers.
 */
import { CROP_RATIOS, containsBox, defaultCrop, effectiveCrop, visibleShare, type CropBox, type CropKind } from './crop';
import { TEMPLATE_TITLE, cardTitle, digestOf, templateRows, type DigestInfo } from './course-text';
import { chosenLimit, cutTo, lengthIn, limit, type Limit } from './limits';
import { measureText, type FontSpec } from './measure';
import {
  SURFACE_IDS,
  type DisplayNode,
  type FieldCounter,
  type IconName,
  type Paint,
  type PreviewCourse,
  type PreviewEnv,
  type PreviewLayout,
  type PreviewWarning,
  type SurfaceId,
  type SurfaceLayout,
  type WarningCode,
  type WarningSeverity,
} from './model';
import { layoutText, type TextLayout } from './text-layout';
import { DEVICES, PALETTES, type DeviceProfile, type Palette } from './theme';

const font = (size: number, lineHeight: number, weight: FontSpec['weight'] = 'regular'): FontSpec => ({ size, weight, lineHeight });

/** WeUI's type scale as WeChat's views use it. */
const F = {
  caption: font(12, 17),
  small: font(13, 18),
  body14: font(14, 20),
  body14Relaxed: font(14, 22),
  body15: font(15, 21),
  body16: font(16, 22),
  title17: font(17, 24),
  title17Bold: font(17, 24, 'bold'),
  name15Bold: font(15, 21, 'bold'),
  name17: font(17, 24),
} as const;

/** Per surface: which cover crop it shows (null: no cover), and the most lines it gives the title. */
const COVER_OF: Record<SurfaceId, CropKind | 'topLeft54' | null> = {
  oaLead: 'crop235',
  oaSecondary: 'crop11',
  oaSingle: 'crop235',
  feedStarred: 'crop235',
  feedRegular: 'crop11',
  miniProgram: 'topLeft54',
  h5Chat: 'crop11',
  h5Moments: 'crop11',
  weComLink: 'crop11',
  templateMessage: null,
  massSendNotice: null,
};

const OA_SURFACES: SurfaceId[] = ['oaLead', 'oaSecondary', 'oaSingle', 'feedStarred', 'feedRegular', 'massSendNotice'];
const DIGEST_SURFACES: SurfaceId[] = ['oaSingle', 'h5Chat', 'weComLink'];

interface Context {
  course: PreviewCourse;
  env: PreviewEnv;
  device: DeviceProfile;
  W: number;
  p: Palette;
  title: string;
  digest: DigestInfo;
}

function warning(
  code: WarningCode,
  severity: WarningSeverity,
  surface: SurfaceId | null,
  params: Record<string, string | number> = {},
  limitId?: string,
): PreviewWarning {
  return limitId ? { code, severity, surface, params, limitId } : { code, severity, surface, params };
}

/** Collects the nodes and warnings of one surface. */
class Scene {
  readonly nodes: DisplayNode[] = [];
  readonly warnings: PreviewWarning[] = [];
  constructor(
    readonly ctx: Context,
    readonly id: SurfaceId,
  ) {}

  rect(x: number, y: number, w: number, h: number, fill: Paint, radius?: number | [number, number, number, number]): void {
    this.nodes.push(radius === undefined ? { kind: 'rect', x, y, w, h, fill } : { kind: 'rect', x, y, w, h, fill, radius });
  }

  /** Draws laid-out lines with their top at y; returns their height. */
  lines(layout: TextLayout, x: number, y: number, spec: FontSpec, color: string, role?: 'title' | 'digest' | 'value'): number {
    layout.lines.forEach((line, i) => {
      const node: DisplayNode = { kind: 'text', x, y: y + i * spec.lineHeight, w: line.width, text: line.text, font: spec, color };
      if (role) node.role = role;
      this.nodes.push(node);
    });
    return layout.height;
  }

  /** One line of fixed text (WeChat's own labels), left-aligned at x or right-aligned to `right`. */
  label(text: string, at: { x: number } | { right: number } | { center: number }, y: number, spec: FontSpec, color: string): number {
    const w = measureText(text, spec);
    const x = 'x' in at ? at.x : 'right' in at ? at.right - w : at.center - w / 2;
    this.nodes.push({ kind: 'text', x, y, w, text, font: spec, color });
    return w;
  }

  /** The course cover in this surface's crop, or a placeholder when the course has none. */
  cover(x: number, y: number, w: number, h: number, radius?: number | [number, number, number, number]): void {
    const crop = surfaceCrop(this.ctx.course, this.id);
    if (!crop) {
      this.rect(x, y, w, h, this.ctx.p.placeholder, radius);
      const size = Math.min(32, Math.round(Math.min(w, h) * 0.45));
      this.icon(x + (w - size) / 2, y + (h - size) / 2, size, 'image', this.ctx.p.fg2);
      return;
    }
    this.nodes.push(radius === undefined ? { kind: 'image', x, y, w, h, src: 'cover', crop } : { kind: 'image', x, y, w, h, src: 'cover', crop, radius });
  }

  icon(x: number, y: number, size: number, name: IconName, color: string): void {
    this.nodes.push({ kind: 'icon', x, y, size, name, color });
  }

  /** An avatar: a rounded square (or circle) in the brand colour with the first character of the name. */
  avatar(x: number, y: number, size: number, name: string, options: { round?: boolean; fill?: string } = {}): void {
    this.rect(x, y, size, size, options.fill ?? this.ctx.p.brand, options.round ? size / 2 : Math.max(4, Math.round(size / 10)));
    const initial = [...name.trim()][0] ?? '公';
    const spec = font(Math.round(size * 0.45), size, 'bold');
    this.label(initial, { center: x + size / 2 }, y, spec, '#FFFFFF');
  }

  hairline(x: number, y: number, w: number): void {
    this.rect(x, y, w, 1, this.ctx.p.fg3);
  }

  /** Grey bars standing for the other article's title (it is not this course's, so no text). */
  skeleton(x: number, y: number, widths: number[], color = this.ctx.p.placeholder): number {
    widths.forEach((w, i) => this.rect(x, y + i * 18 + 4, w, 10, color, 5));
    return widths.length * 18;
  }

  warn(code: WarningCode, severity: WarningSeverity, params: Record<string, string | number> = {}, limitId?: string): void {
    this.warnings.push(warning(code, severity, this.id, params, limitId));
  }

  finish(height: number, background: string): SurfaceLayout {
    return { id: this.id, width: this.ctx.W, height: Math.ceil(height), background, nodes: this.nodes, warnings: this.warnings };
  }
}

/** The part of the cover a surface shows, or null when it shows none (or the course has no cover). */
export function surfaceCrop(course: PreviewCourse, surface: SurfaceId): CropBox | null {
  const kind = COVER_OF[surface];
  if (!kind || !course.cover) return null;
  const { width, height } = course.cover;
  // A mini-program card shows a 5:4 image; another shape is cropped from the top-left corner ([T12]).
  if (kind === 'topLeft54') return defaultCrop(width, height, limit('mp.image.aspect').value, 'topLeft');
  return effectiveCrop(course.crops, kind, width, height);
}

/** Time labels are fixed so that a preview (and its screenshot) is the same on every run. */
const CHAT_TIME = '12:00';

function chatTime(s: Scene, y: number): number {
  s.label(CHAT_TIME, { center: s.ctx.W / 2 }, y, F.caption, s.ctx.p.fg2);
  return F.caption.lineHeight;
}

// ——— Official-account article message (in the account's chat) ———

/** The message card in an account's chat: nearly the whole width. */
function oaCard(W: number) {
  return { x: 12, w: W - 24 };
}

function layoutOaLead(ctx: Context): SurfaceLayout {
  const s = new Scene(ctx, 'oaLead');
  const { p } = ctx;
  let y = 12;
  y += chatTime(s, y) + 12;
  const { x, w } = oaCard(ctx.W);
  const coverH = Math.round(w / CROP_RATIOS.crop235);
  const top = y;
  // The card is drawn first; the cover covers its top.
  const rowH = 80;
  s.rect(x, top, w, coverH + rowH, p.bg2, 8);
  s.cover(x, top, w, coverH, [8, 8, 0, 0]);
  // The lead title sits on the cover, over a darkening gradient, at most two lines.
  const titleW = w - 32;
  const layout = layoutText(ctx.title, { font: F.title17Bold, maxWidth: titleW, maxLines: 2 });
  if (layout.truncated) s.warn('title.cut', 'warning', { lines: 2, visible: layout.visible, hidden: layout.hidden });
  const shade = layout.height + 28;
  s.rect(x, top + coverH - shade, w, shade, { stops: [[0, 'rgba(0,0,0,0)'], [1, 'rgba(0,0,0,0.55)']] });
  s.lines(layout, x + 16, top + coverH - 12 - layout.height, F.title17Bold, p.onImage, 'title');
  // A second article of the same message, for context: not this course, so drawn as placeholders.
  y = top + coverH;
  s.skeleton(x + 16, y + 22, [Math.round(w * 0.5), Math.round(w * 0.32)]);
  s.rect(x + w - 16 - 56, y + 12, 56, 56, p.placeholder, 2);
  return s.finish(y + rowH + 16, p.bg0);
}

function layoutOaSecondary(ctx: Context): SurfaceLayout {
  const s = new Scene(ctx, 'oaSecondary');
  const { p } = ctx;
  let y = 12;
  y += chatTime(s, y) + 12;
  const { x, w } = oaCard(ctx.W);
  const coverH = Math.round(w / CROP_RATIOS.crop235);
  const thumb = 56;
  const titleW = w - 32 - thumb - 12;
  const layout = layoutText(ctx.title, { font: F.body16, maxWidth: titleW, maxLines: 2 });
  if (layout.truncated) s.warn('title.cut', 'warning', { lines: 2, visible: layout.visible, hidden: layout.hidden });
  const rowH = Math.max(thumb, layout.height) + 24;
  s.rect(x, y, w, coverH + rowH, p.bg2, 8);
  // The lead article is another one: a placeholder cover with placeholder title bars.
  s.rect(x, y, w, coverH, p.placeholder, [8, 8, 0, 0]);
  s.skeleton(x + 16, y + coverH - 48, [Math.round(w * 0.62), Math.round(w * 0.4)], ctx.env.appearance === 'dark' ? '#3A3A3A' : '#D4D4D4');
  const rowY = y + coverH;
  s.lines(layout, x + 16, rowY + (rowH - layout.height) / 2, F.body16, p.fg0, 'title');
  s.cover(x + w - 16 - thumb, rowY + (rowH - thumb) / 2, thumb, thumb, 2);
  return s.finish(rowY + rowH + 16, p.bg0);
}

function layoutOaSingle(ctx: Context): SurfaceLayout {
  const s = new Scene(ctx, 'oaSingle');
  const { p } = ctx;
  let y = 12;
  y += chatTime(s, y) + 12;
  const { x, w } = oaCard(ctx.W);
  const inner = w - 32;
  const ix = x + 16;
  // Measure first, then draw the card behind.
  const titleLayout = layoutText(ctx.title, { font: F.title17Bold, maxWidth: inner, maxLines: 2 });
  const digestLayout = ctx.digest.text ? layoutText(ctx.digest.text, { font: F.body14Relaxed, maxWidth: inner, maxLines: 3 }) : null;
  const coverH = Math.round(inner / CROP_RATIOS.crop235);
  const footer = 44;
  const bodyH = 16 + titleLayout.height + 4 + F.body14.lineHeight + 12 + coverH + (digestLayout ? 10 + digestLayout.height : 0) + 16;
  s.rect(x, y, w, bodyH + 1 + footer, p.bg2, 8);
  let cy = y + 16;
  if (titleLayout.truncated) s.warn('title.cut', 'warning', { lines: 2, visible: titleLayout.visible, hidden: titleLayout.hidden });
  cy += s.lines(titleLayout, ix, cy, F.title17Bold, p.fg0, 'title') + 4;
  s.label('5月20日', { x: ix }, cy, F.body14, p.fg2);
  cy += F.body14.lineHeight + 12;
  s.cover(ix, cy, inner, coverH, 4);
  cy += coverH;
  if (digestLayout) {
    cy += 10;
    if (digestLayout.truncated) s.warn('digest.cut', 'info', { lines: 3, visible: digestLayout.visible });
    cy += s.lines(digestLayout, ix, cy, F.body14Relaxed, p.fg1, 'digest');
  }
  cy += 16;
  s.hairline(ix, cy, inner);
  cy += 1;
  s.label('阅读全文', { x: ix }, cy + (footer - F.body15.lineHeight) / 2, F.body15, p.fg0);
  s.icon(x + w - 16 - 16, cy + (footer - 16) / 2, 16, 'chevronRight', p.fg2);
  return s.finish(cy + footer + 16, p.bg0);
}

// ——— Subscription feed (订阅号消息) ———

function feedHeader(s: Scene, x: number, y: number, w: number): number {
  const { p, env } = s.ctx;
  s.avatar(x, y, 24, env.settings.accountName, { round: true });
  const name = layoutText(env.settings.accountName, { font: F.name15Bold, maxWidth: w - 24 - 8 - 64, maxLines: 1 });
  s.lines(name, x + 32, y + (24 - F.name15Bold.lineHeight) / 2, F.name15Bold, p.fg0);
  s.label('1小时前', { right: x + w }, y + (24 - F.small.lineHeight) / 2, F.small, p.fg2);
  return 24;
}

function layoutFeedStarred(ctx: Context): SurfaceLayout {
  const s = new Scene(ctx, 'feedStarred');
  const { p, W } = ctx;
  const x = 16;
  const inner = W - 32;
  const y = 8;
  const titleLayout = layoutText(ctx.title, { font: F.title17Bold, maxWidth: inner, maxLines: 2 });
  const coverH = Math.round(inner / CROP_RATIOS.crop235);
  const h = 16 + 24 + 12 + coverH + 10 + titleLayout.height + 16;
  s.rect(0, y, W, h, p.bg2);
  let cy = y + 16;
  cy += feedHeader(s, x, cy, inner) + 12;
  s.cover(x, cy, inner, coverH, 6);
  cy += coverH + 10;
  if (titleLayout.truncated) s.warn('title.cut', 'warning', { lines: 2, visible: titleLayout.visible, hidden: titleLayout.hidden });
  s.lines(titleLayout, x, cy, F.title17Bold, p.fg0, 'title');
  return s.finish(y + h + 8, p.bg0);
}

function layoutFeedRegular(ctx: Context): SurfaceLayout {
  const s = new Scene(ctx, 'feedRegular');
  const { p, W } = ctx;
  const x = 16;
  const inner = W - 32;
  const y = 8;
  const thumb = 80;
  const titleLayout = layoutText(ctx.title, { font: F.title17Bold, maxWidth: inner - thumb - 12, maxLines: 3 });
  const rowH = Math.max(thumb, titleLayout.height);
  const h = 16 + 24 + 12 + rowH + 16;
  s.rect(0, y, W, h, p.bg2);
  let cy = y + 16;
  cy += feedHeader(s, x, cy, inner) + 12;
  if (titleLayout.truncated) s.warn('title.cut', 'warning', { lines: 3, visible: titleLayout.visible, hidden: titleLayout.hidden });
  s.lines(titleLayout, x, cy, F.title17Bold, p.fg0, 'title');
  s.cover(x + inner - thumb, cy, thumb, thumb, 6);
  return s.finish(y + h + 8, p.bg0);
}

// ——— Cards sent in a chat ———

const AVATAR = 40;

/** Own message on the right: the avatar, and the x where a card of width w starts. */
function ownMessage(s: Scene, y: number, w: number): number {
  const ax = s.ctx.W - 12 - AVATAR;
  s.avatar(ax, y, AVATAR, '我', { fill: s.ctx.env.appearance === 'dark' ? '#4C4C4C' : '#B2B2B2' });
  return ax - 8 - w;
}

function layoutMiniProgram(ctx: Context): SurfaceLayout {
  const s = new Scene(ctx, 'miniProgram');
  const { p, W, env } = ctx;
  let y = 12;
  y += chatTime(s, y) + 12;
  const w = Math.round(W * 0.6);
  const x = ownMessage(s, y, w);
  const inner = w - 24;
  const titleLayout = layoutText(ctx.title, { font: F.body15, maxWidth: inner, maxLines: limit('mp.title.lines').value });
  const imageH = Math.round(inner / limit('mp.image.aspect').value);
  const footer = 28;
  const h = 12 + 16 + 8 + titleLayout.height + 8 + imageH + 10 + 1 + footer;
  s.rect(x, y, w, h, p.bg2, 6);
  let cy = y + 12;
  s.icon(x + 12, cy, 16, 'miniProgram', p.link);
  const name = layoutText(env.settings.accountName, { font: F.caption, maxWidth: inner - 22, maxLines: 1 });
  s.lines(name, x + 12 + 22, cy + (16 - F.caption.lineHeight) / 2, F.caption, p.fg1);
  cy += 16 + 8;
  if (titleLayout.truncated) s.warn('title.cut', 'warning', { lines: 2, visible: titleLayout.visible, hidden: titleLayout.hidden }, 'mp.title.lines');
  cy += s.lines(titleLayout, x + 12, cy, F.body15, p.fg0, 'title') + 8;
  s.cover(x + 12, cy, inner, imageH, 2);
  cy += imageH + 10;
  s.hairline(x + 12, cy, inner);
  cy += 1;
  s.icon(x + 12, cy + (footer - 12) / 2, 12, 'miniProgram', p.fg2);
  s.label('小程序', { x: x + 12 + 16 }, cy + (footer - F.caption.lineHeight) / 2, F.caption, p.fg2);
  if (ctx.course.cover && Math.abs(ctx.course.cover.width / ctx.course.cover.height - 1.25) > 0.0125) {
    s.warn('cover.notFiveFour', 'warning', { width: ctx.course.cover.width, height: ctx.course.cover.height }, 'mp.image.aspect');
  }
  return s.finish(Math.max(y + h, y + AVATAR) + 16, p.bg0);
}

/** A link card (title, description, square thumbnail) as WeChat draws shared web pages in a chat. */
function linkCard(s: Scene, x: number, y: number, w: number, title: string, desc: string): number {
  const { p } = s.ctx;
  const inner = w - 24;
  const thumb = 48;
  const titleLayout = layoutText(title, { font: F.body16, maxWidth: inner, maxLines: 2 });
  const descLayout = desc ? layoutText(desc, { font: F.small, maxWidth: inner - thumb - 8, maxLines: 3 }) : null;
  const rowH = Math.max(thumb, descLayout?.height ?? 0);
  const h = 12 + titleLayout.height + 6 + rowH + 12;
  s.rect(x, y, w, h, p.bg2, 6);
  if (titleLayout.truncated) s.warn('title.cut', 'warning', { lines: 2, visible: titleLayout.visible, hidden: titleLayout.hidden });
  let cy = y + 12;
  cy += s.lines(titleLayout, x + 12, cy, F.body16, p.fg0, 'title') + 6;
  if (descLayout) {
    if (descLayout.truncated) s.warn('digest.cut', 'info', { lines: 3, visible: descLayout.visible });
    s.lines(descLayout, x + 12, cy, F.small, p.fg1, 'digest');
  }
  s.cover(x + w - 12 - thumb, cy, thumb, thumb, 2);
  return h;
}

function layoutH5Chat(ctx: Context): SurfaceLayout {
  const s = new Scene(ctx, 'h5Chat');
  const { p, W } = ctx;
  let y = 12;
  y += chatTime(s, y) + 12;
  const w = Math.round(W * 0.64);
  const x = ownMessage(s, y, w);
  const h = linkCard(s, x, y, w, ctx.title, ctx.digest.text);
  return s.finish(Math.max(h, AVATAR) + y + 16, p.bg0);
}

function layoutH5Moments(ctx: Context): SurfaceLayout {
  const s = new Scene(ctx, 'h5Moments');
  const { p, W, env } = ctx;
  const x = 12;
  let y = 16;
  s.avatar(x, y, AVATAR, env.settings.accountName);
  const tx = x + AVATAR + 10;
  const tw = W - tx - 12;
  const name = layoutText(env.settings.accountName, { font: F.name15Bold, maxWidth: tw, maxLines: 1 });
  y += s.lines(name, tx, y, F.name15Bold, p.link) + 6;
  // Moments shows the title only: updateTimelineShareData has no description ([W16], [T8]).
  const box = 52;
  const thumb = 40;
  s.rect(tx, y, tw, box, p.bg1);
  s.cover(tx + 6, y + 6, thumb, thumb);
  const titleLayout = layoutText(ctx.title, { font: F.body14, maxWidth: tw - 6 - thumb - 8 - 8, maxLines: 2 });
  if (titleLayout.truncated) s.warn('title.cut', 'warning', { lines: 2, visible: titleLayout.visible, hidden: titleLayout.hidden });
  s.lines(titleLayout, tx + 6 + thumb + 8, y + (box - titleLayout.height) / 2, F.body14, p.fg0, 'title');
  y += box + 8;
  s.label('1分钟前', { x: tx }, y, F.caption, p.fg2);
  if (ctx.digest.text) s.warn('moments.titleOnly', 'info', {}, 'h5.moments.showsDesc');
  return s.finish(y + F.caption.lineHeight + 16, p.bg2);
}

function layoutWeComLink(ctx: Context): SurfaceLayout {
  const s = new Scene(ctx, 'weComLink');
  const { p, W, env } = ctx;
  const titleLimit = limit('wecom.link.titleBytes');
  const descLimit = limit('wecom.link.descBytes');
  // WeCom takes at most 64 bytes of title and 512 of description ([W8]): a Chinese character is 3 bytes.
  const title = cutTo('bytes', ctx.title, titleLimit.value);
  const desc = cutTo('bytes', ctx.digest.text, descLimit.value);
  if (title !== ctx.title) {
    s.warn('title.bytesCut', 'warning', { limit: titleLimit.value, length: lengthIn('bytes', ctx.title), shown: title }, titleLimit.id);
  }
  if (desc !== ctx.digest.text) s.warn('desc.bytesCut', 'warning', { limit: descLimit.value, length: lengthIn('bytes', ctx.digest.text) }, descLimit.id);
  let y = 12;
  y += chatTime(s, y) + 12;
  const x = 12;
  s.avatar(x, y, AVATAR, '顾', { fill: p.blue });
  const cx = x + AVATAR + 8;
  const sender = '课程顾问';
  const senderW = s.label(sender, { x: cx }, y, F.caption, p.fg1);
  const company = layoutText(`@${env.settings.accountName}`, { font: F.caption, maxWidth: W - cx - senderW - 4 - 12, maxLines: 1 });
  s.lines(company, cx + senderW + 4, y, F.caption, p.orange);
  const w = Math.round(W * 0.64);
  const h = linkCard(s, cx, y + F.caption.lineHeight + 4, w, title, desc);
  return s.finish(y + F.caption.lineHeight + 4 + h + 16, p.bg0);
}

// ——— Service-account messages ———

function layoutTemplateMessage(ctx: Context): SurfaceLayout {
  const s = new Scene(ctx, 'templateMessage');
  const { p } = ctx;
  const valueLimit = limit('template.valueChars');
  let y = 12;
  y += chatTime(s, y) + 12;
  const { x, w } = oaCard(ctx.W);
  const inner = w - 32;
  const ix = x + 16;
  const labelW = 72;
  // Since 2023-05-04 each keyword value shows at most 20 characters, the rest becomes "…" ([T4], [W5]).
  const rows = templateRows(ctx.course).map(([label, value], i) => {
    const cut = cutTo(valueLimit.unit, value, valueLimit.value);
    const shown = cut === value ? value : `${cut}…`;
    if (i === 0 && cut !== value) {
      s.warn('title.templateCut', 'warning', { limit: valueLimit.value, length: lengthIn(valueLimit.unit, value), shown }, valueLimit.id);
    }
    return { label, layout: layoutText(shown, { font: F.body14Relaxed, maxWidth: inner - labelW, maxLines: 2 }), isTitle: i === 0 };
  });
  const rowsH = rows.reduce((h, r) => h + Math.max(r.layout.height, F.body14Relaxed.lineHeight) + 4, 0);
  const footer = 44;
  const bodyH = 16 + F.title17Bold.lineHeight + 12 + rowsH + 12;
  s.rect(x, y, w, bodyH + 1 + footer, p.bg2, 8);
  let cy = y + 16;
  s.label(TEMPLATE_TITLE, { x: ix }, cy, F.title17Bold, p.fg0);
  cy += F.title17Bold.lineHeight + 12;
  for (const row of rows) {
    s.label(row.label, { x: ix }, cy, F.body14Relaxed, p.fg1);
    s.lines(row.layout, ix + labelW, cy, F.body14Relaxed, p.fg0, row.isTitle ? 'title' : 'value');
    cy += Math.max(row.layout.height, F.body14Relaxed.lineHeight) + 4;
  }
  cy += 12;
  s.hairline(ix, cy, inner);
  cy += 1;
  s.label('查看详情', { x: ix }, cy + (footer - F.body15.lineHeight) / 2, F.body15, p.fg0);
  s.icon(x + w - 16 - 16, cy + (footer - 16) / 2, 16, 'chevronRight', p.fg2);
  return s.finish(cy + footer + 16, p.bg0);
}

function layoutMassSendNotice(ctx: Context): SurfaceLayout {
  const s = new Scene(ctx, 'massSendNotice');
  const { p, W, env, device } = ctx;
  const ios = device.platform === 'ios';
  // The system notification: iOS shows up to four lines of text, a collapsed Android notification one.
  const bx = 8;
  const bw = W - 16;
  const inner = bw - 24;
  const bodyLines = ios ? 4 : 1;
  const titleLayout = layoutText(ctx.title, { font: F.body15, maxWidth: inner, maxLines: bodyLines });
  const bh = 12 + 20 + 6 + F.name15Bold.lineHeight + titleLayout.height + 12;
  let y = 12;
  s.rect(bx, y, bw, bh, env.appearance === 'dark' ? '#2C2C2C' : '#F7F7F7', ios ? 14 : 8);
  let cy = y + 12;
  s.rect(bx + 12, cy, 20, 20, p.brand, 5);
  s.icon(bx + 14, cy + 2, 16, 'wechat', '#FFFFFF');
  s.label('微信', { x: bx + 12 + 28 }, cy + (20 - F.small.lineHeight) / 2, F.small, p.fg1);
  s.label('现在', { right: bx + bw - 12 }, cy + (20 - F.small.lineHeight) / 2, F.small, p.fg2);
  cy += 20 + 6;
  const name = layoutText(env.settings.accountName, { font: F.name15Bold, maxWidth: inner, maxLines: 1 });
  cy += s.lines(name, bx + 12, cy, F.name15Bold, p.fg0);
  if (titleLayout.truncated) s.warn('title.cut', 'warning', { lines: bodyLines, visible: titleLayout.visible, hidden: titleLayout.hidden });
  s.lines(titleLayout, bx + 12, cy, F.body15, p.fg0, 'title');
  y += bh + 16;
  // The chat list: a 服务号's mass send arrives as a conversation of its own, with a sound and a badge ([W1]).
  const rowH = 72;
  s.rect(0, y, W, rowH, p.bg2);
  const ax = 16;
  s.avatar(ax, y + 12, 48, env.settings.accountName);
  s.rect(ax + 48 - 9, y + 12 - 6, 18, 18, p.red, 9);
  s.label('1', { center: ax + 48 }, y + 12 - 6, font(12, 18), '#FFFFFF');
  const tx = ax + 48 + 12;
  const timeW = s.label(CHAT_TIME, { right: W - 16 }, y + 14, F.caption, p.fg2);
  const nameRow = layoutText(env.settings.accountName, { font: F.name17, maxWidth: W - tx - 16 - timeW - 8, maxLines: 1 });
  s.lines(nameRow, tx, y + 12, F.name17, p.fg0);
  const preview = layoutText(ctx.title, { font: F.body14, maxWidth: W - tx - 16, maxLines: 1 });
  if (preview.truncated) s.warn('title.cut', 'warning', { lines: 1, visible: preview.visible, hidden: preview.hidden });
  s.lines(preview, tx, y + 12 + F.name17.lineHeight + 4, F.body14, p.fg2, 'title');
  s.hairline(tx, y + rowH - 1, W - tx);
  return s.finish(y + rowH + 12, p.bg0);
}

const LAYOUTS: Record<SurfaceId, (ctx: Context) => SurfaceLayout> = {
  oaLead: layoutOaLead,
  oaSecondary: layoutOaSecondary,
  oaSingle: layoutOaSingle,
  feedStarred: layoutFeedStarred,
  feedRegular: layoutFeedRegular,
  miniProgram: layoutMiniProgram,
  h5Chat: layoutH5Chat,
  h5Moments: layoutH5Moments,
  weComLink: layoutWeComLink,
  templateMessage: layoutTemplateMessage,
  massSendNotice: layoutMassSendNotice,
};

function context(course: PreviewCourse, env: PreviewEnv): Context {
  const device = DEVICES[env.device];
  return {
    course,
    env,
    device,
    W: device.width,
    p: PALETTES[env.appearance],
    title: cardTitle(course),
    digest: digestOf(course, env.settings.limitChoices),
  };
}

/** One surface on its own (the detail view, a single-surface export). */
export function layoutSurface(id: SurfaceId, course: PreviewCourse, env: PreviewEnv): SurfaceLayout {
  return LAYOUTS[id](context(course, env));
}

/** Warnings about the course as a whole: the draft API's limits, the digest, the cover and its crops. */
function courseWarnings(ctx: Context, surfaces: readonly SurfaceId[]): PreviewWarning[] {
  const out: PreviewWarning[] = [];
  const { course, env, title, digest } = ctx;
  const shown = new Set(surfaces);
  const any = (ids: SurfaceId[]) => ids.some((id) => shown.has(id));

  if (!title) out.push(warning('title.empty', 'error', null));
  const titleLimit = chosenLimit(env.settings.limitChoices, 'oa.titleLimit');
  const titleLength = lengthIn(titleLimit.unit, title);
  if (titleLength > titleLimit.value && any(OA_SURFACES)) {
    out.push(warning('title.overLimit', 'error', null, { limit: titleLimit.value, unit: titleLimit.unit, length: titleLength }, titleLimit.id));
  }
  if (any(DIGEST_SURFACES)) {
    if (!digest.fromBody && digest.length > digest.limit) {
      out.push(warning('digest.overLimit', 'warning', null, { limit: digest.limit, length: digest.length, kept: digest.text }, digest.limitId));
    }
    if (digest.fromBody && digest.text) {
      out.push(warning('digest.empty', 'warning', null, { chars: digest.fallbackChars, fallback: digest.text }, digest.fallbackLimitId));
    }
    if (digest.fromBody && !digest.text) out.push(warning('digest.emptyBody', 'info', null, {}, digest.fallbackLimitId));
  }

  const coverSurfaces = surfaces.filter((id) => COVER_OF[id] !== null);
  if (coverSurfaces.length === 0) return out;
  const cover = course.cover;
  if (!cover) {
    out.push(warning('cover.missing', 'error', null));
    return out;
  }
  const maxBytes = limit('oa.cover.maxBytes');
  if (cover.bytes > maxBytes.value) out.push(warning('cover.tooLarge', 'error', null, { bytes: cover.bytes, max: maxBytes.value }, maxBytes.id));
  if (cover.mime === 'image/gif') out.push(warning('cover.gif', 'info', null, {}, maxBytes.id));

  const cropMinimum: Record<CropKind, [Limit, Limit]> = {
    crop235: [limit('oa.crop235.width'), limit('oa.crop235.height')],
    crop11: [limit('oa.crop11.size'), limit('oa.crop11.size')],
  };
  for (const kind of ['crop235', 'crop11'] as const) {
    const users = coverSurfaces.filter((id) => COVER_OF[id] === kind);
    if (users.length === 0) continue;
    if (!course.crops[kind]) out.push(warning('crop.default', 'info', null, { crop: kind }));
    const box = effectiveCrop(course.crops, kind, cover.width, cover.height);
    const pw = Math.round((box.x2 - box.x1) * cover.width);
    const ph = Math.round((box.y2 - box.y1) * cover.height);
    const [needW, needH] = cropMinimum[kind];
    if (pw < needW.value || ph < needH.value) {
      out.push(warning('cover.tooSmall', 'warning', null, { crop: kind, width: pw, height: ph, needWidth: needW.value, needHeight: needH.value }, needW.id));
    }
  }
  if (any(['h5Chat', 'h5Moments']) && cover.bytes > limit('h5.thumb.bytes').value) {
    const icon = { bytes: cover.bytes, max: limit('h5.thumb.bytes').value, iconPx: limit('h5.thumb.size').value };
    out.push(warning('cover.heavyForShareIcon', 'info', null, icon, 'h5.thumb.bytes'));
  }
  return out;
}

/** The key region against each surface's crop: one warning per surface that cuts it. */
function focusWarnings(course: PreviewCourse, surfaces: readonly SurfaceId[]): PreviewWarning[] {
  const focus = course.crops.focus;
  if (!focus || !course.cover) return [];
  const out: PreviewWarning[] = [];
  for (const id of surfaces) {
    const crop = surfaceCrop(course, id);
    if (!crop || containsBox(crop, focus)) continue;
    const crops: Record<string, string> = { crop235: 'crop235', crop11: 'crop11', topLeft54: 'mp54' };
    out.push(warning('focus.outside', 'warning', id, { visible: Math.round(visibleShare(crop, focus) * 100), crop: crops[COVER_OF[id]!]! }));
  }
  return out;
}

/** How long the title and the summary are, in each unit a surface counts. */
function counters(ctx: Context): FieldCounter[] {
  const { env, title, course } = ctx;
  const counter = (field: FieldCounter['field'], l: Limit, used: number, surfaces: SurfaceId[]): FieldCounter => ({
    field,
    limitId: l.id,
    surfaces,
    unit: l.unit,
    used,
    max: l.value,
    over: used > l.value,
  });
  const titleLimit = chosenLimit(env.settings.limitChoices, 'oa.titleLimit');
  const digestLimit = chosenLimit(env.settings.limitChoices, 'oa.digestLimit');
  const wecomTitle = limit('wecom.link.titleBytes');
  const wecomDesc = limit('wecom.link.descBytes');
  const template = limit('template.valueChars');
  const mpLines = limit('mp.title.lines');
  const inner = Math.round(ctx.W * 0.6) - 24;
  const linesNeeded = title ? layoutText(title, { font: F.body15, maxWidth: inner, maxLines: Infinity }).lines.length : 0;
  const summary = course.summary.trim() ? ctx.digest : null;
  return [
    counter('title', titleLimit, lengthIn(titleLimit.unit, title), OA_SURFACES),
    counter('title', wecomTitle, lengthIn('bytes', title), ['weComLink']),
    counter('title', template, lengthIn(template.unit, title), ['templateMessage']),
    counter('title', mpLines, linesNeeded, ['miniProgram']),
    counter('summary', digestLimit, summary ? summary.length : 0, ['oaSingle', 'h5Chat']),
    counter('summary', wecomDesc, lengthIn('bytes', summary ? collapseSummary(course.summary) : ''), ['weComLink']),
  ];
}

function collapseSummary(summary: string): string {
  return summary.replace(/[ \t\r\n\f\v\u00a0]+/g, ' ').trim();
}

function warningKey(w: PreviewWarning): string {
  return `${w.code}|${w.surface ?? ''}|${JSON.stringify(w.params)}`;
}

/**
 * Every surface for a course in one environment, with all warnings and counters: what the gallery shows after each
 * keystroke (tests/bench/preview.ts keeps this under 16 ms).
 */
export function layoutPreview(course: PreviewCourse, env: PreviewEnv, surfaces: readonly SurfaceId[] = SURFACE_IDS): PreviewLayout {
  const ctx = context(course, env);
  const laid = surfaces.map((id) => LAYOUTS[id](ctx));
  for (const w of focusWarnings(course, surfaces)) laid.find((l) => l.id === w.surface)?.warnings.push(w);
  const seen = new Set<string>();
  const warnings: PreviewWarning[] = [];
  for (const w of [...courseWarnings(ctx, surfaces), ...laid.flatMap((l) => l.warnings)]) {
    const key = warningKey(w);
    if (!seen.has(key)) {
      seen.add(key);
      warnings.push(w);
    }
  }
  const rank = { error: 0, warning: 1, info: 2 };
  warnings.sort((a, b) => rank[a.severity] - rank[b.severity]);
  return { env, surfaces: laid, warnings, counters: counters(ctx), digest: { text: ctx.digest.text, fromBody: ctx.digest.fromBody } };
}

/** The course-level warnings and one surface's own, for the detail view of that surface. */
export function warningsForSurface(preview: PreviewLayout, id: SurfaceId): PreviewWarning[] {
  const surface = preview.surfaces.find((s) => s.id === id);
  const own = surface?.warnings ?? [];
  const uses = (w: PreviewWarning): boolean => {
    switch (w.code) {
      case 'title.overLimit':
        return OA_SURFACES.includes(id);
      case 'digest.overLimit':
      case 'digest.empty':
      case 'digest.emptyBody':
        return DIGEST_SURFACES.includes(id);
      case 'cover.missing':
      case 'cover.tooLarge':
      case 'cover.gif':
        return COVER_OF[id] !== null;
      case 'cover.tooSmall':
      case 'crop.default':
        return COVER_OF[id] === w.params.crop;
      case 'cover.heavyForShareIcon':
        return id === 'h5Chat' || id === 'h5Moments';
      default:
        return w.code === 'title.empty';
    }
  };
  const course = preview.warnings.filter((w) => w.surface === null && uses(w));
  return [...course, ...own];
}

