/**
 * Reduces any HTML — paste from Word, web pages, WeChat articles, or whatever reaches the host — to the lesson-body
 * subset of schema.ts. Pure and DOM-free, so the renderer (on paste) and the host (on save, the final word) run the
 * same code.
 *
 * Three passes, each linear in the input:
 * 1. a tolerant tokenizer (text, tags with attributes, comments, Word's `<![if …]>` conditionals, raw-text elements);
 * 2. a tree builder with HTML's common implied closes (a block closes an open `<p>`, an `<li>` closes the previous
 *    one), a depth limit (deeper tags are ignored, their text kept) and unmatched end tags ignored;
 * 3. a conversion to blocks (paragraph, heading, quote, code block, list, divider, figure) of inline runs (text with
 *    bold/italic/underline/strike/code and an allowed inline style), serialized in one canonical form — so
 *    sanitizing is idempotent, and the editor's output passes through unchanged.
 */
import {
  BLOCK_STYLE_PROPERTIES,
  MEDIA_SRC,
  TEXT_STYLE_PROPERTIES,
  WECHAT_IMAGE_SRC,
  styleValueAllowed,
} from './schema';

export interface SanitizeReport {
  /** Images left out because they point somewhere WeChat would filter (other sites, data: or file: URLs). */
  droppedImages: string[];
  /** Elements removed with their content (script, style, iframe, svg, form controls …), by name. */
  droppedElements: string[];
}

export interface SanitizeResult {
  html: string;
  report: SanitizeReport;
}

/** Tags nested deeper than this are ignored (their text is kept): hostile nesting cannot exhaust the stack. */
export const MAX_DEPTH = 128;

// ---- 1. tokenizer -------------------------------------------------------------------------------------------------

type Token =
  | { kind: 'text'; value: string }
  | { kind: 'start'; name: string; attrs: Map<string, string>; selfClosing: boolean }
  | { kind: 'end'; name: string }
  | { kind: 'cond'; open: boolean; condition: string };

