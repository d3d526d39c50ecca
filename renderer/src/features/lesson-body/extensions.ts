/**
 * The lesson editor's TipTap schema: exactly the subset of shared/rich-text/schema.ts — paragraphs and headings
 * (h1–h4) with block styles, lists, quotes, code blocks, dividers, figures (an image with a caption), bold, italic,
 * underline, strike, inline code and a text style span. No links (WeChat keeps links only to its own articles; the
 * sanitizer unwraps them). Undo/redo is TipTap's own history (see docs/ARCHITECTURE.md, lesson bodies).
 */
import { Extension, Mark, Node, mergeAttributes, type Extensions } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import type { Node as PmNode } from '@tiptap/pm/model';
import { HEADING_LEVELS, mediaHashOf } from '../../../../shared/rich-text/schema';

export interface FigureOptions {
  /** A URL the page can show for a stored image. */
  mediaUrl: (hash: string) => string;
  /** The placeholder's text for an image on WeChat's CDN (the page's CSP loads images from the studio only). */
  remoteLabel: string;
}

/** An image with a caption: `<figure><img src alt><figcaption>…</figcaption></figure>`. */
export const Figure = Node.create<FigureOptions>({
  name: 'figure',
  group: 'block',
  content: 'inline*',
  marks: '_',
  draggable: true,
  isolating: true,
  addOptions() {
    return { mediaUrl: (hash) => hash, remoteLabel: 'WeChat image' };
  },
  addAttributes() {
    return {
      src: { default: '', parseHTML: (el) => el.querySelector('img')?.getAttribute('src') ?? '', renderHTML: () => ({}) },
      alt: { default: '', parseHTML: (el) => el.querySelector('img')?.getAttribute('alt') ?? '', renderHTML: () => ({}) },
    };
  },
  parseHTML() {
    return [{ tag: 'figure', contentElement: 'figcaption' }];
  },
  renderHTML({ node }) {
    return ['figure', ['img', { src: node.attrs.src as string, alt: node.attrs.alt as string }], ['figcaption', 0]];
  },
  addNodeView() {
    const { mediaUrl, remoteLabel } = this.options;
    return ({ node }) => {
      const dom = document.createElement('figure');
      dom.className = 'lesson-figure';
      const caption = document.createElement('figcaption');
      let shownSrc = '';
      let picture: HTMLElement = document.createElement('span');
      const show = (n: PmNode) => {
        const src = n.attrs.src as string;
        if (src === shownSrc) return;
        shownSrc = src;
        const hash = mediaHashOf(src);
        let next: HTMLElement;
        if (hash) {
          const img = document.createElement('img');
          img.src = mediaUrl(hash);
          img.alt = n.attrs.alt as string;
          img.dataset.mediaHash = hash;
          next = img;
        } else {
          next = document.createElement('div');
          next.className = 'lesson-figure-remote';
          next.textContent = remoteLabel;
          next.title = src;
        }
        next.contentEditable = 'false';
        picture.replaceWith(next);
        picture = next;
      };
      dom.append(picture, caption);
      show(node);
      return {
        dom,
        contentDOM: caption,
        update: (updated) => {
          if (updated.type.name !== 'figure') return false;
          show(updated);
          return true;
        },
        // The picture is not editable content: clicks on it select the node, not text.
        ignoreMutation: (mutation) => !caption.contains(mutation.target),
      };
    };
  },
});

/** A text style span (`<span style>` with colour, background, size, letter spacing — already sanitized). */
export const InlineStyle = Mark.create({
  name: 'inlineStyle',
  // Lower than the other marks, so the span is the innermost element, as the sanitizer writes it.
  priority: 50,
  addAttributes() {
    return {
      style: { default: null, parseHTML: (el) => el.getAttribute('style'), renderHTML: (attrs) => (attrs.style ? { style: attrs.style as string } : {}) },
    };
  },
  parseHTML() {
    return [{ tag: 'span[style]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['span', mergeAttributes(HTMLAttributes), 0];
  },
});

/** Block styles (text-align, text-indent, line-height) on paragraphs and headings. */
export const BlockStyle = Extension.create({
  name: 'blockStyle',
  addGlobalAttributes() {
    return [
      {
        types: ['paragraph', 'heading'],
        attributes: {
          style: { default: null, parseHTML: (el) => el.getAttribute('style'), renderHTML: (attrs) => (attrs.style ? { style: attrs.style as string } : {}) },
        },
      },
    ];
  },
});

/** A span of the doc to highlight: [from, to) in ProseMirror positions, with a class. */
export interface Highlight {
  from: number;
  to: number;
  className: string;
  title: string;
}

export const highlightKey = new PluginKey<DecorationSet>('complianceHighlights');

/**
 * Compliance highlights as decorations. They are set by a transaction meta and mapped through edits; the editor
 * component never sets them while an IME composition is open (a decoration change there would redraw the text the
 * IME owns and split the candidate).
 */
export const ComplianceHighlights = Extension.create({
  name: 'complianceHighlights',
  addProseMirrorPlugins() {
    return [
      new Plugin<DecorationSet>({
        key: highlightKey,
        state: {
          init: () => DecorationSet.empty,
          apply(tr, set) {
            const next = tr.getMeta(highlightKey) as Highlight[] | undefined;
            if (next) {
              return DecorationSet.create(
                tr.doc,
                next.map((h) => Decoration.inline(h.from, h.to, { class: h.className, title: h.title, 'data-cx-hit': '' })),
              );
            }
            return set.map(tr.mapping, tr.doc);
          },
        },
        props: {
          decorations(state) {
            return highlightKey.getState(state);
          },
        },
      }),
    ];
  },
});

export function lessonExtensions(figure: FigureOptions, placeholder: string): Extensions {
  return [
    StarterKit.configure({
      heading: { levels: [...HEADING_LEVELS] },
      link: false,
      // The trailing paragraph would add an empty <p> the creator never wrote.
      trailingNode: false,
    }),
    BlockStyle,
    InlineStyle,
    Figure.configure(figure),
    ComplianceHighlights,
    Extension.create({
      name: 'placeholderAttr',
      addProseMirrorPlugins() {
        return [new Plugin({ props: { attributes: { 'data-placeholder': placeholder } } })];
      },
    }),
  ];
}

/**
 * The doc's text the way the compliance scanner reads a body (richTextToText: text, a line break between blocks),
 * with each text character's ProseMirror position, so findings map back onto the doc.
 */
export function docText(doc: PmNode): { text: string; positions: number[] } {
  const parts: string[] = [];
  const positions: number[] = [];
  let first = true;
  doc.descendants((node, pos) => {
    if (node.isTextblock) {
      if (!first) {
        parts.push('\n');
        positions.push(pos);
      }
      first = false;
      return true;
    }
    if (node.isText) {
      const text = node.text ?? '';
      parts.push(text);
      for (let k = 0; k < text.length; k++) positions.push(pos + k);
      return false;
    }
    if (node.type.name === 'hardBreak') {
      parts.push('\n');
      positions.push(pos);
    }
    return true;
  });
  return { text: parts.join(''), positions };
}