/** Elements whose content is not markup: skipped whole, up to their end tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'plaintext', 'template', 'xml']);
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr', 'param', 'keygen']);

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ensp: '\u2002', emsp: '\u2003', thinsp: '\u2009',
  ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’', middot: '·', hellip: '…', mdash: '—', ndash: '–', yen: '¥',
  times: '×', divide: '÷', copy: '©', reg: '®', trade: '™', deg: '°', plusmn: '±', bull: '•', laquo: '«', raquo: '»',
  zwj: '\u200d', zwnj: '\u200c', shy: '\u00ad', cent: '¢', pound: '£', euro: '€', sect: '§', para: '¶',
};

const ENTITY = /&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,9});?/g;

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, body: string) => {
    if (body[0] === '#') {
      const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(cp);
    }
    return NAMED_ENTITIES[body] ?? NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

const TAG_NAME = /[a-zA-Z][^\s/>]*/y;
const ATTR = /[\s/]*([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?/y;
const MAX_ATTRS = 64;
const MAX_ATTR_VALUE = 8192;

/** Where `</name` starts (any case) at or after `from`, or -1; no lower-cased copy (its offsets could differ). */
function findEndTag(html: string, name: string, from: number): number {
  let k = html.indexOf('</', from);
  while (k >= 0) {
    if (html.slice(k + 2, k + 2 + name.length).toLowerCase() === name) {
      const after = html[k + 2 + name.length];
      if (after === undefined || after === '>' || after === '/' || /\s/.test(after)) return k;
    }
    k = html.indexOf('</', k + 2);
  }
  return -1;
}

function tokenize(html: string): Token[] {
  const tokens: Token[] = [];
  const n = html.length;
  let i = 0;
  let textStart = 0;
  const flushText = (end: number) => {
    if (end > textStart) tokens.push({ kind: 'text', value: decodeEntities(html.slice(textStart, end)) });
  };
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    i = lt;
    const next = html[i + 1];
    if (html.startsWith('<!--', i)) {
      flushText(i);
      const close = html.indexOf('-->', i + 4);
      i = close < 0 ? n : close + 3;
      textStart = i;
      continue;
    }
    if (next === '!' || next === '?') {
      flushText(i);
      if (html.startsWith('<![CDATA[', i)) {
        const close = html.indexOf(']]>', i);
        i = close < 0 ? n : close + 3;
      } else {
        const close = html.indexOf('>', i);
        const inner = html.slice(i + 2, close < 0 ? n : close);
        // Word's downlevel-revealed conditionals: <![if !supportLists]> … <![endif]>.
        const cond = /^\[\s*(if\b[^\]]*|endif)\s*\]$/i.exec(inner.trim());
        if (cond) {
          const body = (cond[1] as string).trim();
          tokens.push({ kind: 'cond', open: !/^endif$/i.test(body), condition: body.toLowerCase() });
        }
        i = close < 0 ? n : close + 1;
      }
      textStart = i;
      continue;
    }
    const closing = next === '/';
    TAG_NAME.lastIndex = i + (closing ? 2 : 1);
    const nameMatch = TAG_NAME.exec(html);
    if (!nameMatch) {
      i++; // A lone '<' is text.
      continue;
    }
    flushText(i);
    const name = nameMatch[0].toLowerCase();
    let j = TAG_NAME.lastIndex;
    const attrs = new Map<string, string>();
    let selfClosing = false;
    // Attributes up to the closing '>' (quoted values may contain '>').
    for (;;) {
      while (j < n && /\s/.test(html[j] as string)) j++;
      if (j >= n) break;
      const c = html[j];
      if (c === '>') {
        j++;
        break;
      }
      if (c === '/' && html[j + 1] === '>') {
        selfClosing = true;
        j += 2;
        break;
      }
      ATTR.lastIndex = j;
      const m = ATTR.exec(html);
      if (!m || m[0].length === 0) {
        j++;
        continue;
      }
      j = ATTR.lastIndex;
      const attrName = (m[1] as string).toLowerCase();
      if (!closing && attrs.size < MAX_ATTRS && !attrs.has(attrName)) {
        const raw = m[2] ?? m[3] ?? m[4] ?? '';
        attrs.set(attrName, decodeEntities(raw.length > MAX_ATTR_VALUE ? raw.slice(0, MAX_ATTR_VALUE) : raw));
      }
    }
    i = j;
    if (closing) {
      tokens.push({ kind: 'end', name });
    } else {
      tokens.push({ kind: 'start', name, attrs, selfClosing });
      if (RAW_TEXT.has(name) && !selfClosing) {
        const end = findEndTag(html, name, i);
        i = end < 0 ? n : end;
        if (end >= 0) {
          const gt = html.indexOf('>', end);
          i = gt < 0 ? n : gt + 1;
        }
        tokens.push({ kind: 'end', name });
      }
    }
    textStart = i;
  }
  flushText(n);
  return tokens;
}

// ---- 2. tree -------------------------------------------------------------------------------------------------------

interface ElementNode {
  name: string;
  attrs: Map<string, string>;
  children: TreeNode[];
  /** Word list paragraphs: the marker text Word hid in `<![if !supportLists]>` ("1.", "·", "a)"). */
  listMarker?: string;
}
type TreeNode = ElementNode | string;

/** Opening one of these closes an open `<p>` (HTML's implied end tag). */
const CLOSES_P = new Set([
  'p', 'div', 'section', 'article', 'aside', 'header', 'footer', 'main', 'nav', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'ul', 'ol', 'li', 'blockquote', 'pre', 'table', 'hr', 'figure', 'dl', 'address', 'fieldset', 'form',
]);

function buildTree(tokens: Token[]): ElementNode {
  const root: ElementNode = { name: '#root', attrs: new Map(), children: [] };
  const stack: ElementNode[] = [root];
  let ignoredDepth = 0; // start tags ignored because of the depth limit, whose end tags must be ignored too
  let listSkip = 0; // inside <![if !supportLists]>
  let marker = '';
  const top = () => stack[stack.length - 1] as ElementNode;
  const popTo = (index: number) => {
    stack.length = index;
  };
  const indexOfOpen = (name: string, stopAt?: Set<string>) => {
    for (let k = stack.length - 1; k > 0; k--) {
      const el = stack[k] as ElementNode;
      if (el.name === name) return k;
      if (stopAt?.has(el.name)) return -1;
    }
    return -1;
  };
  for (const token of tokens) {
    if (token.kind === 'cond') {
      if (token.open && token.condition.includes('supportlists')) {
        listSkip++;
        marker = '';
      } else if (!token.open && listSkip > 0) {
        listSkip--;
        if (listSkip === 0) {
          // The marker belongs to the paragraph it sits in.
          for (let k = stack.length - 1; k > 0; k--) {
            const el = stack[k] as ElementNode;
            if (el.name === 'p' || el.name === 'li' || /^h[1-6]$/.test(el.name)) {
              el.listMarker = marker.replace(/\s+/g, '');
              break;
            }
          }
        }
      }
      continue;
    }
    if (listSkip > 0) {
      if (token.kind === 'text') marker += token.value;
      continue;
    }
    if (token.kind === 'text') {
      top().children.push(token.value);
      continue;
    }
    if (token.kind === 'start') {
      const name = token.name;
      if (CLOSES_P.has(name)) {
        const p = indexOfOpen('p', CLOSES_P);
        if (p > 0) popTo(p);
      }
      if (name === 'li') {
        const li = indexOfOpen('li', new Set(['ul', 'ol']));
        if (li > 0) popTo(li);
      }
      const el: ElementNode = { name, attrs: token.attrs, children: [] };
      if (VOID.has(name) || token.selfClosing) {
        top().children.push(el);
        continue;
      }
      if (stack.length > MAX_DEPTH) {
        ignoredDepth++;
        continue;
      }
      top().children.push(el);
      stack.push(el);
      continue;
    }
    // End tag.
    const at = indexOfOpen(token.name);
    if (at > 0) popTo(at);
    else if (ignoredDepth > 0) ignoredDepth--;
  }
  return root;
}

// ---- 3. blocks and inline runs -----------------------------------------------------------------------------------

const BOLD = 1;
const ITALIC = 2;
const UNDERLINE = 4;
const STRIKE = 8;
const CODE = 16;

interface Run {
  text: string;
  marks: number;
  /** Canonical text style ("color: #333; font-size: 15px") or ''. */
  style: string;
  br?: true;
}

type Block =
  | { t: 'p'; style: string; runs: Run[]; explicit: boolean; list?: { ordered: boolean; level: number } }
  | { t: 'h'; level: number; style: string; runs: Run[] }
  | { t: 'quote'; blocks: Block[] }
  | { t: 'pre'; text: string }
  | { t: 'list'; ordered: boolean; items: Block[][] }
  | { t: 'hr' }
  | { t: 'figure'; src: string; alt: string; caption: Run[] };

/** Removed with everything inside them. */
const DROP = new Set([
  'script', 'style', 'head', 'title', 'meta', 'link', 'base', 'svg', 'math', 'object', 'embed', 'iframe', 'frame',
  'frameset', 'noscript', 'template', 'button', 'input', 'select', 'option', 'textarea', 'form', 'canvas', 'video',
  'audio', 'source', 'track', 'map', 'area', 'xml', 'applet', 'param', 'picture', 'dialog', 'portal', 'colgroup', 'col',
]);
/** Containers whose content is kept, each a block boundary. */
const CONTAINERS = new Set([
  '#root', 'html', 'body', 'div', 'section', 'article', 'aside', 'header', 'footer', 'main', 'nav', 'center', 'table',
  'tbody', 'thead', 'tfoot', 'tr', 'td', 'th', 'caption', 'dl', 'dt', 'dd', 'address', 'details', 'summary',
  'fieldset', 'legend', 'hgroup', 'search', 'menu',
]);
const MARK_OF: Record<string, number> = {
  strong: BOLD, b: BOLD, em: ITALIC, i: ITALIC, cite: ITALIC, var: ITALIC, dfn: ITALIC, u: UNDERLINE, ins: UNDERLINE,
  s: STRIKE, strike: STRIKE, del: STRIKE, code: CODE, kbd: CODE, samp: CODE, tt: CODE,
};

interface InlineContext {
  marks: number;
  /** Text style properties in force, in order. */
  style: Map<string, string>;
  /** Block style properties inherited from containers (text-align, line-height and text-indent inherit in CSS). */
  block: Map<string, string>;
}

/** Text properties that CSS inherits; background-color does not, so it is taken from inline elements only. */
const INHERITED_TEXT = new Set(['color', 'font-size', 'letter-spacing']);
const INLINE_ONLY = new Set(['span', 'font', 'a', 'strong', 'b', 'em', 'i', 'u', 's', 'strike', 'del', 'ins', 'code', 'mark', 'sub', 'sup', 'small', 'big', 'cite', 'var', 'dfn', 'kbd', 'samp', 'tt', 'abbr', 'q', 'label', 'time', 'o:p']);

/** A style attribute as ordered (property, value) pairs, lower-cased properties, `!important` dropped. */
function parseStyle(style: string | undefined): Array<[string, string]> {
  if (!style) return [];
  const out: Array<[string, string]> = [];
  for (const decl of style.split(';')) {
    const colon = decl.indexOf(':');
    if (colon < 0) continue;
    const prop = decl.slice(0, colon).trim().toLowerCase();
    const value = decl.slice(colon + 1).replace(/!\s*important/i, '').trim();
    if (prop && value) out.push([prop, value]);
  }
  return out;
}

function formatStyle(props: Iterable<[string, string]>): string {
  return [...props].map(([p, v]) => `${p}: ${v}`).join('; ');
}

/** The block properties of an element's style attribute, over the ones it inherits. */
function blockProps(inherited: Map<string, string>, attr: string | undefined): Map<string, string> {
  const kept = new Map(inherited);
  for (const [p, v] of parseStyle(attr)) {
    if ((BLOCK_STYLE_PROPERTIES as readonly string[]).includes(p) && styleValueAllowed(p, v)) kept.set(p, v.replace(/\s+/g, ' ').toLowerCase());
  }
  return kept;
}

function blockStyle(props: Map<string, string>): string {
  return formatStyle(BLOCK_STYLE_PROPERTIES.filter((p) => props.has(p)).map((p) => [p, props.get(p) as string]));
}

/** Applies an element's style attribute to the inline context: marks from weight/style/decoration, text properties. */
function inlineContext(ctx: InlineContext, el: ElementNode): InlineContext {
  let marks = ctx.marks | (MARK_OF[el.name] ?? 0);
  const style = new Map(ctx.style);
  const inline = INLINE_ONLY.has(el.name);
  const block = inline ? ctx.block : blockProps(ctx.block, el.attrs.get('style'));
  const color = el.name === 'font' ? el.attrs.get('color') : undefined;
  if (color && styleValueAllowed('color', color)) style.set('color', color.trim().toLowerCase());
  for (const [p, v] of parseStyle(el.attrs.get('style'))) {
    const value = v.toLowerCase();
    if (p === 'font-weight') {
      if (/^(bold|bolder|[6-9]00)$/.test(value)) marks |= BOLD;
      else if (/^(normal|lighter|[1-4]00)$/.test(value)) marks &= ~BOLD; // Google Docs wraps everything in <b style="font-weight:normal">
    } else if (p === 'font-style') {
      if (/^(italic|oblique)/.test(value)) marks |= ITALIC;
      else if (value === 'normal') marks &= ~ITALIC;
    } else if (p === 'text-decoration' || p === 'text-decoration-line') {
      if (value.includes('underline')) marks |= UNDERLINE;
      if (value.includes('line-through')) marks |= STRIKE;
    } else if ((TEXT_STYLE_PROPERTIES as readonly string[]).includes(p) && styleValueAllowed(p, v) && (inline || INHERITED_TEXT.has(p))) {
      style.set(p, value.replace(/\s+/g, ' '));
    }
  }
  return { marks, style, block };
}

function styleKey(style: Map<string, string>): string {
  return formatStyle(TEXT_STYLE_PROPERTIES.filter((p) => style.has(p)).map((p) => [p, style.get(p) as string]));
}

function attrOf(el: ElementNode, name: string): string {
  return el.attrs.get(name) ?? '';
}

/** Text of a subtree for code blocks: line breaks from <br> and block ends kept, everything else as text. */
function preText(node: TreeNode, out: string[]): void {
  if (typeof node === 'string') {
    out.push(node);
    return;
  }
  if (DROP.has(node.name)) return;
  if (node.name === 'br') {
    out.push('\n');
    return;
  }
  for (const child of node.children) preText(child, out);
  if (node.name === 'p' || node.name === 'div' || node.name === 'li') out.push('\n');
}

function imageSource(el: ElementNode, report: SanitizeReport): string | null {
  // WeChat articles lazy-load: the real address is in data-src, src holds a placeholder.
  const candidates = [attrOf(el, 'data-src'), attrOf(el, 'src')].map((s) => s.trim()).filter((s) => s.length > 0);
  for (const candidate of candidates) {
    if (MEDIA_SRC.test(candidate)) return candidate;
    if (WECHAT_IMAGE_SRC.test(candidate)) return candidate.replace(/^http:/, 'https:');
  }
  const shown = candidates.find((c) => !c.startsWith('data:image/svg')) ?? candidates[0];
  if (shown !== undefined) report.droppedImages.push(shown.length > 200 ? `${shown.slice(0, 200)}…` : shown);
  return null;
}

class Converter {
  readonly report: SanitizeReport = { droppedImages: [], droppedElements: [] };

  /** The blocks of a container's children. */
  blocks(children: TreeNode[], inherited: InlineContext = { marks: 0, style: new Map(), block: new Map() }): Block[] {
    const out: Block[] = [];
    let para: Extract<Block, { t: 'p' }> | null = null;
    const flush = () => {
      if (para) {
        finishRuns(para.runs);
        if (para.runs.length > 0 || para.explicit) out.push(para);
      }
      para = null;
    };
    const inline = (ctx: InlineContext): Run[] => {
      para ??= { t: 'p', style: blockStyle(ctx.block), runs: [], explicit: false };
      return para.runs;
    };
    const walk = (node: TreeNode, ctx: InlineContext): void => {
      if (typeof node === 'string') {
        if (node.length > 0) inline(ctx).push({ text: node, marks: ctx.marks, style: styleKey(ctx.style) });
        return;
      }
      const name = node.name;
      if (DROP.has(name) || name.startsWith('v:') || name.startsWith('w:') || name.startsWith('m:')) {
        if (!this.report.droppedElements.includes(name)) this.report.droppedElements.push(name);
        return;
      }
      if (CONTAINERS.has(name)) {
        flush();
        // Text styles inherit (WeChat articles set colour and size on <section>s); block styles stay with blocks.
        const childCtx = inlineContext(ctx, node);
        for (const child of node.children) walk(child, childCtx);
        flush();
        return;
      }
      switch (name) {
        case 'p':
        case 'h1':
        case 'h2':
        case 'h3':
        case 'h4':
        case 'h5':
        case 'h6':
        case 'li': {
          flush();
          const childCtx = inlineContext(ctx, node);
          // An empty paragraph is kept only when it was written empty (a blank line), not emptied by what was removed.
          const own: Extract<Block, { t: 'p' }> = { t: 'p', style: blockStyle(childCtx.block), runs: [], explicit: (name === 'p' || name === 'li') && writtenEmpty(node) };
          const msoList = /mso-list:\s*l\d+\s+level(\d)/i.exec(attrOf(node, 'style'));
          if (msoList || node.listMarker !== undefined) {
            own.list = { ordered: /^[(\d]|^[a-z]{1,3}[.)]/i.test(node.listMarker ?? ''), level: Number(msoList?.[1] ?? 1) };
            // Word indents list paragraphs to draw the list; the list itself indents now.
            own.style = blockStyle(blockProps(ctx.block, formatStyle(parseStyle(attrOf(node, 'style')).filter(([p]) => p === 'text-align'))));
          }
          para = own;
          for (const child of node.children) walk(child, childCtx);
          if (name[0] === 'h' && name !== 'li') {
            // Only the heading's own first paragraph becomes the heading; blocks inside it stay what they are.
            const level = Math.min(Number(name[1]), 4);
            if (para === own) {
              finishRuns(own.runs);
              para = null;
              if (own.runs.length > 0) out.push({ t: 'h', level, style: own.style, runs: own.runs });
            } else {
              flush();
            }
          } else {
            flush();
          }
          return;
        }
        case 'br':
          inline(ctx).push({ text: '', marks: ctx.marks, style: '', br: true });
          return;
        case 'hr':
          flush();
          out.push({ t: 'hr' });
          return;
        case 'pre': {
          flush();
          const parts: string[] = [];
          for (const child of node.children) preText(child, parts);
          const text = parts.join('').replace(/^\n/, '').replace(/\n$/, '').replace(/\r\n?/g, '\n');
          if (text.trim().length > 0) out.push({ t: 'pre', text });
          return;
        }
        case 'blockquote': {
          flush();
          const inner = this.blocks(node.children, ctx);
          if (inner.length > 0) out.push({ t: 'quote', blocks: inner });
          return;
        }
        case 'ul':
        case 'ol': {
          flush();
          const items: Block[][] = [];
          let loose: TreeNode[] = [];
          const endLoose = () => {
            if (loose.length === 0) return;
            const blocks = this.blocks(loose, ctx);
            if (blocks.length > 0) {
              // Text between items belongs to the item before it (or starts one).
              if (items.length > 0) (items[items.length - 1] as Block[]).push(...blocks);
              else items.push(blocks);
            }
            loose = [];
          };
          for (const child of node.children) {
            if (typeof child !== 'string' && child.name === 'li') {
              endLoose();
              items.push(this.blocks(child.children, inlineContext(ctx, child)));
            } else if (typeof child === 'string' && child.trim() === '') {
              continue;
            } else {
              loose.push(child);
            }
          }
          endLoose();
          if (items.length > 0) out.push({ t: 'list', ordered: name === 'ol', items: items.map(listItem) });
          return;
        }
        case 'figure': {
          const img = findFirst(node, 'img');
          if (!img) break;
          flush();
          const src = imageSource(img, this.report);
          const captionNode = findFirst(node, 'figcaption');
          if (src) {
            const caption = captionNode ? this.inlineOf(captionNode, ctx) : [];
            out.push({ t: 'figure', src, alt: attrOf(img, 'alt').slice(0, 200), caption });
          } else if (captionNode) {
            out.push(...this.blocks([{ ...captionNode, name: 'p' }], ctx));
          }
          return;
        }
        case 'img': {
          const src = imageSource(node, this.report);
          if (!src) return;
          // Images are blocks: the paragraph around one is split, keeping its style on both halves.
          const style = para?.style ?? '';
          const list = para?.list;
          flush();
          out.push({ t: 'figure', src, alt: attrOf(node, 'alt').slice(0, 200), caption: [] });
          para = { t: 'p', style, runs: [], explicit: false, ...(list ? { list } : {}) };
          return;
        }
        case 'figcaption':
          break;
        default:
          break;
      }
      // Inline elements (marks, span, font, a, sub, sup, unknown tags): their content, with their formatting.
      const childCtx = inlineContext(ctx, node);
      for (const child of node.children) walk(child, childCtx);
    };
    for (const child of children) walk(child, inherited);
    flush();
    return groupWordLists(out);
  }

  private inlineOf(el: ElementNode, ctx: InlineContext): Run[] {
    const blocks = this.blocks([{ ...el, name: 'p' }], ctx);
    const runs: Run[] = [];
    for (const b of blocks) {
      if (b.t !== 'p' && b.t !== 'h') continue;
      if (runs.length > 0) runs.push({ text: ' ', marks: 0, style: '' });
      runs.push(...b.runs.filter((r) => !r.br));
    }
    finishRuns(runs);
    return runs;
  }
}

/** Whether an element holds nothing but whitespace and line breaks (a paragraph written as a blank line). */
function writtenEmpty(node: ElementNode): boolean {
  return node.children.every((c) =>
    typeof c === 'string' ? /^[\t\n\r\f ]*$/.test(c) : c.name === 'br' || (INLINE_ONLY.has(c.name) && writtenEmpty(c)),
  );
}

function findFirst(node: ElementNode, name: string): ElementNode | null {
  for (const child of node.children) {
    if (typeof child === 'string') continue;
    if (child.name === name) return child;
    const found = findFirst(child, name);
    if (found) return found;
  }
  return null;
}

/** A list item starts with a paragraph (the editor's list item is `paragraph block*`). */
function listItem(blocks: Block[]): Block[] {
  const first = blocks[0];
  if (first?.t === 'p') return blocks.map((b) => (b.t === 'p' ? { ...b, list: undefined } : b));
  if (first?.t === 'h') return [{ t: 'p', style: first.style, runs: first.runs, explicit: true }, ...blocks.slice(1)];
  return [{ t: 'p', style: '', runs: [], explicit: true }, ...blocks];
}

/** Word's list paragraphs (mso-list) become real lists, nested by their level. */
function groupWordLists(blocks: Block[]): Block[] {
  if (!blocks.some((b) => b.t === 'p' && b.list)) return blocks;
  const out: Block[] = [];
  let k = 0;
  while (k < blocks.length) {
    const b = blocks[k] as Block;
    if (b.t !== 'p' || !b.list) {
      out.push(b);
      k++;
      continue;
    }
    let end = k;
    while (end < blocks.length) {
      const c = blocks[end] as Block;
      if (c.t === 'p' && c.list) end++;
      else break;
    }
    out.push(nestList(blocks.slice(k, end) as Array<Extract<Block, { t: 'p' }>>));
    k = end;
  }
  return out;
}

function nestList(paras: Array<Extract<Block, { t: 'p' }>>): Block {
  const base = Math.min(...paras.map((p) => p.list?.level ?? 1));
  const list: Extract<Block, { t: 'list' }> = { t: 'list', ordered: paras[0]?.list?.ordered ?? false, items: [] };
  let k = 0;
  while (k < paras.length) {
    const p = paras[k] as Extract<Block, { t: 'p' }>;
    const item: Block[] = [{ t: 'p', style: p.style, runs: p.runs, explicit: true }];
    k++;
    const start = k;
    while (k < paras.length && ((paras[k] as Extract<Block, { t: 'p' }>).list?.level ?? 1) > base) k++;
    if (k > start) item.push(nestList(paras.slice(start, k)));
    list.items.push(item);
  }
  return list;
}

/** Collapses HTML whitespace, trims the ends of a paragraph, drops a trailing <br>, merges equal neighbours. */
function finishRuns(runs: Run[]): void {
  for (const r of runs) if (!r.br) r.text = r.text.replace(/[\t\n\r\f ]+/g, ' ');
  // Spaces at a paragraph's edges, around line breaks and after another space are not shown.
  let afterSpace = true;
  for (const r of runs) {
    if (r.br) {
      afterSpace = true;
      continue;
    }
    if (afterSpace) r.text = r.text.replace(/^ /, '');
    if (r.text.length > 0) afterSpace = r.text.endsWith(' ');
  }
  let beforeBreak = true;
  for (let k = runs.length - 1; k >= 0; k--) {
    const r = runs[k] as Run;
    if (r.br) {
      beforeBreak = true;
      continue;
    }
    if (beforeBreak) r.text = r.text.replace(/ $/, '');
    if (r.text.length > 0) beforeBreak = false;
  }
  let w = 0;
  for (const r of runs) {
    if (!r.br && r.text.length === 0) continue;
    if (r.marks & CODE) {
      r.marks = CODE; // code excludes other marks in the editor
      r.style = '';
    }
    const last = runs[w - 1];
    if (last && !last.br && !r.br && last.marks === r.marks && last.style === r.style) {
      last.text += r.text;
      continue;
    }
    runs[w++] = r;
  }
  runs.length = w;
  while (runs.length > 0 && (runs[runs.length - 1] as Run).br) runs.pop();
}

// ---- serializer -----------------------------------------------------------------------------------------------------

function escapeText(text: string): string {
  return text.replace(/[&<>\u00a0]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&nbsp;'));
}

function escapeAttr(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

const MARK_TAGS: Array<[number, string]> = [
  [BOLD, 'strong'],
  [ITALIC, 'em'],
  [UNDERLINE, 'u'],
  [STRIKE, 's'],
  [CODE, 'code'],
];

function serializeRuns(runs: Run[], out: string[]): void {
  for (const r of runs) {
    if (r.br) {
      out.push('<br>');
      continue;
    }
    let open = '';
    let close = '';
    for (const [bit, tag] of MARK_TAGS) {
      if (r.marks & bit) {
        open += `<${tag}>`;
        close = `</${tag}>${close}`;
      }
    }
    if (r.style) {
      open += `<span style="${escapeAttr(r.style)}">`;
      close = `</span>${close}`;
    }
    out.push(open, escapeText(r.text), close);
  }
}

function serializeBlocks(blocks: Block[], out: string[]): void {
  for (const b of blocks) {
    switch (b.t) {
      case 'p':
        out.push(b.style ? `<p style="${escapeAttr(b.style)}">` : '<p>');
        serializeRuns(b.runs, out);
        out.push('</p>');
        break;
      case 'h':
        out.push(b.style ? `<h${b.level} style="${escapeAttr(b.style)}">` : `<h${b.level}>`);
        serializeRuns(b.runs, out);
        out.push(`</h${b.level}>`);
        break;
      case 'quote':
        out.push('<blockquote>');
        serializeBlocks(b.blocks, out);
        out.push('</blockquote>');
        break;
      case 'pre':
        out.push('<pre><code>', escapeText(b.text), '</code></pre>');
        break;
      case 'list': {
        const tag = b.ordered ? 'ol' : 'ul';
        out.push(`<${tag}>`);
        for (const item of b.items) {
          out.push('<li>');
          serializeBlocks(item, out);
          out.push('</li>');
        }
        out.push(`</${tag}>`);
        break;
      }
      case 'hr':
        out.push('<hr>');
        break;
      case 'figure':
        out.push(`<figure><img src="${escapeAttr(b.src)}" alt="${escapeAttr(b.alt)}"><figcaption>`);
        serializeRuns(b.caption, out);
        out.push('</figcaption></figure>');
        break;
    }
  }
}

/** Any HTML reduced to the lesson-body subset, with what was left out. */
export function sanitizeRichText(html: string): SanitizeResult {
  const tree = buildTree(tokenize(html));
  const converter = new Converter();
  const blocks = converter.blocks(tree.children);
  const out: string[] = [];
  serializeBlocks(blocks, out);
  return { html: out.join(''), report: converter.report };
}
